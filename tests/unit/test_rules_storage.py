"""Storage rules: V2-V7, X-source-volume, X-null-volume."""

from __future__ import annotations

import pytest
from test_rules_support import assert_quiet, assert_reports, cases, findings, manifest, span_of

from manifest_sets import BACKEND_IMAGE
from sidecar_lsp.core.model import Severity

FAILING = [
    (
        "V2 volume without path",
        BACKEND_IMAGE + "storage:\n  volumes:\n    data:\n      efs: true\n",
        "V2",
        'validate "storage": validate "volumes[data]": "path" must be specified; give the path inside the main '
        "container where the volume is mounted",
        ("data", 1),
    ),
    (
        "V3 two managed volumes",
        BACKEND_IMAGE
        + "storage:\n  volumes:\n    first:\n      path: /a\n      efs: true\n    second:\n      path: /b\n"
        "      efs:\n        uid: 1000\n        gid: 1000\n",
        "V3",
        "validate \"storage\": cannot specify more than one managed volume per service; share volume 'first' or "
        "bring your own file system with efs.id",
        ("second", 1),
    ),
    (
        "V4 uid with id",
        BACKEND_IMAGE
        + "storage:\n  volumes:\n    a:\n      path: /a\n      efs:\n        id: fs-1\n        uid: 1000\n"
        "        gid: 1000\n",
        "V4",
        'validate "volumes[a]": must specify one, not both, of "uid/gid" and "id/root_dir/auth"; uid/gid ask for a '
        "Copilot-managed file system, id/root_dir/auth use your own",
        ("uid", 1),
    ),
    (
        "V5 uid without gid",
        BACKEND_IMAGE + "storage:\n  volumes:\n    a:\n      path: /a\n      efs:\n        uid: 1000\n",
        "V5",
        'validate "volumes[a]": validate "efs": "gid" must be specified if "uid" is specified; add efs.gid',
        ("uid", 1),
    ),
    (
        "V6 uid zero",
        BACKEND_IMAGE
        + "storage:\n  volumes:\n    a:\n      path: /a\n      efs:\n        uid: 0\n        gid: 0\n",
        "V6",
        'validate "volumes[a]": validate "efs": "uid" must not be 0; use a non-root POSIX user id',
        ("0", 1),
    ),
    (
        "V7 access point with a root_dir",
        BACKEND_IMAGE
        + "storage:\n  volumes:\n    a:\n      path: /a\n      efs:\n        id: fs-1\n        root_dir: /x\n"
        "        auth:\n          iam: true\n          access_point_id: fsap-1\n",
        "V7",
        'validate "volumes[a]": validate "efs": "root_dir" must be either empty or "/" and "auth.iam" must be true '
        'when "access_point_id" is used; set the directory on the access point instead',
        ("fsap-1", 1),
    ),
    (
        "X-null-volume",
        BACKEND_IMAGE + "storage:\n  volumes:\n    scratch:\n",
        "X-null-volume",
        "volume 'scratch' has no configuration: Copilot reads a null volume as a nil pointer and crashes while validating "
        "(not reported by Copilot); give it at least a path",
        ("scratch", 1),
    ),
    (
        "X-null-volume added by an override",
        BACKEND_IMAGE + "storage:\n  volumes:\n    data:\n      path: /d\n"
        "environments:\n  test:\n    storage:\n      volumes: {scratch: ~}\n",
        "X-null-volume",
        "in environment 'test': volume 'scratch' has no configuration: Copilot reads a null volume as a nil "
        "pointer and crashes while validating (not reported by Copilot); give it at least a path",
        ("scratch", 1),
    ),
    (
        "X-source-volume",
        BACKEND_IMAGE + "storage:\n  volumes:\n    data:\n      path: /d\n"
        "sidecars:\n  nginx:\n    image: n\n    mount_points:\n      - source_volume: dta\n        path: /x\n",
        "X-source-volume",
        "sidecar 'nginx' mounts volume 'dta', which storage.volumes does not define (data); ECS rejects the task "
        "definition at deploy time (not checked by Copilot); add storage.volumes.dta or fix the name",
        ("dta", 1),
    ),
]

PASSING = [
    ("V2 path given", BACKEND_IMAGE + "storage:\n  volumes:\n    a:\n      path: /a\n", "V2"),
    (
        "V3 one managed, one byo",
        BACKEND_IMAGE + "storage:\n  volumes:\n    a:\n      path: /a\n      efs: true\n"
        "    b:\n      path: /b\n      efs:\n        id: fs-1\n",
        "V3",
    ),  # fmt: skip
    (
        "V7 access point done right",
        BACKEND_IMAGE + "storage:\n  volumes:\n    a:\n      path: /a\n      efs:\n        id: f\n"
        "        auth:\n          access_point_id: fsap-1\n",
        "V7",
    ),  # fmt: skip
    (
        "X-null-volume: an override's null leaves the base volume as it is",
        BACKEND_IMAGE + "storage:\n  volumes:\n    data:\n      path: /d\n"
        "environments:\n  test:\n    storage:\n      volumes: {data: ~}\n",
        "X-null-volume",
    ),  # fmt: skip
    (
        "X-source-volume defined",
        BACKEND_IMAGE + "storage:\n  volumes:\n    data:\n      path: /d\n"
        "sidecars:\n  n:\n    image: n\n    mount_points:\n      - source_volume: data\n        path: /x\n",
        "X-source-volume",
    ),  # fmt: skip
    (
        "X-source-volume added by taskdef_overrides",
        BACKEND_IMAGE + "taskdef_overrides:\n  - path: Volumes[-]\n    value: {}\n"
        "sidecars:\n  n:\n    image: n\n    mount_points:\n      - source_volume: data\n        path: /x\n",
        "X-source-volume",
    ),  # fmt: skip
]


@pytest.mark.parametrize(("text", "code", "message", "where"), cases(FAILING))
def test_rule_reports(text: str, code: str, message: str, where: tuple[str, int]) -> None:
    assert_reports(text, code, Severity.ERROR, message, where)


@pytest.mark.parametrize(("text", "code"), cases(PASSING))
def test_rule_stays_quiet(text: str, code: str) -> None:
    assert_quiet(text, code)


def _apply(text: str, edits: tuple) -> str:  # type: ignore[type-arg]
    lines = manifest(text).split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    body = manifest(text)
    for edit in sorted(edits, key=lambda e: e.span.start, reverse=True):
        start = offsets[edit.span.start.line] + edit.span.start.col
        end = offsets[edit.span.end.line] + edit.span.end.col
        body = body[:start] + edit.new_text + body[end:]
    return body


def test_source_volume_fix_adds_a_volume_stub_and_links_the_volumes() -> None:
    text = BACKEND_IMAGE + (
        "storage:\n  volumes:\n    data:  # shared\n      path: /d\n"
        "sidecars:\n  nginx:\n    image: n\n    mount_points:\n      - source_volume: cache\n        path: /x\n"
    )
    (finding,) = findings(text, "X-source-volume")
    assert [r.span for r in finding.related] == [span_of(text, "data")]
    (fix,) = finding.fixes
    assert _apply(text, fix.edits) == manifest(
        BACKEND_IMAGE
        + "storage:\n  volumes:\n    data:  # shared\n      path: /d\n    cache:\n      path: /mnt/cache\n"
        "sidecars:\n  nginx:\n    image: n\n    mount_points:\n      - source_volume: cache\n        path: /x\n"
    )


def test_source_volume_fix_creates_storage_above_environments() -> None:
    text = BACKEND_IMAGE + (
        "sidecars:\n  nginx:\n    image: n\n    mount_points:\n      - source_volume: cache\n        path: /x\n"
        "environments:\n  prod:\n    count: 2\n"
    )
    (finding,) = findings(text, "X-source-volume")
    (fix,) = finding.fixes
    assert "storage:\n  volumes:\n    cache:\n      path: /mnt/cache\nenvironments:" in _apply(
        text, fix.edits
    )
