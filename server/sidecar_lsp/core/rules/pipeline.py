"""Pipeline manifest checks (``Pipeline.Validate``): the name's length, pre- and post-deployments,
and deployment dependencies (PL1-PL4)."""

from __future__ import annotations

from collections.abc import Iterator

from sidecar_lsp.core.decoding.kinds import PIPELINE
from sidecar_lsp.core.model import Finding, Severity
from sidecar_lsp.core.rules.base import Workload, is_set, rule, text_of
from sidecar_lsp.core.rules.formats import decoded_items
from sidecar_lsp.core.yaml.tree import Mapping, is_null, mapping, sequence_items

PIPELINES = frozenset({PIPELINE})
MAX_NAME = 100


def _stages(workload: Workload) -> Iterator[tuple[str, Mapping]]:
    for item in decoded_items(workload.root.get("stages")):
        if isinstance(item, Mapping):
            yield text_of(item.get("name")) or "", item


def _prefix(workload: Workload, stage: str) -> str:
    pipeline = text_of(workload.root.get("name")) or ""
    return f'validate stage "{stage}" for pipeline "{pipeline}": '


@rule("PL1", Severity.ERROR, "Pipeline name longer than 100 characters", kinds=PIPELINES)
def pipeline_name_length(workload: Workload) -> Iterator[Finding]:
    node = workload.root.get("name")
    name = text_of(node)
    if node is not None and name is not None and len(name.encode()) > MAX_NAME:
        yield workload.finding(
            "PL1",
            f"pipeline name '{name}' must be shorter than 100 characters; shorten the name",
            node,
        )


@rule("PL2", Severity.ERROR, "post_deployments and test_commands are exclusive", kinds=PIPELINES)
def post_deployments_or_tests(workload: Workload) -> Iterator[Finding]:
    for name, stage in _stages(workload):
        tests = stage.entry("test_commands")
        post = stage.entry("post_deployments")
        # yaml.v3 leaves a null item out of a []string: test_commands: [~] is no test command.
        has_tests = tests is not None and any(not is_null(item) for item in sequence_items(tests.value))
        if has_tests and post is not None and is_set(post.value):
            assert tests is not None
            yield workload.finding(
                "PL2",
                f'{_prefix(workload, name)}must specify one, not both, of "post_deployments" and "test_commands"; '
                "move the test commands into a post-deployment buildspec",
                tests.key,
                related=workload.related(post.key, "post_deployments"),
            )


@rule("PL3", Severity.ERROR, "Pre- and post-deployments need a buildspec", kinds=PIPELINES)
def deployment_buildspec(workload: Workload) -> Iterator[Finding]:
    for name, stage in _stages(workload):
        for section in ("pre_deployments", "post_deployments"):
            actions = mapping(stage.get(section))
            for entry in actions.entries if actions else []:
                action = mapping(entry.value)
                if action is None and is_null(entry.value):
                    yield workload.finding(
                        "PL3",
                        f"{section.split('_')[0]}-deployment '{entry.name}' has no configuration: Copilot v1.34.1 "
                        "reads it as a nil pointer and crashes while validating the pipeline; give it a buildspec",
                        entry.key,
                    )
                elif action is not None and not text_of(action.get("buildspec")):
                    yield workload.finding(
                        "PL3",
                        f'{_prefix(workload, name)}"buildspec" must be specified; give the path of the buildspec '
                        f"that {section.split('_')[0]}-deployment '{entry.name}' runs",
                        entry.key,
                    )


@rule("PL4", Severity.ERROR, "Deployment depends on an unknown deployment", kinds=PIPELINES)
def deployment_dependencies(workload: Workload) -> Iterator[Finding]:
    for name, stage in _stages(workload):
        deployments = mapping(stage.get("deployments"))
        if deployments is None:
            continue
        known = {entry.name for entry in deployments.entries}
        for entry in deployments.entries:
            deployment = mapping(entry.value)
            depends_on = deployment.get("depends_on") if deployment else None
            for item in decoded_items(depends_on):
                dependency = text_of(item)
                if dependency is not None and dependency not in known:
                    yield workload.finding(
                        "PL4",
                        f'validate "deployments" for pipeline stage {name}: dependency deployment named '
                        f"'{dependency}' of '{entry.name}' does not exist; name one of this stage's deployments "
                        f"({', '.join(sorted(known))})",
                        item,
                    )
