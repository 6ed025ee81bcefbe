"""Plain words for what a piece of the schema accepts and for the value a manifest gave instead."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

from sidecar_lsp.core.model import dotted
from sidecar_lsp.core.schema.memo import deref
from sidecar_lsp.core.schema.store import load_schema

MAX_LISTED = 6


@functools.lru_cache(maxsize=1)
def _definition_names() -> dict[int, str]:
    """Map each definition's dict identity to its name, to describe errors by what they check."""
    definitions = load_schema().get("definitions", {})
    return {id(schema): name for name, schema in definitions.items() if isinstance(schema, dict)}


_DECODED_WORDS = frozenset({"booleanLike", "duration"})
"""Definitions whose pattern is what yaml.v3 can decode (a Go bool or time.Duration), not a Validate() check."""


@functools.lru_cache(maxsize=1)
def _decoded_patterns() -> frozenset[str]:
    definitions = load_schema().get("definitions", {})
    return frozenset(str(definitions.get(name, {}).get("pattern")) for name in _DECODED_WORDS)


def decodes_words(schema: dict[str, Any]) -> bool:
    """Whether the schema's pattern is what yaml.v3 decodes (a yes/no word, a duration)."""
    return schema.get("pattern") in _decoded_patterns()


GO_UNSIGNED_MARK = "Go unsigned integer:"
"""How the schema builder's ``$comment`` marks a Go ``uint16``/``uint32`` field: a number outside its range
fails yaml.v3's decoding of the file, which no override can fix."""


def decodes_in_range(schema: dict[str, Any]) -> bool:
    """Whether the schema's bounds are a Go unsigned type's, which yaml.v3 checks while it decodes."""
    return str(schema.get("$comment", "")).startswith(GO_UNSIGNED_MARK)


def whole_number_bounds(schema: dict[str, Any]) -> tuple[Any, Any]:
    """The lowest and highest whole numbers a number field takes: the schema writes a bound that yaml.v3's
    truncation of a fraction reaches as an exclusive one (``exclusiveMaximum: 101`` for 0-100)."""
    low, high = schema.get("minimum"), schema.get("maximum")
    if low is None and isinstance(schema.get("exclusiveMinimum"), int):
        low = schema["exclusiveMinimum"] + 1
    if high is None and isinstance(schema.get("exclusiveMaximum"), int):
        high = schema["exclusiveMaximum"] - 1
    return low, high


def path_prefix(path: tuple[Any, ...]) -> str:
    """``a.b: `` before a message about the value at ``path`` (nothing at the top level)."""
    return f"{dotted(path)}: " if path else ""


def location_words(path: tuple[Any, ...]) -> str:
    """Where ``path`` is, in the words of an unknown or missing key's message (``in sidecar 'nginx'``)."""
    if not path:
        return "at the top level"
    if len(path) == 2 and path[0] == "sidecars":
        return f"in sidecar '{path[1]}'"
    if len(path) == 3 and path[:2] == ("storage", "volumes"):
        return f"in volume '{path[2]}'"
    if len(path) == 2 and path[0] == "environments":
        return f"in environment '{path[1]}'"
    return f"in '{dotted(path)}'"


def describe(schema: Any, depth: int = 0) -> str:
    """A few plain words for what ``schema`` accepts."""
    if not isinstance(schema, dict):
        return "a valid value"
    schema = deref(schema)
    if id(schema) in _definition_names() and isinstance(schema.get("title"), str):
        return str(schema["title"])
    is_scalar_definition = id(schema) in _definition_names() and not accepted_types(schema) & {
        "object",
        "array",
    }
    if is_scalar_definition and isinstance(schema.get("description"), str):
        # A reusable scalar definition (duration, port, platform, ...) is named by its own words.
        return _phrase(schema["description"])
    for key in ("anyOf", "oneOf"):
        if key in schema and depth < 2:
            parts = _dedupe([describe(b, depth + 1) for b in schema[key]])
            return ", or ".join(parts)
    if "const" in schema:
        return quote(schema["const"])
    if "enum" in schema:
        values = [str(v) for v in schema["enum"]]
        return "one of " + listed(values)
    types = schema.get("type")
    if isinstance(types, list):
        # Null is accepted everywhere (it means "not set"), so it is never what a value should have been.
        types = [t for t in types if t != "null"] or types
        if len(types) == 1:
            return _type_words(types[0], schema)
        if "boolean" in types and decodes_words(schema):
            words = "true or false (yes/no and on/off too)"
            return f"{words}, or {_type_words('object', schema)}" if "object" in types else words
        if "pattern" not in schema and (
            set(types) >= {"string", "number"} or set(types) >= {"string", "boolean"}
        ):
            return "a single value (text or number)"
        return " or ".join(_type_words(t, schema) for t in types)
    if isinstance(types, str):
        return _type_words(types, schema)
    if "properties" in schema:
        return _type_words("object", schema)
    if "pattern" in schema:
        return _type_words("string", schema)
    if isinstance(schema.get("then"), dict) and depth < 4:
        return describe(schema["then"], depth + 1)  # checked only if it decodes: say what it decodes to
    return "a valid value"


def listed(values: Sequence[str], limit: int = MAX_LISTED) -> str:
    """``values`` joined with commas, the first ``limit`` of them and an ellipsis for the rest."""
    return ", ".join(values[:limit]) + (", …" if len(values) > limit else "")


def _phrase(description: str) -> str:
    """The first sentence of a schema description as a lower-case noun phrase."""
    first = re.split(r"(?<=[.!?])\s|:\s|\n", description.strip(), maxsplit=1)[0].rstrip(".")
    first = first.replace("`", "")
    word = first.split(" ", 1)[0]
    return first if len(word) > 1 and word.isupper() else first[:1].lower() + first[1:]


def _type_words(kind: str, schema: dict[str, Any]) -> str:
    if kind == "object":
        names = list(schema.get("properties", {}))
        if names:
            shown = " or ".join(names) if len(names) <= 3 else listed(names, 3)
            return f"a map with {shown}"
        return "a map"
    if kind == "array":
        items = schema.get("items")
        return f"a list of {_plural(describe(items, 2))}" if isinstance(items, dict) else "a list"
    if kind == "string":
        examples = schema.get("examples")
        if "pattern" in schema and isinstance(examples, list) and examples:
            return "a value such as " + ", ".join(str(e) for e in examples[:3])
        if "pattern" in schema:
            return "a value in the accepted format"
        return "a string"
    return {
        "integer": "a whole number",
        "number": "a number",
        "boolean": "true or false",
        "null": "empty",
    }.get(kind, kind)


def _plural(words: str) -> str:
    for article in ("a ", "an "):
        if words.startswith(article):
            rest = words[len(article) :]
            first, _, tail = rest.partition(" ")
            return f"{first}s {tail}".strip() if not first.endswith("s") else rest
    return words


def accepted_types(schema: Any) -> set[str]:
    """The JSON types ``schema`` accepts (integer along with number, as JSON Schema counts them)."""
    if not isinstance(schema, dict):
        return set()
    schema = deref(schema)
    types = schema.get("type")
    if isinstance(types, str):
        return {"number", "integer"} if types == "number" else {types}
    if isinstance(types, list):
        out = set(types)
        return out | {"integer"} if "number" in out else out
    out = set()
    for key in ("anyOf", "oneOf"):
        for branch in schema.get(key, ()):
            out |= accepted_types(branch)
    if out:
        return out
    if "properties" in schema or "additionalProperties" in schema or "required" in schema:
        return {"object"}
    if "items" in schema:
        return {"array"}
    if "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        return {json_type(v) for v in values}
    if "pattern" in schema:
        return {"string"}
    return {"object", "array", "string", "number", "integer", "boolean", "null"}


def json_type(value: Any) -> str:
    """The JSON type name of a plain value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def describe_value(value: Any) -> str:
    """A few plain words for the value a manifest gave (a map, a list, the scalar itself)."""
    kind = json_type(value)
    if kind == "object":
        return "a map"
    if kind == "array":
        return "a list"
    if kind == "null":
        return "an empty value"
    return quote(value)


def quote(value: Any) -> str:
    """A scalar as a message shows it: text in single quotes, booleans as YAML writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)


def _dedupe(items: list[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out


# --- the type a user reads in hover

_SCALARS = frozenset({"string", "number", "integer", "boolean"})
_PORT_PROTOCOL = "[Tt][Cc][Pp]"
"""How a port[/protocol] field's pattern spells the protocol (the schema's port patterns)."""
_ARN = re.compile(r"\bARNs?\b")
_URI = re.compile(r"\b(URI|URL)s?\b|\bimage name\b")


def _definition_pattern(name: str) -> str:
    pattern = load_schema().get("definitions", {}).get(name, {}).get("pattern")
    return pattern if isinstance(pattern, str) else "\0"


def string_format(patterns: Sequence[str], description: str) -> str:
    """What a string field holds, in a word: ``duration``, ``port[/protocol]``, ``ARN``, ``URI`` (or "")."""
    if _definition_pattern("duration") in patterns:
        examples = load_schema().get("definitions", {}).get("duration", {}).get("examples", [])
        return "duration such as " + " or ".join(str(e) for e in examples[:2]) if examples else "duration"
    if any(_PORT_PROTOCOL in pattern for pattern in patterns):
        return "port[/protocol] such as 80 or 2000/udp"
    first = re.split(r"(?<=[.!?])\s|\n", description.strip(), maxsplit=1)[0]
    if _ARN.search(first):
        return "ARN"
    if _URI.search(first):
        return "URI"
    return ""


def field_type_words(
    types: Sequence[str],
    patterns: Sequence[str] = (),
    description: str = "",
    properties: Sequence[str] = (),
    item_types: Sequence[str] = (),
) -> str:
    """The type of a field as its user reads it (hover): what Copilot decodes, not the schema's union.

    Copilot v1.34.1 decodes any scalar into a string field, so the schema accepts numbers and booleans
    there; the user's type is "string" (with its format). Unions are said in words: "string (URI), or a
    map with build or location".
    """
    kinds = [kind for kind in types if kind != "null"]
    if not kinds:
        return ""
    scalars = [kind for kind in kinds if kind in _SCALARS]
    parts: list[str] = []
    if _definition_pattern("booleanLike") in patterns and "boolean" in scalars:
        parts.append("boolean")
    elif "string" in scalars:
        found = string_format(patterns, description)
        parts.append(f"string ({found})" if found else "string")
    elif scalars:
        parts.append(" or ".join({"integer": "whole number"}.get(kind, kind) for kind in scalars))
    if "array" in kinds:
        items = [kind for kind in item_types if kind != "null"]
        if "string" in items and set(items) <= _SCALARS:
            parts.append("a list of strings")
        elif items == ["object"]:
            parts.append("a list of maps")
        else:
            parts.append("a list")
    if "object" in kinds:
        names = list(properties)
        if not names:
            parts.append("a map")
        else:
            parts.append("a map with " + (" or ".join(names) if len(names) <= 3 else listed(names, 3)))
    return ", or ".join(parts)
