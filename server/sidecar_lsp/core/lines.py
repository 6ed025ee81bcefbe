"""What a line is, once for the whole project.

Three readers of the same text must agree on line numbers:

* LSP clients (VS Code, Neovim) end a line at ``\\n``, ``\\r\\n`` or a lone ``\\r`` and nowhere else;
  positions on the wire count lines that way (LSP 3.17, "Text Documents").
* The YAML parser (libyaml, like Copilot's yaml.v3) also ends lines at NEL (U+0085), LINE SEPARATOR
  (U+2028) and PARAGRAPH SEPARATOR (U+2029): ``name: api\\u2028type: Backend Service`` holds two keys.
* Python's ``str.splitlines`` (which pygls' document model uses) adds vertical tab, form feed and
  U+001C..U+001E.

The core's line table is the client's (:func:`split_lines`): every position the core returns is
one a client can show. The parser's marks are converted from their character offset
(:class:`OffsetIndex`), never taken from the parser's own line count.
"""

from __future__ import annotations

import bisect
import re

CLIENT_LINE_BREAK = re.compile(r"\r\n|\r|\n")
"""Line breaks as LSP clients count them."""

_UNUSUAL = re.compile(r"[\r\x85\u2028\u2029]")


def split_lines(text: str) -> list[str]:
    """The text's lines without their line breaks (``\\n``, ``\\r\\n``, ``\\r``); always at least one."""
    if "\r" not in text:
        return text.split("\n")  # the common case, ten times faster than the regular expression
    return CLIENT_LINE_BREAK.split(text)


def has_unusual_breaks(text: str) -> bool:
    """Whether the parser's line count may differ from the client's (any ``\\r``, NEL, U+2028/9)."""
    return _UNUSUAL.search(text) is not None


class OffsetIndex:
    """Character offsets to (line, column) on the client's lines."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        self.starts.extend(match.end() for match in CLIENT_LINE_BREAK.finditer(text))
        self.length = len(text)

    def position(self, offset: int) -> tuple[int, int]:
        offset = min(max(offset, 0), self.length)
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]

    def offset(self, line: int, col: int) -> int:
        line = min(max(line, 0), len(self.starts) - 1)
        return min(self.starts[line] + max(col, 0), self.length)
