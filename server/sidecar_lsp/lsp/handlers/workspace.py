"""LSP handlers for the whole Copilot workspace and each environment as it will deploy.

* Diagnostics: a manifest in a ``copilot/`` workspace gets its findings judged against the other
  files and the cross-file rules (``core.workspace_rules``); when its facts change (an environment
  folder, a topic), the open files that read them are re-published, and only those. Only
  publishing changes what the workspace holds of an open document (:meth:`WorkspaceFeatures.take`);
  a request such as a code action reads it (:meth:`WorkspaceFeatures.findings`) and changes nothing.
* ``workspace/didChangeWatchedFiles`` (registered when the client allows it) keeps files that are
  not open current; an open document's unsaved text always wins over the disk.
* Code lens on each ``environments.<env>`` key runs ``sidecarLsp.showMerged``, which renders the
  manifest for that environment (``core.render``) under a ``sidecar-lsp-merged:`` URI, asks the
  client to show it (``window/showDocument``) and returns ``{uri, text}``. The text of such a URI is
  answered by the ``sidecarLsp/merged`` request (VS Code's content provider asks it), and
  ``textDocument/definition`` in it (routed here by navigation's handler, the one for that method)
  lands on the source line that set the value.

All state here is touched on the event loop only.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from lsprotocol import types
from pygls import uris

from sidecar_lsp.core.decoding.kinds import WORKLOAD_TYPES, manifest_kind
from sidecar_lsp.core.manifest.merge import ENVIRONMENTS_KEY
from sidecar_lsp.core.manifest.render import Rendering, override_count, render
from sidecar_lsp.core.model import Finding
from sidecar_lsp.core.workspace.model import Workspace, Workspaces, find_root
from sidecar_lsp.core.workspace.rules import findings_in_workspace
from sidecar_lsp.core.yaml.tree import Mapping, own_entries
from sidecar_lsp.lsp import convert as lsp_convert

if TYPE_CHECKING:
    from pygls.workspace import TextDocument

    from sidecar_lsp.core.check.analyze import Analysis
    from sidecar_lsp.lsp.server import SidecarLanguageServer

logger = logging.getLogger(__name__)

MERGED_SCHEME = "sidecar-lsp-merged"
SHOW_MERGED = "sidecarLsp.showMerged"
MERGED_REQUEST = "sidecarLsp/merged"
DEFAULT_APP = "app"
WATCHED = ["**/copilot/**/manifest.yml", "**/copilot/.workspace", "**/copilot/*/overrides/**"]


def merged_uri(source_uri: str, env: str) -> str:
    """``sidecar-lsp-merged:///path/to/copilot/api/manifest.yml%20(prod)?env=prod`` (a URL to every editor)."""
    path = uris.to_fs_path(source_uri) or urlsplit(source_uri).path
    # The " (prod)" suffix names the editor tab "manifest.yml (prod)"; the query says the same for parsing.
    return f"{MERGED_SCHEME}://{quote(f'{path} ({env})')}?env={quote(env, safe='')}"


def parse_merged_uri(uri: str) -> tuple[str, str] | None:
    """The source document's URI and the environment of a merged URI, or None."""
    parts = urlsplit(uri)
    if parts.scheme != MERGED_SCHEME:
        return None
    env = parse_qs(unquote(parts.query)).get("env", [""])[0]  # VS Code may send "env%3Dprod"
    path = unquote(parts.path).removesuffix(f" ({env})")
    source = uris.from_fs_path(path)
    return (source, env) if source and env else None


@dataclass
class WorkspaceFeatures:
    """The workspaces of the open documents and the renderings shown."""

    server: SidecarLanguageServer
    workspaces: Workspaces
    watching: bool = False

    # --- diagnostics

    def take(self, uri: str, doc: TextDocument, analysis: Analysis) -> None:
        """The document's diagnostics are being published: its workspace takes its text.

        The one place an open document's text enters a workspace (found, and read from disk, the
        first time); the open documents that read a fact it changed are re-published, and the
        workspace's files are watched from then on (when the client allows it).
        """
        found = self._locate(uri)
        if found is None:
            return
        workspace, rel = found
        if workspace.set_text(rel, doc.source, analysis.document, unsaved=True):
            self._recheck(workspace, rel, uri)
        self._watch()

    def findings(self, uri: str, doc: TextDocument, analysis: Analysis) -> list[Finding]:
        """The document's findings judged in its workspace, plus the cross-file ones; changes nothing.

        A text the workspace has not taken yet (its diagnostics are still to come) is judged in a
        copy that holds it; a workspace no publish has found yet is not looked for.
        """
        found = self._locate(uri, scan=False)
        if found is None:
            return analysis.findings
        workspace, rel = found
        view = workspace.with_text(rel, doc.source, analysis.document)
        return findings_in_workspace(view, rel, analysis.findings)

    def closed(self, uri: str) -> None:
        """An editor closed the document: its unsaved edits are gone, the disk's text counts again."""
        found = self._locate(uri, scan=False)
        if found is not None and found[0].reload(found[1]):
            self._recheck(found[0], found[1], uri)

    def environments(self, uri: str) -> list[str]:
        found = self._locate(uri, scan=False)
        return found[0].environments() if found else []

    def watched_files_changed(self, params: types.DidChangeWatchedFilesParams) -> None:
        for change in params.changes:
            path = uris.to_fs_path(change.uri)
            root = find_root(path) if path else None
            workspace = self.workspaces.by_root.get(root) if root else None
            rel = workspace.rel(path) if workspace and path else None
            if workspace is None or rel is None:
                continue
            if change.type != types.FileChangeType.Deleted and self.server.open_document(change.uri):
                continue  # the editor's text of an open document counts, not the disk's
            if workspace.reload(rel):
                self._recheck(workspace, rel, change.uri)

    def _locate(self, uri: str, *, scan: bool = True) -> tuple[Workspace, str] | None:
        path = uris.to_fs_path(uri)
        if path is None:
            return None
        if not scan:
            root = find_root(path)
            if root is None or root not in self.workspaces.by_root:
                return None
        return self.workspaces.for_path(path)

    def _recheck(self, workspace: Workspace, rel: str, origin: str) -> None:
        """Publish again the open documents that read a fact of ``rel`` (their own analyses are cached)."""
        for dependent in workspace.dependents(rel):
            dependent_uri = uris.from_fs_path(str(workspace.root / dependent))
            if dependent_uri and dependent_uri != origin and self.server.open_document(dependent_uri):
                self.server.diagnostics.schedule(dependent_uri, debounce=False)

    def _watch(self) -> None:
        if self.watching:
            return
        self.watching = True
        caps = self.server.client_capabilities.workspace
        watched = caps.did_change_watched_files if caps else None
        if watched is None or not watched.dynamic_registration:
            return
        options = types.DidChangeWatchedFilesRegistrationOptions(
            watchers=[types.FileSystemWatcher(glob_pattern=pattern) for pattern in WATCHED]
        )
        registration = types.Registration(
            id="sidecar-lsp-workspace-files",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=options,
        )
        asyncio.ensure_future(self._register(types.RegistrationParams(registrations=[registration])))

    async def _register(self, params: types.RegistrationParams) -> None:
        try:
            await self.server.client_register_capability_async(params)
        except Exception as error:  # the client refused: files that are not open are read once
            logger.warning("registering the file watchers failed: %s", error)

    # --- renderings

    def rendering(self, source_uri: str, env: str) -> Rendering | None:
        """The source document (its unsaved text when open) rendered for ``env``."""
        doc = self.server.workspace.get_text_document(source_uri)
        path = uris.to_fs_path(source_uri)
        try:
            text = doc.source
        except OSError:
            return None
        found = self.workspaces.for_path(path) if path else None
        app = (found[0].app if found else None) or DEFAULT_APP
        shown = os.path.relpath(path, found[0].root.parent) if found and path else (path or source_uri)
        return render(text, env, app, shown)

    def code_lenses(self, uri: str) -> list[types.CodeLens]:
        parsed = self.server.parsed_for(uri)
        doc = self.server.open_document(uri)
        if parsed is None or doc is None or not parsed[1]:
            return []
        root = parsed[0].root
        if not isinstance(root, Mapping) or manifest_kind(root) not in WORKLOAD_TYPES:
            return []
        lines = lsp_convert.lines_of(doc)
        lenses = []
        for entry in own_entries(root.get(ENVIRONMENTS_KEY)):
            if not isinstance(entry.value, Mapping):
                continue
            count = override_count(root, entry.name)
            title = f"{entry.name} · {count} override{'' if count == 1 else 's'} · show merged"
            lenses.append(
                types.CodeLens(
                    range=lsp_convert.to_lsp_range(doc, entry.key.span, lines),
                    command=types.Command(title=title, command=SHOW_MERGED, arguments=[uri, entry.name]),
                )
            )
        return lenses

    @staticmethod
    def renders(uri: str) -> bool:
        """Whether ``uri`` names a rendering (a ``sidecar-lsp-merged:`` document)."""
        return uri.startswith(f"{MERGED_SCHEME}:")

    def definition(self, merged: str, line: int) -> list[types.Location] | None:
        """Where the value on ``line`` of a rendering was set."""
        target = parse_merged_uri(merged)
        rendering = self.rendering(*target) if target else None
        origin = rendering.origin_at(line) if rendering else None
        if target is None or origin is None:
            return None
        source = self.server.workspace.get_text_document(target[0])
        return [types.Location(uri=target[0], range=lsp_convert.to_lsp_range(source, origin.span))]


def _argument(params: Any, name: str, index: int) -> Any:
    """A value from a request's params, whether pygls gives a list, a dict or an object."""
    if isinstance(params, (list, tuple)):
        return params[index] if len(params) > index else None
    if isinstance(params, dict):
        return params.get(name)
    return getattr(params, name, None)


def register(server: SidecarLanguageServer) -> None:
    """Add the workspace features to ``server``; navigation's definition handler routes renderings here."""
    features = WorkspaceFeatures(server, Workspaces())
    server.workspace_features = features

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(
        ls: SidecarLanguageServer, params: types.DidChangeWatchedFilesParams
    ) -> None:
        """workspace/didChangeWatchedFiles: read changed manifests again, re-publish what depends on them."""
        features.watched_files_changed(params)

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    def code_lens(ls: SidecarLanguageServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
        """textDocument/codeLens: "prod · 3 overrides · show merged" on each environments.<env> key."""
        return features.code_lenses(params.text_document.uri) or None

    @server.command(SHOW_MERGED)
    async def show_merged(ls, *args: Any) -> dict[str, str] | None:  # type: ignore[no-untyped-def]
        """sidecarLsp.showMerged(uri, env): the rendering, shown by the client and returned.

        ``ls`` is unannotated: pygls reads a command's type hints at run time to structure its
        arguments, and the server class is imported for type checking only.
        """
        source, env = _argument(list(args), "uri", 0), _argument(list(args), "env", 1)
        if not isinstance(source, str) or not isinstance(env, str):
            return None
        rendering = features.rendering(source, env)
        if rendering is None:
            return None
        uri = merged_uri(source, env)
        window = ls.client_capabilities.window
        if window is not None and window.show_document is not None and window.show_document.support:
            try:
                await ls.window_show_document_async(types.ShowDocumentParams(uri=uri, take_focus=True))
            except Exception as error:  # the result still carries the text
                logger.warning("window/showDocument failed: %s", error)
        return {"uri": uri, "text": rendering.text or f"# {rendering.problem}\n"}

    @server.feature(MERGED_REQUEST)
    def merged(ls: SidecarLanguageServer, params: Any) -> dict[str, str] | None:
        """sidecarLsp/merged {uri}: the text of a sidecar-lsp-merged: URI (for content providers)."""
        uri = _argument(params, "uri", 0)
        target = parse_merged_uri(uri) if isinstance(uri, str) else None
        rendering = features.rendering(*target) if target else None
        if rendering is None:
            return None
        return {"text": rendering.text or f"# {rendering.problem}\n"}
