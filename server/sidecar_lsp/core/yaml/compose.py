"""Build the :mod:`.nodes` tree from ruamel.yaml's parser events.

Composing here rather than with ruamel's composer lets this module do what Copilot's YAML library
(yaml.v3) would do and what a language server needs while the user types: plain scalars resolve
like yaml.v3, duplicate keys, undefined aliases, alias bombs and later documents become findings,
a syntax error keeps everything parsed before it, and composing is iterative.

The composer is one event loop (``_Composer``): its handlers share the open-collection stack, the
anchors and the expansion budget, and read best side by side. Where a parser mark is on the client's
lines, and what a parser error says, is :mod:`sidecar_lsp.core.yaml.marks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import events as ev
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.reader import ReaderError

from sidecar_lsp.core.model import Finding, Pos, Severity, Span
from sidecar_lsp.core.yaml.events import LIBYAML_ONLY_ERROR, colons_stood_in, parse_events, text_for_parser
from sidecar_lsp.core.yaml.marks import Marks
from sidecar_lsp.core.yaml.nodes import (
    MAX_DEPTH,
    MAX_EXPANDED_NODES,
    Entry,
    Mapping,
    Node,
    ParsedDocument,
    Scalar,
    Sequence,
    own_entries,
    resolve_plain,
)

_CORE_TAG = "tag:yaml.org,2002:"
_MERGE_KEY = "<<"


def _resolve(event: ev.ScalarEvent, value: str) -> Any:
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


def compose(text: str, lines: list[str]) -> ParsedDocument:
    document = _Composer(text, lines, pure=False).run()
    if any(f.code == "yaml-syntax" and LIBYAML_ONLY_ERROR in f.message for f in document.findings):
        # The libyaml copy in ruamel.yaml.clib rejects `[front:latest]` (a colon inside a flow
        # collection), which yaml.v3, and so Copilot, reads as the string "front:latest", as does
        # ruamel's pure-Python parser, about eight times slower.
        stood_in = colons_stood_in(text)
        if stood_in is not None:
            return _Composer(text, lines, pure=False, stood_in=stood_in).run()
        document = _Composer(text, lines, pure=True).run()
    return document


def _error(code: str, message: str, span: Span) -> Finding:
    return Finding(code, Severity.ERROR, message, span)


class _Composer:
    def __init__(
        self, text: str, lines: list[str], *, pure: bool, stood_in: tuple[str, str] | None = None
    ) -> None:
        self.pure = pure
        self.text = text
        # The text libyaml reads instead (see colons_stood_in), and the stand-in for ':' in its scalars.
        self.parser_text: str | None = stood_in[0] if stood_in is not None else None
        self.stand_in: str | None = stood_in[1] if stood_in is not None else None
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
        self.recursive = False
        self.marks = Marks(text, lines)
        # Cleared by whatever ties a node to text elsewhere (incremental.py re-parses pieces alone).
        self.spliceable = not pure and stood_in is None and self.marks.offsets is None

    # --- driving the parser

    def run(self) -> ParsedDocument:
        complete = True
        try:
            parser_text = self.parser_text or text_for_parser(self.text, self.pure)
            for event in parse_events(parser_text, self.pure):
                if not self.handle(event):
                    break
        except MarkedYAMLError as error:
            complete = False
            self.findings.append(self.marks.syntax_finding(error))
        except ReaderError as error:
            complete = False
            self.findings.append(self.marks.reader_finding(error))
        except YAMLError as error:
            complete = False
            self.findings.append(_error("yaml-syntax", str(error), Span(Pos(0, 0), Pos(0, 0))))
        self.close_all()
        return ParsedDocument(
            self.text,
            self.root,
            self.findings,
            self.lines,
            complete and not self.recursive,
            recursive=complete and self.recursive,
            spliceable=self.spliceable,
        )

    def handle(self, event: Any) -> bool:  # Any: `type(x) is C` does not narrow for mypy
        # Dispatch on the exact class, most frequent first: this runs once per event.
        kind = type(event)
        if self.skip_depth:
            if kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
                self.skip_depth += 1
            elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
                self.skip_depth -= 1
            return True
        if kind is ev.ScalarEvent:
            node = self.scalar(event)
            if event.anchor:
                self.anchors[event.anchor] = node
            self.expanded += 1
            self.place(node, 1)
        elif kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
            self.open(event)
        elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
            self.close(event.end_mark)
        elif kind is ev.AliasEvent:
            self.add(self.alias(event), event)
        elif kind is ev.DocumentStartEvent:
            return self.document_start(event)
        return True

    def document_start(self, event: ev.DocumentStartEvent) -> bool:
        self.documents += 1
        if event.version or event.tags:
            self.spliceable = False
        if self.documents == 1:
            return True
        start = self.marks.pos(event.start_mark)
        line_end = Pos(start.line, len(self.lines[start.line]) if start.line < len(self.lines) else 0)
        self.findings.append(
            Finding(
                "yaml-multiple-documents",
                Severity.WARNING,
                "this file holds more than one YAML document; Copilot reads only the first and ignores the rest",
                Span(start, max(line_end, start)),
            )
        )
        return False

    # --- nodes

    def scalar(self, event: ev.ScalarEvent) -> Scalar:
        # Each attribute read once: this runs for every scalar of every manifest checked.
        start, end, raw, tag = event.start_mark, event.end_mark, event.value, event.tag
        if self.stand_in is not None:
            raw = raw.replace(self.stand_in, ":")
        line = start.line
        if line == end.line and self.marks.offsets is None:
            span = Span(Pos(line, start.column), Pos(line, end.column))
        else:
            span = self.marks.span(start, end)
        style = event.style or None  # libyaml reports plain style as ""
        if style is None and tag is None and (event.implicit is None or event.implicit[0]):
            value = resolve_plain(raw)
        else:
            value = _resolve(event, raw)
        tag = _explicit_tag(tag)
        node = Scalar(span, tag, event.anchor, value, raw, style)
        if tag or node.anchor:
            self.spliceable = False
        if raw == "" and style is None:
            node.span = self.empty_value_span(span)
        if tag and not tag.startswith(_CORE_TAG) and tag != "!":
            self.findings.append(
                Finding(
                    "yaml-unknown-tag",
                    Severity.WARNING,
                    f"unknown tag '{node.tag}': Copilot does not evaluate YAML tags such as CloudFormation "
                    f"functions; it reads the plain text '{raw}'",
                    span,
                )
            )
        return node

    def alias(self, event: ev.AliasEvent) -> Node:
        self.spliceable = False
        span = self.marks.span(event.start_mark, event.end_mark)
        target = self.anchors.get(event.anchor)
        if target is None:
            self.findings.append(_error("yaml-unknown-alias", f"unknown anchor '{event.anchor}'", span))
            return Scalar(span, None, None, None, "", None)
        if any(frame.node is target for frame in self.stack):
            # `&x {depends_on: *x}`: the value would contain itself. yaml.v3 rejects the file
            # with these words; the alias is read as empty so that the tree stays a tree, and the
            # tree counts as cut short (like a syntax error) since Copilot reads nothing of it.
            self.recursive = True
            self.findings.append(
                _error(
                    "yaml-recursive-alias",
                    f"anchor '{event.anchor}' value contains itself: an alias cannot point into "
                    "the collection its anchor is still defining",
                    span,
                )
            )
            return Scalar(span, None, None, None, "", None)
        weight = self.weights.get(id(target), 1)
        if self.expanded + weight > MAX_EXPANDED_NODES:
            if not self.bomb_reported:
                self.bomb_reported = True
                self.findings.append(
                    _error(
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
            span = self.marks.span(event.start_mark, event.start_mark)
            self.findings.append(
                _error(
                    "yaml-too-deep",
                    f"collections nested deeper than {MAX_DEPTH} levels are not read",
                    Span(span.start, Pos(span.start.line, len(self.lines[span.start.line]))),
                )
            )
            self.skip_depth = 1
            self.add(Scalar(span, None, None, None, "", None), event)
            return
        span = self.marks.span(event.start_mark, event.end_mark)
        flow = bool(event.flow_style)
        tag = _explicit_tag(event.tag)
        if tag or event.anchor:
            self.spliceable = False
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
            node.span = Span(node.span.start, self.marks.pos(end_mark))
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
            self.spliceable = False
            frame.merges.append((key, node))
            return
        name = key.text
        first = frame.explicit_keys.get(name)
        if first is not None:
            self.findings.append(
                _error(
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
            _error("yaml-complex-key", "a map or list cannot be a key in a Copilot manifest", node.span)
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
                        _error("yaml-bad-merge", "a merge key '<<' takes a map or a list of maps", key.span)
                    )
                    continue
                for entry in source.entries:
                    if entry.name not in present:
                        present.add(entry.name)
                        mapping.entries.append(Entry(entry.key, entry.value, merged=True))

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
            own = own_entries(node)
            return max((e.value.span.end for e in own), default=None) if own else None
        return node.items[-1].span.end if node.items else None


def _explicit_tag(tag: str | None) -> str | None:
    return tag or None
