"""Go to definition, find references, highlights and rename for containers and volumes.

Which keys define and which refer to a container or a volume is :data:`sidecar_lsp.core.manifest.references.NAME_KEYS`.
The base and every ``environments.<env>`` override are read alike (an override has the top level's
keys), so a reference inside an override resolves to the override's definition and to the base's.
Only sidecars and volumes are renamed: the main container's name is the service's name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sidecar_lsp.core.manifest.merge import layers
from sidecar_lsp.core.manifest.references import CONTAINER, names_written
from sidecar_lsp.core.model import Pos, Span, TextEdit
from sidecar_lsp.core.yaml.tree import Mapping, Node, ParsedDocument, Scalar

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.")


@dataclass(frozen=True)
class Occurrence:
    """One place a container or volume name is written."""

    kind: str
    """``container`` or ``volume``."""
    name: str
    span: Span
    """The name's text, without quotes."""
    definition: bool
    main: bool = False
    """True for the main container's ``name`` (not renamable)."""
    env: str | None = None
    """The environment override it is written in, or None for the base."""


def occurrences(document: ParsedDocument) -> list[Occurrence]:
    """Every container and volume name in the document, base first, then each override."""
    root = document.root
    if not isinstance(root, Mapping):
        return []
    found: list[Occurrence] = []
    for env, top in layers(root):
        for written in names_written(top, own_only=True, override=env is not None):
            node = written.node
            if written.key.main:
                # The service's name is the main container's only when it is a string.
                if isinstance(node, Scalar) and isinstance(node.value, str):
                    span = _name_span(node)
                    if span is not None:
                        found.append(Occurrence(CONTAINER, node.value, span, True, main=True))
                continue
            found.extend(_occurrence(written.key.kind, node, written.key.definition, env))
    return found


def _occurrence(kind: str, node: Node | None, definition: bool, env: str | None) -> Iterator[Occurrence]:
    if isinstance(node, Scalar) and node.value is not None:
        span = _name_span(node)
        if span is not None:
            yield Occurrence(kind, node.text, span, definition, env=env)


def _name_span(node: Scalar) -> Span | None:
    """The span of a one-line scalar's text without its quotes; None for block or multi-line scalars."""
    span = node.span
    if span.start.line != span.end.line or node.style in ("|", ">"):
        return None
    if node.style in ("'", '"'):
        inner = Span(Pos(span.start.line, span.start.col + 1), Pos(span.end.line, span.end.col - 1))
        # Escapes make the written text differ from the value; such names are left alone.
        return inner if inner.end.col - inner.start.col == len(node.text) else None
    return span


def occurrence_at(document: ParsedDocument, pos: Pos) -> Occurrence | None:
    for occurrence in occurrences(document):
        if occurrence.span.contains(pos):
            return occurrence
    return None


def _same(a: Occurrence, b: Occurrence) -> bool:
    return a.kind == b.kind and a.name == b.name


def definitions(document: ParsedDocument, pos: Pos) -> list[Span]:
    """Where the container or volume named at ``pos`` is defined: the base's definition first, then the
    definitions in environment overrides (the one in the same override as ``pos`` before the others)."""
    target = occurrence_at(document, pos)
    if target is None:
        return []
    found = [o for o in occurrences(document) if o.definition and _same(o, target)]
    found.sort(key=lambda o: (o.env is not None, o.env != target.env))
    return [o.span for o in found]


def references(document: ParsedDocument, pos: Pos, *, include_declaration: bool = True) -> list[Span]:
    target = occurrence_at(document, pos)
    if target is None:
        return []
    return [
        o.span
        for o in occurrences(document)
        if _same(o, target) and (include_declaration or not o.definition)
    ]


def highlights(document: ParsedDocument, pos: Pos) -> list[tuple[Span, bool]]:
    """Every occurrence of the name at ``pos``, with True for definitions (written) and False for uses."""
    target = occurrence_at(document, pos)
    if target is None:
        return []
    return [(o.span, o.definition) for o in occurrences(document) if _same(o, target)]


def prepare_rename(document: ParsedDocument, pos: Pos) -> tuple[Span, str] | None:
    """The range and current text of a renamable sidecar or volume name at ``pos``; None elsewhere (the
    main container's name is the service name, and names with no definition, like FireLens, are Copilot's)."""
    target = occurrence_at(document, pos)
    if target is None or not _renamable(document, target):
        return None
    return target.span, target.name


def _renamable(document: ParsedDocument, target: Occurrence) -> bool:
    same = [o for o in occurrences(document) if _same(o, target)]
    return not any(o.main for o in same) and any(o.definition for o in same)


def rename(document: ParsedDocument, pos: Pos, new_name: str) -> list[TextEdit] | None:
    """Edits renaming the sidecar or volume at ``pos`` everywhere (base and every override); None when the
    position is not renamable or the new name is not a plain container or volume name."""
    target = occurrence_at(document, pos)
    if target is None or not _renamable(document, target) or not is_valid_name(new_name):
        return None
    return [TextEdit(o.span, new_name) for o in occurrences(document) if _same(o, target)]


def is_valid_name(name: str) -> bool:
    """Names that need no YAML quoting and that ECS accepts as container names (letters, digits, ``-_.``)."""
    return bool(name) and set(name) <= _NAME_CHARS and not name.startswith(("-", "."))
