"""Environment manifest rules E1-E15 (``validate_env.go``): one row per case, each verdict Copilot
v1.34.1's own."""

from __future__ import annotations

import pytest
from test_rules_support import assert_copilot, assert_quiet, cases, findings

from manifest_sets import ENVIRONMENT

CERT = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
IMPORTED = (
    ENVIRONMENT
    + "network:\n  vpc:\n    id: vpc-1\n    subnets:\n      public:\n        - id: s1\n        - id: s2\n"
    "      private:\n        - id: s3\n        - id: s4\n"
)
ADJUSTED = "network:\n  vpc:\n    cidr: 10.0.0.0/16\n    subnets:\n"
IMPORTED_PREFIX = 'validate "network": validate "vpc": validate "subnets" for an imported VPC: '
ADJUSTED_PREFIX = 'validate "network": validate "vpc": validate "subnets" for an adjusted VPC: '


def subnets(side: str, *items: str) -> str:
    return f"      {side}:\n" + "".join(f"        - {item}\n" for item in items)


# (id, manifest, code, Copilot's message, where)
REPORTS = [
    (
        "import-and-adjust",
        ENVIRONMENT + "network:\n  vpc:\n    id: vpc-1\n    cidr: 10.0.0.0/16\n",
        "E1",
        'validate "network": validate "vpc": cannot import VPC resources (with "id" fields) and customize VPC '
        'resources (with "cidr" and "az" fields) at the same time',
        "10.0.0.0/16",
    ),
    (
        "subnet-id-and-cidr",
        ENVIRONMENT
        + "network:\n  vpc:\n    subnets:\n"
        + subnets("public", "id: s1\n          cidr: 10.0.0.0/24"),
        "E2",
        'validate "network": validate "vpc": validate "subnets": validate "public[0]": must specify one, not both, '
        'of "id" and "cidr"',
        "cidr",
    ),
    (
        "subnet-id-and-az",
        ENVIRONMENT
        + "network:\n  vpc:\n    subnets:\n"
        + subnets("private", "id: s1", "id: s2\n          az: us-east-1a"),
        "E2",
        'validate "network": validate "vpc": validate "subnets": validate "private[1]": must specify one, not '
        'both, of "id" and "az"',
        "az",
    ),
    (
        "imported-subnet-without-id",
        ENVIRONMENT
        + "network:\n  vpc:\n    id: vpc-1\n    subnets:\n"
        + subnets("public", "id: s1", "az: us-east-1a"),
        "E3",
        f'{IMPORTED_PREFIX}validate public[1]: "id" must be specified',
        "az",
    ),
    (
        "imported-without-subnets",
        ENVIRONMENT + "network:\n  vpc:\n    id: vpc-1\n",
        "E3",
        f"{IMPORTED_PREFIX}VPC must have subnets in order to proceed with environment creation",
        "vpc-1",
    ),
    (
        "imported-one-public",
        ENVIRONMENT
        + "network:\n  vpc:\n    id: vpc-1\n    subnets:\n"
        + subnets("public", "id: s1")
        + subnets("private", "id: s2", "id: s3"),
        "E3",
        f'{IMPORTED_PREFIX}validate "public": at least two public subnets must be imported to enable Load Balancing',
        "public",
    ),
    (
        "imported-one-private",
        ENVIRONMENT + "network:\n  vpc:\n    id: vpc-1\n    subnets:\n" + subnets("private", "id: s2"),
        "E3",
        f'{IMPORTED_PREFIX}validate "private": at least two private subnets must be imported',
        "private",
    ),
    (
        "adjusted-subnet-without-cidr",
        ENVIRONMENT
        + ADJUSTED
        + subnets("public", "cidr: 10.0.0.0/24", "cidr: 10.0.1.0/24")
        + subnets("private", "id: subnet-1"),
        "E4",
        f'{ADJUSTED_PREFIX}validate private[0]: "cidr" must be specified',
        ("id", 4),  # the first key of the subnet (the three before are inside "cidr")
    ),
    (
        "adjusted-zones-differ",
        ENVIRONMENT
        + ADJUSTED
        + subnets("public", "cidr: 10.0.0.0/24\n          az: us-east-1a")
        + subnets("private", "cidr: 10.0.1.0/24\n          az: us-east-1b"),
        "E4",
        f"{ADJUSTED_PREFIX}public subnets and private subnets do not span the same availability zones",
        "subnets",
    ),
    (
        "adjusted-one-zone",
        ENVIRONMENT
        + ADJUSTED
        + subnets("public", "cidr: 10.0.0.0/24\n          az: us-east-1a")
        + subnets("private", "cidr: 10.0.1.0/24\n          az: us-east-1a"),
        "E4",
        f"{ADJUSTED_PREFIX}require at least 2 availability zones",
        "subnets",
    ),
    (
        "adjusted-cidrs-per-zone",
        ENVIRONMENT
        + ADJUSTED
        + subnets("public", "cidr: 10.0.0.0/24\n          az: a", "cidr: 10.0.2.0/24\n          az: b")
        + subnets(
            "private",
            "cidr: 10.0.1.0/24\n          az: a",
            "cidr: 10.0.3.0/24\n          az: b",
            "cidr: 10.0.5.0/24\n          az: b",
        ),
        "E4",
        f'{ADJUSTED_PREFIX}validate "private": number of private subnet CIDRs (3) does not match number of AZs (2)',
        "subnets",
    ),
    (
        "ingress-without-cidr",
        ENVIRONMENT
        + "network:\n  vpc:\n    security_group:\n      ingress:\n        - ip_protocol: tcp\n          ports: 80\n",
        "E5",
        'validate "security_group": validate ingress[0]: "cidr" must be specified',
        "ip_protocol",
    ),
    (
        "egress-without-protocol",
        ENVIRONMENT
        + "network:\n  vpc:\n    security_group:\n      egress:\n        - cidr: 0.0.0.0/0\n          ports: 0-65535\n",
        "E5",
        'validate "security_group": validate egress[0]: "ip_protocol" must be specified',
        "cidr",
    ),
    (
        "ingress-without-ports",
        ENVIRONMENT
        + "network:\n  vpc:\n    security_group:\n      ingress:\n        - cidr: 0.0.0.0/0\n          ip_protocol: tcp\n",
        "E5",
        'validate "security_group": validate ingress[0]: "ports" must be specified',
        "cidr",
    ),
    (
        "ports-range-reversed",
        ENVIRONMENT
        + "network:\n  vpc:\n    security_group:\n      egress:\n        - {cidr: 0.0.0.0/0, ip_protocol: tcp, ports: 3-1}\n",
        "E5",
        'validate "security_group": validate egress[0]: min value 3 cannot be greater than max value 1',
        "3-1",
    ),
    (
        "null-subnet-items-are-dropped",
        ENVIRONMENT
        + "network:\n  vpc:\n    id: vpc-1\n    subnets:\n      public:\n        - id: s1\n        -\n"
        "      private:\n        - id: s3\n        - id: s4\n",
        "E3",
        'validate "network": validate "vpc": validate "subnets" for an imported VPC: validate "public": at least '
        "two public subnets must be imported to enable Load Balancing",
        "public",
    ),
    (
        "public-certificate-not-arn",
        ENVIRONMENT + "http:\n  public:\n    certificates: [mock-cert]\n",
        "E6",
        'validate "http config": validate "public": parse "certificates[0]": arn: invalid prefix',
        "mock-cert",
    ),
    (
        "public-certificates-json-array",
        ENVIRONMENT + "http:\n  public:\n    certificates: '[\"a\"]'\n",
        "E6",
        'validate "http config": validate "public": parse "certificates[0]": arn: invalid prefix',
        "'[\"a\"]'",
    ),
    (
        "private-certificate-short-arn",
        ENVIRONMENT + f"http:\n  private:\n    certificates: [{CERT}, 'arn:aws:acm']\n",
        "E6",
        'validate "http config": validate "private": parse "certificates[1]": arn: not enough sections',
        "'arn:aws:acm'",
    ),
    (
        "both-ingress-public",
        ENVIRONMENT
        + "http:\n  public:\n    security_groups:\n      ingress:\n        restrict_to:\n          cdn: true\n"
        "    ingress:\n      cdn: true\ncdn: true\n",
        "E7",
        'validate "http config": validate "public": must specify one, not both, of '
        '"public.http.security_groups.ingress" and "public.http.ingress"',
        "security_groups",
    ),
    (
        "both-ingress-private",
        ENVIRONMENT
        + "http:\n  private:\n    security_groups:\n      ingress:\n        from_vpc: true\n    ingress:\n      vpc: true\n",
        "E7",
        'validate "http config": validate "private": must specify one, not both, of '
        '"private.http.security_groups.ingress" and "private.http.ingress"',
        "security_groups",
    ),
    (
        "public-from-vpc",
        ENVIRONMENT + "http:\n  public:\n    security_groups:\n      ingress:\n        from_vpc: false\n",
        "E8",
        'validate "http config": validate "public": a public load balancer already allows vpc ingress',
        "from_vpc",
    ),
    (
        "private-restrict-to",
        ENVIRONMENT
        + "http:\n  private:\n    security_groups:\n      ingress:\n        restrict_to:\n          source_ips: [10.0.0.0/8]\n",
        "E9",
        'validate "http config": validate "private": an internal load balancer cannot have restrictive ingress fields',
        "restrict_to",
    ),
    (
        "source-ip-without-prefix",
        ENVIRONMENT + "http:\n  public:\n    ingress:\n      source_ips: [10.0.0.1]\n",
        "E10",
        'validate "http config": validate "public": parse IPNet 10.0.0.1: invalid CIDR address: 10.0.0.1',
        "10.0.0.1",
    ),
    (
        "cdn-certificate-not-arn",
        ENVIRONMENT + "cdn:\n  certificate: my-cert\n  terminate_tls: true\n",
        "E11",
        'validate "cdn": parse cdn certificate: arn: invalid prefix',
        "my-cert",
    ),
    (
        "cdn-certificate-region",
        ENVIRONMENT
        + "cdn:\n  certificate: arn:aws:acm:eu-west-1:123456789012:certificate/abc\n  terminate_tls: true\n",
        "E11",
        'validate "cdn": cdn certificate must be in region us-east-1',
        "arn:aws:acm:eu-west-1:123456789012:certificate/abc",
    ),
    (
        "static-assets-alias-only",
        ENVIRONMENT + "cdn:\n  static_assets:\n    alias: static.example.com\n",
        "E12",
        'validate "cdn": validate "static_assets": "location" must be specified',
        "static_assets",
    ),
    (
        "static-assets-without-alias",
        ENVIRONMENT + "cdn:\n  static_assets:\n    location: bucket.s3.amazonaws.com\n    path: static/*\n",
        "E12",
        'validate "cdn": validate "static_assets": "alias" must be specified',
        "static_assets",
    ),
    (
        "cdn-ingress-without-cdn",
        ENVIRONMENT + "http:\n  public:\n    ingress:\n      cdn: true\n",
        "E13",
        "CDN must be enabled to limit security group ingress to CloudFront",
        "true",
    ),
    (
        "deprecated-cdn-ingress-cdn-false",
        ENVIRONMENT
        + "http:\n  public:\n    security_groups:\n      ingress:\n        restrict_to:\n          cdn: true\ncdn: false\n",
        "E13",
        "CDN must be enabled to limit security group ingress to CloudFront",
        "true",
    ),
    (
        "cdn-certificate-without-termination",
        ENVIRONMENT + f"cdn:\n  certificate: {CERT}\n",
        "E14",
        '"cdn.terminate_tls" must be true if "cdn.certificate" is set without "http.public.certificates"',
        CERT,
    ),
    (
        "public-certificates-without-cdn-certificate",
        ENVIRONMENT + f"http:\n  public:\n    certificates: [{CERT}]\ncdn: true\n",
        "E14",
        '"cdn.certificate" must be specified if "http.public.certificates" and "cdn" are specified',
        "cdn",
    ),
    (
        "internal-subnets-without-import",
        ENVIRONMENT + "http:\n  private:\n    subnets: [s1]\n",
        "E15",
        "in order to specify internal ALB subnet placement, subnets must be imported",
        "subnets",
    ),
    (
        "internal-subnets-empty-list",
        ENVIRONMENT + "http:\n  private:\n    subnets: []\n",
        "E15",
        "in order to specify internal ALB subnet placement, subnets must be imported",
        "subnets",
    ),
    (
        "internal-subnet-not-imported",
        IMPORTED + "http:\n  private:\n    subnets: [s3, s9]\n",
        "E15",
        "subnet(s) specified for internal ALB placement not imported",
        "s9",
    ),
    (
        "internal-subnets-without-comma",
        IMPORTED + "http:\n  private:\n    subnets: [s3 s4]\n",
        "E15",
        "subnet(s) specified for internal ALB placement not imported",
        "s3 s4",
    ),
    (
        "internal-subnet-twice",
        IMPORTED + "http:\n  private:\n    subnets: [s3, s3]\n",
        "E15",
        "subnet(s) specified for internal ALB placement not imported",
        ("subnets", 2),
    ),
]

# (id, manifest Copilot accepts, code that must stay quiet)
QUIET = [
    ("imported", IMPORTED, "E1"),
    ("adjusted-empty-id", ENVIRONMENT + "network:\n  vpc:\n    id: ''\n    cidr: 10.0.0.0/16\n", "E1"),
    (
        "subnet-cidr-and-az",
        ENVIRONMENT
        + ADJUSTED
        + subnets("public", "cidr: 10.0.0.0/24\n          az: a", "cidr: 10.0.2.0/24\n          az: b")
        + subnets("private", "cidr: 10.0.1.0/24\n          az: a", "cidr: 10.0.3.0/24\n          az: b"),
        "E2",
    ),
    (
        "imported-private-only",
        ENVIRONMENT
        + "network:\n  vpc:\n    id: vpc-1\n    subnets:\n"
        + subnets("private", "id: s1", "id: s2"),
        "E3",
    ),
    (
        "adjusted-null-subnet-item",
        ENVIRONMENT
        + ADJUSTED
        + subnets("public", "cidr: 10.0.0.0/24")
        + "        -\n"
        + subnets("private", "cidr: 10.0.1.0/24"),
        "E4",
    ),
    (
        "adjusted-without-zones",
        ENVIRONMENT
        + ADJUSTED
        + subnets("public", "cidr: 10.0.0.0/24")
        + subnets("private", "cidr: 10.0.1.0/24"),
        "E4",
    ),
    (
        "adjusted-two-zones",
        ENVIRONMENT
        + ADJUSTED
        + subnets("public", "cidr: 10.0.0.0/24\n          az: a", "cidr: 10.0.2.0/24\n          az: b")
        + subnets("private", "cidr: 10.0.1.0/24\n          az: a", "cidr: 10.0.3.0/24\n          az: b"),
        "E4",
    ),
    (
        "security-group-rule",
        ENVIRONMENT
        + "network:\n  vpc:\n    security_group:\n      ingress:\n        - ip_protocol: tcp\n          ports: 0\n          cidr: 0.0.0.0/0\n",
        "E5",
    ),
    (
        "certificates",
        ENVIRONMENT
        + f"http:\n  public:\n    certificates: [{CERT}, 'arn:::::']\n  private:\n    certificates: ['${{CERT}}']\n",
        "E6",
    ),
    (
        "certificates-json-array-of-arns",
        ENVIRONMENT + f"http:\n  public:\n    certificates: '[\"{CERT}\"]'\n",
        "E6",
    ),
    (
        "new-ingress-only",
        ENVIRONMENT
        + "http:\n  public:\n    ingress:\n      source_ips: [10.0.0.0/8]\n  private:\n    ingress:\n      vpc: true\n",
        "E7",
    ),
    (
        "private-from-vpc",
        ENVIRONMENT + "http:\n  private:\n    security_groups:\n      ingress:\n        from_vpc: true\n",
        "E8",
    ),
    (
        "public-restrict-to",
        ENVIRONMENT
        + "http:\n  public:\n    security_groups:\n      ingress:\n        restrict_to:\n          source_ips: [10.0.0.0/8]\n",
        "E9",
    ),
    (
        "source-ips",
        ENVIRONMENT
        + "http:\n  public:\n    ingress:\n      source_ips: [10.0.0.0/8, '2001:db8::/32', '::ffff:1.2.3.4/33']\n",
        "E10",
    ),
    ("cdn-certificate", ENVIRONMENT + f"cdn:\n  certificate: {CERT}\n  terminate_tls: true\n", "E11"),
    (
        "static-assets",
        ENVIRONMENT
        + "cdn:\n  static_assets:\n    alias: a.example.com\n    location: b.s3.amazonaws.com\n    path: static/*\n",
        "E12",
    ),
    (
        "cdn-ingress-with-cdn-map",
        ENVIRONMENT + "cdn:\n  terminate_tls: false\nhttp:\n  public:\n    ingress:\n      cdn: true\n",
        "E13",
    ),
    (
        "cdn-ingress-false",
        ENVIRONMENT + "cdn: false\nhttp:\n  public:\n    ingress:\n      cdn: false\n",
        "E13",
    ),
    (
        "both-certificates",
        ENVIRONMENT + f"http:\n  public:\n    certificates: [{CERT}]\ncdn:\n  certificate: {CERT}\n",
        "E14",
    ),
    ("cdn-true-alone", ENVIRONMENT + "cdn: true\n", "E14"),
    ("internal-subnets-imported", IMPORTED + "http:\n  private:\n    subnets: [s3, s1]\n", "E15"),
]


@pytest.mark.parametrize(("text", "code", "copilot", "where"), cases(REPORTS))
def test_reports(text: str, code: str, copilot: str, where: str | tuple[str, int]) -> None:
    assert_copilot(text, code, copilot, where)


@pytest.mark.parametrize(("text", "code"), cases(QUIET))
def test_quiet(text: str, code: str) -> None:
    assert_quiet(text, code)


@pytest.mark.parametrize(("text", "_code"), cases(QUIET))
def test_manifests_copilot_accepts_get_no_rule_finding(text: str, _code: str) -> None:
    assert findings(text) == []


def test_a_comma_missing_in_a_flow_list_says_so() -> None:
    [finding] = findings(IMPORTED + "http:\n  private:\n    subnets: [s3 s4]\n", "E15")
    assert "'s3 s4' is one string: separate the subnet ids with commas" in finding.message
