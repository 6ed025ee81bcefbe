"""Parse YAML text into a tree where every key and value knows its exact range.

The tree (its nodes are in :mod:`.nodes`, re-exported here) is composed in :mod:`.compose`
from ruamel.yaml's parser events rather than by its composer, so that the project controls what
Copilot's YAML library (yaml.v3) would do and what a language server needs while the user types:

* plain scalars resolve like yaml.v3 (YAML 1.2 core: ``on``/``yes`` stay strings);
* duplicate keys, undefined aliases, alias bombs, very deep nesting and later documents
  become findings, never exceptions;
* a syntax error keeps everything parsed before it, so completion still has a tree;
* composing is iterative, so no input can exhaust Python's recursion limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sidecar_lsp.core.lines import OffsetIndex, split_lines
from sidecar_lsp.core.model import Finding, Pos, Severity, Span
from sidecar_lsp.core.yaml.nodes import (
    MAX_DEPTH,
    MAX_EXPANDED_NODES,
    Entry,
    Mapping,
    Node,
    ParsedDocument,
    Scalar,
    Sequence,
    find,
    own_entries,
    resolve_plain,
    to_plain,
)

__all__ = [
    "Entry",
    "Location",
    "MAX_DEPTH",
    "MAX_EXPANDED_NODES",
    "MAX_TEXT_CHARS",
    "Mapping",
    "Node",
    "ParsedDocument",
    "Scalar",
    "Sequence",
    "find",
    "find_entry",
    "is_null",
    "iter_nodes",
    "mapping",
    "node_at",
    "own_entries",
    "parse",
    "resolve_plain",
    "sequence_items",
    "to_plain",
]

MAX_TEXT_CHARS = 1_000_000
"""Manifests are a few KB; anything this large is not one and is not read."""


def parse(text: str) -> ParsedDocument:
    """Parse YAML text; never raises for any input."""
    # The composer (and ruamel.yaml with it) loads on the first parse, not at import: a language
    # server answers `initialize` sooner and parses on its worker thread right after.
    from sidecar_lsp.core.yaml.compose import compose as _compose

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
_DEEP_SPACES = " " * MAX_DEPTH
_COMPACT_DASHES = re.compile(rf"^[ \t]*(?:-[ \t]+){{{MAX_DEPTH}}}", re.MULTILINE)


def _too_deep_offset(text: str) -> int | None:
    """Where flow brackets or compact ``- - -`` items first nest past MAX_DEPTH, if anywhere."""
    if text.count("[") + text.count("{") > MAX_DEPTH:  # else no flow nesting can go that deep
        depth = 0
        for token in _FLOW_TOKEN.finditer(text):
            char = token.group()
            if char in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    return token.start()
            elif char in "]}":
                depth = max(depth - 1, 0)
    dashes = _COMPACT_DASHES.search(text) if text.count("-") >= MAX_DEPTH else None
    if dashes:
        return dashes.end()
    if _DEEP_SPACES not in text or not _DEEP_INDENT.search(text):
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


def is_null(node: Node | None) -> bool:
    """Whether a node is absent or an explicit YAML null (Copilot treats both as "not set")."""
    return node is None or (isinstance(node, Scalar) and node.value is None)


def mapping(node: Node | None) -> Mapping | None:
    return node if isinstance(node, Mapping) else None


def sequence_items(node: Node | None) -> list[Node]:
    return list(node.items) if isinstance(node, Sequence) else []


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
