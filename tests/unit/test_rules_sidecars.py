"""Sidecar, main image and name rules: S1, S2, S4, S5, I1, I2, O1, O3, X-null-sidecar, X-reserved-name."""

from __future__ import annotations

import pytest
from test_rules_support import assert_quiet, assert_reports, cases, findings

from manifest_sets import LBWS
from sidecar_lsp.core.model import Severity

FAILING = [
    (
        "S1 sidecar without image",
        LBWS + "sidecars:\n  proxy:\n    port: 8080\n",
        "S1",
        'must specify one of "image", "image.build, or "image.location"; give sidecar \'proxy\' an image URI '
        "(image: <uri>) or a Dockerfile (image.build)",
        ("proxy", 1),
    ),
    (
        "S1 sidecar with null image",
        LBWS + "sidecars:\n  proxy:\n    image:\n",
        "S1",
        'must specify one of "image", "image.build, or "image.location"; give sidecar \'proxy\' an image URI '
        "(image: <uri>) or a Dockerfile (image.build)",
        ("image", 2),
    ),
    (
        "S2 sidecar image with build and location",
        LBWS + "sidecars:\n  proxy:\n    image:\n      build: Dockerfile\n      location: nginx\n",
        "S2",
        'validate "image": must specify one of "build" and "location"; sidecars.proxy.image sets both, keep only one',
        ("location", 2),
    ),
    (
        "S2 sidecar image map with neither",
        LBWS + "sidecars:\n  proxy:\n    image:\n      build: ''\n",
        "S2",
        'validate "image": must specify one of "build" and "location"; add sidecars.proxy.image.build (a '
        "Dockerfile path) or sidecars.proxy.image.location (an image URI)",
        ("image", 2),
    ),
    (
        "S4 mount point without source_volume",
        LBWS + "sidecars:\n  proxy:\n    image: nginx\n    mount_points:\n      - path: /data\n",
        "S4",
        'validate "mount_points[0]": "source_volume" must be specified; name the storage.volumes entry '
        "sidecar 'proxy' mounts",
        ("path: /data", 1),
    ),
    (
        "S5 mount point with empty path",
        LBWS
        + "storage:\n  volumes:\n    data:\n      path: /d\n"
        + "sidecars:\n  proxy:\n    image: nginx\n    mount_points:\n      - source_volume: data\n        path: ''\n",
        "S5",
        'validate "mount_points[0]": "path" must be specified; give the path inside sidecar \'proxy\' where the '
        "volume is mounted",
        ("path", 3),
    ),
    (
        "I1 main image missing",
        "name: api\ntype: Backend Service\n",
        "I1",
        'must specify one of "build" and "location"; add image.build (a Dockerfile path) or image.location '
        "(an image URI)",
        ("Backend Service", 1),
    ),
    (
        "I1 main image with both",
        "name: api\ntype: Backend Service\nimage:\n  build: Dockerfile\n  location: nginx\n",
        "I1",
        'must specify one of "build" and "location"; image sets both, keep only one',
        ("location", 1),
    ),
    (
        "I2 LBWS without image.port",
        LBWS.replace("  port: 80\n", ""),
        "I2",
        'validate "image": "port" must be specified; add image.port with the port your container listens on '
        "(e.g. port: 80)",
        ("image", 1),
    ),
    (
        "O1 empty from_cfn",
        LBWS + "variables:\n  DB:\n    from_cfn: ''\n",
        "O1",
        'validate "DB" "variables": validate "from_cfn": name cannot be an empty string; write the name of the '
        "CloudFormation export to import",
        ("''", 1),
    ),
    (
        "O3 name missing",
        "type: Backend Service\nimage:\n  location: nginx\n",
        "O3",
        '"name" must be specified; add name: <service name> (it is also the main container\'s name)',
        ("Backend Service", 1),
    ),
    (
        "X-null-sidecar",
        LBWS + "sidecars:\n  proxy:\n",
        "X-null-sidecar",
        "sidecar 'proxy' has no configuration: Copilot reads a null sidecar as a nil pointer and crashes while "
        "validating (not reported by Copilot); give it at least an image",
        ("proxy", 1),
    ),
    (
        "X-null-sidecar added by an override",
        LBWS + "sidecars:\n  proxy:\n    image: p\nenvironments:\n  test:\n    sidecars:\n      extra:\n",
        "X-null-sidecar",
        "in environment 'test': sidecar 'extra' has no configuration: Copilot reads a null sidecar as a nil "
        "pointer and crashes while validating (not reported by Copilot); give it at least an image",
        ("extra", 1),
    ),
    (
        "X-reserved-name same as main container",
        LBWS + "sidecars:\n  api:\n    image: nginx\n",
        "X-reserved-name",
        "sidecar 'api' has the same name as the main container (the manifest's name): the task would hold two "
        "containers with one name (not checked by Copilot); rename the sidecar",
        ("api", 2),
    ),
    (
        "X-reserved-name firelens with logging",
        LBWS
        + "logging:\n  destination:\n    Name: cloudwatch\nsidecars:\n  firelens_log_router:\n    image: x\n",
        "X-reserved-name",
        "sidecar 'firelens_log_router' clashes with the FireLens container Copilot adds when 'logging' is set "
        "(not checked by Copilot); rename the sidecar",
        ("firelens_log_router", 1),
    ),
    (
        "X-reserved-name otel collector with tracing",
        LBWS + "observability:\n  tracing: awsxray\nsidecars:\n  aws-otel-collector:\n    image: x\n",
        "X-reserved-name",
        "sidecar 'aws-otel-collector' clashes with the X-Ray collector Copilot adds when 'observability.tracing' "
        "is set (not checked by Copilot); rename the sidecar",
        ("aws-otel-collector", 1),
    ),
    (
        "X-reserved-name env_file parameter collision",
        LBWS
        + "sidecars:\n  my-proxy:\n    image: x\n    env_file: a.env\n  myproxy:\n    image: y\n    env_file: b.env\n",
        "X-reserved-name",
        "sidecars 'my-proxy' and 'myproxy' both have an env_file and their names differ only in punctuation: both "
        "become the CloudFormation parameter EnvFileARNFormyproxy (not checked by Copilot); rename one of them",
        ("myproxy", 1),
    ),
]

PASSING = [
    ("S1 image given", LBWS + "sidecars:\n  proxy:\n    image: nginx\n", "S1"),
    (
        "X-null-sidecar: an override's null leaves the base sidecar as it is",
        LBWS + "sidecars:\n  proxy:\n    image: p\nenvironments:\n  test:\n    sidecars:\n      proxy:\n",
        "X-null-sidecar",
    ),
    (
        "S1 image build string",
        LBWS + "sidecars:\n  proxy:\n    image:\n      build: proxy/Dockerfile\n",
        "S1",
    ),
    ("S2 only location", LBWS + "sidecars:\n  proxy:\n    image:\n      location: nginx\n", "S2"),
    ("I1 build map", "name: a\ntype: Worker Service\nimage:\n  build:\n    context: .\n", "I1"),
    ("I2 Backend needs no port", "name: a\ntype: Backend Service\nimage:\n  location: x\n", "I2"),
    ("I1 static site has no image", "name: a\ntype: Static Site\nfiles:\n  - source: x\n", "I1"),
    (
        "firelens name without logging",
        LBWS + "sidecars:\n  firelens_log_router:\n    image: x\n",
        "X-reserved-name",
    ),
    (
        "logging retention alone adds no FireLens",
        LBWS + "logging:\n  retention: 7\nsidecars:\n  firelens_log_router:\n    image: x\n",
        "X-reserved-name",
    ),  # fmt: skip
    ("O1 from_cfn set", LBWS + "variables:\n  DB:\n    from_cfn: export\n", "O1"),
    # Copilot's Workload.validate checks only that the name is present (copilot-oracle: ok).
    ("O3 empty name string", "name: ''\ntype: Backend Service\nimage:\n  location: nginx\n", "O3"),
    (
        "sidecars ignored in RDWS",
        "name: a\ntype: Request-Driven Web Service\nimage:\n  location: x\n  port: 80\nsidecars:\n  proxy:\n",
        "X-null-sidecar",
    ),  # fmt: skip
]


@pytest.mark.parametrize(("text", "code", "message", "where"), cases(FAILING))
def test_rule_reports(text: str, code: str, message: str, where: tuple[str, int]) -> None:
    assert_reports(text, code, Severity.ERROR, message, where)


@pytest.mark.parametrize(("text", "code"), cases(PASSING))
def test_rule_stays_quiet(text: str, code: str) -> None:
    assert_quiet(text, code)


def test_s2_fix_removes_location_line() -> None:
    text = LBWS + "sidecars:\n  proxy:\n    image:\n      build: Dockerfile\n      location: nginx\n"
    (finding,) = findings(text, "S2")
    (fix,) = finding.fixes
    (edit,) = fix.edits
    assert edit.new_text == ""
    assert (edit.span.start.col, edit.span.end.col) == (0, 0)
    assert edit.span.end.line == edit.span.start.line + 1
