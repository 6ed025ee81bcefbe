"""Comparing two parse trees node by node, for the tests of readings that must agree (an incremental
parse and a full one, libyaml's and the pure-Python parser's)."""

from __future__ import annotations

import math
from collections.abc import Iterator

from sidecar_lsp.core.yaml.tree import Mapping, Node, Scalar, Sequence


def differences(actual: Node | None, expected: Node | None) -> Iterator[str]:
    """Where two trees differ: node classes, spans, values, raw text, style, tag, anchor, flow, entries."""
    stack: list[tuple[str, Node | None, Node | None]] = [("$", actual, expected)]
    while stack:
        path, a, e = stack.pop()
        if a is None or e is None:
            if a is not e:
                yield f"{path}: {a!r} != {e!r}"
            continue
        if type(a) is not type(e):
            yield f"{path}: {type(a).__name__} != {type(e).__name__}"
            continue
        if (a.span, a.tag, a.anchor) != (e.span, e.tag, e.anchor):
            yield f"{path}: {(a.span, a.tag, a.anchor)} != {(e.span, e.tag, e.anchor)}"
        if isinstance(a, Scalar) and isinstance(e, Scalar):
            nan = isinstance(a.value, float) and isinstance(e.value, float) and math.isnan(a.value)
            same_value = (nan and math.isnan(e.value)) or (
                type(a.value) is type(e.value) and a.value == e.value
            )
            if not same_value or (a.raw, a.style) != (e.raw, e.style):
                yield f"{path}: {(a.value, a.raw, a.style)!r} != {(e.value, e.raw, e.style)!r}"
        elif isinstance(a, Mapping) and isinstance(e, Mapping):
            if a.flow != e.flow or len(a.entries) != len(e.entries):
                yield f"{path}: flow {a.flow}/{e.flow}, keys {a.keys()} != {e.keys()}"
                continue
            for mine, theirs in zip(a.entries, e.entries, strict=True):
                if (mine.name, mine.merged) != (theirs.name, theirs.merged):
                    yield f"{path}: entry {(mine.name, mine.merged)} != {(theirs.name, theirs.merged)}"
                stack.append((f"{path}.{mine.name}:key", mine.key, theirs.key))
                stack.append((f"{path}.{mine.name}", mine.value, theirs.value))
        elif isinstance(a, Sequence) and isinstance(e, Sequence):
            if a.flow != e.flow or len(a.items) != len(e.items):
                yield f"{path}: flow {a.flow}/{e.flow}, {len(a.items)} items != {len(e.items)}"
                continue
            stack.extend(
                (f"{path}[{i}]", x, y) for i, (x, y) in enumerate(zip(a.items, e.items, strict=True))
            )
