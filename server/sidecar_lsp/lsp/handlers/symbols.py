"""LSP handler for ``workspace/symbol``: the services, jobs, environments, sidecars, volumes and
topics of every workspace held in memory (:meth:`..ports.CrossFile.held`), found by name.

Each file's symbols come from :class:`~sidecar_lsp.core.features.workspace_symbols.SymbolMemo`,
parsed once per text; an open document counts with its current text. Nothing is read from disk:
a workspace is held once a document in it was published.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls import uris

from sidecar_lsp.core.lines import split_lines
from sidecar_lsp.core.workspace.scan import relative
from sidecar_lsp.lsp import convert as lsp_convert
from sidecar_lsp.lsp.documents import ClientTextDocument
from sidecar_lsp.lsp.ports import CrossFile, Host

if TYPE_CHECKING:
    from pygls.workspace import TextDocument

    from sidecar_lsp.core.features.workspace_symbols import Declared, SymbolMemo
    from sidecar_lsp.core.workspace.model import Workspace

logger = logging.getLogger(__name__)

SYMBOL_KINDS = {
    "service": types.SymbolKind.Module,
    "job": types.SymbolKind.Function,
    "environment": types.SymbolKind.Namespace,
    "override": types.SymbolKind.Namespace,
    "sidecar": types.SymbolKind.Class,
    "volume": types.SymbolKind.Struct,
    "topic": types.SymbolKind.Event,
}
"""As the outline shows them (``convert._SYMBOL_KIND``), with jobs and topics."""


def register(server: Host, cross_file: CrossFile) -> None:
    """Add ``workspace/symbol`` to ``server``."""
    memo: list[SymbolMemo] = []  # made on the first query (the features load on first use)

    @server.feature(types.WORKSPACE_SYMBOL, types.WorkspaceSymbolOptions(resolve_provider=False))
    async def workspace_symbol(params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol] | None:
        """workspace/symbol: the names every manifest held declares that match the query."""
        try:
            from sidecar_lsp.core.features.workspace_symbols import SymbolMemo, declared_in

            if not memo:
                memo.append(SymbolMemo())
            # The texts not seen yet (all of them, the first time) are read on the reader thread;
            # what changed meanwhile is read below, on the loop.
            files = _held_files(server, cross_file)
            unseen = memo[0].missing((folder, text) for _, _, folder, text in files)
            if unseen:
                found = await cross_file.off_loop(declared_in, unseen)
                for (folder, text), symbols in zip(unseen, found, strict=True):
                    memo[0].put(folder, text, symbols)
                files = _held_files(server, cross_file)  # as they are now, after the await
            return _symbols(server, files, params.query, memo[0])
        except Exception:  # like a textDocument/* request: logged, and the editor shows nothing
            logger.exception("workspace/symbol failed")
            return None


def _opened(server: Host, held: list[Workspace]) -> dict[tuple[str, str], TextDocument]:
    """The open documents by ``(workspace root, path under it)``."""
    opened: dict[tuple[str, str], TextDocument] = {}
    for uri in server.open_uris():
        doc, path = server.open_document(uri), uris.to_fs_path(uri)
        if doc is None or not path:
            continue
        for workspace in held:
            rel = relative(Path(workspace.root), path)
            if rel is not None:
                opened[(workspace.root, rel)] = doc
    return opened


@dataclass(frozen=True)
class HeldFiles:
    """The manifests of the workspaces held: ``(root, path under it, folder, text)``, an open
    document's current text in place of the workspace's, and the open documents by place."""

    files: list[tuple[str, str, str, str]]
    opened: dict[tuple[str, str], TextDocument]

    def __iter__(self) -> Iterator[tuple[str, str, str, str]]:
        return iter(self.files)


def _held_files(server: Host, cross_file: CrossFile) -> HeldFiles:
    held = cross_file.held()
    opened = _opened(server, held)
    files = []
    for workspace in held:
        for rel, file in sorted(workspace.files.items()):
            doc = opened.get((workspace.root, rel))
            files.append(
                (workspace.root, rel, file.facts.folder, doc.source if doc is not None else file.text)
            )
    return HeldFiles(files, opened)


def _symbols(server: Host, files: HeldFiles, query: str, memo: SymbolMemo) -> list[types.WorkspaceSymbol]:
    from sidecar_lsp.core.features.workspace_symbols import search

    # Each file's symbols from the memo; where it is and how to convert positions only for the matches.
    candidates: list[tuple[Declared, tuple[str, str, str]]] = []
    for root, rel, folder, text in files:
        place = (root, rel, text)
        candidates.extend((symbol, place) for symbol in memo.symbols(folder, text))
    answer: list[types.WorkspaceSymbol] = []
    documents: dict[tuple[str, str], tuple[TextDocument, list[str]]] = {}
    for symbol, (root, rel, text) in search(query, candidates):
        if (root, rel) not in documents:
            doc = files.opened.get((root, rel))
            if doc is None or doc.source is not text:
                uri = Path(root, rel).as_uri()
                doc = ClientTextDocument(uri, source=text, position_codec=server.position_codec)
            documents[(root, rel)] = (doc, split_lines(text))
        shown, lines = documents[(root, rel)]
        location = types.Location(uri=shown.uri, range=lsp_convert.to_lsp_range(shown, symbol.span, lines))
        kind = SYMBOL_KINDS.get(symbol.kind, types.SymbolKind.Object)
        answer.append(
            types.WorkspaceSymbol(
                name=symbol.name, kind=kind, location=location, container_name=symbol.container
            )
        )
    return answer
