"""Container dependency rules: D1-D4, D6 and X-healthy-without-healthcheck."""

from __future__ import annotations

import pytest
from test_rules_support import assert_quiet, assert_reports, cases, findings, span_of

from manifest_sets import BACKEND_IMAGE
from sidecar_lsp.core.model import Severity

FAILING = [
    (
        "D6 literal text no variable value can complete",
        BACKEND_IMAGE + "  depends_on:\n    nginx: prefix-${STATUS}\nsidecars:\n  nginx:\n    image: n\n",
        "D6",
        Severity.ERROR,
        "container dependency status must be one of START, COMPLETE, SUCCESS or HEALTHY; whatever the variables "
        "hold, 'prefix-${STATUS}' is none of them: write the status itself (start, complete, success or healthy) "
        "or a variable alone",
        ("prefix-${STATUS}", 1),
    ),
    (
        "D1 unknown dependency of the main container",
        BACKEND_IMAGE + "  depends_on:\n    nginx: start\n",
        "D1",
        Severity.ERROR,
        "container nginx does not exist; depend on one of the task's containers: api",
        ("nginx", 1),
    ),
    (
        "D1 firelens without logging",
        BACKEND_IMAGE + "  depends_on:\n    firelens_log_router: start\n",
        "D1",
        Severity.ERROR,
        "container firelens_log_router does not exist; depend on one of the task's containers: api "
        "(firelens_log_router exists only when 'logging' sets more than retention)",
        ("firelens_log_router", 1),
    ),
    (
        "D2 complete on an essential sidecar",
        BACKEND_IMAGE + "  depends_on:\n    init: complete\nsidecars:\n  init:\n    image: busybox\n",
        "D2",
        Severity.ERROR,
        "validate api container dependencies status: essential container init can only have status START or "
        "HEALTHY; use start or healthy, or set sidecars.init.essential: false",
        ("complete", 1),
    ),
    (
        "D2 success on the main container",
        BACKEND_IMAGE + "sidecars:\n  init:\n    image: busybox\n    depends_on:\n      api: success\n",
        "D2",
        Severity.ERROR,
        "validate init container dependencies status: essential container api can only have status START or "
        "HEALTHY; use start or healthy",
        ("success", 1),
    ),
    (
        "D3 self dependency",
        BACKEND_IMAGE + "sidecars:\n  init:\n    image: busybox\n    depends_on:\n      init: start\n",
        "D3",
        Severity.ERROR,
        "container init cannot depend on itself; remove this dependency",
        ("init", 2),
    ),
    (
        "X-healthy-without-healthcheck",
        BACKEND_IMAGE + "  depends_on:\n    proxy: healthy\nsidecars:\n  proxy:\n    image: envoy\n",
        "X-healthy-without-healthcheck",
        Severity.WARNING,
        "container proxy has no health check, so a HEALTHY dependency on it can never be met and the task does "
        "not start (not checked by Copilot); add sidecars.proxy.healthcheck",
        ("healthy", 1),
    ),
]

PASSING = [
    (
        "D6 a variable can complete the status",
        BACKEND_IMAGE + "  depends_on:\n    nginx: st${REST}\nsidecars:\n  nginx:\n    image: n\n",
        "D6",
    ),
    (
        "D6 a variable alone",
        BACKEND_IMAGE + "  depends_on:\n    nginx: ${STATUS}\nsidecars:\n  nginx:\n    image: n\n",
        "D6",
    ),
    (
        "D1 sidecar exists",
        BACKEND_IMAGE + "  depends_on:\n    nginx: start\nsidecars:\n  nginx:\n    image: n\n",
        "D1",
    ),
    (
        "D1 firelens with logging",
        BACKEND_IMAGE + "  depends_on:\n    firelens_log_router: start\n"
        "logging:\n  destination:\n    Name: cloudwatch\n",
        "D1",
    ),  # fmt: skip
    (
        "D6 complete on a non-essential sidecar",
        BACKEND_IMAGE
        + "  depends_on:\n    init: complete\nsidecars:\n  init:\n    image: b\n    essential: false\n",
        "D2",
    ),  # fmt: skip
    (
        "D6 any status on firelens",
        BACKEND_IMAGE + "  depends_on:\n    firelens_log_router: success\nlogging:\n  image: fluent\n",
        "D2",
    ),  # fmt: skip
    (
        "D2 invalid status is the schema's",
        BACKEND_IMAGE + "  depends_on:\n    init: bogus\nsidecars:\n  init:\n    image: b\n",
        "D2",
    ),  # fmt: skip
    (
        "healthy with a health check",
        BACKEND_IMAGE + "  depends_on:\n    proxy: HEALTHY\n"
        "sidecars:\n  proxy:\n    image: e\n    healthcheck:\n      command: [CMD, true]\n",
        "X-healthy-without-healthcheck",
    ),  # fmt: skip
    (
        "no dependency rules on RDWS",
        "name: a\ntype: Request-Driven Web Service\nimage:\n  location: x\n  port: 80\n"
        "  depends_on:\n    nope: start\n",
        "D1",
    ),  # fmt: skip
]


@pytest.mark.parametrize(("text", "code", "severity", "message", "where"), cases(FAILING))
def test_rule_reports(text: str, code: str, severity: Severity, message: str, where: tuple[str, int]) -> None:
    assert_reports(text, code, severity, message, where)


@pytest.mark.parametrize(("text", "code"), cases(PASSING))
def test_rule_stays_quiet(text: str, code: str) -> None:
    assert_quiet(text, code)


def test_d4_cycle_marks_every_edge_and_links_the_others() -> None:
    text = (
        BACKEND_IMAGE
        + "sidecars:\n"
        + "  alpha:\n    image: a\n    depends_on:\n      beta: start\n"
        + "  beta:\n    image: b\n    depends_on:\n      gamma: start\n"
        + "  gamma:\n    image: c\n    depends_on:\n      alpha: start\n"
    )
    found = findings(text, "D4")
    message = (
        "circular container dependency chain includes the following containers: [alpha beta gamma]; "
        "remove one of these depends_on entries"
    )
    assert {f.message for f in found} == {message}
    assert [f.span for f in found] == [
        span_of(text, "beta", 1),
        span_of(text, "gamma", 1),
        span_of(text, "alpha", 2),
    ]
    assert all(len(f.related) == 2 for f in found)
    assert all(f.severity is Severity.ERROR for f in found)


def test_d4_two_node_cycle_between_main_and_sidecar() -> None:
    text = (
        BACKEND_IMAGE
        + "  depends_on:\n    init: start\nsidecars:\n  init:\n    image: b\n    depends_on:\n      api: start\n"
    )
    found = findings(text, "D4")
    assert len(found) == 2
    assert "[api init]" in found[0].message


def test_d1_links_the_existing_containers() -> None:
    text = BACKEND_IMAGE + "  depends_on:\n    ngnix: start\nsidecars:\n  nginx:\n    image: n\n"
    (finding,) = findings(text, "D1")
    assert [r.span for r in finding.related] == [span_of(text, "api", 1), span_of(text, "nginx", 1)]
