"""LSP handler for ``workspace/symbol``: the services, jobs, environments, sidecars, volumes and
topics of every workspace held in memory (:meth:`..ports.CrossFile.held`), found by name.

Each file's symbols come from :class:`~sidecar_lsp.core.features.workspace_symbols.SymbolMemo`,
parsed once per text; an open document counts with its current text. Nothing is read from disk:
a workspace is held once a document in it was published.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls import uris

from sidecar_lsp.core.lines import split_lines
from sidecar_lsp.lsp import convert as lsp_convert
from sidecar_lsp.lsp.documents import ClientTextDocument
from sidecar_lsp.lsp.ports import CrossFile, Host

if TYPE_CHECKING:
    from pygls.workspace import TextDocument

    from sidecar_lsp.core.features.workspace_symbols import Declared, SymbolMemo

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
    def workspace_symbol(params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol] | None:
        """workspace/symbol: the names every manifest held declares that match the query."""
        try:
            return _symbols(server, cross_file, params.query, memo)
        except Exception:  # like a textDocument/* request: logged, and the editor shows nothing
            logger.exception("workspace/symbol failed")
            return None


def _symbols(
    server: Host, cross_file: CrossFile, query: str, memo: list[SymbolMemo]
) -> list[types.WorkspaceSymbol]:
    from sidecar_lsp.core.features.workspace_symbols import SymbolMemo, search

    if not memo:
        memo.append(SymbolMemo())
    open_docs: dict[str, TextDocument] = {}
    for uri in server.open_uris():
        doc, path = server.open_document(uri), uris.to_fs_path(uri)
        if doc is not None and path:
            open_docs[str(Path(os.path.abspath(path)))] = doc
    candidates: list[tuple[Declared, tuple[str, str, TextDocument | None]]] = []
    for workspace in cross_file.held():
        for rel, file in sorted(workspace.files.items()):
            path = str(Path(workspace.root, rel))
            doc = open_docs.get(path)
            text = doc.source if doc is not None else file.text
            for symbol in memo[0].symbols(file.facts.folder, text):
                candidates.append((symbol, (path, text, doc)))
    answer: list[types.WorkspaceSymbol] = []
    documents: dict[str, tuple[TextDocument, list[str]]] = {}
    for symbol, (path, text, doc) in search(query, candidates):
        if path not in documents:
            uri = doc.uri if doc is not None else Path(path).as_uri()
            shown = doc or ClientTextDocument(uri, source=text, position_codec=server.position_codec)
            documents[path] = (shown, split_lines(text))
        shown, lines = documents[path]
        location = types.Location(uri=shown.uri, range=lsp_convert.to_lsp_range(shown, symbol.span, lines))
        kind = SYMBOL_KINDS.get(symbol.kind, types.SymbolKind.Object)
        answer.append(
            types.WorkspaceSymbol(
                name=symbol.name, kind=kind, location=location, container_name=symbol.container
            )
        )
    return answer
