"""An optional compiled answer to "does this piece pass the schema?" (jsonschema-rs, the ``fast`` extra).

jsonschema stays the validator of record: every error a user sees comes from it. Most pieces of a
manifest are valid, though, and for those jsonschema's walk is the whole cost of the schema check;
jsonschema-rs decides "valid" several times faster. So :func:`passes` answers True only when the
compiled validator accepts the piece, and None whenever it cannot vouch for it: the package is not
installed, the piece holds a ``${VAR}`` (where this project's ``pattern`` keyword is stricter than
the standard one, see :mod:`.memo`), the schema does not compile, or the value is not plain JSON.
A piece it rejects goes to jsonschema for the detailed errors, so its verdict can only ever skip a
walk that would have found nothing. That it agrees with jsonschema is checked on every corpus and
on generated manifests (``scripts/snapshot_findings.py --no-fast`` against a default run).
"""

from __future__ import annotations

import threading
from typing import Any

from sidecar_lsp.core.schema.store import Schema, load_schema

_state = {"enabled": True}
_compiled: dict[int, tuple[Schema, Any]] = {}
_compile_lock = threading.Lock()
_VARIABLE_MARK = "${"


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
    if _VARIABLE_MARK in dumped if dumped is not None else _holds_variable(value):
        return None
    validator = _validator(schema)
    if validator is None:
        return None
    try:
        return True if validator.is_valid(value) else None
    except Exception:  # a value that is no JSON (a huge integer, a date): jsonschema judges it
        return None


def _holds_variable(value: Any) -> bool:
    if isinstance(value, str):
        return _VARIABLE_MARK in value
    if isinstance(value, dict):
        return any(_holds_variable(key) or _holds_variable(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_variable(item) for item in value)
    return False


def _validator(schema: Schema) -> Any:
    known = _compiled.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    module = _module()
    if module is None:
        return None
    with _compile_lock:
        known = _compiled.get(id(schema))
        if known is not None and known[0] is schema:
            return known[1]
        try:
            base, registry = _registry(module)
            compiled = module.Draft7Validator(
                _absolute_refs(schema, base), validate_formats=False, registry=registry
            )
        except Exception:  # a pattern the compiled engine cannot read: this piece always goes to jsonschema
            compiled = None
        _compiled[id(schema)] = (schema, compiled)  # keeping ``schema`` alive keeps its id unique
    return compiled


def _registry(module: Any) -> tuple[str, Any]:
    """The whole schema registered under its ``$id``, once: a piece's ``$ref`` then compiles only the
    definitions it reaches (about 0.5 ms a piece, where carrying every definition along costs 7)."""
    if "registry" not in _imported:
        schema = load_schema()
        base = str(schema["$id"])
        _imported["registry"] = (base, module.Registry([(base, schema)]))
    registry: tuple[str, Any] = _imported["registry"]
    return registry


def _absolute_refs(schema: Any, base: str) -> Any:
    """``schema`` with each local ``$ref`` (``#/definitions/x``) made absolute under ``base``: a piece
    cut out of the schema is a document of its own, where ``#`` would name the piece itself."""
    if isinstance(schema, dict):
        return {
            key: base + value
            if key == "$ref" and isinstance(value, str) and value.startswith("#")
            else _absolute_refs(value, base)
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_absolute_refs(item, base) for item in schema]
    return schema


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
