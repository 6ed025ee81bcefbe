"""The tree :mod:`.tree` parses a document into: nodes that know where they are written.

Apart from the parser so that the composer (:mod:`.compose`) and the readers of the tree
import the node classes without importing each other. Plain scalars resolve here like yaml.v3's.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from sidecar_lsp.core.model import Finding, Span

MAX_DEPTH = 64
"""Deepest collection nesting read; Copilot manifests stay under 10."""
MAX_EXPANDED_NODES = 50_000
"""Nodes the document may reach once aliases are expanded (stops "billion laughs")."""

_UNSET: Any = object()


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
    """The result of :func:`.tree.parse`: the first document's tree and what went wrong reading it."""

    text: str
    root: Node | None
    findings: list[Finding]
    lines: list[str]
    complete: bool = True
    """False when a syntax error cut the tree short."""
    recursive: bool = False
    """The tree is whole but an alias points into its own anchor (read as empty, so not complete)."""
    spliceable: bool = field(default=False, compare=False)
    """libyaml read the text, which holds no CR, NEL, U+2028 or U+2029, no directive and no anchor,
    alias, tag or merge key: each node stands for the text at its span alone, so a piece of the text
    parsed again reads the same (:mod:`.incremental`)."""
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


def own_entries(node: Node | None) -> list[Entry]:
    """The entries written in a map, without those a ``<<`` merge key brings in ([] for no map)."""
    return [entry for entry in node.entries if not entry.merged] if isinstance(node, Mapping) else []


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
