"""LSP handlers for completion, hover and the outline: each reads the parse and asks the core.

They need the tree only (never the checks, which may still be running on the worker) and run on
the event loop. A feature module registers its handlers with a ``register(server)`` function,
like this one and :mod:`.navigation_features`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from sidecar_lsp.lsp import convert as lsp_convert

if TYPE_CHECKING:
    from sidecar_lsp.lsp.server import SidecarLanguageServer

TRIGGER_CHARACTERS = [":", " ", "-"]


def register(server: SidecarLanguageServer) -> None:
    """Add completion (and its resolve), hover and document symbols to ``server``."""

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS, resolve_provider=True),
    )
    async def completion(
        ls: SidecarLanguageServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        """textDocument/completion: keys, values and names at the cursor."""
        uri = params.text_document.uri
        parsed, doc = ls.parsed_for(uri), ls.open_document(uri)
        if parsed is None or doc is None or not parsed[1] or not ls.settings.completion_enable:
            return None
        from sidecar_lsp.core.features.completion import complete  # loaded on first use, not at start-up

        pos = lsp_convert.from_lsp_position(doc, params.position)
        candidates = complete(parsed[0].text, pos, ls.schema, parsed[0], ls.previous_complete(uri))
        snippets = ls.settings.completion_snippets and _snippet_support(ls)
        lines = lsp_convert.lines_of(doc)
        items = [
            lsp_convert.to_completion_item(doc, c, snippets=snippets, index=i, lines=lines)
            for i, c in enumerate(candidates)
        ]
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    async def completion_item_resolve(
        ls: SidecarLanguageServer, item: types.CompletionItem
    ) -> types.CompletionItem:
        """completionItem/resolve: the documentation the completion list leaves out."""
        data = item.data if isinstance(item.data, dict) else {}
        uri = data.get("uri")
        parsed = ls.parsed_for(uri) if isinstance(uri, str) else None
        if parsed is None or item.documentation is not None:
            return item
        from sidecar_lsp.core.features.completion import describe

        text = describe(data, ls.schema, parsed[0], ls.previous_complete(str(uri)))
        if text:
            item.documentation = types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
        return item

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(ls: SidecarLanguageServer, params: types.HoverParams) -> types.Hover | None:
        """textDocument/hover: the field's documentation, or what a reference points to."""
        uri = params.text_document.uri
        parsed, doc = ls.parsed_for(uri), ls.open_document(uri)
        if parsed is None or doc is None or not parsed[1] or not ls.settings.hover_enable:
            return None
        from sidecar_lsp.core.features.hover import hover as hover_at  # loaded on first use, not at start-up

        environments = ls.workspace_features.environments(uri) if ls.workspace_features else []
        info = hover_at(
            parsed[0], lsp_convert.from_lsp_position(doc, params.position), ls.schema, environments
        )
        return lsp_convert.to_hover(doc, info) if info else None

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbol(
        ls: SidecarLanguageServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol] | None:
        """textDocument/documentSymbol: the service, sidecars, volumes and environments."""
        uri = params.text_document.uri
        parsed, doc = ls.parsed_for(uri), ls.open_document(uri)
        if parsed is None or doc is None or not parsed[1]:
            return None
        from sidecar_lsp.core.features.symbols import document_symbols  # loaded on first use, not at start-up

        lines = lsp_convert.lines_of(doc)
        return [lsp_convert.to_document_symbol(doc, s, lines) for s in document_symbols(parsed[0])]


def _snippet_support(ls: SidecarLanguageServer) -> bool:
    text = ls.client_capabilities.text_document
    item = text.completion.completion_item if text and text.completion else None
    return bool(item and item.snippet_support)
