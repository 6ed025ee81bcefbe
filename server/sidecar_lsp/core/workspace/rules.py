"""Cross-file rules: what one manifest gets wrong about the rest of its Copilot workspace.

Each rule is a small function ``check(context) -> Iterable[Finding]`` registered under a stable code
(``docs/rules.md`` documents each). Two adjustments also change single-file findings once the
workspace is known (:func:`judge_in_workspace`):

* a base problem that every override fixes was a hint scoped to the environments without an override
  (``Reach.WITHOUT_OVERRIDE``); with the real list of environments it is an error for each environment
  that has no override (``Reach.NAMED_WITHOUT_OVERRIDE``), and stays a hint only when every environment
  of the workspace has one (``Reach.NONE_WITHOUT_OVERRIDE``);
* a finding about the generated template (``TEMPLATE_CHECKS``) of a service with an ``overrides/``
  folder (``cfn.patches.yml`` or a CDK app) becomes a warning that says the overrides may change it.

Without a workspace (a lone file) none of this runs.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from sidecar_lsp.core.model import Finding, Fix, Reach, Scope, Severity, Span, TextEdit
from sidecar_lsp.core.rules import RULES
from sidecar_lsp.core.workspace.model import (
    ENVIRONMENT_ROLE,
    PIPELINE_ROLE,
    WORKLOAD,
    Facts,
    PathLike,
    Workspace,
    Workspaces,
)

TEMPLATE_CHECKS = frozenset({"X-source-volume"})
"""Checks of the task definition Copilot generates (Copilot's own validation passes): a template
override can add what they find missing."""


@dataclass(frozen=True)
class Context:
    workspace: Workspace
    facts: Facts


@dataclass(frozen=True)
class WorkspaceRule:
    code: str
    severity: Severity
    title: str
    roles: frozenset[str]
    copilot: bool
    check: Callable[[Context], Iterable[Finding]]


WORKSPACE_RULES: dict[str, WorkspaceRule] = {}


def workspace_rule(
    code: str, severity: Severity, title: str, roles: Iterable[str], *, copilot: bool = False
) -> Callable[[Callable[[Context], Iterable[Finding]]], Callable[[Context], Iterable[Finding]]]:
    def register(check: Callable[[Context], Iterable[Finding]]) -> Callable[[Context], Iterable[Finding]]:
        assert code not in WORKSPACE_RULES and code not in RULES, f"duplicate rule code {code}"
        WORKSPACE_RULES[code] = WorkspaceRule(code, severity, title, frozenset(roles), copilot, check)
        return check

    return register


def _finding(
    code: str, message: str, span: Span, path: tuple[str | int, ...], fixes: tuple[Fix, ...] = ()
) -> Finding:
    return Finding(code, WORKSPACE_RULES[code].severity, message, span, path, fixes=fixes)


def _listed(names: Iterable[str]) -> str:
    return ", ".join(sorted(names)) or "none"


def _rename(span: Span, new: str, what: str) -> tuple[Fix, ...]:
    return (Fix(f"Change {what} to '{new}'", (TextEdit(span, new),), preferred=True),)


def _closest(name: str, options: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.5)
    return close[0] if close else None


@workspace_rule(
    "X-unknown-environment",
    Severity.WARNING,
    "Override for an environment the workspace does not have",
    [WORKLOAD],
)
def override_for_unknown_environment(context: Context) -> Iterator[Finding]:
    environments = context.workspace.environments()
    if not environments:
        return  # no environment manifests: the list is not known here
    for env, span in context.facts.overrides:
        if env in environments:
            continue
        guess = _closest(env, environments)
        yield _finding(
            "X-unknown-environment",
            f"environment '{env}' does not exist in this workspace (copilot/environments/ has {_listed(environments)}): "
            f"Copilot never applies this override" + (f"; did you mean '{guess}'?" if guess else ""),
            span,
            ("environments", env),
            fixes=_rename(span, guess, "the environment") if guess else (),
        )


@workspace_rule(
    "X-pipeline-environment", Severity.WARNING, "Pipeline stage names no environment", [PIPELINE_ROLE]
)
def pipeline_stage_environment(context: Context) -> Iterator[Finding]:
    environments = context.workspace.environments()
    if not environments:
        return
    for index, (stage, span) in enumerate(context.facts.stages):
        if stage in environments:
            continue
        guess = _closest(stage, environments)
        yield _finding(
            "X-pipeline-environment",
            f"stage '{stage}' names no environment of this workspace (copilot/environments/ has "
            f"{_listed(environments)}); copilot pipeline deploy fails unless the application has it"
            + (f"; did you mean '{guess}'?" if guess else ""),
            span,
            ("stages", index, "name"),
            fixes=_rename(span, guess, "the stage") if guess else (),
        )


@workspace_rule(
    "X-name-folder",
    Severity.ERROR,
    "name differs from the manifest's folder",
    [WORKLOAD, ENVIRONMENT_ROLE],
)
def name_matches_folder(context: Context) -> Iterator[Finding]:
    facts = context.facts
    if facts.name is None or facts.name_span is None or facts.name == facts.folder or "${" in facts.name:
        return
    where = "environments/" if facts.role == ENVIRONMENT_ROLE else ""
    yield _finding(
        "X-name-folder",
        f'name of the manifest "{facts.name}" and directory "{facts.folder}" do not match; Copilot reads '
        f"copilot/{where}{facts.folder}/manifest.yml for '{facts.folder}': rename one to match the other",
        facts.name_span,
        ("name",),
        fixes=_rename(facts.name_span, facts.folder, "the name"),
    )


@workspace_rule(
    "X-unknown-topic", Severity.WARNING, "Subscription to a topic no service publishes", [WORKLOAD]
)
def subscribed_topic_is_published(context: Context) -> Iterator[Finding]:
    services = context.workspace.services()
    for subscription in context.facts.subscriptions:
        publisher = services.get(subscription.service)
        if publisher is None:
            guess = _closest(subscription.service, services)
            yield _finding(
                "X-unknown-topic",
                f"no service '{subscription.service}' in this workspace (services: {_listed(services)}); "
                f"the subscription to '{subscription.topic}' fails to deploy unless the application has it"
                + (f"; did you mean '{guess}'?" if guess else ""),
                subscription.service_span,
                ("subscribe", "topics"),
                fixes=_rename(subscription.service_span, guess, "the service") if guess else (),
            )
        elif subscription.topic not in publisher.publishes:
            guess = _closest(subscription.topic, publisher.publishes)
            yield _finding(
                "X-unknown-topic",
                f"service '{subscription.service}' publishes no topic '{subscription.topic}' (its publish.topics: "
                f"{_listed(publisher.publishes)}); the subscription fails to deploy"
                + (f"; did you mean '{guess}'?" if guess else ""),
                subscription.topic_span,
                ("subscribe", "topics"),
                fixes=_rename(subscription.topic_span, guess, "the topic") if guess else (),
            )


def cross_file_findings(workspace: Workspace, rel: str) -> list[Finding]:
    """Every cross-file finding for the manifest ``rel`` (memoised on what it reads)."""
    facts = workspace.facts(rel)
    if facts is None:
        return []
    context = Context(workspace, facts)

    def compute() -> list[Finding]:
        return [
            finding
            for rule in WORKSPACE_RULES.values()
            if facts.role in rule.roles
            for finding in rule.check(context)
        ]

    return workspace.memoised(rel, compute)


def judge_in_workspace(workspace: Workspace, rel: str, findings: Iterable[Finding]) -> list[Finding]:
    """Single-file findings judged against the workspace: real environments, template overrides."""
    facts = workspace.facts(rel)
    if facts is None or facts.role != WORKLOAD:
        return list(findings)
    environments = workspace.environments()
    overridden = {env for env, _span in facts.overrides}
    without_override = [env for env in environments if env not in overridden]
    patched = facts.folder in workspace.template_overrides
    out: list[Finding] = []
    for finding in findings:
        if environments and finding.scope.reach is Reach.WITHOUT_OVERRIDE:
            finding = _for_real_environments(finding, without_override, environments)
        if patched and finding.code in TEMPLATE_CHECKS and finding.severity is Severity.ERROR:
            finding = _maybe_patched(finding, facts.folder)
        out.append(finding)
    return out


def _for_real_environments(finding: Finding, without_override: list[str], environments: list[str]) -> Finding:
    """A base problem every override fixes, for the workspace's environments: an error (the rule's
    severity) in those without an override; a hint still when each has one."""
    if not without_override:
        return replace(finding, scope=Scope(Reach.NONE_WITHOUT_OVERRIDE, tuple(environments)))
    rule = RULES.get(finding.code)
    return replace(
        finding,
        severity=rule.severity if rule else Severity.ERROR,
        scope=Scope(Reach.NAMED_WITHOUT_OVERRIDE, tuple(without_override)),
    )


def _maybe_patched(finding: Finding, folder: str) -> Finding:
    note = f" (copilot/{folder}/overrides/ changes the generated template: if it adds what is missing, ignore this)"
    return replace(finding, severity=Severity.WARNING, problem=finding.problem + note)


def findings_in_workspace(workspace: Workspace, rel: str, findings: Iterable[Finding]) -> list[Finding]:
    """What to report for ``rel``: its own findings judged in the workspace, then the cross-file ones."""
    judged = judge_in_workspace(workspace, rel, findings)
    return sorted(
        [*judged, *cross_file_findings(workspace, rel)], key=lambda f: (f.span.start, f.span.end, f.code)
    )


def check_in_workspaces(
    workspaces: Workspaces, path: str | PathLike, text: str, findings: list[Finding]
) -> list[Finding]:
    """``findings`` of the file at ``path`` with ``text``, judged in its workspace (unchanged for a lone file)."""
    found = workspaces.for_path(path)
    if found is None:
        return findings
    workspace, rel = found
    workspace.set_text(rel, text)
    return findings_in_workspace(workspace, rel, findings)
