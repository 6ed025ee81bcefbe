"""Whole-document checks: X-ignored-key, X-interpolation-type, X-json-array."""

from __future__ import annotations

import pytest
from test_rules_support import assert_quiet, assert_reports, cases, findings

from manifest_sets import LBWS, RDWS
from sidecar_lsp.core.model import Severity

FAILING = [
    (
        "X-ignored-key sidecars in RDWS",
        RDWS + "sidecars:\n  proxy:\n    image: envoy\n",
        "X-ignored-key",
        Severity.WARNING,
        '"sidecars" is ignored in a Request-Driven Web Service: Copilot silently drops this key (App Runner runs a '
        "single container without sidecars or FireLens); remove it",
        ("sidecars", 1),
    ),
    (
        "X-ignored-key storage in an RDWS environment override",
        RDWS + "environments:\n  prod:\n    storage:\n      ephemeral: 30\n",
        "X-ignored-key",
        Severity.WARNING,
        '"storage" is ignored in a Request-Driven Web Service: Copilot silently drops this key (a Request-Driven '
        "Web Service runs on App Runner, not ECS); remove it",
        ("storage", 1),
    ),
    (
        "X-ignored-key logging in a Static Site",
        "name: site\ntype: Static Site\nfiles:\n  - source: dist\nlogging:\n  retention: 7\n",
        "X-ignored-key",
        Severity.WARNING,
        '"logging" is ignored in a Static Site: Copilot silently drops this key (a Static Site serves files from '
        "S3 through CloudFront and runs no container); remove it",
        ("logging", 1),
    ),
    (
        "X-interpolation-type number",
        LBWS + "cpu: ${CPU}\n",
        "X-interpolation-type",
        Severity.ERROR,
        "'cpu' takes a number, but ${...} substitution always yields a string, which Copilot then fails to decode "
        "(Copilot substitutes environment variables only into string fields); write the value itself, per "
        "environment under environments.<env> if it differs",
        ("${CPU}", 1),
    ),
    (
        "X-interpolation-type boolean in an override",
        LBWS + "environments:\n  prod:\n    exec: ${EXEC}\n",
        "X-interpolation-type",
        Severity.ERROR,
        "'exec' takes a boolean, but ${...} substitution always yields a string, which Copilot then fails to decode "
        "(Copilot substitutes environment variables only into string fields); write the value itself, per "
        "environment under environments.<env> if it differs",
        ("${EXEC}", 1),
    ),
    (
        "X-json-array in variables",
        LBWS + 'variables:\n  HOSTS: \'["a", "b"]\'\n',
        "X-json-array",
        Severity.ERROR,
        "Copilot converts a string that parses as a JSON array into a YAML list, so 'HOSTS' receives a list where "
        "it expects a string and the manifest fails to decode; write the "
        "value as a literal block (|) to keep it a string",
        ('\'["a", "b"]\'', 1),
    ),
]

PASSING = [
    ("sidecars in LBWS", LBWS + "sidecars:\n  proxy:\n    image: envoy\n", "X-ignored-key"),
    ("RDWS keys it has", RDWS + "variables:\n  A: b\nobservability:\n  tracing: awsxray\n", "X-ignored-key"),
    (
        "string field interpolation",
        LBWS + "variables:\n  TAG: ${TAG}\nimage:\n  location: r:${TAG}\n",
        "X-interpolation-type",
    ),  # fmt: skip
    ("escaped variable", LBWS + "cpu: \\${CPU}\n", "X-interpolation-type"),
    (
        "sidecar port is a string",
        LBWS + "sidecars:\n  p:\n    image: x\n    port: ${PORT}\n",
        "X-interpolation-type",
    ),
    ("RDWS count is a string", RDWS + "count: ${SCALING}\n", "X-interpolation-type"),
    ("literal block keeps the string", LBWS + 'variables:\n  HOSTS: |\n    ["a"]\n', "X-json-array"),
    ("command accepts a list", LBWS + 'command: \'["npm", "start"]\'\n', "X-json-array"),
    ("empty array stays a string", LBWS + "variables:\n  A: '[]'\n", "X-json-array"),
    ("numbers are not strings", LBWS + "variables:\n  A: '[1, 2]'\n", "X-json-array"),
    (
        "taskdef_overrides values are free-form",
        LBWS + "taskdef_overrides:\n  - path: X\n    value: '[\"a\"]'\n",
        "X-json-array",
    ),  # fmt: skip
]


@pytest.mark.parametrize(("text", "code", "severity", "message", "where"), cases(FAILING))
def test_rule_reports(text: str, code: str, severity: Severity, message: str, where: tuple[str, int]) -> None:
    assert_reports(text, code, severity, message, where)


@pytest.mark.parametrize(("text", "code"), cases(PASSING))
def test_rule_stays_quiet(text: str, code: str) -> None:
    assert_quiet(text, code)


def test_ignored_key_fix_deletes_the_block() -> None:
    text = RDWS + "sidecars:\n  proxy:\n    image: envoy\ncpu: 1024\n"
    (finding,) = findings(text, "X-ignored-key")
    (edit,) = finding.fixes[0].edits
    assert (edit.span.start.line, edit.span.start.col, edit.span.end.line, edit.span.end.col) == (5, 0, 8, 0)
