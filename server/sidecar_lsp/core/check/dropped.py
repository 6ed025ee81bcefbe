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
from sidecar_lsp.core.yaml.tree import Node


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


def dropped_values(instance: Any, root: Node) -> list[Finding]:
    """Warnings for values Copilot silently drops inside a scalar-or-map field's map."""
    definition = type_definition(instance)
    if definition is None:
        return []
    out: list[Finding] = []
    # (value, schema, path, the path of the union map that decoded as a map around it, if any)
    stack: list[tuple[Any, Schema, Path, Path | None]] = [(instance, definition, (), None)]
    while stack:
        value, schema, path, inside = stack.pop()
        if not _may_drop(schema):
            continue  # no scalar-or-map field below: nothing to drop, and no need to look
        schema = _walked(schema)
        if isinstance(value, list):
            items = schema.get("items")
            if isinstance(items, dict):
                stack.extend(
                    (item, items, path + (i,), inside)
                    for i, item in enumerate(value)
                    if isinstance(item, (dict, list))
                )
            continue
        if not isinstance(value, dict):
            continue
        union = inside
        if union is None and any(
            is_valid(branch["if"], value)
            for branch in schema.get("allOf", ())
            if isinstance(branch, dict) and "errorMessage" in branch.get("else", {})
        ):
            union = path
        elif union is None and path[-2:-1] == ("alias",) and isinstance(path[-1], int):
            union = path  # an http.alias item: the alias decoder keeps what decodes and drops the rest
        for key, item in value.items():
            child = child_schema(schema, key)
            if child is None:
                continue
            strict = _escape_of(child)
            if strict is not None:
                if union is not None and is_valid(child, item):
                    out.extend(
                        _dropped(item, strict, root, path + (key,), union, value if union == path else {})
                    )
                child = strict
            if isinstance(item, (dict, list)):  # a scalar holds no value to drop
                stack.append((item, child, path + (key,), union if strict is not None else None))
    return out


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
