"""Where the published JSON Schema lives (in a wheel, in a checkout) and how its ``$ref`` resolve."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

SCHEMA_FILE = "copilot-manifest.schema.json"
_T = TypeVar("_T")
MAX_REF_DEPTH = 32

Schema = Mapping[str, Any]
"""A JSON Schema object (or a piece of one), read-only."""
ANNOTATIONS = frozenset(
    {
        "$comment", "title", "description", "markdownDescription", "default", "examples", "defaultSnippets",
        "enumDescriptions", "markdownEnumDescriptions", "deprecationMessage", "doNotSuggest",
        "patternErrorMessage",
    }
)  # fmt: skip
"""The keywords of the schema that document a field (in an editor: hover, completion, messages) and
validate nothing."""


def schema_path() -> Path:
    """The schema shipped inside the wheel, else the checkout's ``schema/`` (editable installs)."""
    packaged = Path(__file__).resolve().parents[2] / "schemas" / SCHEMA_FILE
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[4] / "schema" / SCHEMA_FILE


@functools.lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The schema as a dict, read once per process."""
    with schema_path().open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def ref_target(root: Schema, ref: str) -> Schema:
    """The schema a local ``$ref`` (a JSON pointer into ``root``) names; empty when it names nothing."""
    if not ref.startswith("#"):
        return {}
    node: Any = root
    for raw in ref[1:].split("/"):
        if raw == "":
            continue
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return {}
    return node if isinstance(node, Mapping) else {}


def resolve_ref(
    schema: Any,
    root: Schema,
    *,
    keep_annotations: bool = False,
    targets: dict[str, Schema] | None = None,
) -> Schema:
    """Follow ``schema``'s ``$ref`` chain within ``root``; an unresolvable ref is an empty schema.

    draft-07 ignores the siblings of a ``$ref``, and so does validation: it gets the named
    definition itself, whose identity says which definition an error is about. With
    ``keep_annotations`` the siblings that document the field (``description``, ``default``, ...) are
    laid over a copy of the target, because completion and hover show the field's own words.
    ``targets`` remembers each ref's target between calls.
    """
    seen = 0
    while isinstance(schema, Mapping) and isinstance(schema.get("$ref"), str) and seen < MAX_REF_DEPTH:
        ref = schema["$ref"]
        target = targets.get(ref) if targets is not None else None
        if target is None:
            target = ref_target(root, ref)
            if targets is not None:
                targets[ref] = target
        if keep_annotations and len(schema) > 1:
            merged = dict(target)
            for key, value in schema.items():
                if key != "$ref" and key not in ("properties", "allOf", "anyOf", "oneOf"):
                    merged.setdefault(key, value)
                    if key in ("description", "markdownDescription", "default", "examples"):
                        merged[key] = value
            if "$ref" not in merged:
                return merged
            return resolve_ref(merged, root, keep_annotations=True, targets=targets)
        schema = target
        seen += 1
    return schema if isinstance(schema, Mapping) else {}


def per_schema(memo: dict[int, tuple[Schema, _T]], schema: Schema, make: Callable[[Schema], _T]) -> _T:
    """``make(schema)``, made once per piece of the loaded schema and remembered in ``memo`` by the piece's
    id. Each entry keeps its piece alive, so no other dict can take that id; threads may race to make
    one, which only makes it twice."""
    known = memo.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    made = make(schema)
    memo[id(schema)] = (schema, made)
    return made
