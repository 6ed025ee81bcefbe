"""Check a parsed manifest against the JSON Schema and place each problem at its exact range.

jsonschema reports errors by instance path; the tree from :mod:`yaml_map` turns a path into
the range where the value (or key) is written. Errors from ``anyOf``/``oneOf`` are reduced
to the branch that fits the value best, or to one plain sentence naming the accepted shapes.
"""

from __future__ import annotations

import difflib
import functools
import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

from jsonschema import Draft7Validator, validators
from jsonschema.exceptions import ValidationError

from .interpolation import pattern_with_variables
from .kinds import WORKLOAD_TYPES, manifest_kind
from .merge import ENVIRONMENTS_KEY, merge_all
from .model import EXCLUSIVE, UNKNOWN_KEY, Finding, Fix, Pos, Severity, Span, TextEdit, dotted
from .schema_store import load_schema
from .yaml_map import Mapping, Node, ParsedDocument, Scalar, Sequence, find, iter_nodes, to_plain

_MAX_LISTED = 6


@functools.lru_cache(maxsize=1)
def _validator() -> Draft7Validator:
    checker = validators.extend(Draft7Validator, {"pattern": pattern_with_variables})  # type: ignore[no-untyped-call]
    return checker(load_schema())  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=1)
def _definition_names() -> dict[int, str]:
    """Map each definition's dict identity to its name, to describe errors by what they check."""
    definitions = load_schema().get("definitions", {})
    return {id(schema): name for name, schema in definitions.items() if isinstance(schema, dict)}


def schema_findings(document: ParsedDocument, *, unknown_keys: bool = True) -> list[Finding]:
    """Every schema problem in ``document``, placed at the offending key or value."""
    return _scoped_to_environments(document, _document_findings(document, unknown_keys=unknown_keys))


def _scoped_to_environments(document: ParsedDocument, findings: list[Finding]) -> list[Finding]:
    """A base value that Copilot decodes but refuses breaks only the environments whose override keeps it.

    Copilot checks the base merged with each environment's override: ``placement: yes`` in the base
    is fine for an environment whose override gives a placement of its own. Each such finding of the
    base is looked for in every merged environment and says where it still applies. A value that does
    not decode (``schema-type``) fails every environment, since Copilot decodes the base first.
    """
    candidates = [
        f
        for f in findings
        if f.severity is Severity.ERROR
        and f.code.startswith("schema-")
        and f.code not in ("schema-type", "schema-empty")
        and f.path[:1] != (ENVIRONMENTS_KEY,)
    ]
    root = document.root
    if not candidates or not isinstance(root, Mapping) or manifest_kind(root) not in WORKLOAD_TYPES:
        return findings
    merged = merge_all(root)
    if not merged:
        return findings
    envs_with: dict[int, list[str]] = {id(f): [] for f in candidates}
    for environment in merged:
        as_merged = ParsedDocument(document.text, environment.root, [], document.lines)
        found = {(f.code, f.path, f.message) for f in _document_findings(as_merged, unknown_keys=False)}
        for f in candidates:
            if (f.code, f.path, f.message) in found:
                envs_with[id(f)].append(environment.name)
    from .rules import scoped

    return [scoped(f, envs_with[id(f)], len(merged)) if id(f) in envs_with else f for f in findings]


def _document_findings(document: ParsedDocument, *, unknown_keys: bool) -> list[Finding]:
    root = document.root
    if root is None:
        if document.complete and not document.findings:
            return [
                Finding(
                    "schema-empty",
                    Severity.ERROR,
                    "the manifest is empty: it needs at least 'name' and 'type'",
                    Span(Pos(0, 0), Pos(0, 0)),
                )
            ]
        return []
    if not isinstance(root, Mapping):
        # The per-type schemas only apply to maps; one sentence says more than an error per type.
        # The text is not quoted: a file that is no map may be anything (a key, a `.env`), and
        # `sidecar-lsp check` prints messages into CI logs.
        what = "a list" if isinstance(root, Sequence) else "a single text value"
        return [
            Finding(
                "schema-type",
                Severity.ERROR,
                f"a Copilot manifest is a map of keys such as 'name' and 'type', not {what}",
                _first_line(document),
            )
        ]
    # Pipelines are read as written: no ${VAR} substitution, so no JSON-array conversion either.
    instance = document.to_plain() if _is_pipeline(root) else _as_copilot_reads(root)
    findings: list[Finding] = []
    for prefix, error in _errors(instance):
        findings.extend(_explain(error, root, prefix))
    findings.extend(_dropped_values(instance, root))
    findings.extend(_empty_maps_before_unknown_keys(root, findings))
    if not unknown_keys:
        findings = [f for f in findings if f.code != UNKNOWN_KEY]
    return _unique(findings)


def _is_pipeline(root: Node) -> bool:
    """Whether the schema checks ``root`` as a pipeline (``version`` and no ``type``), as Copilot reads it."""
    from .kinds import PIPELINE

    if manifest_kind(root) == PIPELINE:
        return True
    return isinstance(root, Mapping) and root.entry("type") is None and root.entry("version") is not None


def _as_copilot_reads(root: Node) -> Any:
    """The plain data Copilot decodes: after ``${VAR}`` substitution a string that parses as a JSON array
    of strings is a list (a literal block ``|`` excepted), which a list field takes and a string field
    refuses (X-json-array says why at the value)."""
    from .interpolation import becomes_list

    def convert(node: Node, depth: int) -> Any:
        if isinstance(node, Mapping):
            return {entry.name: convert(entry.value, depth + 1) for entry in node.entries}
        if isinstance(node, Sequence):
            return [convert(item, depth + 1) for item in node.items]
        assert isinstance(node, Scalar)
        value = node.value
        if isinstance(value, str) and node.style != "|" and node.tag is None and becomes_list(value):
            return json.loads(value.strip())
        return value

    if not any(
        isinstance(node, Scalar) and isinstance(node.value, str) and node.value.lstrip().startswith("[")
        for _, node in iter_nodes(root)
    ):
        return to_plain(root)  # the common case: shares the document's cached conversion
    return convert(root, 0)


# --- validating piece by piece --------------------------------------------------------------------
#
# While the user types, one value changes and the rest of the manifest stays as it was. The
# manifest is therefore validated in pieces (each top-level key, each sidecar, volume and
# environment) and the errors of each piece are remembered by its content, so a keystroke
# re-validates only the piece it touched. Positions never enter the memo: errors carry paths,
# and the tree maps paths to ranges afterwards.

_SPLIT_DEPTH = 2
_MEMO_LIMIT = 4096
_MEMO_BYTES = 4_000_000
"""Bound on the memo's keys in characters; its errors hold the values they were found in, about
as large again. An entry cap alone let one large document's versions pile up to ~70 MB."""
_memo: dict[tuple[int, str], list[ValidationError]] = {}
_memo_size = [0]
_ANNOTATIONS = {
    "$comment", "title", "description", "markdownDescription", "default", "examples", "defaultSnippets",
    "enumDescriptions", "markdownEnumDescriptions", "deprecationMessage", "doNotSuggest", "patternErrorMessage",
}  # fmt: skip
_SPLITTABLE = {"type", "properties", "additionalProperties", "patternProperties", "required"} | _ANNOTATIONS

Path = tuple[str | int, ...]


def _errors(instance: Any) -> Iterator[tuple[Path, ValidationError]]:
    """The schema's errors with the path prefix where each piece sits."""
    definition = _type_definition(instance)
    if definition is None:
        for error in _validator().iter_errors(instance):
            yield (), error
        return
    yield from _piecewise(instance, definition, (), 0)


@functools.lru_cache(maxsize=1)
def _definitions_by_type() -> dict[str, dict[str, Any]]:
    """``type`` value -> the definition its ``if``/``then`` branch applies."""
    out: dict[str, dict[str, Any]] = {}
    for branch in load_schema().get("allOf", []):
        const = branch.get("if", {}).get("properties", {}).get("type", {}).get("const")
        target = branch.get("then", {})
        if isinstance(const, str) and set(target) == {"$ref"}:
            out[const] = _deref(target)
    return out


def _type_definition(instance: Any) -> dict[str, Any] | None:
    """The per-type definition when the whole root schema reduces to it for this instance."""
    if not isinstance(instance, dict) or not isinstance(instance.get("type"), str):
        return None
    definition = _definitions_by_type().get(instance["type"])
    return definition if definition is not None and set(definition) <= _SPLITTABLE else None


def _piecewise(
    value: Any, schema: dict[str, Any], prefix: Path, depth: int
) -> Iterator[tuple[Path, ValidationError]]:
    if depth >= _SPLIT_DEPTH or not isinstance(value, dict) or not set(schema) <= _SPLITTABLE:
        for error in _memoized(value, schema):
            yield prefix, error
        return
    for error in _memoized(value, _shell(schema)):
        yield prefix, error
    for key, item in value.items():
        child = _child_schema(schema, key)
        if child is not None:
            yield from _piecewise(item, _deref(child), prefix + (key,), depth + 1)


_shells: dict[int, tuple[dict[str, Any], dict[str, Any]]] = {}


def _shell(schema: dict[str, Any]) -> dict[str, Any]:
    """The object-level checks of ``schema`` (type, required and unknown keys) without its values'."""
    known = _shells.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
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
    # Keeping ``schema`` alive in the cache keeps its id from being reused by another dict.
    _shells[id(schema)] = (schema, shell)
    return shell


def _child_schema(schema: dict[str, Any], key: str) -> dict[str, Any] | None:
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
    _memo.clear()
    _memo_size[0] = 0


def _memoized(value: Any, schema: dict[str, Any]) -> list[ValidationError]:
    # Every schema passed here lives as long as the process (the loaded schema or a cached
    # shell), so its id names it reliably.
    key = (id(schema), json.dumps(value, sort_keys=True, default=str))
    errors = _memo.get(key)
    if errors is None:
        errors = list(_validator().evolve(schema=schema).iter_errors(value))
        if len(_memo) >= _MEMO_LIMIT or _memo_size[0] + len(key[1]) > _MEMO_BYTES:
            _memo.clear()
            _memo_size[0] = 0
        _memo[key] = errors
        _memo_size[0] += len(key[1])
    return errors


def _first_line(document: ParsedDocument) -> Span:
    return Span(Pos(0, 0), Pos(0, len(document.lines[0]) if document.lines else 0))


def _unique(findings: Iterable[Finding]) -> list[Finding]:
    seen: set[tuple[str, Span, str]] = set()
    out = []
    for finding in findings:
        key = (finding.code, finding.span, finding.message)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


# --- mapping one jsonschema error -----------------------------------------------------------


def _explain(error: ValidationError, root: Node, prefix: Path = ()) -> Iterator[Finding]:
    path = prefix + tuple(error.absolute_path)
    node = find(root, path)
    if error.validator == "not" and isinstance(_schema_of(error).get("errorMessage"), str):
        yield _at_value(root, path, node, "schema-type", _undecodable_map(error, path))
        return
    if error.validator in ("anyOf", "oneOf"):
        inner = _best_branch_errors(error)
        if inner is not None:
            for sub in inner:
                yield from _explain(sub, root, prefix)
            return
        yield _at_value(
            root,
            path,
            node,
            "schema-type",
            f"{_where(path)}expected {_describe(_schema_of(error))}, got {_describe_value(error.instance)}",
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
            f"{_where(path)}expected {_describe(_schema_of(error))}, got {_describe_value(error.instance)}",
        )
        return
    if error.validator == "enum":
        yield _enum(error, root, path, node)
        return
    if error.validator == "pattern":
        close = _close_examples(error)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        # A duration or a yes/no word that does not parse is a decoding error in Copilot (yaml.v3), like a type.
        code = "schema-type" if _decodes_words(_schema_of(error)) else "schema-format"
        finding = _at_value(root, path, node, code, _pattern_message(error, path) + hint)
        yield _with_fixes(finding, _replacement_fixes(node, close))
        return
    if error.validator in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        low, high = _schema_of(error).get("minimum"), _schema_of(error).get("maximum")
        bounds = (
            f"between {low} and {high}"
            if low is not None and high is not None
            else (f"at least {low}" if low is not None else f"at most {high}")
        )
        yield _at_value(root, path, node, "schema-range", f"{_where(path)}{error.instance} must be {bounds}")
        return
    if error.validator == "not" and _schema_of(error).get("not") == {"type": "null"}:
        yield Finding(
            "schema-required",
            Severity.ERROR,
            f"missing required key '{path[-1]}' {_context(path[:-1])}: an empty value is not set",
            _key_span(root, path),
            path,
        )
        return
    if error.validator == "not":
        yield _at_value(root, path, node, EXCLUSIVE, f"{_where(path)}{_exclusive_words(error, path)}")
        return
    if error.validator in ("minLength", "minProperties"):
        what = "an empty map" if error.validator == "minProperties" else "empty"
        yield _at_value(root, path, node, "schema-empty-value", f"{_where(path)}must not be {what}")
        return
    yield _at_value(root, path, node, "schema-invalid", f"{_where(path)}{error.message}")


# --- scalar-or-map fields ---------------------------------------------------------------------------
#
# Copilot decodes such a field's map first. When one of its keys is set, the map wins and a value of
# the wrong type in another key is dropped without a word (the schema checks the value only ``if`` it
# decodes, marked DECODE_ESCAPE); when none is set, the map is an error (the schema's ``else``).

DECODE_ESCAPE_MARK = "decode-escape:"


def _escape_of(schema: Any) -> dict[str, Any] | None:
    """The strict schema of a value that Copilot drops when it does not decode, or None."""
    if (
        isinstance(schema, dict)
        and str(schema.get("$comment", "")).startswith(DECODE_ESCAPE_MARK)
        and isinstance(schema.get("then"), dict)
    ):
        strict: dict[str, Any] = schema["then"]
        return strict
    return None


def _undecodable_map(error: ValidationError, path: Path) -> str:
    return (
        f"{_where(path)}{_schema_of(error)['errorMessage']}: Copilot reads this map only when one of its "
        "keys is set to a value it can decode, and here none is (unknown keys and empty values do not "
        "count); set one of its keys, or write the field's single-value form"
    )


_checkers: dict[int, tuple[dict[str, Any], Any]] = {}


def _checker(schema: dict[str, Any]) -> Any:
    """A validator for a piece of the loaded schema (kept alive here, so its id names it)."""
    known = _checkers.get(id(schema))
    if known is None or known[0] is not schema:
        known = (schema, _validator().evolve(schema=schema))
        _checkers[id(schema)] = known
    return known[1]


def _dropped_values(instance: Any, root: Node) -> list[Finding]:
    """Warnings for values Copilot silently drops inside a scalar-or-map field's map."""
    definition = _type_definition(instance)
    if definition is None:
        return []
    out: list[Finding] = []
    # (value, schema, path, the path of the union map that decoded as a map around it, if any)
    stack: list[tuple[Any, dict[str, Any], Path, Path | None]] = [(instance, definition, (), None)]
    while stack:
        value, schema, path, inside = stack.pop()
        schema = _deref(schema)
        if "then" in schema and "properties" not in schema and isinstance(schema["then"], dict):
            schema = _deref(schema["then"])  # an item checked only if it is a map (inside a union map)
        if isinstance(value, list):
            items = schema.get("items")
            if isinstance(items, dict):
                stack.extend((item, items, path + (i,), inside) for i, item in enumerate(value))
            continue
        if not isinstance(value, dict):
            continue
        union = inside
        if union is None and any(
            _checker(branch["if"]).is_valid(value)
            for branch in schema.get("allOf", ())
            if isinstance(branch, dict) and "errorMessage" in branch.get("else", {})
        ):
            union = path
        for key, item in value.items():
            child = _child_schema(schema, key)
            if child is None:
                continue
            strict = _escape_of(child)
            if strict is not None:
                if union is not None and _checker(child).is_valid(item):
                    out.extend(
                        _dropped(item, strict, root, path + (key,), union, value if union == path else {})
                    )
                child = strict
            stack.append((item, child, path + (key,), union if strict is not None else None))
    return out


def _dropped(
    value: Any, strict: dict[str, Any], root: Node, path: Path, union: Path, siblings: dict[str, Any]
) -> Iterator[Finding]:
    errors = list(_checker(strict).iter_errors(value))
    if not errors:
        return
    holder = dotted(union) if union else "the map"
    others = [k for k, v in siblings.items() if k != path[-1] and v is not None]
    because = f" because '{others[0]}' is set" if others else ""
    for error in errors[:1]:
        for finding in _explain(error, root, path):
            yield Finding(
                "schema-dropped-value",
                Severity.WARNING,
                f"{finding.message}; Copilot reads '{holder}' as a map{because} and silently drops this "
                "value (the field keeps its zero value or default): fix it or remove it",
                finding.span,
                finding.path,
                fixes=finding.fixes,
            )


_DECODED_WORDS = frozenset({"booleanLike", "duration"})
"""Definitions whose pattern is what yaml.v3 can decode (a Go bool or time.Duration), not a Validate() check."""


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


@functools.lru_cache(maxsize=1)
def _decoded_patterns() -> frozenset[str]:
    definitions = load_schema().get("definitions", {})
    return frozenset(str(definitions.get(name, {}).get("pattern")) for name in _DECODED_WORDS)


def _decodes_words(schema: dict[str, Any]) -> bool:
    return schema.get("pattern") in _decoded_patterns()


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
    if (
        error.validator == "type"
        and is_text_field
        and ("pattern" in schema or "enum" in schema)
        and not _decodes_words(schema)
        and isinstance(error.instance, (int, float, bool))
    ):
        return "schema-format"
    return "schema-type"


def _empty_maps_before_unknown_keys(root: Node, findings: list[Finding]) -> Iterator[Finding]:
    """``secrets:`` left empty with its entries at its own indentation: the entries become unknown keys of
    the map around it and ``secrets`` is null, which Copilot reads as not set. Say so at ``secrets``."""
    unknown = {f.span.start for f in findings if f.code == UNKNOWN_KEY}
    if not unknown:
        return
    for _, node in iter_nodes(root):
        if not isinstance(node, Mapping):
            continue
        entries = [e for e in node.entries if not e.merged]
        for entry, after in zip(entries, entries[1:], strict=False):
            value = entry.value
            if not (
                isinstance(value, Scalar) and value.value is None and value.raw == "" and value.style is None
            ):
                continue
            if after.key.span.start not in unknown or after.key.span.start.col != entry.key.span.start.col:
                continue
            yield Finding(
                "schema-null-value",
                Severity.WARNING,
                f"'{entry.name}' is empty, so Copilot reads it as not set; '{after.name}' below it is at the "
                f"same indentation, outside it: indent the entries that belong to '{entry.name}'",
                entry.key.span,
                fixes=(),
            )


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
        return f"{_where(path)}{_quote(error.instance)}: {words}"
    return f"{_where(path)}expected {_describe(_schema_of(error))}, got {_quote(error.instance)}"


def _best_branch_errors(error: ValidationError) -> list[ValidationError] | None:
    """The errors of the branch whose shape fits the value, or None to describe all branches."""
    branches: list[dict[str, Any]] = list(_value_of(error))
    kind = _json_type(error.instance)
    fitting = [i for i, branch in enumerate(branches) if kind in _accepted_types(branch)]
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
            f"unknown key '{name}' {_context(path)}{hint} Copilot ignores unknown keys",
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
        f"missing required key '{name}' {_context(path)}",
        anchor,
        path + (name,),
    )


def _enum(error: ValidationError, root: Node, path: tuple[Any, ...], node: Node | None) -> Finding:
    options = [str(v) for v in _value_of(error)]
    value = str(error.instance)
    close = difflib.get_close_matches(value, options, n=3, cutoff=0.4)
    listed = ", ".join(options[:_MAX_LISTED]) + (", …" if len(options) > _MAX_LISTED else "")
    hint = f"; did you mean '{close[0]}'?" if close else ""
    finding = _at_value(
        root,
        path,
        node,
        "schema-enum",
        f"{_where(path)}{_quote(error.instance)} is not one of: {listed}{hint}",
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
    checker = _validator().evolve(schema=schema)
    return [by_lower[c] for c in close if checker.is_valid(by_lower[c])]


def _replacement_fixes(node: Node | None, values: list[str]) -> tuple[Fix, ...]:
    if not isinstance(node, Scalar) or node.style in ("|", ">"):
        return ()
    return tuple(
        Fix(f"Change to '{value}'", (TextEdit(node.span, _yaml_text(value)),), preferred=index == 0)
        for index, value in enumerate(values)
    )


def _with_fixes(finding: Finding, fixes: tuple[Fix, ...]) -> Finding:
    return Finding(finding.code, finding.severity, finding.message, finding.span, finding.path, fixes=fixes)


# --- ranges ------------------------------------------------------------------------------------


def _at_value(root: Node, path: tuple[Any, ...], node: Node | None, code: str, message: str) -> Finding:
    span = node.span if node is not None else root.span
    if isinstance(node, (Mapping, Sequence)) and not node.flow:
        # A whole block is too big to underline: point at its key instead.
        span = _key_span(root, path) if path else Span(span.start, span.start)
    elif isinstance(node, Scalar) and span.start == span.end and path:
        span = _key_span(root, path)
    return Finding(code, Severity.ERROR, message, span, path)


def _key_span(root: Node, path: tuple[Any, ...]) -> Span:
    parent = find(root, path[:-1])
    last = path[-1]
    if isinstance(parent, Mapping) and isinstance(last, str):
        entry = parent.entry(last)
        if entry is not None:
            return entry.key.span
    node = find(root, path)
    return node.span if node is not None else root.span


# --- words -------------------------------------------------------------------------------------


def _where(path: tuple[Any, ...]) -> str:
    return f"{dotted(path)}: " if path else ""


def _context(path: tuple[Any, ...]) -> str:
    if not path:
        return "at the top level"
    if len(path) == 2 and path[0] == "sidecars":
        return f"in sidecar '{path[1]}'"
    if len(path) == 3 and path[:2] == ("storage", "volumes"):
        return f"in volume '{path[2]}'"
    if len(path) == 2 and path[0] == "environments":
        return f"in environment '{path[1]}'"
    return f"in '{dotted(path)}'"


def _describe(schema: Any, depth: int = 0) -> str:
    """A few plain words for what ``schema`` accepts."""
    if not isinstance(schema, dict):
        return "a valid value"
    schema = _deref(schema)
    if id(schema) in _definition_names() and isinstance(schema.get("title"), str):
        return str(schema["title"])
    is_scalar_definition = id(schema) in _definition_names() and not _accepted_types(schema) & {
        "object",
        "array",
    }
    if is_scalar_definition and isinstance(schema.get("description"), str):
        # A reusable scalar definition (duration, port, platform, ...) is named by its own words.
        return _phrase(schema["description"])
    for key in ("anyOf", "oneOf"):
        if key in schema and depth < 2:
            parts = _dedupe([_describe(b, depth + 1) for b in schema[key]])
            return ", or ".join(parts)
    if "const" in schema:
        return _quote(schema["const"])
    if "enum" in schema:
        values = [str(v) for v in schema["enum"]]
        return "one of " + ", ".join(values[:_MAX_LISTED]) + (", …" if len(values) > _MAX_LISTED else "")
    types = schema.get("type")
    if isinstance(types, list):
        # Null is accepted everywhere (it means "not set"), so it is never what a value should have been.
        types = [t for t in types if t != "null"] or types
        if len(types) == 1:
            return _type_words(types[0], schema)
        if "boolean" in types and _decodes_words(schema):
            words = "true or false (yes/no and on/off too)"
            return f"{words}, or {_type_words('object', schema)}" if "object" in types else words
        if set(types) >= {"string", "number"} or set(types) >= {"string", "boolean"}:
            return "a single value (text or number)"
        return " or ".join(_type_words(t, schema) for t in types)
    if isinstance(types, str):
        return _type_words(types, schema)
    if "properties" in schema:
        return _type_words("object", schema)
    if "pattern" in schema:
        return _type_words("string", schema)
    return "a valid value"


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
            shown = " or ".join(names[:3]) if len(names) <= 3 else ", ".join(names[:3]) + ", …"
            return f"a map with {shown}"
        return "a map"
    if kind == "array":
        items = schema.get("items")
        return f"a list of {_plural(_describe(items, 2))}" if isinstance(items, dict) else "a list"
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


def _deref(schema: dict[str, Any]) -> dict[str, Any]:
    seen = 0
    while "$ref" in schema and seen < 20:
        ref = schema["$ref"]
        if not ref.startswith("#/"):
            break
        target: Any = load_schema()
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        schema = target if isinstance(target, dict) else {}
        seen += 1
    return schema


def _accepted_types(schema: Any) -> set[str]:
    if not isinstance(schema, dict):
        return set()
    schema = _deref(schema)
    types = schema.get("type")
    if isinstance(types, str):
        return {"number", "integer"} if types == "number" else {types}
    if isinstance(types, list):
        out = set(types)
        return out | {"integer"} if "number" in out else out
    out = set()
    for key in ("anyOf", "oneOf"):
        for branch in schema.get(key, ()):
            out |= _accepted_types(branch)
    if out:
        return out
    if "properties" in schema or "additionalProperties" in schema or "required" in schema:
        return {"object"}
    if "items" in schema:
        return {"array"}
    if "enum" in schema or "const" in schema:
        values = schema.get("enum", [schema.get("const")])
        return {_json_type(v) for v in values}
    if "pattern" in schema:
        return {"string"}
    return {"object", "array", "string", "number", "integer", "boolean", "null"}


def _json_type(value: Any) -> str:
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


def _describe_value(value: Any) -> str:
    kind = _json_type(value)
    if kind == "object":
        return "a map"
    if kind == "array":
        return "a list"
    if kind == "null":
        return "an empty value"
    return _quote(value)


def _quote(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)


def _yaml_text(value: str) -> str:
    """Write a replacement value so YAML reads it back as the same string."""
    from .yaml_map import resolve_plain

    return (
        value
        if resolve_plain(value) == value and not re.search(r"[:#\[\]{},&*!|>'\"%@`]", value)
        else ("'" + value.replace("'", "''") + "'")
    )


def _dedupe(items: list[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item not in out:
            out.append(item)
    return out
