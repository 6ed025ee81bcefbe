"""Where the cursor is, read from the text around it: works on half-typed and broken YAML.

While the user types, the line under the cursor is rarely valid YAML (``    he`` is a plain
scalar where a key belongs) and the document often fails to parse below it. The context is
therefore derived from the cursor line and the indentation of the lines above it, the way a
reader does, never from the parse tree:

* ``role="key"``: a key goes here (a bare word, an empty line, ``- `` starting a list item);
  ``path`` is the mapping's path, ``siblings`` the keys it already has (above and below).
* ``role="value"``: a value goes here (``key: |``); ``path`` is the value's path.
* ``role="item"``: after ``- `` where the list's items may be scalars; ``path`` ends with the
  item index, and ``siblings`` lists the scalar items already there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sidecar_lsp.core.model import Pos, Span

_DASHES = re.compile(r"((?:-[ \t]+)*)")
_KEY = re.compile(
    r"""(?P<key>"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#:'"\[\]{},][^#:]*?|[^\s#:'"\[\]{},])[ \t]*:(?:[ \t]|$)"""
)
_WORD = re.compile(r"[\w./${}-]*$")
_DASH = re.compile(r"-[ \t]+")
_BLOCK_SCALAR = re.compile(r"^[|>][0-9+-]*\s*(#.*)?$")

PathPart = str | int


@dataclass(frozen=True)
class Context:
    """What the cursor is completing; see the module docstring."""

    role: str
    path: tuple[PathPart, ...]
    prefix: str
    """The part of the word before the cursor."""
    replace: Span
    """The word being typed (before and after the cursor), replaced by a completion."""
    indent: int
    """Column of the keys of the mapping being completed (``role="key"``)."""
    siblings: tuple[str, ...] = ()
    has_colon: bool = False
    """The key being typed already has its ``:`` (only the name is to be inserted)."""
    item_start: bool = False
    """The cursor line starts a list item (``- ``)."""


@dataclass(frozen=True)
class _Line:
    indent: int
    dashes: tuple[int, ...]
    """Columns of the ``-`` indicators the line starts with."""
    key_col: int
    key: str | None
    rest: str
    """The text after ``key:`` (stripped), or the whole content when there is no key."""


def _split(line: str) -> _Line | None:
    stripped = line.lstrip(" ")
    if not stripped.strip() or stripped.startswith("#"):
        return None
    indent = len(line) - len(stripped)
    match = _DASHES.match(line, indent)
    dash_text = match.group(1) if match else ""
    dashes: list[int] = []
    col = indent
    for part in _DASH.findall(dash_text):
        dashes.append(col)
        col += len(part)
    if stripped.rstrip() == "-":
        return _Line(indent, (indent,), indent + 2, None, "")
    key_match = _KEY.match(line, col)
    if key_match:
        key = _unquote(key_match.group("key").rstrip())
        return _Line(indent, tuple(dashes), col, key, line[key_match.end() :].strip())
    return _Line(indent, tuple(dashes), col, None, line[col:].strip())


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def context_at(lines: list[str], pos: Pos) -> Context | None:
    """The completion context at ``pos``; None inside comments, block scalars and flow collections.

    ``lines`` are the client's lines, as :func:`sidecar_lsp.core.lines.split_lines` cuts them (no line break left in
    them): ``pos.line`` indexes them, so any other cut would put the cursor on another line.
    """
    if not 0 <= pos.line < len(lines):
        return None
    line = lines[pos.line]
    col = min(pos.col, len(line))
    before = line[:col]
    if re.search(r"(^|\s)#", before) or "\t" in before[: len(before) - len(before.lstrip())]:
        return None
    indent = len(before) - len(before.lstrip(" "))
    dash_match = _DASHES.match(before, indent)
    dash_text = dash_match.group(1) if dash_match else ""
    dashes: list[int] = []
    cursor = indent
    for part in _DASH.findall(dash_text):
        dashes.append(cursor)
        cursor += len(part)
    key_col = cursor
    body = before[key_col:]
    key_match = _KEY.match(before, key_col)
    if key_match:
        # value position: "key: partial"
        key = _unquote(key_match.group("key").rstrip())
        value_text = before[key_match.end() :]
        if (
            value_text.lstrip().startswith(("[", "{", "|", ">", '"', "'", "&", "*", "!"))
            or ": " in value_text
        ):
            return None
        start = key_match.end() + len(value_text) - len(value_text.lstrip(" \t"))
        value_end = line.find(" #", start)
        end = len(line.rstrip()) if value_end < 0 else len(line[:value_end].rstrip())
        end = max(end, col)
        owner = _owner(lines, pos.line, key_col, tuple(dashes))
        if owner is None:
            return None
        path, _siblings = owner
        return Context(
            "value", path + (key,), before[start:col], Span(Pos(pos.line, start), Pos(pos.line, end)), key_col
        )
    if not re.fullmatch(r"[\w./${}\"'-]*", body):
        return None
    start = key_col
    end = _word_end(line, col)
    after = line[end:]
    has_colon = after.lstrip(" ").startswith(":")
    owner = _owner(lines, pos.line, key_col, tuple(dashes))
    if owner is None:
        return None
    path, siblings = owner
    replace = Span(Pos(pos.line, start), Pos(pos.line, end))
    if dashes and not body and not line[col:].strip():
        # "- " alone: a new list item, a map or a scalar depending on the schema
        return Context("item", path, body, replace, key_col, siblings, False, True)
    role = "key"
    return Context(role, path, body, replace, key_col, siblings, has_colon, bool(dashes))


def _word_end(line: str, col: int) -> int:
    match = re.compile(r"[\w./${}-]*").match(line, col)
    return match.end() if match else col


def _owner(
    lines: list[str], line_no: int, key_col: int, dashes: tuple[int, ...]
) -> tuple[tuple[PathPart, ...], tuple[str, ...]] | None:
    """The path of the mapping whose keys sit at ``key_col`` on ``line_no``, and its other keys.

    With ``dashes`` the mapping is a new item of the list whose ``-`` is at ``dashes[-1]``
    (and the path ends with that item's index).
    """
    siblings: list[str] = []
    reversed_path: list[PathPart] = []
    # state: ("map", col) = inside a mapping with keys at col; ("seq", col, index) = list with dashes at col
    state: tuple[str, int] = ("seq", dashes[-1]) if dashes else ("map", key_col)
    outer_dashes = list(dashes[:-1])
    index = 0
    first = True
    for number in range(line_no - 1, -1, -1):
        info = _split(lines[number])
        if info is None:
            continue
        kind, col = state
        if kind == "map" and col == 0 and not first:
            break  # the top-level key is found; nothing above matters
        if kind == "map":
            if info.key_col == col and info.key is not None:
                if first:
                    siblings.append(info.key)
                if info.dashes:
                    state, index = ("seq", info.dashes[-1]), 0
                    first = False
                continue
            if info.key is None and info.dashes and info.dashes[-1] < col and info.key_col >= col:
                state, index = ("seq", info.dashes[-1]), 0
                first = False
                continue
            if info.indent > col or info.key_col > col:
                continue
            if info.key is None:
                continue  # a half-typed word or a stray scalar: not a parent
            if _BLOCK_SCALAR.match(info.rest):
                return None
            reversed_path.append(info.key)
            first = False
            if info.dashes:
                state, index = ("seq", info.dashes[-1]), 0
            else:
                state = ("map", info.key_col)
            continue
        # kind == "seq"
        if info.dashes and info.dashes[0] == col:
            index += 1
            continue
        if info.indent > col:
            continue
        if info.key is not None and info.key_col <= col:
            reversed_path.append(index)
            reversed_path.append(info.key)
            first = False
            if info.dashes:
                state, index = ("seq", info.dashes[-1]), 0
            else:
                state = ("map", info.key_col)
            continue
        if info.key is None and not info.dashes:
            continue
        return None
    kind, col = state
    if kind == "seq":
        return None  # a list with no key above it: not a manifest shape
    path = tuple(reversed(reversed_path))
    if dashes:
        path = path + tuple(0 for _ in outer_dashes)
    # keys of the same mapping below the cursor line
    for number in range(line_no + 1, len(lines)):
        info = _split(lines[number])
        if info is None:
            continue
        if info.indent < key_col:
            break
        if info.indent == key_col and info.key is not None and not info.dashes:
            siblings.append(info.key)
    return path, tuple(dict.fromkeys(siblings))
