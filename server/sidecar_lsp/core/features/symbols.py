"""Outline: the service, its sidecars, volumes and environments, with their ranges."""

from __future__ import annotations

from dataclasses import dataclass

from sidecar_lsp.core.decoding.kinds import manifest_kind
from sidecar_lsp.core.manifest.references import SIDECARS
from sidecar_lsp.core.model import Span
from sidecar_lsp.core.yaml.tree import Entry, Mapping, Node, ParsedDocument, Scalar, own_entries


@dataclass(frozen=True)
class Symbol:
    name: str
    kind: str
    """``service``, ``section``, ``sidecar``, ``container``, ``volume`` or ``environment``."""
    detail: str
    span: Span
    """The whole definition (key and value)."""
    selection: Span
    """The name (the key)."""
    children: tuple[Symbol, ...] = ()


def document_symbols(document: ParsedDocument) -> list[Symbol]:
    """The outline of a manifest; empty for YAML that is no Copilot manifest."""
    root = document.root
    kind = manifest_kind(root)
    if not isinstance(root, Mapping) or kind is None:
        return []
    children = _sections(root)
    name_entry = root.entry("name")
    title = name_entry.value.text if name_entry and isinstance(name_entry.value, Scalar) else kind
    selection = name_entry.value.span if name_entry else root.span
    span = _union(root.span, *(c.span for c in children))
    return [Symbol(title or kind, "service", kind, span, _clip(selection, span), tuple(children))]


def _sections(layer: Mapping, with_environments: bool = True) -> list[Symbol]:
    out: list[Symbol] = []
    image = layer.entry("image")
    if image is not None and isinstance(image.value, (Mapping, Scalar)):
        out.append(_leaf(image, "container", "main container"))
    sidecars = layer.entry(SIDECARS)
    if sidecars is not None and isinstance(sidecars.value, Mapping):
        items = [_leaf(e, "sidecar", _image(e.value)) for e in own_entries(sidecars.value)]
        out.append(_section(sidecars, items))
    storage = layer.get("storage")
    volumes = storage.entry("volumes") if isinstance(storage, Mapping) else None
    if volumes is not None and isinstance(volumes.value, Mapping):
        items = [_leaf(e, "volume", _volume(e.value)) for e in own_entries(volumes.value)]
        out.append(_section(volumes, items))
    envs = layer.entry("environments") if with_environments else None
    if envs is not None and isinstance(envs.value, Mapping):
        items = []
        for env in own_entries(envs.value):
            inner = _sections(env.value, False) if isinstance(env.value, Mapping) else []
            span = _entry_span(env, inner)
            items.append(
                Symbol(env.name, "environment", "overrides", span, _clip(env.key.span, span), tuple(inner))
            )
        out.append(_section(envs, items))
    return out


def _leaf(entry: Entry, kind: str, detail: str) -> Symbol:
    span = _entry_span(entry, [])
    return Symbol(entry.name, kind, detail, span, _clip(entry.key.span, span))


def _section(entry: Entry, children: list[Symbol]) -> Symbol:
    span = _entry_span(entry, children)
    return Symbol(
        entry.name, "section", f"{len(children)}", span, _clip(entry.key.span, span), tuple(children)
    )


def _entry_span(entry: Entry, children: list[Symbol]) -> Span:
    value = entry.value.span
    # an aliased value lives elsewhere; the entry then covers its key only
    end = value.end if value.start >= entry.key.span.start else entry.key.span.end
    return _union(Span(entry.key.span.start, max(end, entry.key.span.end)), *(c.span for c in children))


def _union(first: Span, *others: Span) -> Span:
    start, end = first.start, first.end
    for other in others:
        start, end = min(start, other.start), max(end, other.end)
    return Span(start, end)


def _clip(inner: Span, outer: Span) -> Span:
    if outer.start <= inner.start and inner.end <= outer.end:
        return inner
    return Span(outer.start, outer.start)


def _image(node: Node) -> str:
    if isinstance(node, Mapping):
        image = node.get("image")
        if isinstance(image, Scalar):
            return image.text
        if isinstance(image, Mapping):
            for key in ("location", "build"):
                value = image.get(key)
                if isinstance(value, Scalar):
                    return value.text
    return ""


def _volume(node: Node) -> str:
    if isinstance(node, Mapping):
        path = node.get("path")
        if isinstance(path, Scalar):
            return path.text
    return ""
