"""Exposed-port and health-check rules: P1, P2 (with the P3 positive cases of Copilot's tests), H1, H2."""

from __future__ import annotations

import pytest
from test_rules_support import assert_reports, cases, findings, span_of

from manifest_sets import LBWS_IMAGE
from sidecar_lsp.core.model import Severity

FAILING = [
    (
        "P1 main container and sidecar on the same port",
        LBWS_IMAGE + "http:\n  path: /\nsidecars:\n  foo:\n    image: f\n    port: 80\n",
        "P1",
        'containers "api" and "foo" are exposing the same port 80; give one of them another port, or point '
        "target_container at the one that owns it",
        ("80", 1),
    ),
    (
        "P1 alb target_port on one sidecar's port, target_container another sidecar",
        LBWS_IMAGE
        + "http:\n  path: /\n  target_container: nginx\n  target_port: 81\n"
        + "sidecars:\n  nginx:\n    image: n\n    port: 8080\n  foo:\n    image: f\n    port: 81\n",
        "P1",
        'containers "nginx" and "foo" are exposing the same port 81; give one of them another port, or point '
        "target_container at the one that owns it",
        ("81", 1),
    ),
    (
        "P1 two sidecars of a worker",
        "name: w\ntype: Worker Service\nimage:\n  location: x\n"
        + "sidecars:\n  a:\n    image: a\n    port: 9000\n  b:\n    image: b\n    port: 9000\n",
        "P1",
        'containers "b" and "a" are exposing the same port 9000; give one of them another port, or point '
        "target_container at the one that owns it",
        ("9000", 2),
    ),
    (
        "P2 nlb target_port matches a udp sidecar port",
        LBWS_IMAGE
        + "http: false\nnlb:\n  port: 8080/tcp\n  target_port: 80\n  target_container: foo\n"
        + "sidecars:\n  foo:\n    image: f\n    port: 80/udp\n",
        "P2",
        'container "foo" is exposing the same port 80 with protocol TCP and UDP; use one protocol per port',
        ("80", 4),
    ),
    (
        "H1 nlb health check on a udp port",
        LBWS_IMAGE
        + "http: false\nnlb:\n  port: 8080/udp\n  target_port: 8080\n  healthcheck:\n    port: 8080\n",
        "H1",
        'container "api" exposes port 8080 using protocol udp invalid for health checks. Valid protocol is "TCP"; '
        "point healthcheck.port at a TCP port",
        ("8080", 3),
    ),
    (
        "H1 alb health check from image.port exposed over udp by the nlb",
        LBWS_IMAGE + "http:\n  path: /\nnlb:\n  port: 80/udp\n  healthcheck:\n    port: 81\n",
        "H1",
        'container "api" exposes port 80 using protocol udp invalid for health checks. Valid protocol is "TCP"; '
        "point healthcheck.port at a TCP port",
        ("80", 1),
    ),
    (
        "H2 grace period in an additional rule",
        LBWS_IMAGE
        + "http:\n  path: /\n  additional_rules:\n    - path: /a\n      healthcheck:\n        grace_period: 5s\n",
        "H2",
        'validate "grace_period": "grace_period" specified for "http.additional_rules[0]"; specify "grace_period" '
        'under the top-level "http.healthcheck" instead',
        ("grace_period", 1),
    ),
    (
        "H2 grace period on both http and nlb",
        LBWS_IMAGE
        + "http:\n  path: /\n  healthcheck:\n    grace_period: 5s\n"
        + "nlb:\n  port: 443/tls\n  healthcheck:\n    grace_period: 5s\n",
        "H2",
        'validate "grace_period": must specify one, not both, of "http.healthcheck.grace_period" and '
        '"nlb.healthcheck.grace_period"; "grace_period" is shared by "http" and "nlb", specify it once',
        ("grace_period", 2),
    ),
]


@pytest.mark.parametrize(("text", "code", "message", "where"), cases(FAILING))
def test_rule_reports(text: str, code: str, message: str, where: tuple[str, int]) -> None:
    assert_reports(text, code, Severity.ERROR, message, where)


# The positive cases of Copilot's TestValidateExposedPorts (reference §6.P3) and TestValidateHealthCheckPorts.
P3_PASSING = [
    (
        "main container uses a non-default protocol",
        LBWS_IMAGE + "http: false\nnlb:\n  port: 80/udp\n",
    ),
    (
        "alb target_port equals a sidecar port, target_container empty",
        LBWS_IMAGE + "http:\n  path: /\n  target_port: 81\nsidecars:\n  foo:\n    image: f\n    port: 81\n",
    ),
    (
        "nlb target_port equals a sidecar port, target_container empty",
        LBWS_IMAGE
        + "http: false\nnlb:\n  port: 8080/tcp\n  target_port: 81\nsidecars:\n  foo:\n    image: f\n    port: 81\n",
    ),
    (
        "nlb target_port equals a udp sidecar port, target_container empty",
        LBWS_IMAGE
        + "http: false\nnlb:\n  port: 8080/udp\n  target_port: 81\nsidecars:\n  foo:\n    image: f\n    port: 81/udp\n",
    ),
    (
        "tls terminated at the nlb exposes a tcp port",
        LBWS_IMAGE + "http: false\nnlb:\n  port: 443/tls\n  target_port: 80\n",
    ),
    (
        "target_port and target_container name the main container's own port",
        LBWS_IMAGE + "http:\n  path: /\n  target_container: api\n  target_port: 80\n",
    ),
    (
        "target_port and target_container name a sidecar's own port",
        LBWS_IMAGE
        + "http:\n  path: /\n  target_container: foo\n  target_port: 81\nsidecars:\n  foo:\n    image: f\n"
        "    port: 81\n",
    ),
    (
        "multiple ports through additional_rules",
        LBWS_IMAGE
        + "http:\n  path: /\n  target_port: 81\n  additional_rules:\n    - path: /a\n      target_port: 82\n"
        "    - path: /b\n      target_port: 80\n",
    ),
    (
        "alb and nlb target_port expose the same port of the primary container",
        LBWS_IMAGE + "http:\n  path: /\n  target_port: 81\nnlb:\n  port: 8080/tcp\n  target_port: 81\n",
    ),
    (
        "alb and nlb target_port expose the same port of a sidecar",
        LBWS_IMAGE + "http:\n  path: /\n  target_container: foo\n  target_port: 81\n"
        "nlb:\n  port: 8080/tcp\n  target_container: foo\n  target_port: 81\nsidecars:\n  foo:\n    image: f\n",
    ),
    (
        "nlb exposes multiple ports",
        LBWS_IMAGE + "http: false\nnlb:\n  port: 8080/tcp\n  additional_listeners:\n    - port: 8081/tcp\n"
        "    - port: 8082/udp\n",
    ),
    (
        "nlb health check on a udp listener pointed at a tcp port",
        LBWS_IMAGE + "http: false\nnlb:\n  port: 8081/udp\n  healthcheck:\n    port: 80\n",
    ),
    (
        "a float health check port decodes truncated (3.5 is port 3), not the listener's udp port",
        LBWS_IMAGE + "http: false\nnlb:\n  port: 8081/udp\n  healthcheck:\n    port: 3.5\n",
    ),
]


@pytest.mark.parametrize("text", cases(P3_PASSING))
def test_positive_port_cases_have_no_port_finding(text: str) -> None:
    assert [f for f in findings(text) if f.code in ("P1", "P2")] == []


def test_p1_links_the_first_exposer() -> None:
    text = LBWS_IMAGE + "http:\n  path: /\nsidecars:\n  foo:\n    image: f\n    port: 80\n"
    (finding,) = findings(text, "P1")
    assert [r.span for r in finding.related] == [span_of(text, "80", 2)]
    assert "foo" in finding.related[0].message


def test_h1_float_health_check_port_truncated_onto_the_udp_port() -> None:
    text = LBWS_IMAGE + "http: false\nnlb:\n  port: 8081/udp\n  healthcheck:\n    port: 8081.7\n"
    (finding,) = findings(text, "H1")
    assert finding.span == span_of(text, "8081.7")


def test_h1_udp_nlb_listener_without_health_check_port() -> None:
    text = LBWS_IMAGE + "http: false\nnlb:\n  port: 80/udp\n"
    (finding,) = findings(text, "H1")
    assert finding.span == span_of(text, "80/udp")


def test_h2_no_grace_period_rule_for_backend() -> None:
    text = (
        "name: b\ntype: Backend Service\nimage:\n  location: x\n  port: 80\n"
        "http:\n  path: /\n  additional_rules:\n    - path: /a\n      healthcheck:\n        grace_period: 5s\n"
    )
    assert findings(text, "H2") == []
