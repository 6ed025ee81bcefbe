"""Cross-field rules: what Copilot checks after decoding, and what it should have checked.

Copilot validates a workload once per target environment, after merging ``environments.<env>``
over the base (reference §1.8, §4.8). :func:`run_rules` does the same: it checks the base alone and
each merged environment, then reports every problem once:

* a problem found in the base is reported as is (it breaks every environment that does not fix it);
* a problem found only in some environments is scoped to them (``Reach.NAMED``: ``in environment 'prod': ``);
* a problem of the base that some listed environments fix is scoped to the environments without an
  override and those where it still breaks (``Reach.WITHOUT_OVERRIDE_AND_NAMED``);
* a problem of the base that *every* listed environment fixes (corpus trap 1: the image is given only
  in ``environments.test``) only breaks a deployment to an environment without an override, so it is
  demoted to a hint scoped so (``Reach.WITHOUT_OVERRIDE``).

An environment re-runs only the rules that read a top-level key its override changes (or its name);
the others' findings are the base's (:mod:`.reads` says why that is exact).

The scope is data on the finding (:class:`~sidecar_lsp.core.model.Scope`); its words are
:func:`~sidecar_lsp.core.model.scope_words`. Findings are the same problem when code, span, problem and
scope agree (:func:`~sidecar_lsp.core.model.finding_key`).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import replace

from sidecar_lsp.core.decoding.kinds import ENVIRONMENT, PIPELINE, WORKLOAD_TYPES, manifest_kind
from sidecar_lsp.core.manifest.merge import (
    ENVIRONMENTS_KEY,
    base_without_environments,
    merge_environment,
    unchanged_environments,
)
from sidecar_lsp.core.model import (
    Finding,
    FindingKey,
    Reach,
    Scope,
    Severity,
    finding_key,
    internal_error,
    unique_findings,
)
from sidecar_lsp.core.rules import (  # noqa: F401  (importing a rule module registers its rules)
    containers,
    dependencies,
    deploy,
    document,
    environment,
    environment_http,
    http,
    messaging,
    pipeline,
    platform,
    ports,
    scaling,
    storage,
    targets,
    workloads,
)
from sidecar_lsp.core.rules.base import RULES, SCHEMA_RULES, NodePaths, Rule, Workload
from sidecar_lsp.core.rules.reads import (
    SIDECARS_KEY,
    LoggedWorkload,
    ReadLog,
    changed_keys,
    reusable,
    sidecar_field_changes,
)
from sidecar_lsp.core.rules.reuse import Changes, RuleResults, RuleRun, Slot
from sidecar_lsp.core.yaml.tree import Mapping, ParsedDocument, own_entries

__all__ = ["RULES", "SCHEMA_RULES", "Rule", "run_rules", "check_workload", "scoped", "in_environments"]

logger = logging.getLogger(__name__)


def check_workload(workload: Workload, *, per_environment: bool = True) -> list[Finding]:
    """Run every rule that applies to the workload's type, each isolated from the others.

    A rule that raises (a bug) loses its own findings only: they become one ``internal-error``
    finding naming the rule, and the exception goes to the log with its traceback.
    """
    return [f for rule in _applicable(workload.kind, per_environment) for f in _run_rule(rule, workload)]


def _applicable(kind: str, per_environment: bool) -> list[Rule]:
    return [RULES[code] for code in _applicable_codes(kind, per_environment, len(RULES))]


@functools.cache
def _applicable_codes(kind: str, per_environment: bool, _registered: int) -> tuple[str, ...]:
    # Codes, not rules: a rule may be replaced under its code (tests put a failing one in).
    return tuple(
        code
        for code, rule in RULES.items()
        if kind in rule.kinds and runs_per_environment(rule) == per_environment
    )


def _run_rule(rule: Rule, workload: Workload) -> list[Finding]:
    findings: list[Finding] = []
    try:
        findings.extend(rule.check(workload))
    except Exception as error:
        logger.exception("rule %s raised on %s", rule.code, workload.env or "the base")
        findings.append(internal_error(f"rule {rule.code}", error, _first(workload.lines)))
    return findings


def _first(lines: list[str]) -> str:
    return lines[0] if lines else ""


def runs_per_environment(rule: Rule) -> bool:
    """True for rules run per merged environment; False for rules that read the whole document once."""
    return rule.code not in document.DOCUMENT_RULES


def run_rules(document_: ParsedDocument, previous: RuleResults | None = None) -> list[Finding]:
    """Every cross-field finding for the document (base and each merged environment)."""
    return checked_rules(document_, previous)[0]


def checked_rules(
    document_: ParsedDocument, previous: RuleResults | None = None, *, keep: bool = True
) -> tuple[list[Finding], RuleResults | None]:
    """:func:`run_rules`, taking what still holds of the ``previous`` version's runs (:mod:`.reuse`), and the
    runs the next version may take from (``keep``: none when no version follows, as in ``check``, which then
    notes only what the environments need)."""
    root = document_.root
    kind = manifest_kind(root)
    if not isinstance(root, Mapping) or (kind not in WORKLOAD_TYPES and kind not in (PIPELINE, ENVIRONMENT)):
        return [], None
    paths = NodePaths(root, unshared=document_.spliceable)
    if kind in (PIPELINE, ENVIRONMENT):
        # Nothing to merge: the few checks for these kinds read the document once.
        whole = Workload(root, kind, None, paths, document_.lines, text=document_.text)
        return check_workload(whole, per_environment=False) + check_workload(whole), None
    base = base_without_environments(root)
    earlier = previous if previous is not None and previous.kind == kind else None
    has_environments = bool(own_entries(root.get(ENVIRONMENTS_KEY)))
    runs = _Runs(Changes(earlier, root, base), root, kind, paths, document_, keep)
    whole = runs.workload(root, None, keep)
    document_rules = _applicable(kind, False)
    findings = [f for rule in document_rules for f in runs.run(rule, (rule.code, None, True), whole).findings]
    # The base is checked rule by rule, noting what each rule reads (rules/reads.py), so that an
    # environment re-runs only the rules that read a key its override changes.
    base_workload = runs.workload(base, None, keep or has_environments)
    by_rule = [
        (rule, runs.run(rule, (rule.code, None, False), base_workload)) for rule in _applicable(kind, True)
    ]
    base_findings = [f for _, run in by_rule for f in run.findings]
    unchanged = unchanged_environments(root)
    environments = root.get(ENVIRONMENTS_KEY)
    per_env: list[tuple[str, list[Finding]]] = []
    for entry in own_entries(environments):
        override = environments.get(entry.name) if isinstance(environments, Mapping) else None
        if isinstance(override, Mapping):
            env = _Environment(runs, base, entry.name)
            per_env.append((entry.name, [f for rule, run in by_rule for f in env.findings(rule, run)]))
        elif entry.name in unchanged:
            per_env.append((entry.name, base_findings))  # a base problem is not fixed there
    findings.extend(combine(base_findings, per_env))
    return unique_findings(findings), RuleResults(kind, root, base, runs.runs) if keep else None


_NO_READS: frozenset[str] = frozenset()


class _Runs:
    """The rule runs of one analysis: each taken from the previous version's when it still holds."""

    def __init__(
        self,
        changes: Changes,
        root: Mapping,
        kind: str,
        paths: NodePaths,
        document: ParsedDocument,
        keep: bool,
    ) -> None:
        self.changes, self.root, self.kind, self.paths = changes, root, kind, paths
        self.lines, self.text = document.lines, document.text
        self.keep = keep
        self.log = ReadLog()
        self.runs: dict[Slot, RuleRun] = {}

    def workload(self, root: Mapping, env: str | None, logged: bool) -> Workload:
        """A workload of ``root``; ``logged``: one that notes what each rule reads (what costs a little on
        every read), for the environments or the next version to reuse the runs."""
        if logged:
            return LoggedWorkload(root, self.kind, env, self.paths, self.lines, self.log, text=self.text)
        return Workload(root, self.kind, env, self.paths, self.lines, text=self.text)

    def kept(self, slot: Slot) -> RuleRun | None:
        run = self.changes.still_holds(slot)
        if run is not None:
            self.runs[slot] = run
        return run

    def run(self, rule: Rule, slot: Slot, workload: Workload) -> RuleRun:
        """The run of ``rule`` in ``slot`` (on ``workload``): kept from the previous version, or run now."""
        run = self.kept(slot)
        if run is None:
            if isinstance(workload, LoggedWorkload):
                self.log.begin()
                found = _run_rule(rule, workload)
                reads = frozenset(self.log.end())
            else:  # nothing notes what it reads
                reads, found = _NO_READS, _run_rule(rule, workload)
            run = self.runs[slot] = RuleRun(reads, tuple(found))
        return run


class _Environment:
    """One environment's runs; merged (once) only when some rule's previous run no longer holds."""

    def __init__(self, runs: _Runs, base: Mapping, name: str) -> None:
        self.runs, self.base, self.name = runs, base, name
        self._workload: Workload | None = None
        self._changed: set[str] = set()
        self._sidecar_fields: frozenset[str] | None = None

    def findings(self, rule: Rule, base_run: RuleRun) -> tuple[Finding, ...]:
        runs, slot = self.runs, (rule.code, self.name, False)
        kept = runs.kept(slot)
        if kept is not None:
            return kept.findings
        workload = self.workload()
        if reusable(rule.code, base_run.reads, self._changed, self._sidecar_fields):
            runs.runs[slot] = base_run
            return base_run.findings
        return runs.run(rule, slot, workload).findings

    def workload(self) -> Workload:
        if self._workload is None:
            merged = merge_environment(self.runs.root, self.name, self.runs.text)
            assert merged is not None  # its override is a map
            self._changed = changed_keys(self.base, merged.root)
            if SIDECARS_KEY in self._changed:
                self._sidecar_fields = sidecar_field_changes(self.base, merged.root)
            self._workload = self.runs.workload(merged.root, self.name, self.runs.keep)
        return self._workload


def combine(base: list[Finding], per_env: list[tuple[str, list[Finding]]]) -> list[Finding]:
    """Merge the base's and each environment's findings into one list, each problem once."""
    envs_with: dict[FindingKey, list[str]] = {}
    first: dict[FindingKey, Finding] = {}
    for env, findings in per_env:
        for finding in findings:
            key = finding_key(finding)
            first.setdefault(key, finding)
            names = envs_with.setdefault(key, [])
            if env not in names:
                names.append(env)
    result: list[Finding] = []
    base_keys: set[FindingKey] = set()
    for finding in base:
        key = finding_key(finding)
        base_keys.add(key)
        if per_env and key not in envs_with:
            result.append(_demoted(finding))
        elif per_env and len(envs_with[key]) < len(per_env):
            # Some overrides fix it: say where it still breaks a deployment.
            result.append(_in_base_and(finding, envs_with[key]))
        else:
            result.append(finding)
    for key, finding in first.items():
        if key not in base_keys:
            result.append(in_environments(finding, envs_with[key]))
    return result


def scoped(finding: Finding, envs: list[str], overridden: int) -> Finding:
    """A finding of the base as it applies: to every environment, to ``envs`` and the base, or to the base only.

    ``envs`` are the environments (of ``overridden`` with an override) whose merged manifest still has it.
    """
    if not overridden or len(envs) == overridden:
        return finding
    return _in_base_and(finding, envs) if envs else _demoted(finding)


def _demoted(finding: Finding) -> Finding:
    return replace(finding, severity=Severity.HINT, scope=Scope(Reach.WITHOUT_OVERRIDE))


def _in_base_and(finding: Finding, envs: list[str]) -> Finding:
    return replace(finding, scope=Scope(Reach.WITHOUT_OVERRIDE_AND_NAMED, tuple(envs)))


def in_environments(finding: Finding, envs: Iterable[str]) -> Finding:
    """``finding`` as it applies only to ``envs`` (found in their merged manifests, not in the base)."""
    return replace(finding, scope=Scope.named(envs))
