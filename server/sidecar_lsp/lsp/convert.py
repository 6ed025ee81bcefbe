"""Core results to lsprotocol types and back: the only place positions change units.

The core counts columns in code points on the client's lines (split at ``\\n``, ``\\r\\n`` and
``\\r``, see :mod:`.core.lines`); LSP clients count in the negotiated position encoding (UTF-16
unless the client offered UTF-8/32). Every position that crosses the edge goes through
:func:`to_lsp_position` or :func:`from_lsp_position`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import ServerTextPosition

from sidecar_lsp.core.lines import split_lines
from sidecar_lsp.core.model import Finding, Pos, Severity, Span

if TYPE_CHECKING:  # annotations only: the features load on first use (server start-up time)
    from sidecar_lsp.core.features.completion import Candidate
    from sidecar_lsp.core.features.hover import HoverInfo
    from sidecar_lsp.core.features.inlay_hints import InlayHint
    from sidecar_lsp.core.features.symbols import Symbol

SOURCE = "sidecar-lsp"

_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFORMATION: types.DiagnosticSeverity.Information,
    Severity.HINT: types.DiagnosticSeverity.Hint,
}

_COMPLETION_KIND = {
    "property": types.CompletionItemKind.Property,
    "value": types.CompletionItemKind.Value,
    "enum": types.CompletionItemKind.EnumMember,
    "reference": types.CompletionItemKind.Reference,
    "keyword": types.CompletionItemKind.Keyword,
}

_SYMBOL_KIND = {
    "service": types.SymbolKind.Module,
    "section": types.SymbolKind.Namespace,
    "sidecar": types.SymbolKind.Class,
    "container": types.SymbolKind.Class,
    "volume": types.SymbolKind.Struct,
    "environment": types.SymbolKind.Namespace,
}


def lines_of(doc: TextDocument) -> list[str]:
    """The document's lines exactly as the core splits them; the document caches them per text."""
    table = getattr(doc, "line_table", None)
    if table is not None:
        lines: list[str] = table()[0]
        return lines
    return split_lines(doc.source)


def to_lsp_position(doc: TextDocument, pos: Pos, lines: Sequence[str] | None = None) -> types.Position:
    """A core position (code points) in client units, clamped into the document."""
    lines = lines if lines is not None else lines_of(doc)
    line = min(max(pos.line, 0), len(lines) - 1)
    text = lines[line]
    col = len(text) if pos.line > line else min(max(pos.col, 0), len(text))
    if text.isascii():  # one unit a character in every encoding; pygls counts them one by one in Python
        return types.Position(line=line, character=col)
    return doc.position_codec.position_to_client_units(lines, ServerTextPosition(line, col))


def to_lsp_range(doc: TextDocument, span: Span, lines: Sequence[str] | None = None) -> types.Range:
    """A core span in client units."""
    lines = lines if lines is not None else lines_of(doc)
    return types.Range(
        start=to_lsp_position(doc, span.start, lines), end=to_lsp_position(doc, span.end, lines)
    )


def from_lsp_position(doc: TextDocument, position: types.Position) -> Pos:
    """A client position in code points; positions past a line's end or the last line are clamped."""
    lines = lines_of(doc)
    line = min(max(position.line, 0), len(lines) - 1)
    if position.line > line:
        return Pos(line, len(lines[line]))
    text = lines[line]
    units = max(position.character, 0)
    if text.isascii():
        return Pos(line, min(units, len(text)))
    counter = doc.position_codec.impl
    used = 0
    for index, char in enumerate(text):
        if used >= units:
            return Pos(line, index)
        used += counter.code_units_for_char(char)
    return Pos(line, len(text))


def to_diagnostic(
    doc: TextDocument, finding: Finding, lines: Sequence[str] | None = None
) -> types.Diagnostic:
    """A finding as an LSP diagnostic; ``data`` carries the manifest path (code actions take the
    fixes from the analysis, never from what a client sends back)."""
    lines = lines if lines is not None else lines_of(doc)
    related = [
        types.DiagnosticRelatedInformation(
            location=types.Location(uri=doc.uri, range=to_lsp_range(doc, item.span, lines)),
            message=item.message,
        )
        for item in finding.related
    ]
    data: dict[str, Any] = {"path": list(finding.path)}
    return types.Diagnostic(
        range=to_lsp_range(doc, finding.span, lines),
        message=finding.message,
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        source=SOURCE,
        related_information=related or None,
        data=data,
    )


def to_completion_item(
    doc: TextDocument, candidate: Candidate, *, snippets: bool, index: int, lines: Sequence[str] | None = None
) -> types.CompletionItem:
    """A candidate as a completion item that replaces the word being typed.

    The item has no documentation; its ``data`` (the candidate's, plus the document's URI) is
    what ``completionItem/resolve`` turns into it.
    """
    lines = lines if lines is not None else lines_of(doc)
    use_snippet = snippets and candidate.snippet is not None
    text = candidate.snippet if use_snippet and candidate.snippet is not None else candidate.insert_text
    edit = types.TextEdit(range=to_lsp_range(doc, candidate.replace, lines), new_text=text)
    return types.CompletionItem(
        label=candidate.label,
        kind=_COMPLETION_KIND.get(candidate.kind, types.CompletionItemKind.Text),
        detail=candidate.detail or None,
        data={**candidate.data, "uri": doc.uri} if candidate.data is not None else None,
        sort_text=f"{index:04d}",
        filter_text=candidate.filter_text or candidate.label,
        insert_text_format=types.InsertTextFormat.Snippet
        if use_snippet
        else types.InsertTextFormat.PlainText,
        insert_text_mode=types.InsertTextMode.AsIs,
        text_edit=edit,
        preselect=candidate.preselect or None,
    )


def to_hover(doc: TextDocument, info: HoverInfo) -> types.Hover:
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=info.markdown),
        range=to_lsp_range(doc, info.span),
    )


def to_inlay_hint(doc: TextDocument, hint: InlayHint, lines: Sequence[str] | None = None) -> types.InlayHint:
    """A hint after the value it is about (a space before it, so it never touches the text)."""
    return types.InlayHint(
        position=to_lsp_position(doc, hint.pos, lines),
        label=hint.label,
        tooltip=hint.tooltip or None,
        padding_left=True,
    )


def to_document_link(
    doc: TextDocument, span: Span, target: str, tooltip: str, lines: Sequence[str] | None = None
) -> types.DocumentLink:
    return types.DocumentLink(range=to_lsp_range(doc, span, lines), target=target, tooltip=tooltip)


def to_document_symbol(
    doc: TextDocument, symbol: Symbol, lines: Sequence[str] | None = None
) -> types.DocumentSymbol:
    lines = lines if lines is not None else lines_of(doc)
    full = to_lsp_range(doc, symbol.span, lines)
    selection = to_lsp_range(doc, symbol.selection, lines)
    if not _inside(selection, full):
        selection = types.Range(start=full.start, end=full.start)
    return types.DocumentSymbol(
        name=symbol.name or "?",
        kind=_SYMBOL_KIND.get(symbol.kind, types.SymbolKind.Object),
        range=full,
        selection_range=selection,
        detail=symbol.detail or None,
        children=[to_document_symbol(doc, child, lines) for child in symbol.children],
    )


def _inside(inner: types.Range, outer: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(outer.start) <= key(inner.start) and key(inner.end) <= key(outer.end)
