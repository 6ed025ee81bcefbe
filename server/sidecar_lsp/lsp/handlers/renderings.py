"""Renderings of a manifest for one environment, shown read-only: "show merged" and "task definition".

A code lens on each ``environments.<env>`` key runs ``sidecarLsp.showMerged(uri, env[, view])``, which
computes the rendering under a ``sidecar-lsp-merged:`` URI, asks the client to show it
(``window/showDocument``) and returns ``{uri, text}``. The view is the manifest merged for the
environment (``core/manifest/render.py``, YAML) or, with ``view=task-definition`` in the URI's query,
the ECS task definition it deploys (``core/manifest/taskdef_document.py``, ``RegisterTaskDefinition``
JSON, or ``{"problem": …}`` when Copilot refuses it). The ``sidecarLsp/merged`` request answers the text
of such a URI (content providers and ``BufReadCmd`` ask it); both are queries.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs, quote, unquote, urlsplit

from lsprotocol import types
from pygls import uris

from sidecar_lsp.core.decoding.kinds import WORKLOAD_TYPES, manifest_kind
from sidecar_lsp.core.manifest.merge import ENVIRONMENTS_KEY
from sidecar_lsp.core.manifest.render import Rendering, override_count, render
from sidecar_lsp.core.yaml.tree import Mapping, own_entries
from sidecar_lsp.lsp import convert as lsp_convert
from sidecar_lsp.lsp.ports import Client, Documents, Registry

if TYPE_CHECKING:
    from pygls.workspace import TextDocument

logger = logging.getLogger(__name__)

MERGED_SCHEME = "sidecar-lsp-merged"
SHOW_MERGED = "sidecarLsp.showMerged"
MERGED_REQUEST = "sidecarLsp/merged"
MERGED, TASK_DEFINITION = "merged", "task-definition"
"""The views of a rendering (the ``view`` of the URI's query; none means merged)."""
TASK_DEFINITION_LENS = "task definition"


@dataclass(frozen=True)
class Target:
    """What a ``sidecar-lsp-merged:`` URI shows: the source document, the environment and the view."""

    source: str
    env: str
    view: str = MERGED


@dataclass(frozen=True)
class Source:
    """The text a rendering is made of (the open document's, else the disk's) and its application."""

    doc: TextDocument
    app: str
    shown_path: str
    """The source's path as the rendering names it (relative to the workspace when there is one)."""


class Sources(Protocol):
    """Where renderings read their source (:class:`.workspace.WorkspaceFeatures`)."""

    @property
    def documents(self) -> Documents: ...

    async def source(self, source_uri: str) -> Source | None: ...


def _tab(env: str, view: str) -> str:
    return f"{env} task definition" if view == TASK_DEFINITION else env


def merged_uri(source_uri: str, env: str, view: str = MERGED) -> str:
    """``sidecar-lsp-merged:///path/to/copilot/api/manifest.yml%20(prod)?env=prod`` (a URL to every
    editor); the task definition's ends ``%20(prod%20task%20definition)?env=prod&view=task-definition``."""
    path = uris.to_fs_path(source_uri) or urlsplit(source_uri).path
    # The " (prod)" suffix names the editor tab "manifest.yml (prod)"; the query says the same for parsing.
    query = f"env={quote(env, safe='')}" + (f"&view={view}" if view != MERGED else "")
    return f"{MERGED_SCHEME}://{quote(f'{path} ({_tab(env, view)})')}?{query}"


def parse_target(uri: str) -> Target | None:
    """The source document, environment and view of a rendering's URI, or None."""
    parts = urlsplit(uri)
    if parts.scheme != MERGED_SCHEME:
        return None
    query = parse_qs(unquote(parts.query))  # VS Code may send "env%3Dprod"
    env = query.get("env", [""])[0]
    view = TASK_DEFINITION if query.get("view", [MERGED])[0] == TASK_DEFINITION else MERGED
    path = unquote(parts.path).removesuffix(f" ({_tab(env, view)})")
    source = uris.from_fs_path(path)
    return Target(source, env, view) if source and env else None


def parse_merged_uri(uri: str) -> tuple[str, str] | None:
    """The source document's URI and the environment of a rendering's URI, or None."""
    target = parse_target(uri)
    return (target.source, target.env) if target else None


async def rendering(sources: Sources, source_uri: str, env: str) -> tuple[Rendering, TextDocument] | None:
    """The merged manifest and the document of exactly the text rendered (for converting positions)."""
    source = await sources.source(source_uri)
    if source is None:
        return None
    return render(source.doc.source, env, source.app, source.shown_path), source.doc


async def shown_text(sources: Sources, target: Target) -> str | None:
    """The text of a rendering: YAML for the merged view, JSON for the task definition."""
    if target.view == MERGED:
        rendered = await rendering(sources, target.source, target.env)
        return (rendered[0].text or f"# {rendered[0].problem}\n") if rendered else None
    source = await sources.source(target.source)
    if source is None:
        return None
    # Loaded when a task definition is first shown, not at the server's start (they hold the rules).
    from sidecar_lsp.core.check.deploys import deploy_refusal
    from sidecar_lsp.core.manifest.taskdef import TaskInputs
    from sidecar_lsp.core.manifest.taskdef_document import task_definition_document

    text = source.doc.source
    refusal = deploy_refusal(text, target.env)
    document = task_definition_document(text, TaskInputs(source.app, target.env), refusal)
    if document.problem is not None:
        return json.dumps({"problem": f"Copilot refuses this manifest in '{target.env}': {document.problem}"}, indent=2) + "\n"  # fmt: skip
    return document.text


def code_lenses(documents: Documents, uri: str) -> list[types.CodeLens]:
    """On each ``environments.<env>`` key: "prod · 3 overrides · show merged" and "task definition"."""
    parsed = documents.parsed_for(uri)
    doc = documents.open_document(uri)
    if parsed is None or doc is None or not parsed.served:
        return []
    root = parsed.document.root
    if not isinstance(root, Mapping) or manifest_kind(root) not in WORKLOAD_TYPES:
        return []
    lines = lsp_convert.lines_of(doc)
    lenses = []
    for entry in own_entries(root.get(ENVIRONMENTS_KEY)):
        if not isinstance(entry.value, Mapping):
            continue
        count = override_count(root, entry.name)
        title = f"{entry.name} · {count} override{'' if count == 1 else 's'} · show merged"
        where = lsp_convert.to_lsp_range(doc, entry.key.span, lines)
        merged = types.Command(title=title, command=SHOW_MERGED, arguments=[uri, entry.name])
        task = types.Command(
            TASK_DEFINITION_LENS, command=SHOW_MERGED, arguments=[uri, entry.name, TASK_DEFINITION]
        )
        lenses += [types.CodeLens(range=where, command=merged), types.CodeLens(range=where, command=task)]
    return lenses


def _argument(params: Any, name: str, index: int) -> Any:
    """A value from a request's params, whether pygls gives a list, a dict or an object."""
    if isinstance(params, (list, tuple)):
        return params[index] if len(params) > index else None
    if isinstance(params, dict):
        return params.get(name)
    return getattr(params, name, None)


def register(server: Registry, sources: Sources) -> None:
    """Add the code lens, the ``sidecarLsp.showMerged`` command and the ``sidecarLsp/merged`` request."""

    @server.feature(types.TEXT_DOCUMENT_CODE_LENS)
    def code_lens(params: types.CodeLensParams) -> list[types.CodeLens] | None:
        """textDocument/codeLens: "show merged" and "task definition" on each environments.<env> key."""
        return code_lenses(sources.documents, params.text_document.uri) or None

    @server.command(SHOW_MERGED)
    async def show_merged(ls: Client, *args: Any) -> dict[str, str] | None:
        """sidecarLsp.showMerged(uri, env[, view]): the rendering, shown by the client and returned.

        The first parameter is named ``ls`` so that pygls passes the server and hands the command's
        arguments, unconverted, to ``args``.
        """
        source, env = _argument(list(args), "uri", 0), _argument(list(args), "env", 1)
        view = TASK_DEFINITION if _argument(list(args), "view", 2) == TASK_DEFINITION else MERGED
        if not isinstance(source, str) or not isinstance(env, str):
            return None
        text = await shown_text(sources, Target(source, env, view))
        if text is None:
            return None
        uri = merged_uri(source, env, view)
        window = ls.client_capabilities.window
        if window is not None and window.show_document is not None and window.show_document.support:
            try:
                await ls.window_show_document_async(types.ShowDocumentParams(uri=uri, take_focus=True))
            except Exception as error:  # the result still carries the text
                logger.warning("window/showDocument failed: %s", error)
        return {"uri": uri, "text": text}

    @server.feature(MERGED_REQUEST)
    async def merged(params: Any) -> dict[str, str] | None:
        """sidecarLsp/merged {uri}: the text of a sidecar-lsp-merged: URI (for content providers)."""
        uri = _argument(params, "uri", 0)
        target = parse_target(uri) if isinstance(uri, str) else None
        text = await shown_text(sources, target) if target else None
        return {"text": text} if text is not None else None
