"""LSP handlers for the whole Copilot workspace and each environment as it will deploy.

* Diagnostics: a manifest in a ``copilot/`` workspace gets its findings judged against the other
  files and the cross-file rules (``core/workspace/rules.py``); when its facts change (an
  environment folder, a topic), the open files that read them are re-published, and only those.
  Only publishing changes what the workspace holds of an open document (:meth:`WorkspaceFeatures.take`);
  a request such as a code action reads it (:meth:`WorkspaceFeatures.findings`) and changes nothing.
* The disk is read on the reader thread (:attr:`WorkspaceFeatures.reader`), never on the event
  loop: the first publish in a workspace waits while ``scan.read_workspace`` reads it (requests are
  answered meanwhile); a closed document and ``workspace/didChangeWatchedFiles`` (registered when
  the client allows it) are read again with ``scan.read_path``. The reader returns plain data; the
  loop applies it to the :class:`~sidecar_lsp.core.workspace.model.Workspace`, unless the document
  is open by then (an open document's unsaved text always wins over the disk).
* Renderings (the "show merged" and "task definition" code lenses, :mod:`.renderings`) read their
  source here (:meth:`WorkspaceFeatures.source`: the open document's text, else the disk's, read on the
  reader thread), and ``textDocument/definition`` in a merged rendering (routed here by navigation's
  handler, the one for that method) lands on the source line that set the value.

All state here is touched on the event loop only.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types
from pygls import uris

from sidecar_lsp.core.manifest.render import DEFAULT_APP, Rendering
from sidecar_lsp.core.model import Finding
from sidecar_lsp.core.workspace import scan
from sidecar_lsp.core.workspace.model import Read, Workspace, role_of
from sidecar_lsp.lsp import convert as lsp_convert
from sidecar_lsp.lsp.documents import ClientTextDocument
from sidecar_lsp.lsp.handlers import renderings
from sidecar_lsp.lsp.handlers.renderings import (  # re-exported: the URIs' readers import them from here
    MERGED_SCHEME,
    Source,
    merged_uri,
    parse_merged_uri,
)
from sidecar_lsp.lsp.ports import Client, Documents, Registry

if TYPE_CHECKING:
    from pygls.workspace import TextDocument

    from sidecar_lsp.core.yaml.tree import ParsedDocument

__all__ = ["WorkspaceFeatures", "merged_uri", "parse_merged_uri", "register"]

logger = logging.getLogger(__name__)

WATCHED = ["**/copilot/**/manifest.yml", "**/copilot/.workspace", "**/copilot/*/overrides/**"]

T = TypeVar("T")


@dataclass(frozen=True)
class Located:
    """A document's place in a workspace held in memory."""

    workspace: Workspace
    root: Path
    rel: str


@dataclass
class WorkspaceFeatures:
    """The workspaces of the open documents and the renderings shown (the :class:`.ports.CrossFile`)."""

    documents: Documents
    client: Client
    republish: Callable[[str], None]
    """Publish an open document's diagnostics again (one that reads a fact that changed)."""
    workspaces: dict[Path, Workspace] = field(default_factory=dict)
    """The workspaces read so far, by ``copilot/`` folder."""
    reader: concurrent.futures.ThreadPoolExecutor = field(
        default_factory=lambda: concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="read")
    )
    """The one thread that reads the disk (``core/workspace/scan.py``), in the order asked."""
    watching: bool = False
    _loading: dict[Path, asyncio.Future[Workspace | None]] = field(default_factory=dict)
    _tasks: set[asyncio.Future[None]] = field(default_factory=set)

    # --- diagnostics

    async def load(self, uri: str) -> None:
        """Before a publish: the document's workspace is read (the first time, on the reader thread,
        while the loop answers requests; documents of one workspace wait for one read)."""
        path = uris.to_fs_path(uri)
        if path is None or not scan.copilot_folders(path):
            return  # a lone file: no folder named copilot holds it
        try:
            root = self._held_root(path) or await self._read(scan.find_root, path)
        except Exception:  # find_root never raises; if it did, the file is judged alone
            logger.exception("looking for the workspace of %s failed", path)
            return
        if root is not None:
            await self._workspace(root, load=True)

    def take(self, uri: str, doc: TextDocument, tree: ParsedDocument | None) -> None:
        """The document's diagnostics are being published: its workspace takes its text.

        The one place an open document's text enters a workspace (read by :meth:`load` before);
        the open documents that read a fact it changed are re-published, and the workspace's files
        are watched from then on (when the client allows it). ``tree``: the text's parse, when
        there is one (else the text is parsed only if the workspace holds another text).
        """
        found = self._locate(uri)
        if found is None:
            return
        if found.workspace.set_text(found.rel, doc.source, tree):
            self._recheck(found.workspace, found.rel, uri)
        self._watch()

    def findings(
        self, uri: str, doc: TextDocument, tree: ParsedDocument | None, findings: list[Finding]
    ) -> list[Finding]:
        """The document's ``findings`` judged in its workspace, plus the cross-file ones; changes nothing.

        A text the workspace has not taken yet (its diagnostics are still to come) is judged in a
        copy that holds it; a workspace no publish has read yet is not looked for.
        """
        found = self._locate(uri)
        if found is None:
            return findings
        # Loaded with the first publish (the worker's warm-up has loaded the rules it holds by then), not at
        # the server's start.
        from sidecar_lsp.core.workspace.rules import findings_in_workspace

        view = found.workspace.with_text(found.rel, doc.source, tree)
        return findings_in_workspace(view, found.rel, findings)

    def closed(self, uri: str) -> None:
        """An editor closed the document: its unsaved edits are gone, the disk's text counts again."""
        found = self._locate(uri)
        if found is not None:
            self._spawn(self._reload(found.root, found.rel, uri, deleted=False))

    def environments(self, uri: str) -> list[str]:
        found = self._locate(uri)
        return found.workspace.environments() if found else []

    def workspace_of(self, uri: str) -> Workspace | None:
        """The workspace held in memory that holds ``uri`` (completion reads its facts); no disk read."""
        found = self._locate(uri)
        return found.workspace if found else None

    def held(self) -> list[Workspace]:
        """Every workspace read so far (workspace/symbol searches them)."""
        return list(self.workspaces.values())

    async def existing(self, base: Path, targets: list[tuple[str, bool]]) -> list[str | None]:
        """Which linked files and folders exist (``scan.existing``), read on the reader thread."""
        return await self._read(scan.existing, base, targets)

    async def off_loop(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)``, a pure function (parses, holds no state), on the reader thread."""
        return await self._read(work, *args)

    def watched_files_changed(self, params: types.DidChangeWatchedFilesParams) -> None:
        """Read each changed file of a workspace held in memory again (in the order of the events)."""
        for change in params.changes:
            path = uris.to_fs_path(change.uri)
            root = self._held_root(path) if path else None
            rel = scan.relative(root, path) if root and path else None
            if root is not None and rel is not None:
                deleted = change.type == types.FileChangeType.Deleted
                self._spawn(self._reload(root, rel, change.uri, deleted=deleted))

    def _held_root(self, path: str) -> Path | None:
        """The workspace (read or being read) that holds ``path``; no disk read."""
        for folder in scan.copilot_folders(path):
            if folder in self.workspaces or folder in self._loading:
                return folder
        return None

    def _locate(self, uri: str) -> Located | None:
        """The document's place in a workspace held in memory; no disk read."""
        path = uris.to_fs_path(uri)
        root = self._held_root(path) if path else None
        workspace = self.workspaces.get(root) if root else None
        rel = scan.relative(root, path) if root and path else None
        if workspace is None or root is None or rel is None or role_of(rel) is None:
            return None
        return Located(workspace, root, rel)

    async def _workspace(self, root: Path, *, load: bool = False) -> Workspace | None:
        """The workspace at ``root``: held, being read (waited for), or (``load``) read now."""
        workspace = self.workspaces.get(root)
        if workspace is not None:
            return workspace
        loading = self._loading.get(root)
        if loading is None:
            if not load:
                return None
            loading = self._loading[root] = asyncio.ensure_future(self._scan(root))
        return await asyncio.shield(loading)

    async def _scan(self, root: Path) -> Workspace | None:
        try:
            scanned = await self._read(scan.read_workspace, root)
            workspace = self.workspaces[root] = Workspace.of(scanned)
            logger.info("workspace %s: %d manifests", root, len(workspace.files))
            return workspace
        except Exception:  # the scan never raises; a bug here must not hang every publish
            logger.exception("reading the workspace %s failed", root)
            return None
        finally:
            self._loading.pop(root, None)

    async def _reload(self, root: Path, rel: str, uri: str, *, deleted: bool) -> None:
        """Read ``rel`` again and apply it, unless its document is open by then (the editor's text
        counts, except for a file deleted on disk)."""
        if await self._workspace(root) is None:
            return
        read: Read = await self._read(scan.read_path, root, rel)
        workspace = self.workspaces.get(root)
        if workspace is None or (not deleted and self.documents.open_document(uri) is not None):
            return
        if workspace.reload(read):
            self._recheck(workspace, rel, uri)

    async def _read(self, read: Callable[..., T], *args: Any) -> T:
        """``read(*args)`` on the reader thread (``core/workspace/scan.py``: reads files, returns data)."""
        return await asyncio.get_running_loop().run_in_executor(self.reader, read, *args)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Future[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("reading a workspace file failed", exc_info=task.exception())

    def _recheck(self, workspace: Workspace, rel: str, origin: str) -> None:
        """Publish again the open documents that read a fact of ``rel`` (their own analyses are cached)."""
        for dependent in workspace.dependents(rel):
            dependent_uri = uris.from_fs_path(str(Path(workspace.root, dependent)))
            if dependent_uri and dependent_uri != origin and self.documents.open_document(dependent_uri):
                self.republish(dependent_uri)

    def _watch(self) -> None:
        if self.watching:
            return
        self.watching = True
        caps = self.client.client_capabilities.workspace
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
        self._spawn(self._register(types.RegistrationParams(registrations=[registration])))

    async def _register(self, params: types.RegistrationParams) -> None:
        try:
            await self.client.client_register_capability_async(params)
        except Exception as error:  # the client refused: files that are not open are read once
            logger.warning("registering the file watchers failed: %s", error)

    # --- renderings (:mod:`.renderings`)

    async def source(self, source_uri: str) -> Source | None:
        """The text to render (the open document's, else the disk's, read on the reader thread), its
        application (``copilot/.workspace``, else ``DEFAULT_APP``) and its path as a rendering names it."""
        path = uris.to_fs_path(source_uri)
        doc = self.documents.open_document(source_uri)
        if doc is None:
            text = await self._read(scan.read_source, path) if path else None
            if text is None:
                return None
            doc = ClientTextDocument(source_uri, source=text, position_codec=self.documents.position_codec)
        found = self._locate(source_uri)
        place = (found.root, found.workspace.app) if found else None
        if place is None and path:
            place = await self._read(scan.app_of, path)  # not indexed for a rendering
        shown = os.path.relpath(path, place[0].parent) if place and path else (path or source_uri)
        return Source(doc, (place[1] if place else None) or DEFAULT_APP, shown)

    async def rendering(self, source_uri: str, env: str) -> Rendering | None:
        """The source document rendered for ``env`` (the merged manifest)."""
        rendered = await renderings.rendering(self, source_uri, env)
        return rendered[0] if rendered else None

    @staticmethod
    def renders(uri: str) -> bool:
        """Whether ``uri`` names a rendering (a ``sidecar-lsp-merged:`` document)."""
        return uri.startswith(f"{MERGED_SCHEME}:")

    async def definition(self, merged: str, line: int) -> list[types.Location] | None:
        """Where the value on ``line`` of a merged rendering was set (a task definition has no origins)."""
        target = renderings.parse_target(merged)
        if target is None or target.view != renderings.MERGED:
            return None
        rendered = await renderings.rendering(self, target.source, target.env)
        origin = rendered[0].origin_at(line) if rendered else None
        if rendered is None or origin is None:
            return None
        return [types.Location(uri=target.source, range=lsp_convert.to_lsp_range(rendered[1], origin.span))]


def register(server: Registry, features: WorkspaceFeatures) -> None:
    """Add the workspace features' handlers; navigation's definition handler routes renderings here."""

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        """workspace/didChangeWatchedFiles: read changed manifests again, re-publish what depends on them."""
        features.watched_files_changed(params)

    renderings.register(server, features)
