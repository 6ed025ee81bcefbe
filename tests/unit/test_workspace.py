"""The workspace model and the cross-file rules, on small workspaces written under tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from workspace_support import (
    PUBLISHER,
    checked,
    environments,
    findings_for,
    service,
    subscriber,
    write_workspace,
)

from sidecar_lsp.core.check.analyze import Options, analyze
from sidecar_lsp.core.model import Reach, Severity
from sidecar_lsp.core.workspace import scan as scan_module
from sidecar_lsp.core.workspace.rules import cross_file_findings
from sidecar_lsp.core.workspace.scan import (
    DiskWorkspaces,
    find_root,
    read_bounded,
    read_path,
    read_regular_file,
    read_source,
    relative,
    scan,
)
from sidecar_lsp.core.yaml.tree import MAX_TEXT_CHARS, parse

PRD_OVERRIDE = service("api", "environments:\n  prd:\n    count: 2\n")


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n")) if needle in line)


# --- X-unknown-environment ----------------------------------------------------------------------


def test_an_override_for_an_environment_that_does_not_exist_is_flagged_with_the_nearest_name(
    tmp_path: Path,
) -> None:
    files = {**environments("prod", "test"), "api/manifest.yml": PRD_OVERRIDE}
    [finding] = checked(tmp_path, files, "api/manifest.yml", "X-unknown-environment")
    assert finding.severity is Severity.WARNING
    assert finding.message == (
        "environment 'prd' does not exist in this workspace (copilot/environments/ has prod, test): "
        "Copilot never applies this override; did you mean 'prod'?"
    )
    assert finding.span.start.line == line_of(PRD_OVERRIDE, "prd:") and finding.span.start.col == 2
    [fix] = finding.fixes
    assert fix.edits[0].new_text == "prod" and fix.edits[0].span == finding.span


@pytest.mark.parametrize(
    ("envs", "override", "expected"),
    [
        (("prod",), "prod", 0),
        ((), "prd", 0),  # no environment manifests: the list is not known
        (("prod", "test"), "zzz", 1),
    ],
    ids=["existing", "no environment folders", "no close name"],
)
def test_override_keys_table(tmp_path: Path, envs: tuple[str, ...], override: str, expected: int) -> None:
    files = {
        **environments(*envs),
        "api/manifest.yml": service("api", f"environments:\n  {override}:\n    count: 2\n"),
    }
    found = checked(tmp_path, files, "api/manifest.yml", "X-unknown-environment")
    assert len(found) == expected
    assert [f.fixes for f in found] == [()] * expected  # no environment name is close enough to offer


# --- base problems judged against the real environments -----------------------------------------

IMAGE_ONLY_IN_PROD = """\
name: api
type: Backend Service
environments:
  prod:
    image:
      location: nginx
"""


def test_a_base_problem_every_override_fixes_is_an_error_for_the_environment_without_one(
    tmp_path: Path,
) -> None:
    files = {**environments("prod", "staging"), "api/manifest.yml": IMAGE_ONLY_IN_PROD}
    [finding] = checked(tmp_path, files, "api/manifest.yml", "I1")
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith(
        "in environment 'staging' (no override, so the base as written is deployed): must specify one of"
    )


def test_it_stays_a_hint_when_every_environment_has_an_override(tmp_path: Path) -> None:
    files = {**environments("prod"), "api/manifest.yml": IMAGE_ONLY_IN_PROD}
    [finding] = checked(tmp_path, files, "api/manifest.yml", "I1")
    assert finding.severity is Severity.HINT
    assert finding.message.startswith("only for an environment without an override (each of this workspace's")


def test_a_lone_file_keeps_todays_hint() -> None:
    [finding] = [f for f in analyze(IMAGE_ONLY_IN_PROD).findings if f.code == "I1"]
    assert finding.severity is Severity.HINT and finding.scope.reach is Reach.WITHOUT_OVERRIDE
    assert finding.message.startswith("for environments without an override (every environment under")


# --- X-pipeline-environment ---------------------------------------------------------------------

PIPELINE = """\
name: release
version: 1
source:
  provider: GitHub
  properties:
    repository: https://github.com/acme/shop
stages:
  - name: test
  - name: prd
"""


def test_a_pipeline_stage_must_name_an_environment(tmp_path: Path) -> None:
    files = {**environments("prod", "test"), "pipelines/release/manifest.yml": PIPELINE}
    [finding] = checked(tmp_path, files, "pipelines/release/manifest.yml", "X-pipeline-environment")
    assert finding.severity is Severity.WARNING
    assert finding.message.startswith(
        "stage 'prd' names no environment of this workspace (copilot/environments/ has"
    )
    assert finding.message.endswith("did you mean 'prod'?")
    assert finding.span.start.line == line_of(PIPELINE, "- name: prd") and finding.path == (
        "stages",
        1,
        "name",
    )


# --- X-name-folder ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "text", "expected"),
    [
        ("api/manifest.yml", service("apii"), 'name of the manifest "apii" and directory "api" do not match'),
        (
            "environments/prod/manifest.yml",
            "name: production\ntype: Environment\n",
            'name of the manifest "production"',
        ),
        ("api/manifest.yml", service("api"), None),
        ("api/manifest.yml", service("${NAME}"), None),
    ],
    ids=["service", "environment", "same", "interpolated"],
)
def test_name_against_folder(tmp_path: Path, rel: str, text: str, expected: str | None) -> None:
    found = checked(tmp_path, {rel: text}, rel, "X-name-folder")
    if expected is None:
        assert found == []
        return
    [finding] = found
    assert finding.severity is Severity.ERROR and finding.message.startswith(expected)
    assert finding.fixes[0].edits[0].new_text == rel.split("/")[-2]


# --- X-unknown-topic ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("topic", "service_name", "expected"),
    [
        ("orders", "api", None),
        (
            "order",
            "api",
            "service 'api' publishes no topic 'order' (its publish.topics: orders); the subscription",
        ),
        ("orders", "apii", "no service 'apii' in this workspace (services: api, orders-worker)"),
    ],
    ids=["published", "unknown topic", "unknown service"],
)
def test_subscriptions_against_published_topics(
    tmp_path: Path, topic: str, service_name: str, expected: str | None
) -> None:
    files = {
        "api/manifest.yml": PUBLISHER,
        "orders-worker/manifest.yml": subscriber(topic, service_name),
    }
    found = checked(tmp_path, files, "orders-worker/manifest.yml", "X-unknown-topic")
    if expected is None:
        assert found == []
        return
    [finding] = found
    assert finding.severity is Severity.WARNING and finding.message.startswith(expected)
    assert "did you mean" in finding.message and finding.fixes


# --- template overrides -------------------------------------------------------------------------

MISSING_VOLUME = service(
    "api",
    """
    sidecars:
      nginx:
        image: nginx
        mount_points:
          - source_volume: cache
            path: /cache
    """,
)


def test_a_template_finding_becomes_a_warning_when_overrides_may_patch_it(tmp_path: Path) -> None:
    plain = checked(
        tmp_path / "a", {"api/manifest.yml": MISSING_VOLUME}, "api/manifest.yml", "X-source-volume"
    )
    assert [f.severity for f in plain] == [Severity.ERROR]
    files = {"api/manifest.yml": MISSING_VOLUME, "api/overrides/cfn.patches.yml": "- op: add\n"}
    [patched] = checked(tmp_path / "b", files, "api/manifest.yml", "X-source-volume")
    assert patched.severity is Severity.WARNING
    assert patched.message.endswith(
        "(copilot/api/overrides/ changes the generated template: if it adds what is missing, ignore this)"
    )


def test_copilot_checks_stay_errors_with_overrides(tmp_path: Path) -> None:
    files = {"api/manifest.yml": "name: api\ntype: Backend Service\n", "api/overrides/cdk.json": "{}"}
    assert [f.severity for f in checked(tmp_path, files, "api/manifest.yml", "I1")] == [Severity.ERROR]


# --- the model: where it is, what it reads, what a change re-checks -------------------------------


def test_the_workspace_is_found_from_a_document_path(tmp_path: Path) -> None:
    root = write_workspace(tmp_path, {"api/manifest.yml": service("api")})
    assert find_root(root / "api" / "manifest.yml") == root
    assert find_root(tmp_path / "elsewhere" / "copilot" / "api" / "manifest.yml") is None


def test_nothing_outside_the_workspace_is_read(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "manifest.yml").write_text(service("evil"))
    root = write_workspace(tmp_path / "app", {"api/manifest.yml": service("api")})
    os.symlink(outside, root / "evil")
    os.symlink(outside / "manifest.yml", root / "api2")
    workspace = scan(root)
    assert sorted(workspace.files) == ["api/manifest.yml"]
    assert relative(root, outside / "manifest.yml") is None


def test_an_unsaved_edit_counts(tmp_path: Path) -> None:
    workspace = scan(write_workspace(tmp_path, {**environments("prod"), "api/manifest.yml": PRD_OVERRIDE}))
    assert findings_for(workspace, "api/manifest.yml", "X-unknown-environment")
    changed = workspace.set_text("environments/prd/manifest.yml", "name: prd\ntype: Environment\n")
    assert changed
    assert findings_for(workspace, "api/manifest.yml", "X-unknown-environment") == []


def test_a_text_not_taken_yet_is_judged_in_a_copy_and_the_workspace_is_left_as_it_is(
    tmp_path: Path,
) -> None:
    workspace = scan(write_workspace(tmp_path, {**environments("prod"), "api/manifest.yml": PUBLISHER}))
    assert workspace.with_text("api/manifest.yml", PUBLISHER) is workspace  # it holds that text
    view = workspace.with_text("api/manifest.yml", PRD_OVERRIDE)
    assert findings_for(view, "api/manifest.yml", "X-unknown-environment")
    assert workspace.files["api/manifest.yml"].text == PUBLISHER
    assert findings_for(workspace, "api/manifest.yml", "X-unknown-environment") == []


def test_editing_one_manifest_rechecks_only_what_depends_on_it(tmp_path: Path) -> None:
    files = {
        **environments("prod", "test"),
        "api/manifest.yml": PUBLISHER,
        "web/manifest.yml": service("web"),
        "orders-worker/manifest.yml": subscriber(),
        "pipelines/release/manifest.yml": PIPELINE,
    }
    workspace = scan(write_workspace(tmp_path, files))

    def check_all() -> int:
        before = workspace.checks
        for rel in sorted(workspace.files):
            cross_file_findings(workspace, rel)
        return workspace.checks - before

    assert check_all() == len(files) == 6
    assert check_all() == 0  # nothing changed: nothing is re-checked
    workspace.set_text("web/manifest.yml", service("web", "cpu: 512\n"))
    assert workspace.dependents("web/manifest.yml") == ["orders-worker/manifest.yml"]
    assert check_all() == 1  # web itself: its facts did not change what the worker reads
    workspace.set_text("api/manifest.yml", PUBLISHER.replace("orders", "payments"))
    assert check_all() == 2  # api, and the worker that subscribes to its topics
    workspace.set_text("environments/staging/manifest.yml", "name: staging\ntype: Environment\n")
    assert check_all() == 5  # the new environment, every workload and the pipeline; not the other envs
    assert "environments/staging/manifest.yml" in workspace.files


def test_a_file_deleted_on_disk_is_forgotten_on_reload(tmp_path: Path) -> None:
    root = write_workspace(tmp_path, {**environments("prod"), "api/manifest.yml": service("api")})
    workspace = scan(root)
    (root / "environments" / "prod" / "manifest.yml").unlink()
    assert workspace.reload(read_path(root, "environments/prod/manifest.yml"))
    assert workspace.environments() == []


def test_the_application_name_comes_from_the_summary_file(tmp_path: Path) -> None:
    assert scan(write_workspace(tmp_path, {}, app="shop")).app == "shop"


def test_lone_file_analysis_is_unchanged_by_the_workspace_code() -> None:
    text = PRD_OVERRIDE
    assert [f.code for f in analyze(text, Options()).findings if f.code.startswith("X-unknown")] == []


def test_a_file_too_large_to_be_a_manifest_is_not_read(tmp_path: Path) -> None:
    root = write_workspace(tmp_path, {"api/manifest.yml": service("api")})
    (root / "big").mkdir()
    (root / "big" / "manifest.yml").write_text("# x\n" * 1_100_000)
    assert sorted(scan(root).files) == ["api/manifest.yml"]


def test_half_typed_manifests_never_break_the_index(tmp_path: Path) -> None:
    workspace = scan(
        write_workspace(tmp_path, {**environments("prod"), "orders-worker/manifest.yml": subscriber()})
    )
    text = subscriber() + "environments:\n  prd:\n    count: 2\n"
    for cut in range(0, len(text), 5):
        workspace.set_text("orders-worker/manifest.yml", text[:cut])
        cross_file_findings(workspace, "orders-worker/manifest.yml")
    # and once the typing is done, the index judges the whole text
    workspace.set_text("orders-worker/manifest.yml", text)
    found = cross_file_findings(workspace, "orders-worker/manifest.yml")
    assert sorted(f.code for f in found) == ["X-unknown-environment", "X-unknown-topic"]


# --- the command line's scan hands its trees over ----------------------------------------------


def test_the_scan_hands_each_tree_over_once_and_only_for_the_text_it_read(tmp_path: Path) -> None:
    shop = write_workspace(
        tmp_path / "shop", {"api/manifest.yml": PUBLISHER, "web/manifest.yml": service("web")}
    )
    other = write_workspace(tmp_path / "other", {"db/manifest.yml": service("db")})
    workspaces = DiskWorkspaces(parse_text=parse)
    api, web = shop / "api" / "manifest.yml", shop / "web" / "manifest.yml"
    tree = workspaces.take_parsed(api, PUBLISHER)  # reads the workspace
    assert tree is not None and tree.text == PUBLISHER and tree.root is not None
    assert workspaces.take_parsed(api, PUBLISHER) is None  # handed over once
    assert workspaces.take_parsed(web, service("web", "count: 2\n")) is None  # changed since the scan
    assert workspaces.take_parsed(other / "db" / "manifest.yml", service("db")) is not None
    assert workspaces.take_parsed(tmp_path / "lone.yml", service("lone")) is None
    # Only the workspace read last keeps trees: one of shop's, not asked for in time, is let go.
    again = DiskWorkspaces(parse_text=parse)
    assert again.take_parsed(api, PUBLISHER) is not None
    assert again.take_parsed(other / "db" / "manifest.yml", service("db")) is not None
    assert again.take_parsed(web, service("web")) is None
    assert DiskWorkspaces().take_parsed(api, PUBLISHER) is None  # render's: no tree is kept


PATHS = [
    "/a/copilot/x/manifest.yml",
    "/copilot/x/manifest.yml",
    "rel/copilot/env/copilot/m.yml",
    "/a/b/manifest.yml",
    "m.yml",
    "./copilot/../copilot/x/manifest.yml",
    "/a//copilot///x/manifest.yml",
    "/x/copilot",
    "/a/copilot/copilot/m.yml",
    "/",
    "//copilot/x",
    "///copilot/y",
]
ROOTS = ["/a/copilot", "/", "/copilot", "rel/copilot", "/a/copilot/copilot", "//copilot", "/a/../a/copilot"]


@pytest.mark.parametrize("path", PATHS)
def test_copilot_folders_and_relative_paths_are_pathlibs(path: str) -> None:
    # Read from the text of the paths (a check asks for every file), they are what pathlib says.
    from sidecar_lsp.core.workspace.scan import copilot_folders

    absolute = Path(os.path.abspath(path))
    expected = [folder for folder in absolute.parents if folder.name == "copilot"]
    assert [str(folder) for folder in copilot_folders(path)] == [str(folder) for folder in expected]
    for root in map(Path, [*ROOTS, os.path.abspath("copilot")]):
        try:
            below: str | None = absolute.relative_to(root).as_posix()
        except ValueError:
            below = None
        assert relative(root, path) == below, root


def test_the_bounded_reader_reads_regular_files_and_refuses_the_rest(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.yml"
    manifest.write_bytes(b"\xef\xbb\xbfname: api\n")
    link = tmp_path / "link.yml"
    link.symlink_to(manifest)
    fifo = tmp_path / "fifo.yml"
    os.mkfifo(fifo)
    assert read_regular_file(manifest, 100) == b"\xef\xbb\xbfname: api\n"
    assert read_regular_file(manifest, 5) == b"\xef\xbb\xbfnam"  # one byte more than the limit: longer
    assert read_regular_file(link, 100) == read_regular_file(manifest, 100)
    assert "cannot read" in str(read_regular_file(link, 100, follow_link=False))
    assert str(read_regular_file(fifo, 100)).endswith("not a regular file")  # and it did not block
    assert str(read_regular_file(tmp_path, 100)).endswith("not a regular file")
    assert "cannot read" in str(read_regular_file(tmp_path / "missing.yml", 100))
    # The workspace scan's reading: no link (it may lead out of the workspace), nothing too large.
    assert read_bounded(manifest) == "name: api\n"
    assert read_bounded(link) is None
    assert read_bounded(fifo) is None
    huge = tmp_path / "huge.yml"
    huge.write_bytes(b"#" * (4 * MAX_TEXT_CHARS + 1))
    assert read_bounded(huge) is None


def test_a_link_is_refused_where_the_system_has_no_o_nofollow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    manifest = tmp_path / "manifest.yml"
    manifest.write_text("name: api\n", encoding="utf-8")
    link = tmp_path / "link.yml"
    link.symlink_to(manifest)
    monkeypatch.setattr(scan_module, "_NO_LINK", 0)
    assert read_bounded(link) is None
    assert read_bounded(manifest) == "name: api\n"


def test_a_source_read_for_a_rendering_is_text_of_a_regular_file(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.yml"
    manifest.write_bytes(b"name: api\r\ntype: Backend Service\rimage: x\n")
    assert read_source(str(manifest)) == "name: api\ntype: Backend Service\nimage: x\n"
    fifo = tmp_path / "fifo.yml"
    os.mkfifo(fifo)
    assert read_source(str(fifo)) is None  # and it did not block
    assert read_source(str(tmp_path)) is None
    assert read_source(str(tmp_path / "missing.yml")) is None
    huge = tmp_path / "huge.yml"
    huge.write_bytes(b"#" * (4 * MAX_TEXT_CHARS + 1))
    assert read_source(str(huge)) is None
    latin = tmp_path / "latin.yml"
    latin.write_bytes(b"name: caf\xe9\n")
    with pytest.raises(UnicodeDecodeError):
        read_source(str(latin))
