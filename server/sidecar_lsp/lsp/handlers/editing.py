"""LSP handlers for completion, hover and the outline: each reads the parse and asks the core.

They need the tree only (never the checks, which may still be running on the worker) and run on
the event loop. A handler module registers its handlers with a ``register`` function, like this
one and :mod:`.navigation`, given the narrow interfaces of :mod:`..ports` it reads.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from sidecar_lsp.lsp import convert as lsp_convert
from sidecar_lsp.lsp.ports import Client, CrossFile, Host

if TYPE_CHECKING:
    from sidecar_lsp.core.features.workspace_names import WorkspaceNames
    from sidecar_lsp.core.workspace.model import Workspace

TRIGGER_CHARACTERS = [":", " ", "-"]


def register(server: Host, cross_file: CrossFile) -> None:
    """Add completion (and its resolve), hover and document symbols to ``server``."""

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION,
        types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS, resolve_provider=True),
    )
    async def completion(params: types.CompletionParams) -> types.CompletionList | None:
        """textDocument/completion: keys, values and names at the cursor."""
        uri = params.text_document.uri
        parsed, doc = server.parsed_for(uri), server.open_document(uri)
        if parsed is None or doc is None or not parsed.served or not server.settings.completion_enable:
            return None
        from sidecar_lsp.core.features.completion import complete  # loaded on first use, not at start-up

        pos = lsp_convert.from_lsp_position(doc, params.position)
        tree = parsed.document
        names = _workspace_names(cross_file.workspace_of(uri))
        candidates = complete(tree.text, pos, server.schema, tree, server.previous_complete(uri), names)
        snippets = server.settings.completion_snippets and _snippet_support(server)
        lines = lsp_convert.lines_of(doc)
        items = [
            lsp_convert.to_completion_item(doc, c, snippets=snippets, index=i, lines=lines)
            for i, c in enumerate(candidates)
        ]
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.COMPLETION_ITEM_RESOLVE)
    async def completion_item_resolve(item: types.CompletionItem) -> types.CompletionItem:
        """completionItem/resolve: the documentation the completion list leaves out."""
        data = item.data if isinstance(item.data, dict) else {}
        uri = data.get("uri")
        parsed = server.parsed_for(uri) if isinstance(uri, str) else None
        if parsed is None or item.documentation is not None:
            return item
        from sidecar_lsp.core.features.completion import describe

        text = describe(data, server.schema, parsed.document, server.previous_complete(str(uri)))
        if text:
            item.documentation = types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
        return item

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover(params: types.HoverParams) -> types.Hover | None:
        """textDocument/hover: the field's documentation, or what a reference points to."""
        uri = params.text_document.uri
        parsed, doc = server.parsed_for(uri), server.open_document(uri)
        if parsed is None or doc is None or not parsed.served or not server.settings.hover_enable:
            return None
        from sidecar_lsp.core.features.hover import hover as hover_at  # loaded on first use, not at start-up

        pos = lsp_convert.from_lsp_position(doc, params.position)
        info = hover_at(parsed.document, pos, server.schema, cross_file.environments(uri), uri)
        return lsp_convert.to_hover(doc, info) if info else None

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbol(params: types.DocumentSymbolParams) -> list[types.DocumentSymbol] | None:
        """textDocument/documentSymbol: the service, sidecars, volumes and environments."""
        uri = params.text_document.uri
        parsed, doc = server.parsed_for(uri), server.open_document(uri)
        if parsed is None or doc is None or not parsed.served:
            return None
        from sidecar_lsp.core.features.symbols import document_symbols  # loaded on first use, not at start-up

        lines = lsp_convert.lines_of(doc)
        return [lsp_convert.to_document_symbol(doc, s, lines) for s in document_symbols(parsed.document)]


def _workspace_names(workspace: Workspace | None) -> WorkspaceNames | None:
    """What completion offers from the other manifests: environments, and topics with their publishers."""
    if workspace is None:
        return None
    from sidecar_lsp.core.features.workspace_names import WorkspaceNames

    environments = tuple((env, f"environments/{env}/manifest.yml") for env in workspace.environments())
    topics = tuple(
        (topic, service, facts.rel)
        for service, facts in sorted(workspace.services().items())
        for topic in sorted(facts.publishes)
    )
    return WorkspaceNames(environments, topics)


def _snippet_support(client: Client) -> bool:
    text = client.client_capabilities.text_document
    item = text.completion.completion_item if text and text.completion else None
    return bool(item and item.snippet_support)
