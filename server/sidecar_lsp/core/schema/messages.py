"""Turn one jsonschema error into findings: Copilot's words for it, at the range of the key or value.

Errors from ``anyOf``/``oneOf`` are reduced to the branch that fits the value best, or to one plain
sentence naming the accepted shapes.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from sidecar_lsp.core.model import EXCLUSIVE, UNKNOWN_KEY, Finding, Fix, Severity, Span, TextEdit
from sidecar_lsp.core.schema.memo import Path, checker
from sidecar_lsp.core.schema.words import (
    accepted_types,
    decodes_in_range,
    decodes_words,
    describe,
    describe_value,
    json_type,
    listed,
    location_words,
    path_prefix,
    quote,
    whole_number_bounds,
)
from sidecar_lsp.core.yaml.tree import Mapping, Node, Scalar, Sequence, find

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError


def explain(error: ValidationError, root: Node, prefix: Path = ()) -> Iterator[Finding]:
    """The findings for one jsonschema error; ``prefix`` is where the validated piece sits in the manifest."""
    path = prefix + tuple(error.absolute_path)
    node = find(root, path)
    if error.validator == "not" and isinstance(_schema_of(error).get("errorMessage"), str):
        yield _at_value(root, path, node, "schema-type", _undecodable_map(error, path))
        return
    if error.validator in ("anyOf", "oneOf"):
        inner = _best_branch_errors(error)
        if inner is not None:
            for sub in inner:
                yield from explain(sub, root, prefix)
            return
        yield _at_value(
            root,
            path,
            node,
            "schema-type",
            f"{path_prefix(path)}expected {describe(_schema_of(error))}, got {describe_value(error.instance)}",
        )
        return
    if error.validator == "additionalProperties":
        yield from _unknown_keys(error, root, path, node)
        return
    if error.validator == "required":
        yield _missing(error, root, path)
        return
    if error.validator == "type" and _text_matches_pattern(error, node):
        return  # a number in a string field: Copilot reads its text, and the text has the right form
    if error.validator in ("type", "const"):
        yield _at_value(
            root,
            path,
            node,
            _type_code(error),
            f"{path_prefix(path)}expected {describe(_schema_of(error))}, got {describe_value(error.instance)}",
        )
        return
    if error.validator == "enum":
        yield _enum(error, root, path, node)
        return
    if error.validator == "pattern":
        close = _close_examples(error)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        # A duration or a yes/no word that does not parse is a decoding error in Copilot (yaml.v3), like a type.
        code = "schema-type" if decodes_words(_schema_of(error)) else "schema-format"
        finding = _at_value(root, path, node, code, _pattern_message(error, path) + hint)
        yield _with_fixes(finding, _replacement_fixes(node, close))
        return
    if error.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        low, high = whole_number_bounds(_schema_of(error))
        bounds = (
            f"between {low} and {high}"
            if low is not None and high is not None
            else (f"at least {low}" if low is not None else f"at most {high}")
        )
        # A number out of a Go unsigned type's range fails yaml.v3's decoding of the file; any other bound
        # (a percentage, a sidecar's port string) is a check after decoding.
        code = "schema-type" if decodes_in_range(_schema_of(error)) else "schema-range"
        yield _at_value(root, path, node, code, f"{path_prefix(path)}{error.instance} must be {bounds}")
        return
    # A required key that is null, or a required Go string that is "" (files[].source): not set.
    if error.validator == "not" and _schema_of(error).get("not") in ({"type": "null"}, {"enum": [None, ""]}):
        yield Finding(
            "schema-required",
            Severity.ERROR,
            f"missing required key '{path[-1]}' {location_words(path[:-1])}: an empty value is not set",
            _key_span(root, path),
            path,
        )
        return
    if error.validator == "not":
        yield _at_value(root, path, node, EXCLUSIVE, f"{path_prefix(path)}{_exclusive_words(error, path)}")
        return
    if error.validator in ("minLength", "minProperties"):
        what = "an empty map" if error.validator == "minProperties" else "empty"
        yield _at_value(root, path, node, "schema-empty-value", f"{path_prefix(path)}must not be {what}")
        return
    yield _at_value(root, path, node, "schema-invalid", f"{path_prefix(path)}{error.message}")


def _undecodable_map(error: ValidationError, path: Path) -> str:
    return (
        f"{path_prefix(path)}{_schema_of(error)['errorMessage']}: Copilot reads this map only when one of its "
        "keys is set to a value it can decode, and here none is (unknown keys and empty values do not "
        "count); set one of its keys, or write the field's single-value form"
    )


def _text_matches_pattern(error: ValidationError, node: Node | None) -> bool:
    schema = _schema_of(error)
    pattern = schema.get("pattern")
    return (
        _type_code(error) == "schema-format"
        and isinstance(pattern, str)
        and "enum" not in schema
        and isinstance(node, Scalar)
        and re.search(pattern, node.raw) is not None
    )


def _type_code(error: ValidationError) -> str:
    """``schema-type`` for a value Copilot cannot decode; ``schema-format`` for a number or boolean in a
    string field with a fixed form (``env_file: 5``): Copilot decodes it as text, then its check refuses it."""
    if error.instance is None:
        return "schema-format"  # null always decodes (to the zero value): only a later check refuses it
    schema = _schema_of(error)
    declared = schema.get("type")
    kinds = {declared} if isinstance(declared, str) else set(declared or ())
    # A field whose scalar form is text (alone or beside a map or list form): yaml.v3 reads any scalar as text.
    is_text_field = "string" in kinds and not kinds & {"number", "integer", "boolean"}
    if "string" in kinds and "boolean" not in kinds and isinstance(error.instance, bool):
        is_text_field = True  # true into a number-or-text field (a sidecar port): read as the text "true"
    if "string" in kinds and "integer" in kinds and isinstance(error.instance, float):
        is_text_field = True  # 3.5 into a whole-number-or-text field (nlb.port): read as the text "3.5"
    if (
        error.validator == "type"
        and is_text_field
        and ("pattern" in schema or "enum" in schema)
        and not decodes_words(schema)
        and isinstance(error.instance, (int, float, bool))
    ):
        return "schema-format"
    return "schema-type"


def _exclusive_words(error: ValidationError, path: Path) -> str:
    """Plain words for the schema's ``not``: keys Copilot refuses to see together."""
    required = _schema_of(error).get("not", {}).get("required", [])
    if len(required) >= 2:
        return f'must specify one of "{required[0]}" and "{required[1]}", not both'
    key = path[-1] if path else "this key"
    return f"'{key}' cannot be combined with the keys beside it"


def _schema_of(error: ValidationError) -> dict[str, Any]:
    return error.schema if isinstance(error.schema, dict) else {}


def _value_of(error: ValidationError) -> list[Any]:
    value = error.validator_value
    return value if isinstance(value, list) else []


def _pattern_message(error: ValidationError, path: tuple[Any, ...]) -> str:
    """Copilot's words from the schema's ``patternErrorMessage`` when it has them."""
    words = _schema_of(error).get("patternErrorMessage")
    if isinstance(words, str):
        return f"{path_prefix(path)}{quote(error.instance)}: {words}"
    return f"{path_prefix(path)}expected {describe(_schema_of(error))}, got {quote(error.instance)}"


def _best_branch_errors(error: ValidationError) -> list[ValidationError] | None:
    """The errors of the branch whose shape fits the value, or None to describe all branches."""
    branches: list[dict[str, Any]] = list(_value_of(error))
    kind = json_type(error.instance)
    fitting = [i for i, branch in enumerate(branches) if kind in accepted_types(branch)]
    if not fitting or kind not in ("object", "array"):
        # A scalar that fits no alternative (a bad duration, a map where text belongs) reads
        # best as one sentence naming every accepted shape.
        return None
    by_branch = _errors_by_branch(error)
    best = min(fitting, key=lambda i: len(by_branch.get(i, [])))
    return by_branch.get(best) or None


def _errors_by_branch(error: ValidationError) -> dict[int, list[ValidationError]]:
    by_branch: dict[int, list[ValidationError]] = {}
    for sub in error.context or ():
        by_branch.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    return by_branch


def _unknown_keys(
    error: ValidationError, root: Node, path: tuple[Any, ...], node: Node | None
) -> Iterator[Finding]:
    schema = _schema_of(error)
    allowed = sorted(schema.get("properties", {}))
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    if not isinstance(node, Mapping):
        return
    for entry in node.entries:
        name = entry.name
        if name in allowed or any(p.search(name) for p in patterns) or entry.merged:
            continue
        guess = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
        hint = f"; did you mean '{guess[0]}'?" if guess else ";"
        fixes = (
            (Fix(f"Rename to '{guess[0]}'", (TextEdit(entry.key.span, guess[0]),), preferred=True),)
            if guess
            else ()
        )
        yield Finding(
            UNKNOWN_KEY,
            Severity.WARNING,
            f"unknown key '{name}' {location_words(path)}{hint} Copilot ignores unknown keys",
            entry.key.span,
            path + (name,),
            fixes=fixes,
        )


def _missing(error: ValidationError, root: Node, path: tuple[Any, ...]) -> Finding:
    match = re.match(r"'(.*)' is a required property", error.message)
    name = match.group(1) if match else error.message
    if path:
        anchor = _key_span(root, path)
    else:
        first = root.entries[0].key.span if isinstance(root, Mapping) and root.entries else root.span
        anchor = first
    return Finding(
        "schema-required",
        Severity.ERROR,
        f"missing required key '{name}' {location_words(path)}",
        anchor,
        path + (name,),
    )


def _enum(error: ValidationError, root: Node, path: tuple[Any, ...], node: Node | None) -> Finding:
    own = _schema_of(error).get("errorMessage")
    if isinstance(own, str):  # a field only null passes (a metric the workload type does not scale on)
        return _at_value(root, path, node, "schema-enum", f"{path_prefix(path)}{own}")
    options = [str(v) for v in _value_of(error)]
    value = str(error.instance)
    close = difflib.get_close_matches(value, options, n=3, cutoff=0.4)
    shown = listed(options)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    finding = _at_value(
        root,
        path,
        node,
        "schema-enum",
        f"{path_prefix(path)}{quote(error.instance)} is not one of: {shown}{hint}",
    )
    return _with_fixes(finding, _replacement_fixes(node, close))


def _close_examples(error: ValidationError) -> list[str]:
    """The schema's example values nearest to a value that fails a pattern (``recreat`` -> ``recreate``).

    Where Copilot compares words case-insensitively the schema has a pattern, not an enum, and
    its ``examples`` list the valid words; each suggestion is checked against the schema first.
    """
    schema = _schema_of(error)
    examples = [e for e in schema.get("examples", []) if isinstance(e, str)]
    if not isinstance(error.instance, str) or not examples:
        return []
    by_lower = {e.lower(): e for e in examples}
    close = difflib.get_close_matches(error.instance.lower(), list(by_lower), n=3, cutoff=0.6)
    accepts = checker(schema)
    return [by_lower[c] for c in close if accepts.is_valid(by_lower[c])]


def _replacement_fixes(node: Node | None, values: list[str]) -> tuple[Fix, ...]:
    if not isinstance(node, Scalar) or node.style in ("|", ">"):
        return ()
    return tuple(
        Fix(f"Change to '{value}'", (TextEdit(node.span, _yaml_text(value)),), preferred=index == 0)
        for index, value in enumerate(values)
    )


def _with_fixes(finding: Finding, fixes: tuple[Fix, ...]) -> Finding:
    return replace(finding, fixes=fixes)


# --- ranges ------------------------------------------------------------------------------------


def _at_value(root: Node, path: tuple[Any, ...], node: Node | None, code: str, message: str) -> Finding:
    span = node.span if node is not None else _holding_scalar(root, path).span
    if isinstance(node, (Mapping, Sequence)) and not node.flow:
        # A whole block is too big to underline: point at its key instead.
        span = _key_span(root, path) if path else Span(span.start, span.start)
    elif isinstance(node, Scalar) and span.start == span.end and path:
        span = _key_span(root, path)
    return Finding(code, Severity.ERROR, message, span, path)


def _holding_scalar(root: Node, path: tuple[Any, ...]) -> Node:
    """For a value that exists only in what Copilot reads (an item of a JSON-array string): the string
    that holds it; else the whole document."""
    for end in range(len(path) - 1, 0, -1):
        holder = find(root, path[:end])
        if holder is not None:
            return holder if isinstance(holder, Scalar) else root
    return root


def _key_span(root: Node, path: tuple[Any, ...]) -> Span:
    parent = find(root, path[:-1])
    last = path[-1]
    if isinstance(parent, Mapping) and isinstance(last, str):
        entry = parent.entry(last)
        if entry is not None:
            return entry.key.span
    node = find(root, path)
    return node.span if node is not None else root.span


def _yaml_text(value: str) -> str:
    """Write a replacement value so YAML reads it back as the same string."""
    from sidecar_lsp.core.yaml.tree import resolve_plain

    return (
        value
        if resolve_plain(value) == value and not re.search(r"[:#\[\]{},&*!|>'\"%@`]", value)
        else ("'" + value.replace("'", "''") + "'")
    )
