"""Platform, Windows, ARM and Request-Driven Web Service rules: W3-W7, R1-R3, X-windows-unsupported."""

from __future__ import annotations

import pytest
from test_rules_support import assert_quiet, assert_reports, cases, findings, span_of

from manifest_sets import LBWS, RDWS
from sidecar_lsp.core.model import Severity

VALID_PAIRS = (
    "('linux', 'x86_64'), ('linux', 'amd64'), ('linux', 'arm'), ('linux', 'arm64'), ('windows', 'x86_64'), "
    "('windows', 'amd64'), ('windows_server_2019_core', 'x86_64'), ('windows_server_2019_core', 'amd64'), "
    "('windows_server_2019_full', 'x86_64'), ('windows_server_2019_full', 'amd64'), "
    "('windows_server_2022_core', 'x86_64'), ('windows_server_2022_core', 'amd64'), "
    "('windows_server_2022_full', 'x86_64'), ('windows_server_2022_full', 'amd64')"
)

FAILING = [
    (
        "W3 only osfamily",
        LBWS + "platform:\n  osfamily: linux\n",
        "W3",
        Severity.ERROR,
        'validate "platform": fields "osfamily" and "architecture" must either both be specified or both be empty; '
        "add platform.architecture",
        ("platform", 1),
    ),
    (
        "W4 windows on arm",
        LBWS + "platform:\n  osfamily: windows\n  architecture: arm64\n",
        "W4",
        Severity.ERROR,
        "validate \"platform\": platform pair ('windows', 'arm64') is invalid: fields ('osfamily', 'architecture') "
        f"must be one of {VALID_PAIRS}",
        ("arm64", 1),
    ),
    (
        "W5 windows read-only root file system",
        LBWS + "platform: windows/x86_64\nstorage:\n  readonly_fs: true\n",
        "W5",
        Severity.ERROR,
        "validate Windows: \"readonly_fs\" can not be set to 'true' when deploying a Windows container; remove "
        "storage.readonly_fs or set it to false",
        ("true", 1),
    ),
    (
        "W6 windows with efs",
        LBWS + "platform: windows/x86_64\nstorage:\n  volumes:\n    data:\n      path: /d\n      efs: true\n",
        "W6",
        Severity.ERROR,
        "validate Windows: 'EFS' is not supported when deploying a Windows container; remove the efs setting of "
        "volume 'data' (an efs-less volume is a task-local scratch volume)",
        ("true", 1),
    ),
    (
        "W7 windows with service connect",
        LBWS + "platform: windows/x86_64\nnetwork:\n  connect: true\n",
        "W7",
        Severity.ERROR,
        "validate Windows: service connect (`network.connect`) is not supported for Windows; remove "
        "network.connect or set it to false",
        ("true", 1),
    ),
    (
        "R1 rdws on windows",
        RDWS + "platform: windows/amd64\n",
        "R1",
        Severity.ERROR,
        "Windows is not supported for App Runner services; remove platform (App Runner runs linux/x86_64)",
        ("windows/amd64", 1),
    ),
    (
        "R2 rdws with any platform",
        RDWS + "platform: linux/x86_64\n",
        "R2",
        Severity.ERROR,
        "App Runner services can only build on amd64 and x86_64 architectures; remove platform: Copilot rejects "
        "every platform value on a Request-Driven Web Service, even linux/x86_64",
        ("linux/x86_64", 1),
    ),
    (
        "R3 rdws public placement",
        RDWS + "network:\n  vpc:\n    placement: public\n",
        "R3",
        Severity.ERROR,
        'placement "public" is not supported for Request-Driven Web Service; use placement: private',
        ("public", 1),
    ),
    (
        "X-windows-unsupported firelens",
        LBWS + "platform: windows/x86_64\nlogging:\n  destination:\n    Name: cloudwatch\n",
        "X-windows-unsupported",
        Severity.WARNING,
        "FireLens (logging) is not supported with a Windows main container, per the Copilot docs (not checked by "
        "Copilot); remove logging to keep the default awslogs driver",
        ("logging", 1),
    ),
]

PASSING = [
    ("W4 valid pair, mixed case", LBWS + "platform:\n  osfamily: Linux\n  architecture: ARM64\n", "W4"),
    ("W5 readonly on linux", LBWS + "storage:\n  readonly_fs: true\n", "W5"),
    (
        "W6 scratch volume on windows",
        LBWS + "platform: windows/x86_64\nstorage:\n  volumes:\n    d:\n      path: /d\n      efs: false\n",
        "W6",
    ),  # fmt: skip
    (
        "W7 corpus windows service with connect false",
        LBWS + "platform: windows/x86_64\nnetwork:\n  connect: false\n",
        "W7",
    ),  # fmt: skip
    ("R3 private placement", RDWS + "network:\n  vpc:\n    placement: private\n", "R3"),
    ("R3 subnets map", RDWS + "network:\n  vpc:\n    placement:\n      subnets: [a, b]\n", "R3"),
    ("R2 windows is R1's", RDWS + "platform: windows/amd64\n", "R2"),
]


@pytest.mark.parametrize(("text", "code", "severity", "message", "where"), cases(FAILING))
def test_rule_reports(text: str, code: str, severity: Severity, message: str, where: tuple[str, int]) -> None:
    assert_reports(text, code, severity, message, where)


@pytest.mark.parametrize(("text", "code"), cases(PASSING))
def test_rule_stays_quiet(text: str, code: str) -> None:
    assert_quiet(text, code)


def test_windows_rules_link_the_platform() -> None:
    text = LBWS + "platform: windows/x86_64\nstorage:\n  readonly_fs: true\n"
    (finding,) = findings(text, "W5")
    assert [r.span for r in finding.related] == [span_of(text, "windows/x86_64")]


@pytest.mark.parametrize(
    "count",
    [
        "count:\n  spot: 2\n",
        "count:\n  range:\n    min: 1\n    max: 4\n    spot_from: 2\n  cpu_percentage: 70\n",
    ],
    ids=["spot", "spot_from"],
)
def test_arm_may_use_fargate_spot(count: str) -> None:
    """v1.34.1 (aws/copilot-cli#5943) lets ARM tasks run on Fargate Spot: nothing is reported."""
    assert findings(LBWS + "platform: linux/arm64\n" + count) == []
