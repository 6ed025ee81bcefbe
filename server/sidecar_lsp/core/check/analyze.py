"""One entry point for everything wrong with a manifest: YAML, schema and cross-field rules.

The contract: :func:`analyze` and :func:`analyze_document` never raise. Each stage (the parse,
the schema checks, each cross-field rule) runs isolated; one that raises is logged with its
traceback and replaced by a single ``internal-error`` finding naming it, and the findings of
every other stage are still returned.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sidecar_lsp.core.decoding.kinds import manifest_kind
from sidecar_lsp.core.lines import split_lines
from sidecar_lsp.core.model import (
    EXCLUSIVE,
    UNKNOWN_KEY,
    Finding,
    Pos,
    Reach,
    Scope,
    Severity,
    internal_error,
    unique_findings,
)
from sidecar_lsp.core.yaml.tree import ParsedDocument, parse

if TYPE_CHECKING:
    from sidecar_lsp.core.rules.reuse import RuleResults

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Options:
    """What to report; the server fills it from the user's settings."""

    unknown_keys: bool = True
    """Warn about keys Copilot silently ignores."""
    cross_field: bool = True
    """Run the cross-field rules (ports, dependencies, target containers, ...)."""
    schema: bool = True
    """Report YAML and schema problems; off when another tool (the Red Hat YAML extension) reports them."""
    assume_manifest: bool = False
    """Check the document even when its ``type`` names no Copilot kind (a ``copilot/**/manifest.yml``)."""


@dataclass
class Analysis:
    document: ParsedDocument
    kind: str | None
    findings: list[Finding] = field(default_factory=list)
    rule_results: RuleResults | None = field(default=None, repr=False, compare=False)
    """The cross-field rules' runs, which the analysis of the document's next version takes from where they
    still hold (rules/reuse.py)."""


def analyze(text: str, options: Options = Options(), *, keep_runs: bool = False) -> Analysis:
    """Parse and check ``text``; never raises (``keep_runs``: see :func:`analyze_document`)."""
    return analyze_document(safe_parse(text), options, keep_runs=keep_runs)


def safe_parse(text: str, earlier: ParsedDocument | None = None) -> ParsedDocument:
    """:func:`~sidecar_lsp.core.yaml.tree.parse`, except that a failure of the parser becomes an empty tree with
    an ``internal-error`` finding instead of an exception. ``earlier``: a tree of an earlier version of the
    text, whose unchanged parts the new tree takes (:func:`~sidecar_lsp.core.yaml.incremental.reparse`)."""
    try:
        if earlier is not None:
            from sidecar_lsp.core.yaml.incremental import reparse

            return reparse(earlier, text)
        return parse(text)
    except Exception as error:
        logger.exception("the YAML reader raised")
        lines = split_lines(text)
        return ParsedDocument(text, None, [internal_error("yaml", error, lines[0])], lines, complete=False)


def analyze_document(
    document: ParsedDocument,
    options: Options = Options(),
    previous: Analysis | None = None,
    *,
    keep_runs: bool = False,
) -> Analysis:
    """Check a document parsed already (the server parses once for completion and diagnostics).

    ``previous``: the analysis of an earlier version of the same document, whose tree shares the subtrees
    this one did not change (:func:`~sidecar_lsp.core.yaml.incremental.reparse`); the rules whose reads are
    all shared are not run again. ``keep_runs``: note what each rule read, for the next version's analysis
    (an editor's; ``check`` sees each text once). Never raises (see the module's docstring).
    """
    findings = list(document.findings)
    first_line = document.lines[0] if document.lines else ""
    try:
        # Imported here, not at the top: jsonschema and the rules cost a language server's
        # start-up a few hundred milliseconds, and the server answers `initialize` before it
        # needs them.
        from sidecar_lsp.core.check.validate import schema_findings
        from sidecar_lsp.core.rules import checked_rules

        kind = manifest_kind(document.root)
    except Exception as error:
        logger.exception("loading the checks failed")
        return Analysis(document, None, [*findings, internal_error("setup", error, first_line)])

    def isolated(name: str, check: Callable[[], list[Finding]]) -> list[Finding]:
        try:
            return check()
        except Exception as error:
            logger.exception("check %s raised", name)
            return [internal_error(name, error, first_line)]

    # A tree cut short by a syntax error lacks everything after it: checking it would report
    # "missing" keys that are only unreadable, so the syntax error stands alone until it is fixed.
    # A whole tree with a self-containing alias is checked, to learn whether Copilot reads the alias.
    rule_results: RuleResults | None = None

    def rules() -> list[Finding]:
        nonlocal rule_results
        earlier = previous.rule_results if previous is not None else None
        found, rule_results = checked_rules(document, earlier, keep=keep_runs)
        return found

    if (document.complete or document.recursive) and (kind is not None or options.assume_manifest):
        findings.extend(
            isolated(
                "schema",
                lambda: schema_findings(document, unknown_keys=options.unknown_keys, next_version=keep_runs),
            )
        )
        if options.cross_field and kind is not None:
            findings.extend(isolated("rules", rules))
    if document.recursive:
        findings = _ignored_recursion(findings, document)
    try:
        reported = _findings_to_report(_ignored_merges(findings, document), options)
    except Exception as error:
        logger.exception("choosing the findings to report failed")
        reported = [*findings, internal_error("merge", error, first_line)]
    return Analysis(document, kind, reported, rule_results)


_IGNORED_NOTE = "; it sits inside a key Copilot ignores, so Copilot never reads it"


def _ignored_recursion(findings: list[Finding], document: ParsedDocument) -> list[Finding]:
    """yaml.v3 fails on a self-containing alias only when it decodes it, never inside an ignored key.

    There the alias (and a ``<<`` of it, read as empty) is a warning and the other checks stand;
    anywhere else Copilot reads nothing of the file, so the YAML findings stand alone.
    """
    ignored = _ignored_ranges(findings, document)
    recursion = [f for f in findings if f.code == "yaml-recursive-alias"]
    if not all(any(a <= f.span.start < b for a, b in ignored) for f in recursion):
        return list(document.findings)
    return [_ignored(f) if f.code == "yaml-recursive-alias" else f for f in findings]


def _ignored_merges(findings: list[Finding], document: ParsedDocument) -> list[Finding]:
    """A bad ``<<`` inside a key Copilot ignores is never decoded, so it fails nothing: a warning there."""
    if not any(f.code == "yaml-bad-merge" for f in findings):
        return findings
    ignored = _ignored_ranges(findings, document)
    out = []
    for f in findings:
        inside = any(a <= f.span.start < b for a, b in ignored)
        if f.code == "yaml-bad-merge" and f.severity is Severity.ERROR and inside:
            f = _ignored(f)
        out.append(f)
    return out


def _ignored(finding: Finding) -> Finding:
    """A YAML error inside a key Copilot ignores: a warning that says so (its related places and fixes kept)."""
    return replace(finding, severity=Severity.WARNING, problem=finding.problem + _IGNORED_NOTE)


def _ignored_ranges(findings: list[Finding], document: ParsedDocument) -> list[tuple[Pos, Pos]]:
    """The text of each key the schema reports unknown (Copilot ignores it), from key to next key."""
    from sidecar_lsp.core.yaml.tree import Mapping, find

    ignored: list[tuple[Pos, Pos]] = []
    for f in findings:
        parent = find(document.root, f.path[:-1]) if f.code == UNKNOWN_KEY and f.path else None
        if not isinstance(parent, Mapping):
            continue
        keys = [entry.key.span.start for entry in parent.entries if not entry.merged]
        start = next((k for k in keys if k == f.span.start), None)
        if start is not None:
            later = [k for k in keys if k > start]
            ignored.append((start, min(later) if later else Pos(len(document.lines) + 1, 0)))
    return ignored


def _findings_to_report(findings: list[Finding], options: Options) -> list[Finding]:
    """The findings ``options`` asks for, sorted, without repeats: a schema finding that a rule (or the
    dropped-value warning) says more about is left out, and so is the generic unknown-key warning where a
    rule says more about that key."""
    if not options.schema:
        findings = [f for f in findings if not f.code.startswith(("schema-", "yaml-"))]
    if options.cross_field:
        # I1 and V4 report these combinations in Copilot's words at the key that breaks them;
        # the schema keeps its check for editors that use the schema alone.
        findings = [f for f in findings if f.code != EXCLUSIVE]
    if not options.unknown_keys:
        findings = [f for f in findings if f.code != UNKNOWN_KEY and not f.code.startswith("X-ignored")]
    # A rule speaks Copilot's words about one value; the schema's finding at that range only repeats it.
    specific = {f.span for f in findings if f.code != UNKNOWN_KEY and f.code.startswith("X-")}
    # A rule about one environment does not stand for a schema error that breaks every deployment:
    # it stands for one that applies to the same environments.
    rule_findings = [f for f in findings if not f.code.startswith(("schema-", "yaml-"))]
    ruled = {(f.span, f.severity, f.scope) for f in rule_findings}
    ruled_paths = {(f.path, f.severity, f.scope) for f in rule_findings if f.path}
    # Inside a scalar-or-map field that decodes as a map, Copilot drops a value it cannot decode instead
    # of failing: there the "fails to decode" checks are wrong and the schema's warning says what happens.
    # (A JSON-array string in a text field becomes "", which Copilot's checks may refuse: the rules that
    # read a dropped value as empty say so, A8, W4, E11, O1, Q4.)
    dropped = {f.span for f in findings if f.code == "schema-dropped-value"}
    # A rule that says what the dropped value becomes (Q4, A8, W4) says all the warning would.
    dropped_and_ruled = {
        f.span
        for f in rule_findings
        if f.span in dropped and f.severity is Severity.ERROR and not f.code.startswith("X-")
    }
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda f: (f.span.start, f.span.end, f.code)):
        if finding.code == UNKNOWN_KEY and finding.span in specific:
            continue
        if finding.code == "schema-dropped-value" and finding.span in dropped_and_ruled:
            continue
        if finding.span in dropped and finding.code in ("X-interpolation-type", "X-json-array"):
            continue
        if finding.code.startswith("schema-"):
            scope = _schema_scope(finding)
            if (finding.span, finding.severity, scope) in ruled:
                continue
            if (finding.path, finding.severity, scope) in ruled_paths:
                continue
        kept.append(finding)
    return unique_findings(kept)


def _schema_scope(finding: Finding) -> Scope:
    """The environments a schema finding is about: its scope, or the environment whose override it is
    written in (C2 stands for the refused metric an override gives)."""
    from sidecar_lsp.core.check.validate import override_environment

    env = override_environment(finding)
    if finding.scope.reach is Reach.EVERY and env is not None:
        return Scope.named([env])
    return finding.scope
