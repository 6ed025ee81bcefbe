"""Parse again only the entry of a block mapping that an edit changed (issue 20).

While a user types, the text changes in one place. :func:`reparse` finds the innermost entry of a
block mapping whose lines hold the whole change (a top-level key, one sidecar under ``sidecars:``,
one field of it), parses that entry's text alone and puts what it reads in place of the old entry.
The result is the tree :func:`.tree.parse` gives for the text; whenever that is not certain, it *is*
``parse(text)``.

Why an entry read alone reads as it does in the whole text. The piece runs from the start of the
line of the entry's key to the start of the line of the next key of its mapping or of an ancestor
(or to the end of the text), and is parsed as ``"\\n" * line + piece``, so that every mark is the
true line and column:

* before the key's line the previous entry has ended, and nothing it holds can go on at the key's
  column (a block scalar or a plain scalar continues only further right; so a piece must start with
  its key, not with a comment or a blank line that a block scalar above would take in);
* the next key stands at the piece's column or left of it, which closes whatever the piece left open
  as the end of the text does (a block scalar's span is clipped back over the same lines either way);
* a line of the piece left of the key's column would belong to an ancestor: an enclosing entry is
  tried instead, as it is when the piece does not start with a key at the old key's place;
* so a piece that reads alone, with no finding, as entries of a block mapping whose keys stand at the
  old key's column, the first where the old key was, reads the same in the whole text. Any finding
  means the whole text has one too, and is parsed whole.

The comment lines before a mapping's first key are a piece too, which must read as nothing.

Every node before the change is the previous tree's own object; so is every node after it when no
line was added or removed, else it is a copy moved by that many lines (cheaper than the parse that
would otherwise make it). The mappings on the path from the root to the new entries are new objects.
"""

from __future__ import annotations

import enum
import re
from bisect import bisect_right
from dataclasses import dataclass

from sidecar_lsp.core.model import Pos, Span
from sidecar_lsp.core.yaml.nodes import MAX_DEPTH, Entry, Mapping, Node, ParsedDocument, Scalar, Sequence

# parse()'s own checks of nesting, so that both read a text alike.
from sidecar_lsp.core.yaml.tree import _COMPACT_DASHES, MAX_TEXT_CHARS, _too_deep_offset, parse

__all__ = ["reparse"]

_UNREADABLE = re.compile("[\r\t\x85\ufeff\u2028\u2029\ud800-\udfff]")
"""Characters an edit may not add: other line breaks, tabs, a byte-order mark, half surrogate pairs."""
_DOCUMENT_MARK = re.compile(r"^(?:---|\.\.\.|%)", re.MULTILINE)
_COMMENT_LINE = re.compile(r" *(?:#.*)?")
_FLOW_SYNTAX = re.compile(r"""[\[\]{}"'#\\]""")
"""What tree._FLOW_TOKEN reads: brackets, quotes, comments, escapes."""
_DEEP_INDENT = " " * MAX_DEPTH
_CHUNK = 4096


def reparse(previous: ParsedDocument, text: str) -> ParsedDocument:
    """``parse(text)``, re-using ``previous`` (a parse of an earlier text) where the edit left it alone.

    Only the lines the edit changed are parsed again when ``previous`` is whole and clean (no finding;
    ``spliceable``: no anchor, alias, tag, merge key, directive, CR, NEL, U+2028 or U+2029) with a
    block mapping at its root, and the edit adds no tab, CR, NEL, U+2028, U+2029 or byte-order mark and
    stays within the lines of one entry of a block mapping (or the comments before a mapping's first
    key). Those lines must read alone with no finding and no document marker (``---``, ``...``, ``%``)
    as entries of that mapping, the first key where the old one was, every key at its column and first
    on its line, none a sibling's; else the whole text is parsed."""
    document = _spliced_document(previous, text)
    return parse(text) if document is None else document


@dataclass(frozen=True)
class _Edit:
    """``old[start:old_end]`` became ``new[start:new_end]``, on the old lines first_line..last_line."""

    start: int
    old_end: int
    new_end: int
    first_line: int
    last_line: int


@dataclass(frozen=True)
class _Candidate:
    """Lines that hold the whole edit: an entry's, or the comments before a mapping's first key."""

    path: tuple[tuple[Mapping, int], ...]
    """From the root: each mapping and the index of its entry on the way to the one parsed again
    (for comments, to the entry whose value is the mapping; empty for the root's)."""
    first_line: int
    """The line of the entry's key (for comments, their first line)."""
    end_line: int
    """The line of the next key of its mapping or an ancestor's; the number of lines at the end."""
    column: int
    """The column of the entry's key and its siblings'."""
    comments: Mapping | None = None
    """The mapping whose first key the comments precede."""


class _Verdict(enum.Enum):
    WIDEN = "an enclosing entry may still be parsed alone"
    WHOLE = "parse the whole text"


def _spliced_document(previous: ParsedDocument, text: str) -> ParsedDocument | None:
    root = previous.root
    if not (
        previous.spliceable
        and previous.complete
        and not previous.recursive
        and not previous.findings
        and isinstance(root, Mapping)
        and not root.flow
        and root.entries
        and len(text) <= MAX_TEXT_CHARS
    ):
        return None
    if text == previous.text:
        return ParsedDocument(text, root, [], list(previous.lines), spliceable=True)
    edit = _edit(previous.text, text)
    if _UNREADABLE.search(text, edit.start, edit.new_end):
        return None
    candidates = _candidates(root, previous.lines, edit)
    if not candidates or not _nesting_allowed(previous.text, text, edit):
        return None
    for candidate in reversed(candidates):
        outcome = _reparse(previous, text, candidate)
        if outcome is not _Verdict.WIDEN:
            return outcome if isinstance(outcome, ParsedDocument) else None
    return None


def _edit(old: str, new: str) -> _Edit:
    start = _common_prefix(old, new)
    tail = min(_common_prefix(old[::-1], new[::-1]), min(len(old), len(new)) - start)
    old_end, new_end = len(old) - tail, len(new) - tail
    if start in (old_end, new_end):
        # Where text was only inserted or only removed is ambiguous ("  a\n" inserted before
        # "  b" reads as "a\n  " inserted two columns later): the comparison says the rightmost
        # place; take the leftmost on the line, so that a line added or removed is a whole line.
        inserted = start == old_end
        changed, stop = (new, new_end) if inserted else (old, old_end)
        while start > 0 and old[start - 1] != "\n" and old[start - 1] == changed[stop - 1]:
            start, stop = start - 1, stop - 1
        if inserted and start > 0 and old[start - 1] == "\n" == changed[stop - 1]:
            # Lines inserted before a key are as well lines appended to the entry above (the same
            # text): say the latter, so that the edit leaves the key's line alone.
            start, stop = start - 1, stop - 1
        old_end, new_end = (start, stop) if inserted else (stop, start)
    first_line = old.count("\n", 0, start)
    last_line = first_line + old.count("\n", start, old_end - 1) if old_end > start else first_line
    return _Edit(start, old_end, new_end, first_line, last_line)


def _common_prefix(a: str, b: str) -> int:
    # Slices compare in C: a chunk at a time, then halving the chunk that differs.
    limit, low = min(len(a), len(b)), 0
    while low < limit:
        high = min(low + _CHUNK, limit)
        if a[low:high] != b[low:high]:
            break
        low = high
    else:
        return limit
    while high - low > 1:
        middle = (low + high) // 2
        if a[low:middle] == b[low:middle]:
            low = middle
        else:
            high = middle
    return low


def _candidates(root: Mapping, lines: list[str], edit: _Edit) -> list[_Candidate]:
    """The entries of block mappings whose lines hold the whole edit, outermost first."""
    found: list[_Candidate] = []
    path: tuple[tuple[Mapping, int], ...] = ()
    mapping, comments_from, end_line = root, 0, len(lines)
    while True:
        entries = mapping.entries
        key_lines = [entry.key.span.start.line for entry in entries]
        index = bisect_right(key_lines, edit.first_line) - 1
        if index < 0:
            if edit.first_line >= comments_from and edit.last_line < key_lines[0]:
                found.append(_Candidate(path, comments_from, key_lines[0], -1, mapping))
            break
        next_line = key_lines[index + 1] if index + 1 < len(entries) else end_line
        key = entries[index].key.span.start
        if edit.last_line >= next_line or not _starts_line(lines, key):
            break
        if next_line < end_line and not _starts_line(lines, entries[index + 1].key.span.start):
            break
        path = (*path, (mapping, index))
        found.append(_Candidate(path, key.line, next_line, key.col))
        value = entries[index].value
        if not isinstance(value, Mapping) or value.flow or not value.entries:
            break
        mapping, comments_from, end_line = value, key.line + 1, next_line
    return found


def _starts_line(lines: list[str], pos: Pos) -> bool:
    return lines[pos.line][: pos.col] == " " * pos.col


def _reparse(previous: ParsedDocument, text: str, candidate: _Candidate) -> ParsedDocument | _Verdict:
    from sidecar_lsp.core.yaml.compose import compose  # loads ruamel.yaml, as parse() does, when first used

    old, old_lines = previous.text, previous.lines
    first, end, column = candidate.first_line, candidate.end_line, candidate.column
    at_end = end >= len(old_lines)
    start = sum(map(len, old_lines[:first])) + first
    old_stop = len(old) if at_end else start + sum(map(len, old_lines[first:end])) + end - first
    piece = text[start : old_stop + len(text) - len(old)]
    if not (at_end or piece.endswith("\n")):
        return _Verdict.WIDEN  # the edit joined the next key's line to these lines
    if _DOCUMENT_MARK.search(piece):
        return _Verdict.WHOLE
    piece_lines = piece.split("\n")
    if not at_end:
        piece_lines.pop()  # the piece ends with a line break: the next line is the next key's
    lines = old_lines[:first] + piece_lines + old_lines[end:]
    moved = len(lines) - len(old_lines)
    if candidate.comments is not None:
        if not all(_COMMENT_LINE.fullmatch(line) for line in (*old_lines[first:end], *piece_lines)):
            return _Verdict.WIDEN
        if compose("\n" * first + piece, lines).findings:
            return _Verdict.WHOLE  # a character YAML does not allow
        return _recommented(previous, text, lines, candidate, moved)
    if _left_of(piece_lines, column):
        return _Verdict.WIDEN
    document = compose("\n" * first + piece, lines)
    root = document.root
    if document.findings or not document.complete or not document.spliceable:
        return _Verdict.WHOLE
    if not isinstance(root, Mapping) or root.flow or not root.entries:
        return _Verdict.WIDEN
    keys = [entry.key.span.start for entry in root.entries]
    if keys[0] != Pos(first, column) or any(
        key.col != column or not _starts_line(lines, key) for key in keys
    ):
        return _Verdict.WIDEN
    parent, index = candidate.path[-1]
    names = {entry.name for entry in root.entries}
    if any(sibling.name in names for position, sibling in enumerate(parent.entries) if position != index):
        return _Verdict.WHOLE  # a duplicate key: the whole text has a finding
    levels_above = len(candidate.path) - 1
    if levels_above and max(_depth(entry.value) for entry in root.entries) + levels_above >= MAX_DEPTH:
        return _Verdict.WHOLE  # too deep where they stand, though not alone
    spliced = _spliced(candidate.path, root.entries, moved)
    return ParsedDocument(text, spliced, [], lines, spliceable=True)


def _recommented(
    previous: ParsedDocument, text: str, lines: list[str], candidate: _Candidate, moved: int
) -> ParsedDocument:
    """The previous tree after an edit of comment lines before a mapping's first key.

    The mapping starts at its first key, after the comments; its ancestors hold them, and are new."""
    mapping = candidate.comments
    assert mapping is not None
    root = _moved(mapping, moved) if moved else mapping
    if candidate.path:
        parent, index = candidate.path[-1]
        root = _spliced(candidate.path, [Entry(parent.entries[index].key, root)], moved)
    return ParsedDocument(text, root, [], lines, spliceable=True)


def _left_of(lines: list[str], column: int) -> bool:
    """Whether a line holds something left of ``column`` (comments aside): it is not the entry's."""
    if column == 0:
        return False
    for line in lines:
        content = line.lstrip(" ")
        if content and not content.startswith("#") and len(line) - len(content) < column:
            return True
    return False


def _depth(node: Node) -> int:
    """How many collections deep ``node`` nests (0 for a scalar)."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            stack.extend((entry.value, depth + 1) for entry in item.entries)
        elif isinstance(item, Sequence):
            stack.extend((child, depth + 1) for child in item.items)
        else:
            continue
        deepest = max(deepest, depth)
    return deepest


def _nesting_allowed(old: str, new: str, edit: _Edit) -> bool:
    """Whether ``parse(new)`` reads all of it: it cuts text nested past MAX_DEPTH (tree._too_deep_offset).

    ``old`` passed that check; the exact one (a scan of the whole text) runs only when the edit may
    change its verdict."""
    if new.startswith(_DEEP_INDENT) or "\n" + _DEEP_INDENT in new:
        return _too_deep_offset(new) is None
    line_start = new.rfind("\n", 0, edit.start) + 1
    line_end = new.find("\n", edit.new_end)
    touched = new[line_start : len(new) if line_end < 0 else line_end]
    # Compact dashes are counted on each line, and old had no line with too many.
    if touched.count("-") >= MAX_DEPTH and _COMPACT_DASHES.search(touched):
        return False
    if _same_flow_tokens(old, new, edit) or new.count("[") + new.count("{") <= MAX_DEPTH:
        return True
    return _too_deep_offset(new) is None


def _same_flow_tokens(old: str, new: str, edit: _Edit) -> bool:
    """Whether tree._FLOW_TOKEN finds the same brackets in both texts, so the depth they reach is old's.

    Its tokens start at a bracket, a quote or a comment's ``#`` and may span lines. When the edit
    neither removes nor adds any of those (nor an escape), no token starts in it, and one that spans
    it ends where it did, unless the characters around it change a token: a backslash before it
    (escaping its first character), a ``#`` after it (a comment or not, by what precedes), two
    quotes meeting (``''``), or a line break that ends a comment begun earlier on its line."""
    removed, added = old[edit.start : edit.old_end], new[edit.start : edit.new_end]
    if _FLOW_SYNTAX.search(removed) or _FLOW_SYNTAX.search(added):
        return False
    before = old[edit.start - 1] if edit.start else ""
    after = old[edit.old_end : edit.old_end + 1]
    if before == "\\" or after == "#" or before == after == "'":
        return False
    if "\n" in removed or "\n" in added:
        return "#" not in old[old.rfind("\n", 0, edit.start) + 1 : edit.start]
    return True


def _spliced(path: tuple[tuple[Mapping, int], ...], replacement: list[Entry], moved_lines: int) -> Mapping:
    """New mappings along ``path`` with ``replacement`` for its last entry, what follows moved by ``moved_lines``."""
    for level in range(len(path) - 1, -1, -1):
        mapping, index = path[level]
        later = mapping.entries[index + 1 :]
        if moved_lines:
            later = [_moved_entry(item, moved_lines) for item in later]
        entries = [*mapping.entries[:index], *replacement, *later]
        # A block mapping ends where its last value ends (compose.py's close()).
        start, end = mapping.span.start, max(item.value.span.end for item in entries)
        spliced = Mapping(Span(start, max(end, start)), entries=entries)
        if level == 0:
            return spliced
        parent, parent_index = path[level - 1]
        replacement = [Entry(parent.entries[parent_index].key, spliced)]
    raise ValueError("an empty path")


def _moved_span(span: Span, lines: int) -> Span:
    start, end = span
    return Span(Pos(start.line + lines, start.col), Pos(end.line + lines, end.col))


def _moved_scalar(node: Scalar, lines: int) -> Scalar:
    return Scalar(_moved_span(node.span, lines), node.tag, node.anchor, node.value, node.raw, node.style)


def _moved_entry(entry: Entry, lines: int) -> Entry:
    return Entry(_moved_scalar(entry.key, lines), _moved(entry.value, lines))


def _moved(node: Node, lines: int) -> Node:
    """A copy of ``node`` written ``lines`` lines further down (nesting is at most MAX_DEPTH)."""
    if isinstance(node, Scalar):
        return _moved_scalar(node, lines)
    span = _moved_span(node.span, lines)
    if isinstance(node, Mapping):
        entries = [_moved_entry(entry, lines) for entry in node.entries]
        return Mapping(span, node.tag, node.anchor, entries, node.flow)
    assert isinstance(node, Sequence)
    return Sequence(span, node.tag, node.anchor, [_moved(item, lines) for item in node.items], node.flow)
