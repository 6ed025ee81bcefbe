"""Parse YAML text into a tree where every key and value knows its exact range.

The tree is composed (in :mod:`yaml_compose`) from ruamel.yaml's parser events rather than by
its composer, so that the project controls what Copilot's YAML library (yaml.v3) would do and
what a language server needs while the user types:

* plain scalars resolve like yaml.v3 (YAML 1.2 core: ``on``/``yes`` stay strings);
* duplicate keys, undefined aliases, alias bombs, very deep nesting and later documents
  become findings, never exceptions;
* a syntax error keeps everything parsed before it, so completion still has a tree;
* composing is iterative, so no input can exhaust Python's recursion limit.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from .lines import OffsetIndex, split_lines
from .model import Finding, Pos, Severity, Span

MAX_TEXT_CHARS = 1_000_000
"""Manifests are a few KB; anything this large is not one and is not read."""
MAX_DEPTH = 64
"""Deepest collection nesting read; Copilot manifests stay under 10."""
MAX_EXPANDED_NODES = 50_000
"""Nodes the document may reach once aliases are expanded (stops "billion laughs")."""

_CORE_TAG = "tag:yaml.org,2002:"
_UNSET: Any = object()
_MERGE_KEY = "<<"


@dataclass(eq=False)
class Node:
    """Base of every tree node; ``span`` is where the node is written."""

    span: Span
    tag: str | None = None
    """Explicit tag as written (``!Ref``, ``tag:yaml.org,2002:str``), else None."""
    anchor: str | None = None


@dataclass(eq=False)
class Scalar(Node):
    value: Any = None
    """Resolved like yaml.v3: None, bool, int, float or str."""
    raw: str = ""
    """The scalar's text after unquoting, before type resolution."""
    style: str | None = None
    """None for plain, else one of ``' " | >``."""

    @property
    def text(self) -> str:
        """The value as Copilot's string fields read it (yaml.v3 keeps the written text)."""
        return self.value if isinstance(self.value, str) else self.raw


@dataclass(eq=False)
class Entry:
    key: Scalar
    value: Node
    merged: bool = False
    """True when the entry came in through a ``<<`` merge key."""
    name: str = field(init=False)
    """The key as Copilot reads it (``80:`` is the key "80")."""

    def __post_init__(self) -> None:
        self.name = self.key.text


@dataclass(eq=False)
class Mapping(Node):
    entries: list[Entry] = field(default_factory=list)
    flow: bool = False
    _index: dict[str, Entry] = field(default_factory=dict, repr=False)
    _indexed: int = field(default=-1, repr=False)

    def entry(self, key: str) -> Entry | None:
        # Rules look keys up tens of thousands of times per check; entries only ever grow, so
        # the index is rebuilt when their number changes.
        if self._indexed != len(self.entries):
            self._reindex()
        return self._index.get(key)

    def get(self, key: str) -> Node | None:
        if self._indexed != len(self.entries):
            self._reindex()
        item = self._index.get(key)
        return None if item is None else item.value

    def _reindex(self) -> None:
        index: dict[str, Entry] = {}
        for item in self.entries:
            index.setdefault(item.name, item)
        self._index, self._indexed = index, len(self.entries)

    def keys(self) -> list[str]:
        return [item.name for item in self.entries]


@dataclass(eq=False)
class Sequence(Node):
    items: list[Node] = field(default_factory=list)
    flow: bool = False


@dataclass
class ParsedDocument:
    """The result of :func:`parse`: the first document's tree and what went wrong reading it."""

    text: str
    root: Node | None
    findings: list[Finding]
    lines: list[str]
    complete: bool = True
    """False when a syntax error cut the tree short."""
    recursive: bool = False
    """The tree is whole but an alias points into its own anchor (read as empty, so not complete)."""
    _plain: Any = field(default=_UNSET, repr=False, compare=False)

    def to_plain(self) -> Any:
        """The document as JSON-like data (dicts, lists, scalars), as a schema validator wants it.

        Computed once per parse and shared by its readers (schema checks, completion, hover),
        which only read it.
        """
        if self._plain is _UNSET:
            self._plain = to_plain(self.root)
        return self._plain

    def at(self, path: tuple[str | int, ...] | list[str | int]) -> Node | None:
        return find(self.root, path)


def parse(text: str) -> ParsedDocument:
    """Parse YAML text; never raises for any input."""
    # The composer (and ruamel.yaml with it) loads on the first parse, not at import: a language
    # server answers `initialize` sooner and parses on its worker thread right after.
    from .yaml_compose import compose as _compose

    lines = split_lines(text)
    if len(text) > MAX_TEXT_CHARS:
        end = Pos(len(lines) - 1, len(lines[-1]))
        return ParsedDocument(
            text,
            None,
            [
                Finding(
                    "file-too-large",
                    Severity.ERROR,
                    f"file is {len(text):,} characters long; sidecar-lsp reads manifests of up to "
                    f"{MAX_TEXT_CHARS:,} characters (Copilot manifests are a few KB)",
                    Span(Pos(0, 0), end),
                )
            ],
            lines,
            complete=False,
        )
    surrogate = _LONE_SURROGATE.search(text)
    if surrogate is not None:
        # Text from an editor may hold half of a UTF-16 pair; no YAML reader (nor Copilot, which
        # reads UTF-8) accepts it, and libyaml cannot even be handed it.
        line, col = OffsetIndex(text).position(surrogate.start())
        return ParsedDocument(
            text,
            None,
            [
                Finding(
                    "yaml-syntax",
                    Severity.ERROR,
                    f"character #x{ord(surrogate.group()):04x} (half of a UTF-16 surrogate pair) is not "
                    "allowed in YAML; delete it",
                    Span(Pos(line, col), Pos(line, col + 1)),
                )
            ],
            lines,
            complete=False,
        )
    cut = _too_deep_offset(text)
    if cut is None:
        return _compose(text, lines)
    # ruamel.yaml's scanner slows down sharply with nesting depth, so text past the limit is
    # never handed to it: the document is read up to the line where the nesting goes too deep.
    offsets = OffsetIndex(text)
    line, col = offsets.position(cut)
    line_start = offsets.starts[line]
    document = _compose(text[:line_start], lines[:line] + [""])
    document.text, document.lines, document.complete = text, lines, False
    document.recursive = False
    document.findings.append(
        Finding(
            "yaml-too-deep",
            Severity.ERROR,
            f"collections nested deeper than {MAX_DEPTH} levels are not read",
            Span(Pos(line, col), Pos(line, len(lines[line]))),
        )
    )
    return document


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_FLOW_TOKEN = re.compile(r"""[\[\]{}]|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|(?:^|[ \t])#[^\n]*""", re.MULTILINE)
_DEEP_INDENT = re.compile(rf"^ {{{MAX_DEPTH},}}\S", re.MULTILINE)
_COMPACT_DASHES = re.compile(rf"^[ \t]*(?:-[ \t]+){{{MAX_DEPTH}}}", re.MULTILINE)


def _too_deep_offset(text: str) -> int | None:
    """Where flow brackets or compact ``- - -`` items first nest past MAX_DEPTH, if anywhere."""
    depth = 0
    for token in _FLOW_TOKEN.finditer(text):
        char = token.group()
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return token.start()
        elif char in "]}":
            depth = max(depth - 1, 0)
    dashes = _COMPACT_DASHES.search(text)
    if dashes:
        return dashes.end()
    if not _DEEP_INDENT.search(text):
        return None  # nesting past MAX_DEPTH needs at least MAX_DEPTH columns of indentation
    indents: list[int] = [-1]
    starts = OffsetIndex(text).starts
    for line, offset in zip(split_lines(text), starts, strict=True):
        stripped = line.lstrip(" ")
        if stripped and not stripped.startswith("#"):
            indent = len(line) - len(stripped)
            while indent < indents[-1]:
                indents.pop()
            if indent > indents[-1]:
                indents.append(indent)
                if len(indents) > MAX_DEPTH + 1:
                    return offset + indent
    return None


def to_plain(node: Node | None) -> Any:
    """Convert a tree to plain data; shared (aliased) nodes become shared objects."""
    memo: dict[int, Any] = {}

    def convert(item: Node | None) -> Any:
        if item is None:
            return None
        if isinstance(item, Scalar):
            return item.value
        if id(item) in memo:
            return memo[id(item)]
        if isinstance(item, Mapping):
            result: dict[str, Any] = {}
            memo[id(item)] = result
            for entry in item.entries:
                result[entry.name] = convert(entry.value)
            return result
        assert isinstance(item, Sequence)
        items: list[Any] = []
        memo[id(item)] = items
        items.extend(convert(child) for child in item.items)
        return items

    # Depth is bounded by MAX_DEPTH, so recursion here is safe.
    return convert(node)


def is_null(node: Node | None) -> bool:
    """Whether a node is absent or an explicit YAML null (Copilot treats both as "not set")."""
    return node is None or (isinstance(node, Scalar) and node.value is None)


def own_entries(node: Node | None) -> list[Entry]:
    """The entries written in a map, without those a ``<<`` merge key brings in ([] for no map)."""
    return [entry for entry in node.entries if not entry.merged] if isinstance(node, Mapping) else []


def mapping(node: Node | None) -> Mapping | None:
    return node if isinstance(node, Mapping) else None


def sequence_items(node: Node | None) -> list[Node]:
    return list(node.items) if isinstance(node, Sequence) else []


def find(root: Node | None, path: tuple[str | int, ...] | list[str | int]) -> Node | None:
    """The node at ``path`` (keys and list indices), or None."""
    node = root
    for part in path:
        if isinstance(node, Mapping) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, Sequence) and isinstance(part, int) and 0 <= part < len(node.items):
            node = node.items[part]
        else:
            return None
    return node


def find_entry(root: Node | None, path: tuple[str | int, ...] | list[str | int]) -> Entry | None:
    """The map entry whose key is the last part of ``path``, or None."""
    if not path or not isinstance(path[-1], str):
        return None
    parent = find(root, path[:-1])
    return parent.entry(path[-1]) if isinstance(parent, Mapping) else None


@dataclass(frozen=True)
class Location:
    """What sits at a position: the path of the innermost node and whether it is a key or a value."""

    path: tuple[str | int, ...]
    node: Node | None
    role: str
    """``key``, ``value`` or ``none`` (between nodes)."""
    entry: Entry | None = None
    """The entry whose key or value holds the position, for mapping members."""


def node_at(root: Node | None, pos: Pos) -> Location:
    """The innermost node written at ``pos``; merged entries are skipped (they live elsewhere)."""
    path: list[str | int] = []
    node = root
    entry_here: Entry | None = None
    role = "value" if root is not None and root.span.contains(pos) else "none"
    while node is not None:
        step = _child_at(node, pos)
        if step is None:
            break
        part, child, entry, is_key = step
        path.append(part)
        entry_here = entry
        if is_key:
            assert entry is not None
            return Location(tuple(path), entry.key, "key", entry)
        node = child
        role = "value"
    return Location(tuple(path), node, role, entry_here)


def _child_at(node: Node, pos: Pos) -> tuple[str | int, Node, Entry | None, bool] | None:
    if isinstance(node, Mapping):
        for entry in own_entries(node):
            if entry.key.span.contains(pos):
                return entry.name, entry.key, entry, True
            if entry.value.span.contains(pos) and not _is_empty_null(entry.value):
                return entry.name, entry.value, entry, False
    elif isinstance(node, Sequence):
        for index, item in enumerate(node.items):
            if item.span.contains(pos):
                return index, item, None, False
    return None


def _is_empty_null(node: Node) -> bool:
    return (
        isinstance(node, Scalar)
        and node.value is None
        and node.raw == ""
        and node.span.start == node.span.end
    )


def iter_nodes(root: Node | None) -> Iterator[tuple[tuple[str | int, ...], Node]]:
    """Every node with its path, each shared node once, merged entries skipped."""
    seen: set[int] = set()
    stack: list[tuple[tuple[str | int, ...], Node]] = [((), root)] if root is not None else []
    while stack:
        path, node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield path, node
        if isinstance(node, Mapping):
            stack.extend((path + (e.name,), e.value) for e in reversed(own_entries(node)))
        elif isinstance(node, Sequence):
            stack.extend((path + (i,), item) for i, item in reversed(list(enumerate(node.items))))


# --- scalar resolution (yaml.v3, YAML 1.2 core schema) ---------------------------------------

_NULLS = {"", "~", "null", "Null", "NULL"}
_NUMBER_STARTS = frozenset("0123456789+-.")
_TRUE = {"true", "True", "TRUE"}
_FALSE = {"false", "False", "FALSE"}
_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*|0[0-7_]+)$|[-+]?0b[01_]+$|[-+]?0o[0-7_]+$|[-+]?0x[0-9a-fA-F_]+$")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$")
_SPECIAL_FLOATS = {
    ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf, "+.inf": math.inf, "+.Inf": math.inf,
    "+.INF": math.inf, "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
    ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
}  # fmt: skip


def resolve_plain(raw: str) -> Any:
    """Type a plain scalar the way yaml.v3 does when decoding into an untyped value."""
    if raw in _NULLS:
        return None
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    if raw[:1] not in _NUMBER_STARTS:
        return raw  # most scalars are words: no number starts with a letter
    if _INT.match(raw):
        number = _int_of(raw)
        if number is not None:
            return number
        # Too large for 64 bits: yaml.v3 then tries a float, and keeps the text if that fails too.
    if _FLOAT.match(raw):
        try:
            number_f = float(raw.replace("_", ""))
        except ValueError:
            return raw
        return raw if math.isinf(number_f) else number_f
    if raw in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[raw]
    return raw


_INT64_MIN, _UINT64_MAX = -(2**63), 2**64 - 1
_MAX_DIGITS = 70
"""No 64-bit number needs more digits (in binary); longer literals are not converted at all."""


def _int_of(raw: str) -> int | None:
    """The value of an integer literal when it fits yaml.v3's int64 or uint64, else None."""
    digits = raw.replace("_", "")
    sign = -1 if digits.startswith("-") else 1
    body = digits.lstrip("+-")
    if len(body) > _MAX_DIGITS:
        return None
    try:
        if body.startswith(("0b", "0o", "0x")):
            number = sign * int(body, 0)
        elif len(body) > 1 and body.startswith("0"):
            number = sign * int(body, 8)
        else:
            number = sign * int(body)
    except ValueError:
        return None
    return number if _INT64_MIN <= number <= _UINT64_MAX else None
