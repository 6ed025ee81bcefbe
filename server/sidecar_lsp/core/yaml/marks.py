"""Parser marks on the client's lines, and the parser's errors as findings.

ruamel.yaml's marks count NEL, U+2028, U+2029 and a lone CR as line breaks; LSP clients count only CR,
LF and CRLF (``core/lines.py``). When a text holds any of those, a mark's position comes from its
character offset instead of its line and column.
"""

from __future__ import annotations

import re
from typing import Any

from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.reader import ReaderError

from sidecar_lsp.core.lines import OffsetIndex, has_unusual_breaks
from sidecar_lsp.core.model import Finding, Pos, Related, Severity, Span


class Marks:
    """Converts the parser's marks of one text into positions and spans on the client's lines."""

    def __init__(self, text: str, lines: list[str]) -> None:
        self.text = text
        self.lines = lines
        self.offsets = OffsetIndex(text) if has_unusual_breaks(text) else None

    def pos(self, mark: Any) -> Pos:
        if self.offsets is None:
            return Pos(mark.line, mark.column)
        return Pos(*self.offsets.position(mark.index))

    def span(self, start_mark: Any, end_mark: Any) -> Span:
        start, end = self.pos(start_mark), self.pos(end_mark)
        if end.line == start.line:
            return Span(start, end)
        # Block scalars and block collections end at the start of the next token, often lines
        # later; clip to the end of the last line with content so ranges hug the text.
        while end.line > start.line and (end.col == 0 or not self.lines[end.line][: end.col].strip()):
            previous = end.line - 1
            end = Pos(previous, len(self.lines[previous].rstrip()))
            if self.lines[previous].strip() and not self.lines[previous].lstrip().startswith("#"):
                break
        return Span(start, max(start, end))

    def syntax_finding(self, error: MarkedYAMLError) -> Finding:
        mark = error.problem_mark or error.context_mark
        line, col = self.pos(mark) if mark is not None else (0, 0)
        line = min(line, len(self.lines) - 1)
        text = self.lines[line]
        problem = error.problem or "invalid YAML"
        indent = text[: len(text) - len(text.lstrip(" \t"))]
        if "\t" in problem or "'\\t'" in problem or text[col : col + 1] == "\t" or "\t" in indent:
            message = "tab characters cannot indent YAML; indent with spaces"
        else:
            message = problem
            if error.context:
                message = f"{error.context}: {problem}"
        end_col = len(text) if col >= len(text) else col + 1
        # Point at the whole token the parser stopped on, which is easier to see than one column.
        match = re.compile(r"\S+").match(text, col)
        if match:
            end_col = match.end()
        if col >= len(text) and text:
            col = max(len(text) - 1, 0)
        related: tuple[Related, ...] = ()
        context = error.context_mark
        if error.context and context is not None and self.pos(context) != (line, col):
            start = self.pos(context)
            related = (Related(Span(start, Pos(start.line, start.col + 1)), f"{error.context} started here"),)
        span = Span(Pos(line, col), Pos(line, max(end_col, col)))
        return Finding("yaml-syntax", Severity.ERROR, message, span, related=related)

    def reader_finding(self, error: ReaderError) -> Finding:
        offset = getattr(error, "position", 0) or 0
        line, col = OffsetIndex(self.text).position(offset)
        char = getattr(error, "character", "")
        code = ord(char) if isinstance(char, str) and char else char
        return Finding(
            "yaml-syntax",
            Severity.ERROR,
            f"character #x{code:04x} is not allowed in YAML" if isinstance(code, int) else str(error),
            Span(Pos(line, col), Pos(line, col + 1)),
        )
