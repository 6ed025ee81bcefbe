"""LSP handlers for what the editor shows inside the text: inlay hints (and document links).

Each reads the parse only (never the checks) and asks the core; the settings choose which hints are sent.
"""

from __future__ import annotations

from lsprotocol import types

from sidecar_lsp.lsp import convert as lsp_convert
from sidecar_lsp.lsp.ports import CrossFile, Host


def register(server: Host, cross_file: CrossFile) -> None:
    """Add inlay hints to ``server``."""

    @server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
    async def inlay_hint(params: types.InlayHintParams) -> list[types.InlayHint] | None:
        """textDocument/inlayHint: each environment's value at the base, the base's at an override."""
        uri = params.text_document.uri
        parsed, doc = server.parsed_for(uri), server.open_document(uri)
        if parsed is None or doc is None or not parsed.served:
            return None
        from sidecar_lsp.core.features.inlay_hints import HintOptions, inlay_hints  # loaded on first use

        settings = server.settings
        options = HintOptions(
            settings.inlay_hints_environment_values,
            settings.inlay_hints_base_values,
            settings.inlay_hints_defaults,
        )
        first = lsp_convert.from_lsp_position(doc, params.range.start)
        last = lsp_convert.from_lsp_position(doc, params.range.end)
        lines = lsp_convert.lines_of(doc)
        hints = inlay_hints(parsed.document, first.line, last.line, options)
        return [lsp_convert.to_inlay_hint(doc, hint, lines) for hint in hints]
