"""Pipeline manifest rules PL1-PL4 (``Pipeline.Validate``): one row per case, each verdict Copilot
v1.34.1's own."""

from __future__ import annotations

import pytest
from test_rules_support import assert_copilot, assert_quiet, cases, findings, span_of

SOURCE = (
    "version: 1\nsource:\n  provider: GitHub\n  properties:\n    repository: https://github.com/org/repo\n"
)
PIPE = "name: pipe\n" + SOURCE + "stages:\n  - name: test\n"
LONG = "p" * 101

# (id, manifest, code, Copilot's message, where)
REPORTS = [
    (
        "long-name",
        f"name: {LONG}\n" + SOURCE,
        "PL1",
        f"pipeline name '{LONG}' must be shorter than 100 characters",
        LONG,
    ),
    (
        "tests-and-post-deployments",
        PIPE
        + "    test_commands: [make test]\n    post_deployments:\n      check:\n        buildspec: check.yml\n",
        "PL2",
        'validate stage "test" for pipeline "pipe": must specify one, not both, of "post_deployments" and '
        '"test_commands"',
        "test_commands",
    ),
    (
        "tests-and-empty-post-deployments",
        PIPE + "    test_commands: [make test]\n    post_deployments: {}\n",
        "PL2",
        'validate stage "test" for pipeline "pipe": must specify one, not both, of "post_deployments" and '
        '"test_commands"',
        "test_commands",
    ),
    (
        "pre-deployment-without-buildspec",
        PIPE + "    pre_deployments:\n      migrate:\n        depends_on: []\n",
        "PL3",
        'validate stage "test" for pipeline "pipe": "buildspec" must be specified',
        "migrate",
    ),
    (
        "post-deployment-empty-buildspec",
        PIPE + "    post_deployments:\n      check:\n        buildspec: ''\n",
        "PL3",
        'validate stage "test" for pipeline "pipe": "buildspec" must be specified',
        "check",
    ),
    (
        "unknown-dependency",
        PIPE + "    deployments:\n      api:\n        depends_on: [db]\n      web:\n",
        "PL4",
        "validate \"deployments\" for pipeline stage test: dependency deployment named 'db' of 'api' does not exist",
        "db",
    ),
]

# (id, manifest Copilot accepts, code that must stay quiet)
QUIET = [
    ("name-100", f"name: {'p' * 100}\n" + SOURCE, "PL1"),
    ("empty-tests-and-post", PIPE + "    test_commands: []\n    post_deployments: {}\n", "PL2"),
    ("tests-alone", PIPE + "    test_commands: [make test]\n", "PL2"),
    (
        "buildspecs",
        PIPE
        + "    pre_deployments:\n      a:\n        buildspec: a.yml\n    post_deployments:\n      b:\n        buildspec: b.yml\n",
        "PL3",
    ),
    ("known-dependency", PIPE + "    deployments:\n      api:\n        depends_on: [db]\n      db:\n", "PL4"),
]


@pytest.mark.parametrize(("text", "code", "copilot", "where"), cases(REPORTS))
def test_reports(text: str, code: str, copilot: str, where: str) -> None:
    assert_copilot(text, code, copilot, where)


@pytest.mark.parametrize(("text", "code"), cases(QUIET))
def test_quiet(text: str, code: str) -> None:
    assert_quiet(text, code)


def test_pipeline_rules_do_not_run_on_workloads() -> None:
    text = "name: api\ntype: Backend Service\nimage:\n  location: nginx\nstages:\n  - name: test\n    test_commands: [x]\n    post_deployments: {}\n"
    assert [f for f in findings(text) if f.code.startswith("PL")] == []


def test_a_null_post_deployment_is_reported_because_copilot_crashes_on_it() -> None:
    # copilot-oracle: stage "panic" (runtime error: invalid memory address or nil pointer dereference).
    text = PIPE + "    post_deployments:\n      check:\n"
    [finding] = findings(text, "PL3")
    assert finding.message.startswith("post-deployment 'check' has no configuration: Copilot v1.34.1 ")
    assert finding.span == span_of(text, "check")
