"""What deploying one environment meets (core/check/deploys.py), on the conformance fixtures whose
verdicts the oracle gave per environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from sidecar_lsp.core.check.deploys import deploy_refusal

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "conformance"


@pytest.mark.parametrize(
    "fixture,env,refused_with",
    [
        # a value under another environment's override is that environment's problem alone
        ("env-name-in-override.yml", "test", None),
        ("env-name-in-override.yml", "phonetool", "placement"),
        ("job-count-map-in-override.yml", "dev", None),
        ("job-count-map-in-override.yml", "prod", "autoscaling options"),
        # an environment without an override deploys the base under its own name
        ("env-name-in-base-null-override.yml", "test", "got 'test'"),
        ("env-name-in-base-null-override.yml", "grpc", None),
        ("env-name-in-base-null-override.yml", "prod", "got 'prod'"),
    ],
)
def test_an_environment_meets_its_own_problems_only(fixture: str, env: str, refused_with: str | None) -> None:
    refusal = deploy_refusal((FIXTURES / fixture).read_text(encoding="utf-8"), env)
    if refused_with is None:
        assert refusal is None
    else:
        assert refusal is not None and refused_with in refusal and refusal.startswith("line ")


def test_a_base_problem_refuses_every_environment_and_names_its_line() -> None:
    text = "name: api\ntype: Backend Service\nimage:\n  location: app\n  port: 70000\n"
    for env in ("test", "prod"):
        refusal = deploy_refusal(text, env)
        assert refusal is not None and refusal.startswith("line 5: ")
