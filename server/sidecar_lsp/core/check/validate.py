"""Check a parsed manifest against the JSON Schema and place each problem at its exact range.

jsonschema reports errors by instance path; the tree from :mod:`sidecar_lsp.core.yaml.tree` turns a path into
the range where the value (or key) is written. This module decides what is validated (the data
Copilot decodes, per environment where Copilot checks the merged manifest); :mod:`sidecar_lsp.core.schema.memo`
validates it piece by piece and :mod:`sidecar_lsp.core.schema.messages` words each error.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sidecar_lsp.core.check.dropped import dropped_values
from sidecar_lsp.core.decoding.interpolation import (
    ENV_NAME_REFERENCE,
    ENV_NAME_VARIABLE,
    VARIABLE_MARK,
    text_may_hold_list_text,
    text_may_hold_variables,
)
from sidecar_lsp.core.decoding.kinds import WORKLOAD_TYPES, manifest_kind
from sidecar_lsp.core.manifest.env_name import with_environment_name
from sidecar_lsp.core.manifest.merge import (
    ENVIRONMENTS_KEY,
    base_without_environments,
    merge_all,
    unchanged_environments,
)
from sidecar_lsp.core.model import UNKNOWN_KEY, Finding, Pos, Severity, Span, unique_findings
from sidecar_lsp.core.schema.facts import DECODE_ESCAPE_MARK
from sidecar_lsp.core.schema.fast import holds_variable
from sidecar_lsp.core.schema.memo import clear_memo, schema_errors
from sidecar_lsp.core.schema.messages import explain
from sidecar_lsp.core.yaml.remembered import remembered, shared_plain, shared_plain_below_top
from sidecar_lsp.core.yaml.tree import (
    Mapping,
    Node,
    ParsedDocument,
    Scalar,
    Sequence,
    iter_nodes,
    own_entries,
)

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


def schema_findings(
    document: ParsedDocument, *, unknown_keys: bool = True, next_version: bool = True
) -> list[Finding]:
    """Every schema problem in ``document``, placed at the offending key or value (``next_version``: False
    when no later version of the text will be checked, so that nothing is remembered for one, as in
    ``check``)."""
    found = _document_findings(document, unknown_keys=unknown_keys, next_version=next_version)
    return _scoped_to_environments(document, found)


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
    merged = merge_all(root, document.text) if candidates or named else []
    unchanged = unchanged_environments(root)
    if not merged and not (named and unchanged):
        return findings
    per_env = [(environment.name, _view_errors(document, environment.root)) for environment in merged]
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
    per_env += [(env, _view_errors(document, with_environment_name(base, env))) for env in unchanged]
    return kept + _environment_name_findings(document, findings, per_env)


def _view_errors(document: ParsedDocument, view: Node) -> list[Finding]:
    """The schema errors of an environment's view of ``document``: all that :func:`_scoped_to_environments`
    reads of it (which base errors recur there, and the errors of values written with the environment's
    name); the checks that find only warnings (dropped values, empty maps, unknown keys) are left out.
    Remembered with the view: they depend on its nodes alone, and an environment whose override and base
    an edit left alone keeps its view (:func:`~sidecar_lsp.core.manifest.merge.merge_environment`)."""
    return remembered(
        view, _VIEW_ERRORS, lambda _: _document_findings(_with_root(document, view), errors_only=True)
    )


_VIEW_ERRORS = "the view's schema errors"


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


def _document_findings(
    document: ParsedDocument,
    *,
    unknown_keys: bool = False,
    errors_only: bool = False,
    next_version: bool = True,
) -> list[Finding]:
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
    pipeline = _is_pipeline(root)
    shared = not pipeline and not _needs_converting_any(root, document.text)
    if pipeline:
        instance = document.to_plain()
    elif shared:
        instance = shared_plain(root)
    else:
        instance = _as_copilot_reads(root)
    findings: list[Finding] = []
    # Asked of plain data made of the nodes' own (shared) alone. Every value of root (an environment's view
    # too) is read from the text: one without ${ holds none, and its tree is not walked to ask.
    variables = text_may_hold_variables(document.text) and _holds_variable(root) if shared else None
    for prefix, error in schema_errors(instance, variables):
        findings.extend(explain(error, root, prefix))
    if errors_only:  # unknown keys are warnings too
        return unique_findings([f for f in findings if f.severity is Severity.ERROR])
    findings.extend(dropped_values(instance, root, shared=shared and next_version))
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


def _needs_converting_any(root: Node, text: str) -> bool:
    """Whether the plain data Copilot decodes differs from ``root``'s (:func:`_as_copilot_reads`). ``text``:
    the document's, whose every value ``root`` holds."""
    if ENV_NAME_VARIABLE not in text and not text_may_hold_list_text(text):
        return False  # no value can start with '[' or name the environment: nothing to convert
    return _any_of_children(root, _needs_converting, as_plain_data=False)


def _as_copilot_reads(root: Node) -> Any:
    """The plain data Copilot decodes, where it differs from ``root``'s: an override's
    ``${COPILOT_ENVIRONMENT_NAME}`` substituted with its environment's name (a merged manifest has it
    already), and a string that parses as a JSON array of strings a list (a literal block ``|`` excepted),
    which a list field takes and a string field refuses (X-json-array says why at the value)."""
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

    return convert(root)


def _needs_converting(top: Node) -> bool:
    """Whether a value below ``top`` holds a JSON array or names the environment."""
    return _any_of_children(top, _holds_convertible, as_plain_data=False)


def _holds_variable(root: Node) -> bool:
    """Whether a key or a text of ``root``'s plain data holds ``${`` (the compiled validator's verdict asks)."""
    return _any_of_children(root, _variable_in_top, as_plain_data=True)


def _variable_in_top(top: Node) -> bool:
    return _any_of_children(top, _variable_below, as_plain_data=True)


def _any_of_children(node: Node, holds: Callable[[Node], bool], *, as_plain_data: bool) -> bool:
    """``holds(node)`` made of its children's answers, each remembered with the child (a sidecar, an
    environment's override): the next version of the text, and each environment's view of it, ask only of
    the values that are new there. ``as_plain_data``: ask as the plain data reads (as :func:`_variable_below`
    does): the entries a ``<<`` brings in too, and the keys."""
    if isinstance(node, Mapping):
        entries = node.entries if as_plain_data else own_entries(node)
        if as_plain_data and any(VARIABLE_MARK in entry.name for entry in entries):
            return True
        children = [entry.value for entry in entries]
    elif isinstance(node, Sequence):
        children = node.items
    else:
        return holds(node)
    return any(remembered(child, holds, holds) for child in children)


def _variable_below(below: Node) -> bool:
    """The verdict's own test, on the plain data :func:`shared_plain` keeps for ``below``."""
    return holds_variable(shared_plain_below_top(below))


def _holds_convertible(below: Node) -> bool:
    return any(
        isinstance(node, Scalar)
        and isinstance(node.value, str)
        and (node.value.lstrip().startswith("[") or ENV_NAME_REFERENCE in node.value)
        for _, node in iter_nodes(below)
    )


def _first_line(document: ParsedDocument) -> Span:
    return Span(Pos(0, 0), Pos(0, len(document.lines[0]) if document.lines else 0))


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
