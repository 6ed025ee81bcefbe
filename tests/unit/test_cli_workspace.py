"""``sidecar-lsp render`` and ``sidecar-lsp check DIR`` on a workspace written under tmp_path."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pytest
from workspace_support import environments, service, write_workspace

from sidecar_lsp.cli.check import main_check
from sidecar_lsp.cli.render import main_render
from sidecar_lsp.core.workspace.scan import DiskWorkspaces
from sidecar_lsp.core.yaml import compose as compose_module
from sidecar_lsp.core.yaml.tree import ParsedDocument

API = service(
    "api",
    """
    variables:
      BUCKET: ${COPILOT_APPLICATION_NAME}-${COPILOT_ENVIRONMENT_NAME}
    logging:
      retention: 30
    sidecars:
      proxy:
        image: envoy
        port: 9901
        depends_on:
          api: start
    environments:
      prod:
        logging:
          image: fluent
      prd:
        cpu: 512
    """,
)


def run(main: object, argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    assert callable(main)
    status = main(argv, out, err)
    return status, out.getvalue(), err.getvalue()


def test_render_uses_the_workspace_application_name(tmp_path: Path) -> None:
    root = write_workspace(tmp_path, {**environments("prod"), "api/manifest.yml": API}, app="shop")
    status, out, err = run(main_render, ["--env", "prod", str(root / "api" / "manifest.yml")])
    assert (status, err) == (0, "")
    assert '  BUCKET: "shop-prod"\n' in out
    assert "  image: fluent  # environments.prod, line 19\n" in out
    assert "\nenvironments:" not in out and "prd" not in out


def test_render_containers_lists_each_environment_of_the_workspace(tmp_path: Path) -> None:
    root = write_workspace(tmp_path, {**environments("prod", "test"), "api/manifest.yml": API})
    status, out, _err = run(main_render, ["--containers", str(root / "api" / "manifest.yml")])
    assert status == 0
    sections = out.split("## ")[1:]
    assert [s.split("\n")[0] for s in sections] == [
        "environment 'prod'",
        "environment 'test' (no override: the base)",
        "environment 'prd'",
    ]
    assert "firelens_log_router" in sections[0] and "firelens_log_router" not in sections[1]
    assert "2. proxy  ← after api" in sections[1]


def test_render_explains_usage_and_unreadable_files(tmp_path: Path) -> None:
    assert run(main_render, [str(tmp_path / "x.yml")])[0] == 2
    status, _out, err = run(main_render, ["--env", "prod", str(tmp_path / "missing.yml")])
    assert status == 2 and "cannot read" in err
    broken = tmp_path / "broken.yml"
    broken.write_text("name: [\n")
    status, _out, err = run(main_render, ["--env", "prod", str(broken)])
    assert status == 1 and "cannot be read as a manifest" in err


def test_check_dir_runs_the_cross_file_rules(tmp_path: Path) -> None:
    root = write_workspace(tmp_path, {**environments("prod"), "api/manifest.yml": API})
    status, out, _err = run(main_check, ["--format", "json", str(tmp_path)])
    codes = {(Path(item["file"]).relative_to(root).as_posix(), item["code"]) for item in json.loads(out)}
    assert ("api/manifest.yml", "X-unknown-environment") in codes
    assert status == 0  # a warning only


def test_check_of_a_lone_file_has_no_cross_file_rules(tmp_path: Path) -> None:
    lone = tmp_path / "manifest.yml"
    lone.write_text(API)
    _status, out, _err = run(main_check, ["--format", "json", str(lone)])
    assert not [item for item in json.loads(out) if item["code"] == "X-unknown-environment"]


def test_render_containers_of_an_environment_manifest_says_it_has_none(tmp_path: Path) -> None:
    root = write_workspace(tmp_path, environments("prod"))
    status, _out, err = run(
        main_render, ["--containers", str(root / "environments" / "prod" / "manifest.yml")]
    )
    assert status == 1 and "is not a Copilot workload manifest" in err


def test_the_console_command_dispatches_render(tmp_path: Path) -> None:
    import subprocess
    import sys

    root = write_workspace(tmp_path, {**environments("prod"), "api/manifest.yml": API}, app="shop")
    proc = subprocess.run(
        [sys.executable, "-m", "sidecar_lsp", "render", "--env", "prod", str(root / "api" / "manifest.yml")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert '  BUCKET: "shop-prod"' in proc.stdout


def test_check_parses_each_manifest_once_and_reports_what_two_parses_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workspace's scan parses every manifest; the check takes that tree instead of parsing again."""
    files = {
        **environments("prod"),
        "api/manifest.yml": API,
        "web/manifest.yml": service("web", "cpu: lots\n"),
        "db/manifest.yml": service("db", "environments:\n  staging:\n    count: 2\n"),
    }
    write_workspace(tmp_path, files)
    parsed: list[str] = []
    real = compose_module.compose

    def counting(text: str, lines: list[str]) -> ParsedDocument:
        parsed.append(text)
        return real(text, lines)

    monkeypatch.setattr(compose_module, "compose", counting)
    once = run(main_check, ["--jobs", "1", "--format", "json", str(tmp_path)])
    texts = [textwrap.dedent(text).lstrip("\n") for text in files.values()]
    assert [parsed.count(text) for text in texts] == [1, 1, 1, 1]

    parsed.clear()  # without the scan's trees each manifest is parsed twice, with the same findings
    monkeypatch.setattr(DiskWorkspaces, "take_parsed", lambda self, path, text: None)
    assert run(main_check, ["--jobs", "1", "--format", "json", str(tmp_path)]) == once
    assert [parsed.count(text) for text in texts] == [2, 2, 2, 2]
    codes = {item["code"] for item in json.loads(once[1])}
    assert {"schema-type", "X-unknown-environment"} <= codes
