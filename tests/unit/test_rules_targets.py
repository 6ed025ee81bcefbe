"""Target container rules: T1, T2, T3 and X-target-container-camel."""

from __future__ import annotations

import pytest
from test_rules_support import assert_quiet, assert_reports, cases, findings, span_of

from manifest_sets import BACKEND_IMAGE, LBWS_IMAGE
from sidecar_lsp.core.model import Severity

FAILING = [
    (
        "T1 a map dropped from the http map targets the empty name",
        LBWS_IMAGE + "http:\n  path: /\n  target_container: {a: 1}\n",
        "T1",
        Severity.ERROR,
        'validate load balancer target for "http": target container "" doesn\'t exist; target the main '
        "container or a sidecar with a port (api)",
        ("{a: 1}", 1),
    ),
    (
        "T1 unknown target",
        LBWS_IMAGE
        + "http:\n  path: /\n  target_container: envoy\nsidecars:\n  nginx:\n    image: n\n    port: 8080\n",
        "T1",
        Severity.ERROR,
        'validate load balancer target for "http": target container "envoy" doesn\'t exist; target the main '
        "container or a sidecar with a port (api, nginx)",
        ("envoy", 1),
    ),
    (
        "T1 sidecar without port",
        LBWS_IMAGE + "http:\n  path: /\n  target_container: nginx\nsidecars:\n  nginx:\n    image: n\n",
        "T1",
        Severity.ERROR,
        'validate load balancer target for "http": target container "nginx" doesn\'t expose a port; set '
        "sidecars.nginx.port",
        ("nginx", 1),
    ),
    (
        "T1 main container without port (Backend)",
        BACKEND_IMAGE + "http:\n  path: /\n  target_container: api\n",
        "T1",
        Severity.ERROR,
        'validate load balancer target for "http": target container "api" doesn\'t expose a port; set image.port',
        ("api", 2),
    ),
    (
        "T1 additional rule",
        LBWS_IMAGE
        + "http:\n  path: /\n  additional_rules:\n    - path: /admin\n      target_container: ghost\n",
        "T1",
        Severity.ERROR,
        'validate load balancer target for "http.additional_rules[0]": target container "ghost" doesn\'t exist; '
        "target the main container or a sidecar with a port (api)",
        ("ghost", 1),
    ),
    (
        "T1 nlb listener",
        LBWS_IMAGE + "http: false\nnlb:\n  port: 443/tls\n  target_container: tls\n",
        "T1",
        Severity.ERROR,
        'validate target for "nlb": target container "tls" doesn\'t exist; target the main container or a sidecar '
        "with a port (api)",
        ("tls", 2),
    ),
    (
        "T1 LBWS_IMAGE camelCase target is validated too",
        LBWS_IMAGE + "http:\n  path: /\n  targetContainer: nginx\n",
        "T1",
        Severity.ERROR,
        'validate load balancer target for "http": target container "nginx" doesn\'t exist; target the main '
        "container or a sidecar with a port (api)",
        ("nginx", 1),
    ),
    (
        "T2 both spellings",
        LBWS_IMAGE + "http:\n  path: /\n  target_container: api\n  targetContainer: api\n",
        "T2",
        Severity.ERROR,
        'validate "http": must specify one, not both, of "target_container" and "targetContainer"; remove the '
        "deprecated targetContainer",
        ("targetContainer", 1),
    ),
    (
        "T2 Backend: base camelCase, override snake_case (nothing moves the camelCase)",
        BACKEND_IMAGE
        + "http:\n  path: /\n  targetContainer: api\nenvironments:\n  prod:\n    http:\n      target_container: api\n",
        "T2",
        Severity.ERROR,
        'in environment \'prod\': validate "http": must specify one, not both, of "target_container" and '
        '"targetContainer"; remove the deprecated targetContainer',
        ("targetContainer", 1),
    ),
    (
        "T3 Backend alias without any port",
        BACKEND_IMAGE + "network:\n  connect:\n    alias: api.local\n",
        "T3",
        Severity.ERROR,
        'cannot set "network.connect.alias" when no ports are exposed; set image.port or http.target_container, '
        "or remove network.connect.alias",
        ("api.local", 1),
    ),
    (
        "T3 Worker alias",
        "name: w\ntype: Worker Service\nimage:\n  location: x\nnetwork:\n  connect:\n    alias: wrk\n",
        "T3",
        Severity.ERROR,
        'cannot set "network.connect.alias" when no ports are exposed; a Worker Service exposes no ports; '
        "remove network.connect.alias",
        ("wrk", 1),
    ),
    (
        "X-target-container-camel deprecated in LBWS_IMAGE",
        LBWS_IMAGE + "http:\n  path: /\n  targetContainer: api\n",
        "X-target-container-camel",
        Severity.WARNING,
        "http.targetContainer is deprecated (kept for backwards compatibility); rename it to target_container",
        ("targetContainer", 1),
    ),
    (
        "X-target-container-camel ignored in Backend",
        BACKEND_IMAGE + "  port: 80\nhttp:\n  path: /\n  targetContainer: api\n",
        "X-target-container-camel",
        Severity.WARNING,
        "http.targetContainer is ignored in a Backend Service: traffic goes to the main container (not reported "
        "by Copilot); rename it to target_container",
        ("targetContainer", 1),
    ),
    (
        "X-target-container-camel in an additional rule",
        LBWS_IMAGE + "http:\n  path: /\n  additional_rules:\n    - path: /a\n      targetContainer: api\n",
        "X-target-container-camel",
        Severity.WARNING,
        "http.additional_rules[0].targetContainer is ignored: only the top-level http block accepts the camelCase "
        "spelling (not reported by Copilot); rename it to target_container",
        ("targetContainer", 1),
    ),
]

PASSING = [
    (
        "T1 a list in an additional rule is a decode error, not an empty target",
        BACKEND_IMAGE
        + "http:\n  path: /\n  additional_rules:\n    - path: /a\n      target_container: [x]\n",
        "T1",
    ),
    (
        "T1 target is the main container with port",
        LBWS_IMAGE + "http:\n  path: /\n  target_container: api\n",
        "T1",
    ),
    (
        "T1 Backend camelCase is ignored, not validated",
        BACKEND_IMAGE + "http:\n  path: /\n  targetContainer: ghost\n",
        "T1",
    ),
    (
        "T3 Backend alias with image.port",
        BACKEND_IMAGE + "  port: 80\nnetwork:\n  connect:\n    alias: a\n",
        "T3",
    ),
    (
        "T3 Backend alias with target_container",
        BACKEND_IMAGE + "http:\n  path: /\n  target_container: x\nnetwork:\n  connect:\n    alias: a\n",
        "T3",
    ),  # fmt: skip
    (
        "T3 connect true",
        "name: w\ntype: Worker Service\nimage:\n  location: x\nnetwork:\n  connect: true\n",
        "T3",
    ),
    (
        "T2 Load Balanced Web Service: base camelCase, override snake_case (each map's camelCase moves)",
        LBWS_IMAGE
        + "http:\n  path: /\n  targetContainer: api\nenvironments:\n  prod:\n    http:\n      target_container: api\n",
        "T2",
    ),
    (
        "camel with snake is T2's",
        LBWS_IMAGE + "http:\n  path: /\n  target_container: api\n  targetContainer: api\n",
        "X-target-container-camel",
    ),  # fmt: skip
]


@pytest.mark.parametrize(("text", "code", "severity", "message", "where"), cases(FAILING))
def test_rule_reports(text: str, code: str, severity: Severity, message: str, where: tuple[str, int]) -> None:
    assert_reports(text, code, severity, message, where)


@pytest.mark.parametrize(("text", "code"), cases(PASSING))
def test_rule_stays_quiet(text: str, code: str) -> None:
    assert_quiet(text, code)


def test_t1_offers_the_nearest_targets_as_fixes() -> None:
    text = (
        LBWS_IMAGE
        + "http:\n  path: /\n  target_container: ngnix\nsidecars:\n  nginx:\n    image: n\n    port: 81\n"
    )
    (finding,) = findings(text, "T1")
    assert [fix.title for fix in finding.fixes] == ["Change to 'api'", "Change to 'nginx'"]
    assert finding.fixes[1].edits[0].span == span_of(text, "ngnix")


def test_camel_case_fix_renames_the_key() -> None:
    text = LBWS_IMAGE + "http:\n  path: /\n  targetContainer: api\n"
    (finding,) = findings(text, "X-target-container-camel")
    (fix,) = finding.fixes
    assert [(e.span, e.new_text) for e in fix.edits] == [
        (span_of(text, "targetContainer"), "target_container")
    ]
