"""Values Copilot drops without a word, inside a scalar-or-map field's map (a warning each).

Copilot decodes such a field's map first. When one of its keys is set, the map wins and a value of
the wrong type in another key is dropped without a word (the schema checks the value only ``if`` it
decodes, marked DECODE_ESCAPE); when none is set, the map is an error (the schema's ``else``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from sidecar_lsp.core.model import Finding, Severity, dotted
from sidecar_lsp.core.schema.facts import DECODE_ESCAPE_MARK
from sidecar_lsp.core.schema.memo import Path, child_schema, deref, errors_of, is_valid, type_definition
from sidecar_lsp.core.schema.messages import explain
from sidecar_lsp.core.schema.store import Schema, per_schema
from sidecar_lsp.core.yaml.remembered import remembered_for
from sidecar_lsp.core.yaml.tree import Mapping, Node, Sequence


def _escape_of(schema: Any) -> Schema | None:
    """The strict schema of a value that Copilot drops when it does not decode, or None."""
    if (
        isinstance(schema, dict)
        and str(schema.get("$comment", "")).startswith(DECODE_ESCAPE_MARK)
        and isinstance(schema.get("then"), dict)
    ):
        strict: Schema = schema["then"]
        return strict
    return None


_State = tuple[Any, Schema, Path, "Path | None"]
"""A value to look into: the value, the schema it is read with, its path, and the path of the union map
that decoded as a map around it (None: none)."""
_Drop = tuple[Any, Schema, Path, Path, dict[str, Any]]
"""A value that may be dropped: the value, its strict schema, its path, the union map's path, and that map
when the value is one of its own keys (else empty)."""


def dropped_values(instance: Any, root: Node, *, shared: bool = False) -> list[Finding]:
    """Warnings for values Copilot silently drops inside a scalar-or-map field's map.

    ``shared``: ``instance`` is :func:`~sidecar_lsp.core.yaml.remembered.shared_plain` of ``root`` (nothing
    converted), whose plain data is made of each node's own; then what the values two levels down hold (a
    sidecar, an environment's override) is remembered with their nodes, and an environment's view, or the
    next version of the text, looks only into the values that are new there."""
    definition = type_definition(instance)
    if definition is None:
        return []
    state: _State = (instance, definition, (), None)
    drops = _drops_below(state, root, _REMEMBERED_LEVEL) if shared else _drops([state])
    return [
        finding
        for item, strict, path, union, siblings in drops
        for finding in _dropped(item, strict, root, path, union, siblings)
    ]


_REMEMBERED_LEVEL = 2
"""How far down the values whose walk is remembered lie: a sidecar, a volume, an environment's override;
the walks of the maps that hold them (``sidecars``, ``environments``) are remembered too, so that a view
that shares such a map looks into none of its values, and one that does not, only into its new ones."""


def _drops_below(state: _State, node: Node, levels: int) -> list[_Drop]:
    """:func:`_drops` of ``state``, whose value is ``node``'s plain data, in the same order; the walk of each
    value up to ``levels`` down that lies outside any union remembered with its node (by its path and schema:
    an alias may write one node in two places)."""
    if levels >= _REMEMBERED_LEVEL or state[3] is not None:
        return _walked_below(state, node, levels)
    return remembered_for(node, (_DROPPED, state[2]), state[1], lambda: _walked_below(state, node, levels))


_DROPPED = "dropped values"


def _walked_below(state: _State, node: Node, levels: int) -> list[_Drop]:
    if levels == 0:
        return _drops([state])
    drops, below = _visit(state)
    children = _children(node)
    for child_state in reversed(below):  # in the order of the walk's stack
        child = children.get(child_state[2][-1])
        drops += _drops([child_state]) if child is None else _drops_below(child_state, child, levels - 1)
    return drops


def _children(node: Node) -> dict[str | int, Node]:
    """A map's values by key (the last of a key, as its plain data holds), a list's by index."""
    if isinstance(node, Mapping):
        return {entry.name: entry.value for entry in node.entries}
    if isinstance(node, Sequence):
        return dict(enumerate(node.items))
    return {}


def _drops(states: list[_State]) -> list[_Drop]:
    """The values below ``states`` that may be dropped, walked depth first."""
    drops: list[_Drop] = []
    stack = list(states)
    while stack:
        found, below = _visit(stack.pop())
        drops += found
        stack += below
    return drops


def _visit(state: _State) -> tuple[list[_Drop], list[_State]]:
    """One value's own values that may be dropped, and its maps and lists to look into next (the last one
    first: they go on a stack)."""
    value, schema, path, inside = state
    if not _may_drop(schema):
        return [], []  # no scalar-or-map field below: nothing to drop, and no need to look
    schema = _walked(schema)
    if isinstance(value, list):
        items = schema.get("items")
        if not isinstance(items, dict):
            return [], []
        below: list[_State] = [
            (item, items, path + (i,), inside)
            for i, item in enumerate(value)
            if isinstance(item, (dict, list))
        ]
        return [], below
    if not isinstance(value, dict):
        return [], []
    union = inside
    if union is None and any(
        is_valid(branch["if"], value)
        for branch in schema.get("allOf", ())
        if isinstance(branch, dict) and "errorMessage" in branch.get("else", {})
    ):
        union = path
    elif union is None and path[-2:-1] == ("alias",) and isinstance(path[-1], int):
        union = path  # an http.alias item: the alias decoder keeps what decodes and drops the rest
    drops: list[_Drop] = []
    next_states: list[_State] = []
    for key, item in value.items():
        child = child_schema(schema, key)
        if child is None:
            continue
        strict = _escape_of(child)
        if strict is not None:
            if union is not None and is_valid(child, item) and errors_of(strict, item):
                drops.append((item, strict, path + (key,), union, value if union == path else {}))
            child = strict
        if isinstance(item, (dict, list)):  # a scalar holds no value to drop
            next_states.append((item, child, path + (key,), union if strict is not None else None))
    return drops, next_states


def _walked(schema: Schema) -> Schema:
    """The schema :func:`dropped_values` reads a value with: dereferenced, and an item's ``then``."""
    return per_schema(_walked_memo, schema, _walk)


_walked_memo: dict[int, tuple[Schema, Schema]] = {}


def _walk(schema: Schema) -> Schema:
    schema = deref(schema)
    if "then" in schema and "properties" not in schema and isinstance(schema["then"], dict):
        schema = deref(schema["then"])  # an item checked only if it is a map (inside a union map)
    return schema


_may_drop_memo: dict[int, tuple[Schema, bool]] = {}


def _may_drop(schema: Schema) -> bool:
    """Whether a value read with ``schema`` can hold a value Copilot drops: whether a schema with a decode
    escape (:func:`_escape_of`) is reachable from it by the steps :func:`dropped_values` takes (list
    items, and every property, pattern property or additional property a key may select). The schema
    is a graph with cycles, so this walks it once per schema, then remembers (by id: the loaded schema
    lives as long as the process, and the memo keeps each one alive); a walk that finds none also
    answers for every schema it passed, since what they reach it reached."""
    walked = _walked(schema)  # the walk starts there: the answer is the walked schema's
    known = _may_drop_memo.get(id(walked))
    if known is not None and known[0] is walked:
        return known[1]
    found, passed = _reaches_escape(schema)
    if not found:
        for here in passed:
            _may_drop_memo[id(here)] = (here, False)
    _may_drop_memo[id(walked)] = (walked, found)
    return found


def _reaches_escape(schema: Schema) -> tuple[bool, list[Schema]]:
    seen: set[int] = set()
    passed: list[Schema] = []
    stack = [schema]
    found = False
    while stack and not found:
        current = _walked(stack.pop())
        if id(current) in seen:
            continue
        seen.add(id(current))
        passed.append(current)
        items = current.get("items")
        children = [items] if isinstance(items, dict) else []
        children += [c for c in current.get("properties", {}).values() if isinstance(c, dict)]
        children += [c for c in current.get("patternProperties", {}).values() if isinstance(c, dict)]
        extra = current.get("additionalProperties")
        children += [extra] if isinstance(extra, dict) else []
        found = any(_escape_of(child) is not None for child in children)
        stack.extend(children)
    return found, passed


def _dropped(
    value: Any, strict: Schema, root: Node, path: Path, union: Path, siblings: dict[str, Any]
) -> Iterator[Finding]:
    errors = errors_of(strict, value)
    if not errors:
        return
    holder = dotted(union) if union else "the map"
    others = [k for k, v in siblings.items() if k != path[-1] and v is not None]
    because = f" because '{others[0]}' is set" if others else ""
    for error in errors[:1]:
        for finding in explain(error, root, path):
            yield replace(
                finding,
                code="schema-dropped-value",
                severity=Severity.WARNING,
                problem=f"{finding.problem}; Copilot reads '{holder}' as a map{because} and silently drops "
                "this value (the field keeps its zero value or default): fix it or remove it",
            )
