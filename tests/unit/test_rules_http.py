"""Load balancer rules A1-A7 and N1-N2: one row per case, each verdict Copilot v1.34.1's own."""

from __future__ import annotations

import pytest
from test_rules_support import assert_copilot, assert_quiet, cases, findings

from manifest_sets import BACKEND, LBWS_IMAGE

# (id, manifest, code, Copilot's message, where)
REPORTS = [
    ("no-http", LBWS_IMAGE, "A1", '"http" must be specified', "type"),
    (
        "nlb-only-without-http-false",
        LBWS_IMAGE + "nlb:\n  port: 80/tcp\n",
        "A1",
        '"http" must be specified',
        "type",
    ),
    ("http-null", LBWS_IMAGE + "http:\n", "A1", '"http" must be specified', "http"),
    (
        "http-false-no-nlb",
        LBWS_IMAGE + "http: false\n",
        "A2",
        'must specify at least one of "http" or "nlb"',
        "false",
    ),
    (
        "http-false-empty-nlb",
        LBWS_IMAGE + "http: false\nnlb: {}\n",
        "A2",
        'must specify at least one of "http" or "nlb"',
        "false",
    ),
    (
        "alias-only",
        LBWS_IMAGE + "http:\n  alias: example.com\n",
        "A3",
        'validate "http": "path" must be specified',
        "http",
    ),
    (
        "backend-target-port-only",
        BACKEND + "http:\n  target_port: 80\n",
        "A3",
        'validate "http": "path" must be specified',
        "http",
    ),
    (
        "empty-source-ips-is-set",
        LBWS_IMAGE + "http:\n  allowed_source_ips: []\n",
        "A3",
        'validate "http": "path" must be specified',
        "http",
    ),
    (
        "hosted-zone-without-alias",
        LBWS_IMAGE + "http:\n  path: /\n  hosted_zone: Z123\n",
        "A4",
        'validate "http": "alias" must be specified if "hosted_zone" is specified',
        "hosted_zone",
    ),
    (
        "hosted-zone-empty-alias-list",
        LBWS_IMAGE + "http:\n  path: /\n  hosted_zone: Z123\n  alias: []\n",
        "A4",
        'validate "http": "alias" must be specified if "hosted_zone" is specified',
        "hosted_zone",
    ),
    (
        "hosted-zone-in-additional-rule",
        LBWS_IMAGE
        + "http:\n  path: /\n  alias: a.com\n  additional_rules:\n    - path: /b\n      hosted_zone: Z1\n",
        "A4",
        'validate "http": validate "additional_rules[0]": "alias" must be specified if "hosted_zone" is specified',
        "hosted_zone",
    ),
    (
        "source-ip-without-prefix",
        LBWS_IMAGE + "http:\n  path: /\n  allowed_source_ips: [10.0.0.0/24, 10.0.0.1]\n",
        "A5",
        'validate "http": validate "allowed_source_ips[1]": parse IPNet 10.0.0.1: invalid CIDR address: 10.0.0.1',
        "10.0.0.1",
    ),
    (
        "source-ip-leading-zero",
        BACKEND + "http:\n  path: /\n  allowed_source_ips: [010.0.0.0/8]\n",
        "A5",
        'validate "http": validate "allowed_source_ips[0]": parse IPNet 010.0.0.0/8: invalid CIDR address: '
        "010.0.0.0/8",
        "010.0.0.0/8",
    ),
    (
        "source-ip-netmask",
        LBWS_IMAGE + "http:\n  path: /\n  allowed_source_ips: [10.0.0.0/255.0.0.0]\n",
        "A5",
        'validate "http": validate "allowed_source_ips[0]": parse IPNet 10.0.0.0/255.0.0.0: invalid CIDR '
        "address: 10.0.0.0/255.0.0.0",
        "10.0.0.0/255.0.0.0",
    ),
    (
        "five-conditions",
        LBWS_IMAGE
        + "http:\n  path: /\n  alias: [a.com, b.com, c.com]\n  allowed_source_ips: [10.0.0.0/24, 10.0.1.0/24]\n",
        "A6",
        'validate "http": validate condition values per listener rule: listener rule has more than five '
        "conditions a.com, b.com and c.com 10.0.0.0/24 and 10.0.1.0/24",
        "alias",
    ),
    (
        "five-source-ips",
        LBWS_IMAGE
        + "http:\n  path: /\n  allowed_source_ips: [1.0.0.0/8, 2.0.0.0/8, 3.0.0.0/8, 4.0.0.0/8, 5.0.0.0/8]\n",
        "A6",
        'validate "http": validate condition values per listener rule: listener rule has more than five '
        "conditions  1.0.0.0/8, 2.0.0.0/8, 3.0.0.0/8, 4.0.0.0/8 and 5.0.0.0/8",
        "allowed_source_ips",
    ),
    (
        "alias-map-without-name",
        LBWS_IMAGE + "http:\n  path: /\n  alias:\n    - hosted_zone: Z1\n",
        "A7",
        'validate "http": validate "alias": "name" must be specified',
        "hosted_zone",
    ),
    (
        "nlb-alias-map-without-name",
        LBWS_IMAGE + "http: false\nnlb:\n  port: 80/tcp\n  alias:\n    - hosted_zone: Z1\n",
        "A7",
        'validate "nlb": validate "alias": "name" must be specified',
        "hosted_zone",
    ),
    (
        "nlb-without-port",
        LBWS_IMAGE + "http: false\nnlb:\n  target_port: 80\n",
        "N1",
        'validate "nlb": "port" must be specified',
        "nlb",
    ),
    (
        "nlb-alias-only",
        LBWS_IMAGE + "http:\n  path: /\nnlb:\n  alias:\n    - name: a.com\n",
        "N1",
        'validate "nlb": "port" must be specified',
        "nlb",
    ),
    (
        "nlb-healthcheck-interval",
        LBWS_IMAGE + "http:\n  path: /\nnlb:\n  healthcheck: {interval: 5s}\n",
        "N1",
        'validate "nlb": "port" must be specified',
        "nlb",
    ),
    (
        "nlb-hosted-zone",
        LBWS_IMAGE
        + "http: false\nnlb:\n  port: 80/tcp\n  alias:\n    - name: a.com\n      hosted_zone: Z1\n",
        "N2",
        'validate "nlb": "hosted_zone" is not supported for Network Load Balancer',
        "hosted_zone",
    ),
]

# (id, manifest Copilot accepts, code that must stay quiet)
QUIET = [
    ("http-path", LBWS_IMAGE + "http:\n  path: /\n", "A1"),
    ("http-true", LBWS_IMAGE + "http: true\n", "A1"),
    ("nlb-only", LBWS_IMAGE + "http: false\nnlb:\n  port: 80/tcp\n", "A2"),
    ("http-no-with-nlb-alias", LBWS_IMAGE + "http: no\nnlb:\n  port: 80/tcp\n  alias: a.com\n", "A2"),
    ("backend-without-http", BACKEND, "A3"),
    ("backend-http-empty-map", BACKEND + "http: {}\n", "A3"),
    ("alias-with-hosted-zone", LBWS_IMAGE + "http:\n  path: /\n  alias: a.com\n  hosted_zone: Z1\n", "A4"),
    (
        "source-ips-cidr",
        LBWS_IMAGE + "http:\n  path: /\n  allowed_source_ips: [10.0.0.1/32, '::ffff:1.2.3.4/128']\n",
        "A5",
    ),
    ("source-ip-variable", LBWS_IMAGE + "http:\n  path: /\n  allowed_source_ips: ['${OFFICE_CIDR}']\n", "A5"),
    (
        "four-conditions",
        LBWS_IMAGE
        + "http:\n  path: /\n  alias: [a.com, b.com]\n  allowed_source_ips: [1.0.0.0/8, 2.0.0.0/8]\n",
        "A6",
    ),
    (
        "alias-maps-with-names",
        LBWS_IMAGE + "http:\n  path: /\n  alias:\n    - name: a.com\n      hosted_zone: Z1\n    - b.com\n",
        "A7",
    ),
    ("nlb-with-port", LBWS_IMAGE + "http:\n  path: /\nnlb:\n  port: 443/tls\n  alias: a.com\n", "N1"),
    ("nlb-empty-map", LBWS_IMAGE + "http:\n  path: /\nnlb: {}\n", "N1"),
    # NLBHealthCheckArgs.isEmpty leaves grace_period out: an nlb with only it is not set.
    (
        "nlb-healthcheck-grace-period-only",
        LBWS_IMAGE + "http:\n  path: /\nnlb:\n  healthcheck: {grace_period: 5s}\n",
        "N1",
    ),
    (
        "nlb-healthcheck-null-only",
        LBWS_IMAGE + "http:\n  path: /\nnlb:\n  healthcheck: {grace_period: ~}\n",
        "N1",
    ),
    (
        "nlb-alias-without-zone",
        LBWS_IMAGE + "http: false\nnlb:\n  port: 80/tcp\n  alias:\n    - name: a.com\n",
        "N2",
    ),
]


@pytest.mark.parametrize(("text", "code", "copilot", "where"), cases(REPORTS))
def test_reports(text: str, code: str, copilot: str, where: str) -> None:
    assert_copilot(text, code, copilot, where)


@pytest.mark.parametrize(("text", "code"), cases(QUIET))
def test_quiet(text: str, code: str) -> None:
    assert_quiet(text, code)


def test_hosted_zone_only_in_one_environment_names_it() -> None:
    text = LBWS_IMAGE + "http:\n  path: /\nenvironments:\n  prod:\n    http:\n      hosted_zone: Z1\n"
    [finding] = findings(text, "A4")
    assert finding.message.startswith(
        'in environment \'prod\': validate "http": "alias" must be specified if "hosted_zone" is specified; '
    )
