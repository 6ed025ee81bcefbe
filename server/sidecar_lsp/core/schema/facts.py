"""Facts about fields that the rules, the merge and hover need, read from the schema.

The schema (``schema/copilot-manifest.schema.json``) is the one list of fields: which keys each
workload type has, which value types a field takes, which maps are keyed by the user's names.
This module asks it (through :class:`~sidecar_lsp.core.schema.index.SchemaIndex`) instead of keeping lists of key
names beside it, which drift: a list by key name cannot tell ``logging.retention`` (days, a
number) from ``subscribe.queue.retention`` (a duration, a string).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from sidecar_lsp.core.decoding.kinds import LOAD_BALANCED, STATIC_SITE, WORKLOAD_TYPES
from sidecar_lsp.core.schema.index import SchemaIndex
from sidecar_lsp.core.schema.store import load_schema

PathPart = str | int

DECODE_ESCAPE_MARK = "decode-escape:"
"""How the schema builder's ``$comment`` marks the schema of a value inside a scalar-or-map union:
its ``then`` applies only to a value that decodes (Copilot drops one that does not)."""

_SCALAR_TYPES = frozenset({"string", "number", "integer", "boolean"})
_NUMBER_TYPES = frozenset({"number", "integer"})


@functools.cache
def schema_index() -> SchemaIndex:
    """The packaged schema's index, built once per process (the rules have no server to ask)."""
    return SchemaIndex(load_schema())


@functools.cache
def top_level_keys(kind: str) -> frozenset[str]:
    """The keys of a workload type's manifest: the fields of its Copilot struct."""
    index = schema_index()
    return frozenset(index.properties(index.at((), {"type": kind})))


@functools.cache
def keys_ignored_by(kind: str) -> frozenset[str]:
    """Keys other workload types have that ``kind``'s struct lacks, so Copilot drops them silently.

    A Static Site runs no container: every other type's key is ignored. A Request-Driven Web Service
    is compared with the ECS web services only (its manifest is usually one of them rewritten); the
    keys of a worker or a job are unknown keys there, not ECS features App Runner lacks.
    """
    others = WORKLOAD_TYPES if kind == STATIC_SITE else sorted(LOAD_BALANCED)
    keys: set[str] = set()
    for other in others:
        keys |= top_level_keys(other)
    return frozenset(keys - top_level_keys(kind))


@functools.cache
def user_keyed_maps() -> Mapping[str, bool]:
    """The fields whose keys are the user's names (``variables``, ``sidecars``, ``depends_on``, ...),
    each with whether its values may be scalars.

    Values that may be scalars are Go unions or plain values (``map[string]T``): an override
    replaces each of them whole. Values that are always maps are structs, merged field by field.
    """
    index = schema_index()
    found: dict[str, bool] = {}
    for name, schemas in _property_schemas().named.items():
        for sub in schemas:
            # A decode-escape wrapper keeps the field's schema under ``then`` (resolved, a non-schema is {}).
            for candidate in (sub, sub.get("then")) if isinstance(sub, Mapping) else (sub,):
                values = index.resolve(candidate).get("additionalProperties")
                if isinstance(values, Mapping):
                    value_types = _types(index.resolve(values))
                    found[name] = found.get(name, False) or bool(value_types & _SCALAR_TYPES)
    return found


def _types(schema: Mapping[str, Any]) -> frozenset[str]:
    kinds = schema.get("type")
    if isinstance(kinds, str):
        return frozenset({kinds})
    return frozenset(k for k in kinds if isinstance(k, str)) if isinstance(kinds, list) else frozenset()


@functools.cache
def _boolean_words() -> str:
    """The pattern of the strings a boolean field also takes (YAML 1.1's yes/no words)."""
    return str(load_schema()["definitions"]["booleanLike"]["pattern"])


def _decoded(index: SchemaIndex, schemas: list[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """``schemas`` with the field's own schema out of each decode-escape wrapper (its ``then``, which
    validation applies only to a value that decodes): the type Copilot decodes the value into.
    Inside a scalar-or-map union Copilot drops a value that does not decode; which checks still
    apply there is ``analyze``'s choice (it reads the schema's dropped-value warning)."""
    out = list(schemas)
    for schema in schemas:
        escaped = schema.get("then")
        if str(schema.get("$comment", "")).startswith(DECODE_ESCAPE_MARK) and isinstance(escaped, Mapping):
            out.extend(s for s in index.expand(escaped) if s not in out)
    return out


@dataclass(frozen=True)
class ValueShape:
    """What the schema lets one field hold, at one place of one manifest."""

    known: bool
    """False where the schema names no type: a key Copilot ignores, a free-form value (a
    ``taskdef_overrides`` value, an SNS filter policy), a list item of a field that takes a string or
    a list, or a field of a scalar-or-map union whose wrong-typed values Copilot drops (the schema's
    decode-escape: the value never reaches a decoder that could fail)."""
    takes_list: bool = False
    takes_strings: bool = False
    """The field takes a list of strings: what Copilot makes of a JSON-array string."""
    decoded_as: str | None = None
    """``a number`` or ``a boolean`` for a field Copilot decodes into no string; None otherwise."""


def value_shape(path: tuple[PathPart, ...], instance: Any) -> ValueShape:
    """The shape of the field at ``path`` in a manifest whose plain data is ``instance``."""
    return ValueShapes(instance).at(path)


class ValueShapes:
    """:func:`value_shape` at many places of one manifest: the schemas of each place's ancestors (the
    manifest's own, a sidecar's) are found once for all the places below them."""

    def __init__(self, instance: Any) -> None:
        self._instance = instance
        self._schemas: dict[tuple[PathPart, ...], tuple[list[Mapping[str, Any]], Any]] = {}

    def at(self, path: tuple[PathPart, ...]) -> ValueShape:
        return _shape(path, self._at(path)[0])

    def _at(self, path: tuple[PathPart, ...]) -> tuple[list[Mapping[str, Any]], Any]:
        """The schemas that apply at ``path`` (:meth:`SchemaIndex.at`) and the value there."""
        known = self._schemas.get(path)
        if known is None:
            index = schema_index()
            if not path:
                known = (index.expand(index.root, self._instance), self._instance)
            else:
                schemas, value = self._at(path[:-1])
                known = index.step(schemas, path[-1], value) if schemas else ([], value)
            self._schemas[path] = known
        return known


def _shape(path: tuple[PathPart, ...], found: list[Mapping[str, Any]]) -> ValueShape:
    index = schema_index()
    schemas = _decoded(index, found)
    info = index.field(str(path[-1]) if path else "", schemas)
    types = frozenset(info.types)
    if not info.known or not types:
        return ValueShape(False)
    strings = "string" in types and not any(s.get("pattern") == _boolean_words() for s in schemas)
    decoded_as = None
    if not strings and types & _NUMBER_TYPES:
        decoded_as = "a number"
    elif not strings and "boolean" in types:
        decoded_as = "a boolean"
    items = frozenset(info.item_types)
    takes_strings = "array" in types and (not items or "string" in items)
    return ValueShape(True, "array" in types, takes_strings, decoded_as)


@functools.lru_cache(maxsize=4096)  # keyed by names from the user's documents: bounded for the server
def may_decode_as_no_string(name: str) -> bool:
    """Whether some place of the schema may decode a property named ``name`` into no string: a
    :class:`ValueShape`'s ``decoded_as`` is None at every path whose last step is a name for which this says
    False. True for every name when a map's other keys or a list's items may be so decoded (then no path can
    be passed over by its name). Each name's schemas are judged when it is first asked about: a run asks
    about the few names its ``${VAR}`` values sit under, not about the schema's hundreds."""
    if _unnamed_may_decode_as_no_string():
        return True
    return any(_schema_may_decode_as_no_string(schema) for schema in _property_schemas().named.get(name, ()))


class _PropertySchemas(NamedTuple):
    named: dict[str, list[Any]]
    """Each property name with every schema the schema gives it."""
    unnamed: tuple[Any, ...]
    """The schemas of the values no property names (``additionalProperties``, ``items`` and
    ``patternProperties`` that are schemas)."""


@functools.cache
def _property_schemas() -> _PropertySchemas:
    """One walk of the whole schema, for the facts that look at every property."""
    named: dict[str, list[Any]] = {}
    unnamed: list[Any] = []
    stack: list[Any] = [load_schema()]
    while stack:  # the loaded schema is plain JSON: a tree of dicts and lists
        here = stack.pop()
        if type(here) is list:
            stack.extend(item for item in here if type(item) is dict or type(item) is list)
            continue
        properties = here.get("properties")
        if type(properties) is dict:
            for name, child in properties.items():
                named.setdefault(name, []).append(child)
        others = [here.get("additionalProperties"), here.get("items")]
        if type(here.get("patternProperties")) is dict:
            others += here["patternProperties"].values()
        unnamed.extend(child for child in others if isinstance(child, Mapping))
        stack.extend(value for value in here.values() if type(value) is dict or type(value) is list)
    return _PropertySchemas(named, tuple(unnamed))


@functools.cache
def _unnamed_may_decode_as_no_string() -> bool:
    return any(_schema_may_decode_as_no_string(schema) for schema in _property_schemas().unnamed)


def _schema_may_decode_as_no_string(schema: Any) -> bool:
    """Whether a schema that :func:`_shape` may read at a place (any branch, any ``then``) types it as a
    number or a boolean but not a string, or takes a boolean's words."""
    index = schema_index()
    for here in index.expand(schema):
        kinds = frozenset(index.field("", [here]).types)
        if (kinds & (_NUMBER_TYPES | {"boolean"}) and "string" not in kinds) or here.get(
            "pattern"
        ) == _boolean_words():
            return True
        if isinstance(here.get("then"), Mapping) and _schema_may_decode_as_no_string(here["then"]):
            return True
    return False


@functools.cache
def is_plain_struct(kind: str | None, path: tuple[str, ...]) -> bool:
    """Whether Copilot decodes only a map into the field at ``path`` (a Go struct with no scalar form)."""
    index = schema_index()
    schemas = _decoded(index, index.at(path, {"type": kind}))
    info = index.field(path[-1] if path else "", schemas)
    return info.known and set(info.types) - {"null"} == {"object"}
