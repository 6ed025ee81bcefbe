"""``render --task-definition`` against copilot-render (Copilot's own code), field by field.

Every case of :mod:`render_cases` (copilot-stack, the project's manifests, 1,000 generated manifests in
three environments) is compared with copilot-render's answer from the committed record (checked against
copilot-render itself where it is beside the checkout): the ``AWS::ECS::TaskDefinition`` resource must be
equal; where Copilot refuses the manifest, ``render --task-definition`` must exit non-zero. The
``RegisterTaskDefinition`` shape is validated against botocore's ECS service model.
"""

from __future__ import annotations

import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from copilot_renders import CopilotRenders, find_renderer
from render_cases import all_cases, generated_cases, own_cases, stack_cases

from sidecar_lsp.cli.render import main_render
from sidecar_lsp.core.check.deploys import deploy_refusal
from sidecar_lsp.core.manifest.taskdef import TaskInputs, task_definition
from sidecar_lsp.core.manifest.taskdef_register import register_shape

MOCK_ALB_DNS = "mockImportALBDNSName"
"""The DNS name copilot-render gives an imported ALB (the integration tests' mock)."""


@pytest.fixture(scope="module")
def renders() -> CopilotRenders:
    return CopilotRenders(executable=find_renderer())


def _inputs(case: dict[str, Any]) -> TaskInputs:
    return TaskInputs(case["app"], case["env"], variables=case["vars"], imported_alb_dns=MOCK_ALB_DNS)


def differences(copilot: Any, ours: Any, path: str = "") -> list[str]:
    """Every field where the two differ, as ``path: copilot | ours``."""
    if type(copilot) is not type(ours):
        return [f"{path}: {json.dumps(copilot)[:120]} | {json.dumps(ours)[:120]}"]
    if isinstance(copilot, dict):
        found = []
        for key in sorted(set(copilot) | set(ours)):
            if key not in copilot or key not in ours:
                found.append(f"{path}/{key}: {'only Copilot' if key in copilot else 'only ours'}")
            else:
                found += differences(copilot[key], ours[key], f"{path}/{key}")
        return found
    if isinstance(copilot, list):
        found = [f"{path}: {len(copilot)} items | {len(ours)} items"] if len(copilot) != len(ours) else []
        for index, (left, right) in enumerate(zip(copilot, ours, strict=False)):
            found += differences(left, right, f"{path}[{index}]")
        return found
    return [] if copilot == ours else [f"{path}: {json.dumps(copilot)[:120]} | {json.dumps(ours)[:120]}"]


def _compare(renders: CopilotRenders, cases: list[dict[str, Any]], *, live_every: int) -> Counter[str]:
    tally: Counter[str] = Counter()
    failures: list[str] = []
    for index, case in enumerate(cases):
        answer = renders.answer(case, check_live=index % live_every == 0)
        ours = task_definition(case["text"], _inputs(case))
        if not answer["ok"]:
            tally["refused by Copilot"] += 1
            continue
        if ours.resource is None:
            failures.append(f"{case['id']}: Copilot renders it, we refuse: {ours.problem}")
            continue
        found = differences(answer["task"], ours.resource)
        tally["equal" if not found else "different"] += 1
        failures += [f"{case['id']}: {line}" for line in found[:5]]
        assert (
            ours.cpu == answer["parameters"]["TaskCPU"] and ours.memory == answer["parameters"]["TaskMemory"]
        )
    assert not failures, f"{len(failures)} differences from copilot-render:\n" + "\n".join(failures[:30])
    return tally


def test_the_copilot_stack_cases_equal_copilot_render_field_by_field(renders: CopilotRenders) -> None:
    cases = stack_cases() or renders.stack_cases  # the record keeps their texts for a clone without ../shared
    assert len(cases) == 16
    tally = _compare(renders, cases, live_every=1)
    assert tally["equal"] == 16, tally


def test_the_projects_manifests_equal_copilot_render_except_what_is_refused(renders: CopilotRenders) -> None:
    cases = [case for case in own_cases() if "inventory/manifest.yml" not in case["id"]]  # taskdef_overrides
    tally = _compare(renders, cases, live_every=25)
    assert tally["equal"] >= 60, tally


def test_1000_generated_manifests_in_three_environments_equal_copilot_render(renders: CopilotRenders) -> None:
    cases = generated_cases()
    assert len(cases) == 3000
    tally = _compare(renders, cases, live_every=150)
    assert tally["equal"] > 1500, tally


def test_where_copilot_refuses_render_task_definition_exits_non_zero(
    renders: CopilotRenders, tmp_path: Path
) -> None:
    refused = [c for c in generated_cases(300) if not renders.answer(c)["ok"]][:40]
    assert refused
    accepted_by_us = []
    for case in refused:
        path = tmp_path / "manifest.yml"
        path.write_text(case["text"], encoding="utf-8")
        err = io.StringIO()
        code = main_render(
            ["--task-definition", "--env", case["env"], "--app", case["app"], str(path)], io.StringIO(), err
        )
        if code == 0:
            accepted_by_us.append(f"{case['id']}: Copilot: {renders.answer(case)['error'][:160]}")
        else:
            assert "Copilot refuses" in err.getvalue()
    assert not accepted_by_us, "\n".join(accepted_by_us)


@pytest.mark.slow
def test_every_case_is_refused_exactly_where_copilot_refuses_it(renders: CopilotRenders) -> None:
    """What decides between a task definition and a refusal (the first error deploying that environment
    meets, then what only rendering finds, such as an undefined ``${VAR}``), on every recorded case:
    no refusal where Copilot renders, none missed where it refuses."""
    tally: Counter[str] = Counter()
    wrong: list[str] = []
    for case in all_cases():
        if "inventory/manifest.yml" in case["id"]:  # taskdef_overrides: not rendered, said so
            continue
        refused = (
            deploy_refusal(case["text"], case["env"]) or task_definition(case["text"], _inputs(case)).problem
        )
        copilot = renders.answer(case)
        tally[
            ("copilot refuses" if not copilot["ok"] else "copilot renders")
            + (", we refuse" if refused else ", we render")
        ] += 1
        if bool(refused) == bool(copilot["ok"]):
            wrong.append(
                f"{case['id']}: Copilot: {copilot.get('error') or 'renders'} | ours: {refused or 'renders'}"
            )
    assert not wrong, "\n".join(wrong[:20])
    assert tally["copilot refuses, we refuse"] >= 900 and tally["copilot renders, we render"] >= 2000, tally


def test_the_register_shape_validates_against_botocores_ecs_model(renders: CopilotRenders) -> None:
    botocore_session = pytest.importorskip("botocore.session")
    from botocore.validate import ParamValidator

    model = botocore_session.get_session().get_service_model("ecs")
    shape = model.operation_model("RegisterTaskDefinition").input_shape
    checked = 0
    for case in [*own_cases(), *generated_cases(200)]:
        task = task_definition(case["text"], _inputs(case))
        if task.resource is None:
            continue
        registered = register_shape(task, _inputs(case), {}, task.image)
        report = ParamValidator().validate(registered.definition, shape)
        assert not report.has_errors(), f"{case['id']}: {report.generate_report()}"
        checked += 1
    assert checked > 300
