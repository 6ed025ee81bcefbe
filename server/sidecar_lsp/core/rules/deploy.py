"""Checks Copilot makes only while deploying, after its manifest checks pass: a Scheduled Job's timeout,
parsed when the template is rendered, and a pipeline's source provider, read when the pipeline is
converted. ``copilot deploy`` still fails on them, so they are errors; their ``X-`` codes say that
Copilot's manifest validation does not see them (docs/rules.md, "Conformance")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from sidecar_lsp.core.decoding.kinds import PIPELINE
from sidecar_lsp.core.manifest.merge import ENVIRONMENTS_KEY
from sidecar_lsp.core.model import Finding, Scope, Severity
from sidecar_lsp.core.rules.base import JOB, RDWS, Workload, rule
from sidecar_lsp.core.yaml.tree import Scalar, is_null, mapping, own_entries

PROVIDERS = ("GitHub", "GitHubV1", "CodeCommit", "Bitbucket")
"""internal/pkg/manifest/pipeline.go: the provider names Copilot's pipeline conversion knows."""
_GO_DURATION = re.compile(r"^[-+]?((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+$|^[-+]?0$")


@rule(
    "X-job-timeout",
    Severity.ERROR,
    "Scheduled Job timeout is not a Go duration",
    kinds=frozenset({JOB}),
    copilot=False,
)
def job_timeout(workload: Workload) -> Iterator[Finding]:
    node = workload.get("timeout")
    if not isinstance(node, Scalar) or node.value is None or "${" in node.text:
        return
    if not _GO_DURATION.match(node.text.strip()):
        yield workload.finding(
            "X-job-timeout",
            f'timeout "{node.text}" is not a duration: Copilot accepts the manifest but fails when it renders '
            "the job's template (time.ParseDuration, not reported before deploy); write it with a unit, "
            "such as 1h30m or 3600s",
            node,
        )


@rule(
    "X-pipeline-provider",
    Severity.ERROR,
    "Pipeline source provider Copilot cannot deploy",
    kinds=frozenset({PIPELINE}),
    copilot=False,
)
def pipeline_provider(workload: Workload) -> Iterator[Finding]:
    source = mapping(workload.root.get("source"))
    node = source.get("provider") if source else None
    if not isinstance(node, Scalar) or node.value is None or "${" in node.text or node.text in PROVIDERS:
        return
    close = [p for p in PROVIDERS if p.lower() == node.text.lower()]
    hint = f"write {close[0]} (the name is case-sensitive)" if close else "use one of " + ", ".join(PROVIDERS)
    yield workload.finding(
        "X-pipeline-provider",
        f"invalid repo source provider: {node.text} (Copilot accepts the manifest but fails when it deploys "
        f"the pipeline, not reported before); {hint}",
        node,
    )


@rule(
    "X-null-override",
    Severity.ERROR,
    "Empty environment override of a Scheduled Job or Request-Driven Web Service",
    kinds=frozenset({JOB, RDWS}),
)
def null_override(workload: Workload) -> Iterator[Finding]:
    environments = mapping(workload.root.get(ENVIRONMENTS_KEY))
    for entry in own_entries(environments):
        if is_null(entry.value):
            finding = workload.finding(
                "X-null-override",
                f"an empty override makes Copilot crash while it validates this {workload.kind} for "
                f"'{entry.name}' (a nil pointer, not reported as an error); give the override a key or remove it",
                entry.key,
            )
            yield replace(finding, scope=Scope.named([entry.name]))
