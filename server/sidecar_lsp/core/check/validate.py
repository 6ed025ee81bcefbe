"""Check a parsed manifest against the JSON Schema and place each problem at its exact range.

jsonschema reports errors by instance path; the tree from :mod:`sidecar_lsp.core.yaml.tree` turns a path into
the range where the value (or key) is written. This module decides what is validated (the data
Copilot decodes, per environment where Copilot checks the merged manifest); :mod:`sidecar_lsp.core.schema.memo`
validates it piece by piece and :mod:`sidecar_lsp.core.schema.messages` words each error.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from sidecar_lsp.core.decoding.interpolation import ENV_NAME_REFERENCE
from sidecar_lsp.core.decoding.kinds import WORKLOAD_TYPES, manifest_kind
from sidecar_lsp.core.manifest.merge import (
    ENVIRONMENTS_KEY,
    base_without_environments,
    merge_all,
    unchanged_environments,
    with_environment_name,
)
from sidecar_lsp.core.model import UNKNOWN_KEY, Finding, Pos, Severity, Span, dotted, unique_findings
from sidecar_lsp.core.schema.facts import DECODE_ESCAPE_MARK
from sidecar_lsp.core.schema.memo import (
    Path,
    child_schema,
    clear_memo,
    deref,
    errors_of,
    is_valid,
    schema_errors,
    type_definition,
)
from sidecar_lsp.core.schema.messages import explain
from sidecar_lsp.core.schema.store import Schema, per_schema
from sidecar_lsp.core.yaml.tree import Mapping, Node, ParsedDocument, Scalar, Sequence, iter_nodes, to_plain

__all__ = ["DECODE_ESCAPE_MARK", "UNKNOWN_KEY", "clear_memo", "schema_findings"]


DECODING_CODES = frozenset({"schema-type", "schema-empty", "schema-empty-value"})
"""Schema findings that are decoding failures: the file does not decode, so no override fixes them. An
empty value is one since the only field that refuses it is a generic ``Union`` (``http.healthcheck: ''``
is neither a path nor a map)."""


def override_environment(finding: Finding) -> str | None:
    """The environment a schema finding breaks alone: a value written under ``environments.<env>`` that
    decodes is checked for that deployment only (a word, a pattern, a range, a required key), where one
    that does not decode breaks every deployment, as Copilot decodes the whole file first."""
    path = finding.path
    if (
        len(path) >= 2
        and path[0] == ENVIRONMENTS_KEY
        and finding.code.startswith("schema-")
        and finding.code not in DECODING_CODES
    ):
        return str(path[1])
    return None


def schema_findings(document: ParsedDocument, *, unknown_keys: bool = True) -> list[Finding]:
    """Every schema problem in ``document``, placed at the offending key or value."""
    return _scoped_to_environments(document, _document_findings(document, unknown_keys=unknown_keys))


def _scoped_to_environments(document: ParsedDocument, findings: list[Finding]) -> list[Finding]:
    """A base value that Copilot decodes but refuses breaks only the environments whose override keeps it.

    Copilot checks the base merged with each environment's override: ``placement: yes`` in the base
    is fine for an environment whose override gives a placement of its own. Each such finding of the
    base is looked for in every merged environment and says where it still applies. A value that does
    not decode (:data:`DECODING_CODES`) fails every environment, since Copilot decodes the base first.
    """
    root = document.root
    if not isinstance(root, Mapping) or manifest_kind(root) not in WORKLOAD_TYPES:
        return findings
    candidates = [
        f
        for f in findings
        if f.severity is Severity.ERROR
        and f.code.startswith("schema-")
        and f.code not in DECODING_CODES
        and f.path[:1] != (ENVIRONMENTS_KEY,)
    ]
    named = ENV_NAME_REFERENCE in document.text
    merged = merge_all(root) if candidates or named else []
    unchanged = unchanged_environments(root)
    if not merged and not (named and unchanged):
        return findings
    per_env = [
        (
            environment.name,
            _document_findings(_with_root(document, environment.root), unknown_keys=False),
        )
        for environment in merged
    ]
    envs_with: dict[int, list[str]] = {id(f): [] for f in candidates}
    # A value written with the environment's name reads differently in each environment: it is the
    # same finding where it stands at the same place.
    by_place = {id(f) for f in candidates if named and _names_env(document, f)}
    for env, env_findings in per_env:
        found = {(f.code, f.path, f.problem) for f in env_findings}
        placed = {(f.code, f.path, f.span) for f in env_findings}
        for f in candidates:
            if (f.code, f.path, f.problem) in found or (
                id(f) in by_place and (f.code, f.path, f.span) in placed
            ):
                envs_with[id(f)].append(env)
    from sidecar_lsp.core.rules import scoped

    for f in candidates:
        envs_with[id(f)] += unchanged
    overridden = len(merged) + len(unchanged)
    kept = [scoped(f, envs_with[id(f)], overridden) if id(f) in envs_with else f for f in findings]
    if not named:
        return kept
    # A null override (prod: ~) deploys the base, under that environment's name.
    base = base_without_environments(root)
    per_env += [
        (env, _document_findings(_with_root(document, with_environment_name(base, env)), unknown_keys=False))
        for env in unchanged
    ]
    return kept + _environment_name_findings(document, findings, per_env)


def _with_root(document: ParsedDocument, root: Node) -> ParsedDocument:
    """``document`` read as one environment deploys it: another tree over the same text and lines."""
    return ParsedDocument(document.text, root, [], document.lines)


def _environment_name_findings(
    document: ParsedDocument, findings: list[Finding], per_env: list[tuple[str, list[Finding]]]
) -> list[Finding]:
    """Errors of a base value written with ``${COPILOT_ENVIRONMENT_NAME}``, which the base alone cannot
    judge: in each environment the manifest names, with an override or a null one, the name is known
    (``version: ${COPILOT_ENVIRONMENT_NAME}`` fails in ``test``, passes in ``grpc``)."""
    from sidecar_lsp.core.rules import in_environments

    written = {(f.code, f.span) for f in findings}
    envs_of: dict[tuple[str, Span, str], tuple[Finding, list[str]]] = {}
    for env, env_findings in per_env:
        for f in env_findings:
            if f.severity is Severity.ERROR and (f.code, f.span) not in written and _names_env(document, f):
                envs_of.setdefault((f.code, f.span, f.problem), (f, []))[1].append(env)
    return [in_environments(f, envs) for f, envs in envs_of.values()]


def _names_env(document: ParsedDocument, finding: Finding) -> bool:
    """Whether the value the finding is about is written with ``${COPILOT_ENVIRONMENT_NAME}``."""
    start, end = finding.span.start, finding.span.end
    if start.line != end.line or start.line >= len(document.lines):
        return False
    return ENV_NAME_REFERENCE in document.lines[start.line][start.col : end.col]


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
    for prefix, error in schema_errors(instance):
        findings.extend(explain(error, root, prefix))
    findings.extend(_dropped_values(instance, root))
    findings.extend(_empty_maps_before_unknown_keys(root, findings))
    if not unknown_keys:
        findings = [f for f in findings if f.code != UNKNOWN_KEY]
    return unique_findings(findings)


def _is_pipeline(root: Node) -> bool:
    """Whether the schema checks ``root`` as a pipeline (``version`` and no ``type``), as Copilot reads it."""
    from sidecar_lsp.core.decoding.kinds import PIPELINE

    if manifest_kind(root) == PIPELINE:
        return True
    return isinstance(root, Mapping) and root.entry("type") is None and root.entry("version") is not None


def _as_copilot_reads(root: Node) -> Any:
    """The plain data Copilot decodes: an override's ``${COPILOT_ENVIRONMENT_NAME}`` substituted with its
    environment's name (a merged manifest has it already), and a string that parses as a JSON array of
    strings a list (a literal block ``|`` excepted), which a list field takes and a string field refuses
    (X-json-array says why at the value)."""
    from sidecar_lsp.core.decoding.interpolation import empty_variables, json_array_items, only_variables

    empty = empty_variables(root)
    overrides = root.get(ENVIRONMENTS_KEY) if isinstance(root, Mapping) else None
    if manifest_kind(root) not in WORKLOAD_TYPES or not isinstance(overrides, Mapping):
        overrides = None

    def convert(node: Node) -> Any:
        if isinstance(node, Mapping):
            if node is overrides:
                return {e.name: convert(with_environment_name(e.value, e.name)) for e in node.entries}
            return {entry.name: convert(entry.value) for entry in node.entries}
        if isinstance(node, Sequence):
            return [convert(item) for item in node.items]
        assert isinstance(node, Scalar)
        items = json_array_items(node)
        if items is not None:
            # An item made only of variables that are empty is no value to Copilot.
            return [None if empty and only_variables(item, empty) else item for item in items]
        return node.value

    def needs_converting(node: Node) -> bool:
        if not (isinstance(node, Scalar) and isinstance(node.value, str)):
            return False
        return node.value.lstrip().startswith("[") or ENV_NAME_REFERENCE in node.value

    if not any(needs_converting(node) for _, node in iter_nodes(root)):
        return to_plain(root)  # the common case: shares the document's cached conversion
    return convert(root)


def _first_line(document: ParsedDocument) -> Span:
    return Span(Pos(0, 0), Pos(0, len(document.lines[0]) if document.lines else 0))


# --- scalar-or-map fields ---------------------------------------------------------------------------
#
# Copilot decodes such a field's map first. When one of its keys is set, the map wins and a value of
# the wrong type in another key is dropped without a word (the schema checks the value only ``if`` it
# decodes, marked DECODE_ESCAPE); when none is set, the map is an error (the schema's ``else``).


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


def _dropped_values(instance: Any, root: Node) -> list[Finding]:
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
                stack.extend((item, items, path + (i,), inside) for i, item in enumerate(value))
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
            stack.append((item, child, path + (key,), union if strict is not None else None))
    return out


def _walked(schema: Schema) -> Schema:
    """The schema :func:`_dropped_values` reads a value with: dereferenced, and an item's ``then``."""
    schema = deref(schema)
    if "then" in schema and "properties" not in schema and isinstance(schema["then"], dict):
        schema = deref(schema["then"])  # an item checked only if it is a map (inside a union map)
    return schema


_may_drop_memo: dict[int, tuple[Schema, bool]] = {}


def _may_drop(schema: Schema) -> bool:
    """Whether a value read with ``schema`` can hold a value Copilot drops: whether a schema with a decode
    escape (:func:`_escape_of`) is reachable from it by the steps :func:`_dropped_values` takes (list
    items, and every property, pattern property or additional property a key may select). The schema
    is a graph with cycles, so this walks it once per schema, then remembers (by id: the loaded schema
    lives as long as the process, and the memo keeps each one alive)."""
    return per_schema(_may_drop_memo, schema, _reaches_escape)


def _reaches_escape(schema: Schema) -> bool:
    seen: set[int] = set()
    stack = [schema]
    found = False
    while stack and not found:
        current = _walked(stack.pop())
        if id(current) in seen:
            continue
        seen.add(id(current))
        items = current.get("items")
        children = [items] if isinstance(items, dict) else []
        children += [c for c in current.get("properties", {}).values() if isinstance(c, dict)]
        children += [c for c in current.get("patternProperties", {}).values() if isinstance(c, dict)]
        extra = current.get("additionalProperties")
        children += [extra] if isinstance(extra, dict) else []
        found = any(_escape_of(child) is not None for child in children)
        stack.extend(children)
    return found


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
