"""Validate a manifest piece by piece and remember each piece's jsonschema errors by its content.

While the user types, one value changes and the rest of the manifest stays as it was. The
manifest is therefore validated in pieces (each top-level key, each sidecar, volume and
environment) and the errors of each piece are remembered by its content, so a keystroke
re-validates only the piece it touched. Positions never enter the memo: errors carry paths,
and the tree maps paths to ranges afterwards. With the compiled validator (:mod:`.fast`), which
judges the whole manifest at once and says where its errors are, only the pieces holding one go to
jsonschema and the memo; the others have nothing to word.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sidecar_lsp.core.schema import fast
from sidecar_lsp.core.schema.store import ANNOTATIONS, Schema, load_schema, per_schema, resolve_ref

if TYPE_CHECKING:
    # jsonschema is imported on the first piece it must judge: with the compiled validator, a run over
    # valid manifests never needs it (about 70 ms of a check's start-up).
    from jsonschema import Draft7Validator
    from jsonschema.exceptions import ValidationError


def _pattern_with_variables(
    validator: Any, pattern: str, instance: Any, schema: Any
) -> Iterator[ValidationError]:
    """jsonschema's ``pattern`` keyword, sharpened for ``${VAR}``: the schema accepts any string that
    holds one (editors cannot know the values), but a value that no substitution can make match the
    pattern is one Copilot always rejects (``range: prefix-${X}``)."""
    from jsonschema.exceptions import ValidationError

    if not isinstance(instance, str):
        return
    if re.search(pattern, instance) is None or fast.never_fits(instance, pattern):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


@functools.lru_cache(maxsize=1)
def _validator() -> Draft7Validator:
    from jsonschema import Draft7Validator, validators

    keywords = {"pattern": _pattern_with_variables}
    extended = validators.extend(Draft7Validator, keywords)  # type: ignore[no-untyped-call]
    return extended(load_schema())  # type: ignore[no-any-return]


_SPLIT_DEPTH = 2
_MEMO_LIMIT = 4096
_MEMO_BYTES = 4_000_000
"""Bound on the memo's keys in characters; its errors hold the values they were found in, about
as large again. An entry cap alone let one large document's versions pile up to ~70 MB."""
_memo: dict[tuple[int, str], list[ValidationError]] = {}
_memo_size = [0]
_memo_lock = threading.Lock()
"""The memo is process-wide (the server's worker, the CLI, any thread): adding and evicting hold it."""
_SPLITTABLE = {"type", "properties", "additionalProperties", "patternProperties", "required"} | ANNOTATIONS

Path = tuple[str | int, ...]


def schema_errors(
    instance: Any, holds_variable: bool | None = None
) -> Iterator[tuple[Path, ValidationError]]:
    """The schema's errors with the path prefix where each piece sits (``holds_variable``: whether a key
    or a text of ``instance`` holds ``${``, when the caller knows)."""
    definition = type_definition(instance)
    # One compiled validator judges the whole manifest; a piece goes to jsonschema only where it found
    # an error (or, when it cannot judge, where a validator compiled for that piece rejects it).
    verdict = fast.judge(instance, holds_variable)
    schema = load_schema() if definition is None else definition
    if verdict is not None and verdict.passes((), schema, instance):
        return  # the whole manifest passes: no piece needs remembering
    if definition is None:
        if verdict is None and fast.passes(schema, instance):
            return
        for error in _validator().iter_errors(instance):
            yield (), error
        return
    if verdict is None and fast.passes(definition, instance):
        return
    yield from _piecewise(instance, definition, (), 0, verdict)


@functools.lru_cache(maxsize=1)
def _definitions_by_type() -> dict[str, Schema]:
    """``type`` value -> the definition its ``if``/``then`` branch applies."""
    out: dict[str, Schema] = {}
    for branch in load_schema().get("allOf", []):
        const = branch.get("if", {}).get("properties", {}).get("type", {}).get("const")
        target = branch.get("then", {})
        if isinstance(const, str) and set(target) == {"$ref"}:
            out[const] = deref(target)
    return out


def type_definition(instance: Any) -> Schema | None:
    """The per-type definition when the whole root schema reduces to it for this instance."""
    if not isinstance(instance, dict) or not isinstance(instance.get("type"), str):
        return None
    definition = _definitions_by_type().get(instance["type"])
    return definition if definition is not None and set(definition) <= _SPLITTABLE else None


def _piecewise(
    value: Any, schema: Schema, prefix: Path, depth: int, verdict: fast.Verdict | None
) -> Iterator[tuple[Path, ValidationError]]:
    if verdict is not None and verdict.clean_below(prefix, value):
        return  # every piece below passes: the sidecars of a manifest whose error is elsewhere, say
    if depth >= _SPLIT_DEPTH or not isinstance(value, dict) or not set(schema) <= _SPLITTABLE:
        for error in _memoized(value, schema, prefix, verdict, shell=False):
            yield prefix, error
        return
    for error in _memoized(value, _shell(schema), prefix, verdict, shell=True):
        yield prefix, error
    for key, item in value.items():
        child = child_schema(schema, key)
        if child is not None:
            yield from _piecewise(item, deref(child), prefix + (key,), depth + 1, verdict)


_shells: dict[int, tuple[Schema, Schema]] = {}


def _shell(schema: Schema) -> Schema:
    """The object-level checks of ``schema`` (type, required and unknown keys) without its values'."""
    return per_schema(_shells, schema, _make_shell)


def _make_shell(schema: Schema) -> Schema:
    shell = {
        k: v
        for k, v in schema.items()
        if k not in ("properties", "patternProperties", "additionalProperties")
    }
    if "additionalProperties" in schema or "patternProperties" in schema:
        shell["properties"] = dict.fromkeys(schema.get("properties", {}), True)
        if schema.get("patternProperties"):
            shell["patternProperties"] = dict.fromkeys(schema["patternProperties"], True)
        extra = schema.get("additionalProperties", True)
        shell["additionalProperties"] = extra if isinstance(extra, bool) else True
    return shell


def child_schema(schema: Schema, key: str) -> Schema | None:
    """The schema of the value at ``key``: its property, pattern property or additional property."""
    properties = schema.get("properties", {})
    if key in properties:
        return properties[key] if isinstance(properties[key], dict) else None
    for pattern, child in schema.get("patternProperties", {}).items():
        if re.search(pattern, key):
            return child if isinstance(child, dict) else None
    extra = schema.get("additionalProperties")
    return extra if isinstance(extra, dict) else None


def clear_memo() -> None:
    """Forget every remembered piece (the server calls it once no document is open)."""
    with _memo_lock:
        _memo.clear()
        _memo_size[0] = 0


def _memoized(
    value: Any, schema: Schema, path: Path, verdict: fast.Verdict | None, *, shell: bool
) -> list[ValidationError]:
    if verdict is not None and verdict.passes(path, schema, value, shell=shell):
        return []  # the compiled validator found no error here: nothing to word, nothing to remember
    if shell:
        # A shell checks a map's keys (type, required, unknown keys), never a value below them: checking it
        # costs less than writing out the memo's key, a whole manifest's JSON at the top level.
        return list(checker(schema).iter_errors(value))
    # Every schema passed here is a piece of the loaded schema, which lives as long as the process, so its
    # id names it reliably.
    key = (id(schema), json.dumps(value, sort_keys=True, default=str))
    errors = _memo.get(key)
    if errors is None:
        if verdict is None and fast.passes(schema, value, key[1]):
            errors = []
        else:
            errors = list(checker(schema).iter_errors(value))
        with _memo_lock:
            if len(_memo) >= _MEMO_LIMIT or _memo_size[0] + len(key[1]) > _MEMO_BYTES:
                _memo.clear()
                _memo_size[0] = 0
            if key not in _memo:
                _memo[key] = errors
                _memo_size[0] += len(key[1])
    return errors


_checkers: dict[int, tuple[Schema, Any]] = {}


def checker(schema: Schema) -> Any:
    """A validator for a piece of the loaded schema."""
    return per_schema(_checkers, schema, lambda piece: _validator().evolve(schema=piece))


def is_valid(schema: Schema, value: Any) -> bool:
    """Whether ``value`` passes ``schema`` (a piece of the loaded schema): the compiled validator's
    yes when it can vouch for it, else jsonschema's answer."""
    return bool(fast.passes(schema, value)) or bool(checker(schema).is_valid(value))


def errors_of(schema: Schema, value: Any) -> list[ValidationError]:
    """jsonschema's errors of ``value`` against ``schema`` (a piece of the loaded schema), none looked for
    when the compiled validator vouches for it."""
    if fast.passes(schema, value):
        return []
    return list(checker(schema).iter_errors(value))


_ref_targets: dict[str, Schema] = {}
"""Each ``$ref`` of the loaded schema and the schema it names (the same whatever thread adds it)."""


def deref(schema: Schema) -> Schema:
    """``schema``, or the definition of the loaded schema its ``$ref`` names."""
    if type(schema) is dict and "$ref" not in schema:
        return schema  # the common case, without resolve_ref's checks
    return resolve_ref(schema, load_schema(), targets=_ref_targets)
