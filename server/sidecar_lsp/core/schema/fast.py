"""An optional compiled answer to "does this piece pass the schema?" (jsonschema-rs, the ``fast`` extra).

jsonschema stays the validator of record: every error a user sees comes from it. Most pieces of a
manifest are valid, though, and for those jsonschema's walk is the whole cost of the schema check;
jsonschema-rs decides "valid" several times faster. So :func:`passes` answers True only when the
compiled validator accepts the piece, and None whenever it cannot vouch for it: the package is not
installed, the schema does not compile, the value is not plain JSON, or the piece holds a ``${VAR}``
that a pattern the schema may apply at its place cannot match whatever the variable holds (there this
project's ``pattern`` keyword, see :mod:`.memo`, is stricter than the standard one the compiled
validator knows; a key with a ``${`` or a keyword the walk does not follow that can apply a ``pattern``
counts as such a doubt).
A piece it rejects goes to jsonschema for the detailed errors, so its verdict can only ever skip a
walk that would have found nothing. A whole manifest is judged by one validator of the whole schema,
compiled once per process (:func:`judge`), which says where its errors are: a piece with none at or
below its place skips jsonschema; :func:`passes` compiles a validator for a piece of the schema (the
dropped-value scan's questions, and every piece when :func:`judge` cannot read a value). That it agrees with jsonschema is checked on every corpus and
on generated manifests (``scripts/snapshot_findings.py --no-fast`` against a default run).
"""

from __future__ import annotations

import functools
import json
from typing import Any

from sidecar_lsp.core.decoding.interpolation import VARIABLE_MARK, can_match, variables_in
from sidecar_lsp.core.schema.facts import schema_index
from sidecar_lsp.core.schema.store import ANNOTATIONS, Schema, load_schema, per_schema, ref_target

_state = {"enabled": True}
_compiled: dict[int, tuple[Schema, Any]] = {}


def set_enabled(enabled: bool) -> None:
    """Use the compiled validator when it is installed (the default), or never (to compare the two)."""
    _state["enabled"] = enabled


def available() -> bool:
    """Whether the compiled validator is installed and in use."""
    return _state["enabled"] and _module() is not None


def passes(schema: Schema, value: Any, dumped: str | None = None) -> bool | None:
    """True when ``value`` (``dumped``: its JSON text, if at hand) surely passes ``schema``, else None
    (ask jsonschema).

    ``schema`` must live as long as the process (the loaded schema, or a piece cached by :mod:`.memo`):
    its id names its compiled validator.
    """
    if not _state["enabled"]:
        return None
    validator = _validator(schema)
    if validator is None:
        return None
    try:
        if not validator.is_valid(value):
            return None
    except Exception:  # a value that is no JSON (a huge integer, a date): jsonschema judges it
        return None
    if _patterned(schema) and _holds_variable(value, dumped) and not _variables_fit(schema, value):
        return None
    return True


def _patterned(schema: Schema) -> bool:
    """Whether a ``pattern`` keyword is reachable from ``schema`` (through every keyword and ``$ref``): if
    not, this project's validator is the standard one there, and ``${VAR}`` cannot matter. Remembered."""
    return per_schema(_patterned_memo, schema, _reaches_pattern)


_patterned_memo: dict[int, tuple[Schema, bool]] = {}


def _reaches_pattern(schema: Any) -> bool:
    root = load_schema()
    seen: set[int] = set()
    stack: list[Any] = [schema]
    while stack:
        here = stack.pop()
        if isinstance(here, list):
            stack.extend(here)
        elif isinstance(here, dict) and id(here) not in seen:
            seen.add(id(here))
            if "pattern" in here:
                return True
            if isinstance(here.get("$ref"), str):
                stack.append(ref_target(root, here["$ref"]))
            stack.extend(here.values())  # every value: a property may be named like a keyword
    return False


def holds_variable(value: Any) -> bool:
    """Whether a key or a text in the plain data ``value`` holds ``${`` (what a verdict asks of a manifest)."""
    return _holds_variable(value, None)


def _holds_variable(value: Any, dumped: str | None) -> bool:
    """Whether a key or a text in ``value`` (``dumped``: its JSON text, if at hand) holds ``${``."""
    if dumped is None:
        try:
            # json's C encoder (no option given): "${" in a key or a text is "${" in its JSON text, and
            # nowhere else, since JSON escapes neither character and a number holds neither.
            dumped = json.dumps(value)
        except (TypeError, ValueError):  # no JSON (a date, a cycle): walked instead
            return bool(_strings_with_variables(value))
    return VARIABLE_MARK in dumped


class Verdict:
    """The compiled validator's judgement of a whole manifest against the whole schema (one compiled
    validator, made once per process): where its errors are. A piece of the manifest with no error at or
    below its place passes the piece of the schema applied there, since the whole schema applies that
    piece there (the piece schemas of :mod:`.memo` are reached through properties, the ``type``'s
    if/then and ``$ref`` only, never through a keyword that could hide a failure in a branch)."""

    __slots__ = ("_near", "_under", "_variables")

    def __init__(self, paths: list[tuple[str | int, ...]], variables: bool) -> None:
        self._variables = variables
        """Whether the manifest holds a ``${`` anywhere: if not, none of its pieces does."""
        self._under = frozenset(path[:depth] for path in paths for depth in range(len(path) + 1))
        # An object's own keywords (its type, required and unknown keys) fail at its place; a key's
        # error one step below counts too, whichever place a validator reports an unknown key at.
        self._near = frozenset(paths) | frozenset(path[:-1] for path in paths if path)

    def clean_below(self, path: tuple[str | int, ...], value: Any) -> bool:
        """Whether no piece at or below ``path`` (the piece ``value``) can fail: no error there, and no
        ``${`` that the project's pattern keyword could refuse."""
        return path not in self._under and self._no_variable(value, None)

    def _no_variable(self, value: Any, dumped: str | None) -> bool:
        """Whether ``value`` (``dumped``: its JSON text, if at hand) holds no ``${``."""
        return not self._variables or not _holds_variable(value, dumped)

    def passes(
        self,
        path: tuple[str | int, ...],
        schema: Schema,
        value: Any,
        dumped: str | None = None,
        *,
        shell: bool = False,
    ) -> bool:
        """Whether the piece ``value`` at ``path`` (``dumped``: its JSON text, if at hand) surely passes
        ``schema``: no error at its place or below it (``shell``: a schema of the object's own keywords,
        at its place or its keys'), and no ``${VAR}`` the project's pattern keyword refuses."""
        if path in (self._near if shell else self._under):
            return False
        return self._no_variable(value, dumped) or _variables_fit(schema, value)


def judge(instance: Any, holds_variable: bool | None = None) -> Verdict | None:
    """The places of the whole schema's errors in ``instance``; None when the compiled validator cannot
    judge it (not installed or switched off, a schema it cannot compile, a value that is no JSON).
    ``holds_variable``: whether a key or a text of ``instance`` holds ``${``, when the caller knows."""
    if not _state["enabled"]:
        return None
    validator = _whole()
    if validator is None:
        return None
    try:
        valid = validator.is_valid(instance)
        errors = [] if valid else [tuple(error.instance_path) for error in validator.iter_errors(instance)]
    except Exception:  # a value that is no JSON (a huge integer, a date): jsonschema judges it
        return None
    return Verdict(errors, _holds_variable(instance, None) if holds_variable is None else holds_variable)


def _whole() -> Any:
    """The validator compiled from the whole schema, once: its local ``$ref`` resolve within it."""
    if "whole" not in _imported:
        module = _module()
        try:
            _imported["whole"] = (
                None if module is None else module.Draft7Validator(load_schema(), validate_formats=False)
            )
        except Exception:  # a pattern the compiled engine cannot read: the pieces are compiled one by one
            _imported["whole"] = None
    return _imported["whole"]


def _variables_fit(schema: Schema, value: Any) -> bool:
    """Whether this project's ``pattern`` keyword (:mod:`.memo`) accepts every string with a ``${VAR}`` in
    ``value`` that the standard keyword accepted: True only when each such string, under every pattern the
    schema may apply at its place, is one some values of its variables can make match. Any doubt (a key
    holding a variable, a keyword this walk does not follow that can apply a pattern) is False, and
    jsonschema decides."""
    for path, text in _strings_with_variables(value):
        if path is None:
            return False
        patterns = _patterns_at(schema, path)
        if patterns is None or any(never_fits(text, pattern) for pattern in patterns):
            return False
    return True


@functools.lru_cache(maxsize=4096)
def never_fits(text: str, pattern: str) -> bool:
    """Whether ``text`` holds a ``${VAR}`` that no value can make match ``pattern``, a pattern that lets a
    string hold variables (``<pattern>|<interpolatedString's>``): the one case where this project's
    ``pattern`` keyword (:mod:`.memo`) refuses what the standard one accepts. Remembered (bounded)."""
    alternative = _variable_alternative()
    return (
        pattern.endswith(alternative)
        and bool(variables_in(text))
        and not can_match(text, pattern[: -len(alternative)])
    )


def _strings_with_variables(value: Any) -> list[tuple[Any, str]]:
    """``(path, text)`` of each string value holding ``${``; ``(None, key)`` for a key that holds one."""
    found: list[tuple[Any, str]] = []
    if isinstance(value, str):
        return [((), value)] if VARIABLE_MARK in value else []
    if not isinstance(value, (dict, list)):
        return []
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), value)]
    while stack:
        path, here = stack.pop()
        if len(path) > _MAX_WALK_DEPTH:  # deeper than any manifest (a cycle): a doubt, jsonschema decides
            found.append((None, ""))
            continue
        pairs = here.items() if isinstance(here, dict) else enumerate(here)
        for key, item in pairs:
            if isinstance(key, str) and VARIABLE_MARK in key:
                found.append((None, key))
            if isinstance(item, str):
                if VARIABLE_MARK in item:
                    found.append(((*path, key), item))
            elif isinstance(item, (dict, list)):
                stack.append(((*path, key), item))
    return found


_MAX_WALK_DEPTH = 1_000

_UNFOLLOWED = ("propertyNames", "contains", "dependencies")
"""Keywords that apply schemas neither this walk nor :meth:`SchemaIndex.child` follows (the schema uses none)."""


def _patterns_at(schema: Schema, path: tuple[str | int, ...]) -> list[str] | None:
    """Every ``pattern`` that a schema applied at ``path`` may hold, through every branch; None when unsure.
    Remembered per piece and path (bounded; the entry keeps the piece alive, so its id stays its own)."""
    known = _patterns_memo.get((id(schema), path))
    if known is not None and known[0] is schema:
        return known[1]
    found = _find_patterns(schema, path)
    if len(_patterns_memo) >= _PATTERNS_MEMO_LIMIT:
        _patterns_memo.clear()
    _patterns_memo[(id(schema), path)] = (schema, found)
    return found


_patterns_memo: dict[tuple[int, tuple[str | int, ...]], tuple[Schema, list[str] | None]] = {}
_PATTERNS_MEMO_LIMIT = 4096


def _find_patterns(schema: Schema, path: tuple[str | int, ...]) -> list[str] | None:
    current = _applied(schema)
    for step in path:
        if current is None:
            return None
        below = schema_index().child(current, step)
        applied = [_applied(child) for child in below]
        current = (
            None if any(a is None for a in applied) else [s for a in applied if a is not None for s in a]
        )
    if current is None:
        return None
    return [str(here["pattern"]) for here in current if isinstance(here.get("pattern"), str)]


def _applied(schema: Any) -> list[Schema] | None:
    """``schema`` and every schema it applies to the same value ($ref, allOf, anyOf, oneOf, not, if, then,
    else); None when one of them uses a keyword this walk does not follow and a ``pattern`` can be reached
    through it. Remembered per piece."""
    if not isinstance(schema, dict):
        return []
    return per_schema(_applied_memo, schema, _walk_applied)


_applied_memo: dict[int, tuple[Schema, list[Schema] | None]] = {}


def _walk_applied(schema: Schema) -> list[Schema] | None:
    out: list[Schema] = []
    seen: set[int] = set()
    stack = [schema]
    root = load_schema()
    while stack:
        here = stack.pop()
        if not isinstance(here, dict) or id(here) in seen:
            continue
        seen.add(id(here))
        # A schema this walk would miss matters only if it can apply a `pattern`, the one keyword stricter
        # here: a keyword not followed, or the pattern properties a key in `properties` also gets
        # (SchemaIndex.child takes a key's property alone, where jsonschema applies both).
        if any(keyword in here and _reaches_pattern(here[keyword]) for keyword in _UNFOLLOWED) or (
            "properties" in here
            and "patternProperties" in here
            and _reaches_pattern(here["patternProperties"])
        ):
            return None
        out.append(here)
        if isinstance(here.get("$ref"), str):
            stack.append(ref_target(root, here["$ref"]))
        for keyword in ("allOf", "anyOf", "oneOf"):
            stack.extend(here.get(keyword, ()))
        stack.extend(here[keyword] for keyword in ("not", "if", "then", "else") if keyword in here)
    return out


@functools.lru_cache(maxsize=1)
def _variable_alternative() -> str:
    """How the schema lets a patterned string hold a ``${VAR}``: ``<pattern>|<interpolatedString's>``."""
    return "|" + str(load_schema()["definitions"]["interpolatedString"]["pattern"])


def _validator(schema: Schema) -> Any:
    return per_schema(_compiled, schema, _compile)


def _compile(schema: Schema) -> Any:
    module = _module()
    if module is None:
        return None
    try:
        base, registry = _registry(module)
        assertions = _assertions(schema, base)
        # Pieces that differ only in their words (a description, a default) validate alike: one validator.
        content = json.dumps(assertions, sort_keys=True)
        compiled = _by_content.get(content)
        if compiled is None:
            compiled = module.Draft7Validator(assertions, validate_formats=False, registry=registry)
            _by_content[content] = compiled
        return compiled
    except Exception:  # a pattern the compiled engine cannot read: this piece always goes to jsonschema
        return None


_by_content: dict[str, Any] = {}


def _registry(module: Any) -> tuple[str, Any]:
    """The whole schema registered under its ``$id``, once: a piece's ``$ref`` then compiles only the
    definitions it reaches (about 0.5 ms a piece, where carrying every definition along costs 7)."""
    if "registry" not in _imported:
        schema = load_schema()
        base = str(schema["$id"])
        _imported["registry"] = (base, module.Registry([(base, schema)]))
    registry: tuple[str, Any] = _imported["registry"]
    return registry


_SCHEMA_MAPS = ("properties", "patternProperties", "definitions", "dependencies")
_SCHEMA_VALUES = {"items", "additionalItems", "additionalProperties", "contains", "propertyNames", "not"}
_SCHEMA_VALUES |= {"if", "then", "else", "allOf", "anyOf", "oneOf"}
"""The keywords whose value is a schema or a list of schemas."""


def _assertions(schema: Any, base: str) -> Any:
    """``schema`` as the compiled validator reads it: without its annotations (descriptions, defaults,
    examples: they validate nothing), each local ``$ref`` (``#/definitions/x``) made absolute under
    ``base``, since a piece cut out of the schema is a document of its own, where ``#`` would name the
    piece itself."""
    if not isinstance(schema, dict):
        return schema  # true or false
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key in ANNOTATIONS:
            continue
        if key == "$ref" and isinstance(value, str) and value.startswith("#"):
            out[key] = base + value
        elif key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: _assertions(sub, base) for name, sub in value.items()}
        elif key in _SCHEMA_VALUES:
            out[key] = (
                [_assertions(sub, base) for sub in value]
                if isinstance(value, list)
                else _assertions(value, base)
            )
        else:
            out[key] = value
    return out


_imported: dict[str, Any] = {}


def _module() -> Any:
    if "module" not in _imported:
        try:
            import jsonschema_rs
        except ImportError:
            _imported["module"] = None
        else:
            _imported["module"] = jsonschema_rs
    return _imported["module"]
