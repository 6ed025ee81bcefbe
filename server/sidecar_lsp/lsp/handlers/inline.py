"""LSP handlers for what the editor shows inside the text: inlay hints and document links.

Each reads the parse only (never the checks) and asks the core; the settings choose which hints are
sent; which linked files exist is asked of :class:`..ports.CrossFile` (read off the event loop).
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls import uris

from sidecar_lsp.lsp import convert as lsp_convert
from sidecar_lsp.lsp.ports import CrossFile, Host


def register(server: Host, cross_file: CrossFile) -> None:
    """Add inlay hints and document links to ``server``."""

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

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK, types.DocumentLinkOptions(resolve_provider=False))
    async def document_link(params: types.DocumentLinkParams) -> list[types.DocumentLink] | None:
        """textDocument/documentLink: Dockerfiles, build contexts and env files that exist."""
        uri = params.text_document.uri
        parsed, doc = server.parsed_for(uri), server.open_document(uri)
        path = uris.to_fs_path(uri)
        if parsed is None or doc is None or not parsed.served or path is None:
            return None
        from sidecar_lsp.core.features.links import link_targets
        from sidecar_lsp.core.workspace.scan import copilot_folders

        folders = copilot_folders(path)
        targets = link_targets(parsed.document) if folders else []
        if not targets:
            return []
        source = doc.source
        found = await cross_file.existing(folders[0].parent, [(t.path, t.folder) for t in targets])
        if server.open_document(uri) is not doc or doc.source is not source:
            return None  # edited meanwhile: these ranges are of an older text (the client asks again)
        lines = lsp_convert.lines_of(doc)
        return [
            lsp_convert.to_document_link(doc, target.span, Path(where).as_uri(), target.what, lines)
            for target, where in zip(targets, found, strict=True)
            if where is not None
        ]
