"""Walk the JSON Schema along a manifest path: the field facts completion and hover read.

The walk follows local ``$ref`` pointers, ``allOf``, every ``anyOf``/``oneOf`` branch, the
``if``/``then``/``else`` branch the instance selects (the manifest's ``type`` picks the per-type
definition), ``properties``, ``patternProperties``, ``additionalProperties`` schemas and ``items``.

``if`` conditions are evaluated with discriminator semantics: a ``properties`` entry that pins a
``const``/``enum`` fails when the instance lacks that property, so a manifest without ``type``
selects no per-type branch (plain JSON Schema would select all of them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sidecar_lsp.core.schema.store import Schema, resolve_ref

PathPart = str | int

_MISSING = object()
_MAX_DEPTH = 32


@dataclass(frozen=True)
class FieldInfo:
    """Everything the schema says about one field, merged across the branches that apply."""

    name: str
    description: str = ""
    markdown: str = ""
    types: tuple[str, ...] = ()
    """JSON types the field accepts (``string``, ``object``, ...), in schema order."""
    default: Any = _MISSING
    enum: tuple[Any, ...] = ()
    enum_docs: Mapping[str, str] = field(default_factory=dict)
    """Per enum value (as text): its documentation."""
    words: tuple[str, ...] = ()
    """For a field Copilot compares case-insensitively (a pattern, not an enum): the valid words its
    documentation lists as ``- `word`: meaning`` bullets; their meanings are in ``enum_docs``."""
    examples: tuple[Any, ...] = ()
    snippets: tuple[Mapping[str, Any], ...] = ()
    """``defaultSnippets`` entries (``label``, ``description``, ``body``/``bodyText``)."""
    required: tuple[str, ...] = ()
    """Required properties when the field is an object."""
    properties: tuple[str, ...] = ()
    """Known properties when the field is an object."""
    item_types: tuple[str, ...] = ()
    item_required: tuple[str, ...] = ()
    item_properties: tuple[str, ...] = ()
    deprecated: str = ""
    patterns: tuple[str, ...] = ()
    """The ``pattern`` of each branch that applies (what a string must look like: a duration, a port)."""
    known: bool = False
    """False when no schema applies at the path (an unknown key)."""

    @property
    def has_default(self) -> bool:
        return self.default is not _MISSING

    @property
    def doc(self) -> str:
        """Markdown documentation (``markdownDescription``, else ``description``)."""
        return self.markdown or self.description


class SchemaIndex:
    """A loaded schema with the walking operations; cheap to share between requests."""

    def __init__(self, schema: Schema | None) -> None:
        self.root: Schema = schema if isinstance(schema, Mapping) else {}
        self._refs: dict[str, Schema] = {}
        self._patterns: dict[str, re.Pattern[str] | None] = {}

    # --- $ref and branch expansion

    def resolve(self, schema: Any) -> Schema:
        """Follow ``$ref`` chains (local JSON pointers); an unresolvable ref is an empty schema."""
        return resolve_ref(schema, self.root, keep_annotations=True, targets=self._refs)

    def expand(self, schema: Any, instance: Any = _MISSING) -> list[Schema]:
        """The schema and every subschema that applies to ``instance`` (allOf, unions, if/then)."""
        out: list[Schema] = []
        seen: set[int] = set()
        self._expand(schema, instance, out, seen, 0)
        return out

    def _expand(self, schema: Any, instance: Any, out: list[Schema], seen: set[int], depth: int) -> None:
        if depth > _MAX_DEPTH:
            return
        resolved = self.resolve(schema)
        if not resolved or id(resolved) in seen:
            return
        seen.add(id(resolved))
        out.append(resolved)
        for key in ("allOf", "anyOf", "oneOf"):
            branches = resolved.get(key)
            if isinstance(branches, list):
                for branch in branches:
                    self._expand(branch, instance, out, seen, depth + 1)
        if "if" in resolved:
            chosen = resolved.get("then") if self.matches(resolved["if"], instance) else resolved.get("else")
            if chosen is not None:
                self._expand(chosen, instance, out, seen, depth + 1)

    # --- instance checks (enough JSON Schema for discriminators)

    def matches(self, schema: Any, instance: Any, depth: int = 0) -> bool:
        """Whether ``instance`` satisfies ``schema`` (the keywords ``if`` conditions use)."""
        if depth > _MAX_DEPTH:
            return False
        if schema is True or schema is None:
            return True
        if schema is False:
            return False
        s = self.resolve(schema)
        if instance is _MISSING:
            return False
        if "const" in s and not _equal(instance, s["const"]):
            return False
        if isinstance(s.get("enum"), list) and not any(_equal(instance, v) for v in s["enum"]):
            return False
        if "type" in s and not _type_ok(instance, s["type"]):
            return False
        if isinstance(s.get("pattern"), str) and isinstance(instance, str):
            pattern = self._pattern(s["pattern"])
            if pattern is not None and not pattern.search(instance):
                return False
        required = s.get("required")
        if isinstance(required, list) and (
            not isinstance(instance, Mapping) or any(name not in instance for name in required)
        ):
            return False
        props = s.get("properties")
        if isinstance(props, Mapping):
            for name, sub in props.items():
                sub_schema = self.resolve(sub)
                if isinstance(instance, Mapping) and name in instance:
                    if not self.matches(sub_schema, instance[name], depth + 1):
                        return False
                elif "const" in sub_schema or "enum" in sub_schema:
                    return False  # discriminator: a pinned property must be present
        for key in ("allOf",):
            if isinstance(s.get(key), list) and not all(self.matches(b, instance, depth + 1) for b in s[key]):
                return False
        for key in ("anyOf", "oneOf"):
            if isinstance(s.get(key), list) and not any(self.matches(b, instance, depth + 1) for b in s[key]):
                return False
        return not ("not" in s and self.matches(s["not"], instance, depth + 1))

    def _pattern(self, text: str) -> re.Pattern[str] | None:
        if text not in self._patterns:
            try:
                self._patterns[text] = re.compile(text)
            except re.error:
                self._patterns[text] = None
        return self._patterns[text]

    # --- walking

    def child(self, schemas: Iterable[Schema], part: PathPart) -> list[Any]:
        """The (unexpanded) subschemas for one step: a property name or a list index."""
        found: list[Any] = []
        for s in schemas:
            if isinstance(part, int) or part == "*item*":
                items = s.get("items")
                if isinstance(items, Mapping):
                    found.append(items)
                elif isinstance(items, list):
                    index = part if isinstance(part, int) else 0
                    if index < len(items):
                        found.append(items[index])
                    elif isinstance(s.get("additionalItems"), Mapping):
                        found.append(s["additionalItems"])
                continue
            props = s.get("properties")
            if isinstance(props, Mapping) and part in props:
                found.append(props[part])
                continue
            matched = False
            patterns = s.get("patternProperties")
            if isinstance(patterns, Mapping):
                for pattern_text, sub in patterns.items():
                    pattern = self._pattern(pattern_text)
                    if pattern is not None and pattern.search(part):
                        found.append(sub)
                        matched = True
            if not matched and isinstance(s.get("additionalProperties"), Mapping):
                found.append(s["additionalProperties"])
        return found

    def at(self, path: Iterable[PathPart], instance: Any = _MISSING) -> list[Schema]:
        """Every schema that applies at ``path`` of a manifest whose plain data is ``instance``.

        ``instance`` (dicts/lists/scalars, as ``core.yaml.tree.to_plain`` returns) selects ``if``
        branches; parts of it may be missing.
        """
        schemas = self.expand(self.root, instance)
        value = instance
        for part in path:
            schemas, value = self.step(schemas, part, value)
            if not schemas:
                return []
        return schemas

    def step(
        self, schemas: list[Schema], part: PathPart, instance: Any = _MISSING
    ) -> tuple[list[Schema], Any]:
        """From the schemas that apply to ``instance``, those that apply one ``part`` down, and the value
        there (:meth:`at` one step at a time)."""
        value = _step(instance, part)
        found: list[Schema] = []
        seen: set[int] = set()
        for sub in self.child(schemas, part):
            for expanded in self.expand(sub, value):
                if id(expanded) not in seen:
                    seen.add(id(expanded))
                    found.append(expanded)
        return found, value

    def properties(self, schemas: Iterable[Schema]) -> dict[str, list[Any]]:
        """Named properties declared by ``schemas``, in schema order, with their subschemas."""
        out: dict[str, list[Any]] = {}
        for s in schemas:
            props = s.get("properties")
            if isinstance(props, Mapping):
                for name, sub in props.items():
                    out.setdefault(name, []).append(sub)
        return out

    def field(self, name: str, schemas: list[Schema], instance: Any = _MISSING) -> FieldInfo:
        """Merge the facts of ``schemas`` (already expanded, e.g. from :meth:`at`)."""
        if not schemas:
            return FieldInfo(name)
        description = markdown = deprecated = ""
        default: Any = _MISSING
        types: list[str] = []
        enum: list[Any] = []
        enum_docs: dict[str, str] = {}
        examples: list[Any] = []
        snippets: list[Mapping[str, Any]] = []
        required: list[str] = []
        props: list[str] = []
        item_schemas: list[Schema] = []
        patterns: list[str] = []
        for s in schemas:
            if isinstance(s.get("pattern"), str):
                patterns.append(s["pattern"])
            description = description or _text(s.get("description"))
            markdown = markdown or _text(s.get("markdownDescription"))
            deprecated = deprecated or _text(s.get("deprecationMessage"))
            if default is _MISSING and "default" in s:
                default = s["default"]
            kinds = s.get("type")
            for kind in [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []:
                # Every field accepts null ("not set"); it is no type to offer or show.
                if isinstance(kind, str) and kind != "null" and kind not in types:
                    types.append(kind)
            if "const" in s and not _has_key(s, "properties"):
                _add_value(
                    enum, enum_docs, s["const"], _text(s.get("markdownDescription") or s.get("description"))
                )
            values = s.get("enum")
            if isinstance(values, list):
                docs = s.get("markdownEnumDescriptions") or s.get("enumDescriptions") or []
                for index, value in enumerate(values):
                    if value is None:
                        continue  # null is accepted everywhere; it is no value to offer
                    doc = docs[index] if isinstance(docs, list) and index < len(docs) else ""
                    _add_value(enum, enum_docs, value, _text(doc))
            if isinstance(s.get("examples"), list):
                examples.extend(e for e in s["examples"] if e not in examples)
            if isinstance(s.get("defaultSnippets"), list):
                snippets.extend(x for x in s["defaultSnippets"] if isinstance(x, Mapping))
            if isinstance(s.get("required"), list):
                required.extend(r for r in s["required"] if isinstance(r, str) and r not in required)
            if isinstance(s.get("properties"), Mapping):
                props.extend(p for p in s["properties"] if p not in props)
            if "items" in s:
                item_schemas.extend(self.expand(s["items"]) if isinstance(s["items"], Mapping) else [])
        if not types:
            if props:
                types.append("object")
            elif item_schemas:
                types.append("array")
        words = () if enum else _documented_words(markdown, patterns)
        for word, meaning in words:
            enum_docs.setdefault(word, meaning)
        item = self.field("", item_schemas) if item_schemas else FieldInfo("")
        return FieldInfo(
            name=name,
            description=description,
            markdown=markdown,
            types=tuple(types),
            default=default,
            enum=tuple(enum),
            enum_docs=enum_docs,
            words=tuple(word for word, _ in words),
            examples=tuple(examples),
            snippets=tuple(snippets),
            required=tuple(required),
            properties=tuple(props),
            item_types=item.types,
            item_required=item.required,
            item_properties=item.properties,
            deprecated=deprecated,
            patterns=tuple(dict.fromkeys(patterns)),
            known=True,
        )

    def field_at(self, path: tuple[PathPart, ...], instance: Any = _MISSING) -> FieldInfo:
        """:meth:`field` of the schemas at ``path``."""
        name = next((p for p in reversed(path) if isinstance(p, str)), "")
        return self.field(name, self.at(path, instance), instance)


def _step(value: Any, part: PathPart) -> Any:
    if isinstance(value, Mapping) and isinstance(part, str):
        return value.get(part, _MISSING)
    if isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
        return value[part]
    return _MISSING


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _has_key(s: Schema, key: str) -> bool:
    return key in s


def _add_value(values: list[Any], docs: dict[str, str], value: Any, doc: str) -> None:
    if not any(_equal(value, v) for v in values):
        values.append(value)
    if doc and value_text(value) not in docs:
        docs[value_text(value)] = doc


def value_text(value: Any) -> str:
    """A value as YAML text (``true``, ``80``, ``Load Balanced Web Service``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return bool(a == b)


def _type_ok(instance: Any, kinds: Any) -> bool:
    names = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    for kind in names:
        if (
            (kind == "string" and isinstance(instance, str))
            or (kind == "boolean" and isinstance(instance, bool))
            or (kind == "integer" and isinstance(instance, int) and not isinstance(instance, bool))
            or (kind == "number" and isinstance(instance, (int, float)) and not isinstance(instance, bool))
            or (kind == "object" and isinstance(instance, Mapping))
            or (kind == "array" and isinstance(instance, list))
            or (kind == "null" and instance is None)
        ):
            return True
    return not names


MISSING = _MISSING
"""The "no value" marker :meth:`SchemaIndex.at` accepts for an unknown instance."""


_WORD_BULLET = re.compile(r"^- `([^`]+)`: (.+)$", re.MULTILINE)


def _documented_words(markdown: str, patterns: list[str]) -> tuple[tuple[str, str], ...]:
    """``- `word`: meaning`` bullets of a description, when every word is a value the field accepts."""
    bullets = _WORD_BULLET.findall(markdown)
    if len(bullets) < 2 or not patterns:
        return ()
    if all(any(re.search(p, word) for p in patterns) for word, _ in bullets):
        return tuple((word, meaning.strip()) for word, meaning in bullets)
    return ()
