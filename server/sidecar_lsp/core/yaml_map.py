"""Parse YAML text into a tree where every key and value knows its exact range.

The tree is composed here from ruamel.yaml's parser events rather than by its composer,
so that this module controls what Copilot's YAML library (yaml.v3) would do and what a
language server needs while the user types:

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

from ruamel.yaml import YAML
from ruamel.yaml import events as ev
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from .model import Finding, Pos, Related, Severity, Span

MAX_TEXT_CHARS = 1_000_000
"""Manifests are a few KB; anything this large is not one and is not read."""
MAX_DEPTH = 64
"""Deepest collection nesting read; Copilot manifests stay under 10."""
MAX_EXPANDED_NODES = 50_000
"""Nodes the document may reach once aliases are expanded (stops "billion laughs")."""

_CORE_TAG = "tag:yaml.org,2002:"
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
            index: dict[str, Entry] = {}
            for item in self.entries:
                index.setdefault(item.name, item)
            self._index, self._indexed = index, len(self.entries)
        return self._index.get(key)

    def get(self, key: str) -> Node | None:
        item = self.entry(key)
        return item.value if item else None

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

    def to_plain(self) -> Any:
        """The document as JSON-like data (dicts, lists, scalars), as a schema validator wants it."""
        return to_plain(self.root)

    def at(self, path: tuple[str | int, ...] | list[str | int]) -> Node | None:
        return find(self.root, path)


def parse(text: str) -> ParsedDocument:
    """Parse YAML text; never raises for any input."""
    lines = text.split("\n")
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
    cut = _too_deep_offset(text)
    if cut is None:
        return _compose(text, lines)
    # ruamel.yaml's scanner slows down sharply with nesting depth, so text past the limit is
    # never handed to it: the document is read up to the line where the nesting goes too deep.
    line = text.count("\n", 0, cut)
    col = cut - (text.rfind("\n", 0, cut) + 1)
    line_start = cut - col
    document = _compose(text[:line_start], lines[:line] + [""])
    document.text, document.lines, document.complete = text, lines, False
    document.findings.append(
        Finding(
            "yaml-too-deep",
            Severity.ERROR,
            f"collections nested deeper than {MAX_DEPTH} levels are not read",
            Span(Pos(line, col), Pos(line, len(lines[line]))),
        )
    )
    return document


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
    offset = 0
    for line in text.split("\n"):
        stripped = line.lstrip(" ")
        if stripped and not stripped.startswith("#"):
            indent = len(line) - len(stripped)
            while indent < indents[-1]:
                indents.pop()
            if indent > indents[-1]:
                indents.append(indent)
                if len(indents) > MAX_DEPTH + 1:
                    return offset + indent
        offset += len(line) + 1
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
        for entry in node.entries:
            if entry.merged:
                continue
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
            stack.extend((path + (e.name,), e.value) for e in reversed(node.entries) if not e.merged)
        elif isinstance(node, Sequence):
            stack.extend((path + (i,), item) for i, item in reversed(list(enumerate(node.items))))


# --- scalar resolution (yaml.v3, YAML 1.2 core schema) ---------------------------------------

_NULLS = {"", "~", "null", "Null", "NULL"}
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
    if _INT.match(raw):
        digits = raw.replace("_", "")
        sign = -1 if digits.startswith("-") else 1
        body = digits.lstrip("+-")
        try:
            if body.startswith(("0b", "0o", "0x")):
                return sign * int(body, 0)
            if len(body) > 1 and body.startswith("0"):
                return sign * int(body, 8)
            return sign * int(body)
        except ValueError:
            return raw
    if _FLOAT.match(raw):
        try:
            return float(raw.replace("_", ""))
        except ValueError:
            return raw
    if raw in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[raw]
    return raw


def _resolve(event: ev.ScalarEvent) -> Any:
    value: str = event.value
    tag = event.tag
    if tag and tag.startswith(_CORE_TAG):
        kind = tag[len(_CORE_TAG) :]
        if kind == "str":
            return value
        resolved = resolve_plain(value)
        if kind == "int" and isinstance(resolved, int) and not isinstance(resolved, bool):
            return resolved
        if kind == "float" and isinstance(resolved, (int, float)) and not isinstance(resolved, bool):
            return float(resolved)
        if kind == "bool" and isinstance(resolved, bool):
            return resolved
        if kind == "null" and resolved is None:
            return None
        return value
    if tag and tag != "!":
        return value  # unknown local tag: its text, as yaml.v3 decodes it into a string
    if not event.style and (event.implicit is None or event.implicit[0]):
        return resolve_plain(value)
    return value


# --- composer ----------------------------------------------------------------------------------


@dataclass(eq=False)
class _Open:
    node: Mapping | Sequence
    pending_key: Scalar | None = None
    explicit_keys: dict[str, Scalar] = field(default_factory=dict)
    merges: list[tuple[Scalar, Node]] = field(default_factory=list)
    weight: int = 1


def _compose(text: str, lines: list[str]) -> ParsedDocument:
    document = _Composer(text, lines, pure=False).run()
    if any(f.code == "yaml-syntax" and _LIBYAML_ONLY_ERROR in f.message for f in document.findings):
        # The libyaml copy in ruamel.yaml.clib rejects `[front:latest]` (a colon inside a flow
        # collection), which yaml.v3, and so Copilot, reads as the string "front:latest"; the
        # pure-Python parser reads it like yaml.v3.
        document = _Composer(text, lines, pure=True).run()
    return document


_LIBYAML_ONLY_ERROR = "found unexpected ':'"


class _Composer:
    def __init__(self, text: str, lines: list[str], *, pure: bool) -> None:
        self.pure = pure
        self.text = text
        self.lines = lines
        self.findings: list[Finding] = []
        self.anchors: dict[str, Node] = {}
        self.weights: dict[int, int] = {}
        self.expanded = 0
        self.bomb_reported = False
        self.stack: list[_Open] = []
        self.root: Node | None = None
        self.skip_depth = 0
        self.documents = 0

    # --- driving the parser

    def run(self) -> ParsedDocument:
        complete = True
        try:
            for event in _event_parser(self.pure).parse(self.text):
                if not self.handle(event):
                    break
        except MarkedYAMLError as error:
            complete = False
            self.findings.append(self.syntax_finding(error))
        except ReaderError as error:
            complete = False
            self.findings.append(self.reader_finding(error))
        except YAMLError as error:
            complete = False
            self.findings.append(self.finding("yaml-syntax", str(error), Span(Pos(0, 0), Pos(0, 0))))
        self.close_all()
        return ParsedDocument(self.text, self.root, self.findings, self.lines, complete)

    def handle(self, event: ev.Event) -> bool:
        if isinstance(event, ev.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                start = self.pos(event.start_mark)
                line_end = Pos(start.line, len(self.lines[start.line]) if start.line < len(self.lines) else 0)
                self.findings.append(
                    Finding(
                        "yaml-multiple-documents",
                        Severity.WARNING,
                        "this file holds more than one YAML document; Copilot reads only the first "
                        "and ignores the rest",
                        Span(start, max(line_end, start)),
                    )
                )
                return False
            return True
        if isinstance(event, (ev.StreamStartEvent, ev.StreamEndEvent, ev.DocumentEndEvent)):
            return True
        if self.skip_depth:
            if isinstance(event, (ev.MappingStartEvent, ev.SequenceStartEvent)):
                self.skip_depth += 1
            elif isinstance(event, (ev.MappingEndEvent, ev.SequenceEndEvent)):
                self.skip_depth -= 1
            return True
        if isinstance(event, ev.ScalarEvent):
            self.add(self.scalar(event), event)
        elif isinstance(event, ev.AliasEvent):
            self.add(self.alias(event), event)
        elif isinstance(event, (ev.MappingStartEvent, ev.SequenceStartEvent)):
            self.open(event)
        elif isinstance(event, (ev.MappingEndEvent, ev.SequenceEndEvent)):
            self.close(event.end_mark)
        return True

    # --- nodes

    def scalar(self, event: ev.ScalarEvent) -> Scalar:
        span = self.span(event.start_mark, event.end_mark)
        value = _resolve(event)
        style = event.style or None  # libyaml reports plain style as ""
        node = Scalar(span, _explicit_tag(event.tag), event.anchor, value, event.value, style)
        if event.value == "" and style is None:
            node.span = self.empty_value_span(span)
        if node.tag and not node.tag.startswith(_CORE_TAG) and node.tag != "!":
            self.findings.append(
                Finding(
                    "yaml-unknown-tag",
                    Severity.WARNING,
                    f"unknown tag '{node.tag}': Copilot does not evaluate YAML tags such as CloudFormation "
                    f"functions; it reads the plain text '{event.value}'",
                    span,
                )
            )
        return node

    def alias(self, event: ev.AliasEvent) -> Node:
        span = self.span(event.start_mark, event.end_mark)
        target = self.anchors.get(event.anchor)
        if target is None:
            self.findings.append(self.finding("yaml-unknown-alias", f"unknown anchor '{event.anchor}'", span))
            return Scalar(span, None, None, None, "", None)
        weight = self.weights.get(id(target), 1)
        if self.expanded + weight > MAX_EXPANDED_NODES:
            if not self.bomb_reported:
                self.bomb_reported = True
                self.findings.append(
                    self.finding(
                        "yaml-alias-bomb",
                        f"alias '*{event.anchor}' expands the document beyond {MAX_EXPANDED_NODES:,} "
                        "nodes (an alias bomb?); aliases past this point are not read",
                        span,
                    )
                )
            return Scalar(span, None, None, None, "", None)
        self.expanded += weight
        self.weights[id(target)] = weight
        return target

    def open(self, event: ev.MappingStartEvent | ev.SequenceStartEvent) -> None:
        if len(self.stack) >= MAX_DEPTH:
            span = self.span(event.start_mark, event.start_mark)
            self.findings.append(
                self.finding(
                    "yaml-too-deep",
                    f"collections nested deeper than {MAX_DEPTH} levels are not read",
                    Span(span.start, Pos(span.start.line, len(self.lines[span.start.line]))),
                )
            )
            self.skip_depth = 1
            self.add(Scalar(span, None, None, None, "", None), event)
            return
        span = self.span(event.start_mark, event.end_mark)
        flow = bool(event.flow_style)
        tag = _explicit_tag(event.tag)
        collection: Mapping | Sequence
        if isinstance(event, ev.MappingStartEvent):
            collection = Mapping(span, tag, event.anchor, flow=flow)
        else:
            collection = Sequence(span, tag, event.anchor, flow=flow)
        self.expanded += 1
        self.stack.append(_Open(collection))
        if event.anchor:
            self.anchors[event.anchor] = collection

    def close(self, end_mark: Any | None) -> None:
        frame = self.stack.pop()
        node = frame.node
        if isinstance(node, Mapping):
            self.apply_merges(frame)
        last = self.last_child_end(node)
        if node.flow and end_mark is not None:
            node.span = Span(node.span.start, self.pos(end_mark))
        elif last is not None:
            node.span = Span(node.span.start, max(last, node.span.start))
        self.weights[id(node)] = frame.weight
        self.place(node, frame.weight)

    def close_all(self) -> None:
        while self.stack:
            frame = self.stack[-1]
            if isinstance(frame.node, Mapping) and frame.pending_key is not None:
                key = frame.pending_key
                after = Span(key.span.end, key.span.end)
                self.place(Scalar(self.empty_value_span(after), None, None, None, "", None), 1)
            self.close(None)

    def add(self, node: Node, event: ev.Event) -> None:
        if isinstance(event, ev.ScalarEvent) and event.anchor:
            self.anchors[event.anchor] = node
        weight = 1 if isinstance(node, Scalar) else self.weights.get(id(node), 1)
        if isinstance(node, Scalar):
            self.expanded += 1
        self.place(node, weight)

    def place(self, node: Node, weight: int) -> None:
        if not self.stack:
            if self.root is None:
                self.root = node
            return
        frame = self.stack[-1]
        frame.weight += weight
        parent = frame.node
        if isinstance(parent, Sequence):
            parent.items.append(node)
            return
        if frame.pending_key is None:
            frame.pending_key = self.as_key(node)
            return
        key = frame.pending_key
        frame.pending_key = None
        if key.raw == _MERGE_KEY and key.style is None:
            frame.merges.append((key, node))
            return
        name = key.text
        first = frame.explicit_keys.get(name)
        if first is not None:
            self.findings.append(
                self.finding(
                    "yaml-duplicate-key",
                    f'mapping key "{name}" already defined at line {first.span.start.line + 1}',
                    key.span,
                )
            )
            return
        frame.explicit_keys[name] = key
        parent.entries.append(Entry(key, node))

    def as_key(self, node: Node) -> Scalar:
        if isinstance(node, Scalar):
            return node
        self.findings.append(
            self.finding("yaml-complex-key", "a map or list cannot be a key in a Copilot manifest", node.span)
        )
        return Scalar(node.span, None, None, None, "<complex key>", "'")

    def apply_merges(self, frame: _Open) -> None:
        mapping = frame.node
        assert isinstance(mapping, Mapping)
        present = set(frame.explicit_keys)
        for key, value in frame.merges:
            sources = value.items if isinstance(value, Sequence) else [value]
            for source in sources:
                if not isinstance(source, Mapping):
                    self.findings.append(
                        self.finding(
                            "yaml-bad-merge", "a merge key '<<' takes a map or a list of maps", key.span
                        )
                    )
                    continue
                for entry in source.entries:
                    if entry.name not in present:
                        present.add(entry.name)
                        mapping.entries.append(Entry(entry.key, entry.value, merged=True))

    # --- positions

    def pos(self, mark: Any) -> Pos:
        return Pos(mark.line, mark.column)

    def span(self, start_mark: Any, end_mark: Any) -> Span:
        start, end = Pos(start_mark.line, start_mark.column), Pos(end_mark.line, end_mark.column)
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

    def empty_value_span(self, span: Span) -> Span:
        """Put an empty value right after its key's colon instead of at the next token."""
        frame = self.stack[-1] if self.stack else None
        key = frame.pending_key if frame else None
        if key is None:
            return span
        line = self.lines[key.span.end.line]
        colon = line.find(":", key.span.end.col)
        col = colon + 1 if colon >= 0 else key.span.end.col
        return Span(Pos(key.span.end.line, col), Pos(key.span.end.line, col))

    def last_child_end(self, node: Mapping | Sequence) -> Pos | None:
        if isinstance(node, Mapping):
            own = [e for e in node.entries if not e.merged]
            return max((e.value.span.end for e in own), default=None) if own else None
        return node.items[-1].span.end if node.items else None

    # --- findings

    def finding(self, code: str, message: str, span: Span) -> Finding:
        return Finding(code, Severity.ERROR, message, span)

    def syntax_finding(self, error: MarkedYAMLError) -> Finding:
        mark = error.problem_mark or error.context_mark
        line = mark.line if mark is not None else 0
        col = mark.column if mark is not None else 0
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
        if error.context and context is not None and (context.line, context.column) != (line, col):
            start = Pos(context.line, context.column)
            related = (Related(Span(start, Pos(start.line, start.col + 1)), f"{error.context} started here"),)
        span = Span(Pos(line, col), Pos(line, max(end_col, col)))
        return Finding("yaml-syntax", Severity.ERROR, message, span, related=related)

    def reader_finding(self, error: ReaderError) -> Finding:
        offset = getattr(error, "position", 0) or 0
        before = self.text[:offset]
        line = before.count("\n")
        col = offset - (before.rfind("\n") + 1)
        char = getattr(error, "character", "")
        code = ord(char) if isinstance(char, str) and char else char
        return Finding(
            "yaml-syntax",
            Severity.ERROR,
            f"character #x{code:04x} is not allowed in YAML" if isinstance(code, int) else str(error),
            Span(Pos(line, col), Pos(line, col + 1)),
        )


def _event_parser(pure: bool) -> YAML:
    """libyaml's parser through ruamel.yaml.clib when installed (about 20 times faster), else pure Python."""
    try:
        return YAML(typ="safe", pure=pure)
    except Exception:  # pragma: no cover - only without the C extension
        return YAML(typ="safe", pure=True)


def _explicit_tag(tag: str | None) -> str | None:
    return tag or None
