"""VS Code (code-server) clicks the "task definition" code lens of an environment: the task definition
that environment deploys opens read-only as JSON, line for line what ``sidecar-lsp render
--task-definition`` prints.

Uses the code-server of ``test_vscode.py`` (same vsix, same PATH) on a workspace written under a
temporary folder (environments ``prod`` and ``test``), and drives it with ``vscode/task_definition.js``.
With ``SIDECAR_UPDATE_SCREENSHOTS=1`` the picture goes to ``docs/images/task-definition.png``
(otherwise to the scratch folder).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_vscode import CHROMIUM, SHOTS, CodeServer, code_server_running, drive  # noqa: F401

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from workspace_support import environments, service, write_workspace  # noqa: E402

pytestmark = [pytest.mark.clients, pytest.mark.slow]

TASK_DEFINITION_JS = Path(__file__).resolve().parent / "vscode" / "task_definition.js"
SCREENSHOT = SHOTS / "task-definition.png"
API = service(
    "api",
    """
    count: 1
    sidecars:
      proxy:
        image: envoy:v1
        port: 9901
    environments:
      prod:
        count: 3
        cpu: 512
        memory: 1024
        sidecars:
          proxy:
            image: envoy:v2
      test:
        count: 1
    """,
).replace("  port: 80\n", "  port: 80\n  depends_on:\n    proxy: start\n")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("task-definition-workspace")
    write_workspace(folder, {**environments("prod", "test"), "api/manifest.yml": API}, app="shop")
    return folder


@pytest.fixture(scope="module")
def session(
    code_server_running: CodeServer,  # noqa: F811  (the fixture of test_vscode.py, imported above)
    workspace: Path,
) -> dict[str, Any]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    options = {
        "base": code_server_running.url,
        "folder": str(workspace),
        "file": "copilot/api/manifest.yml",
        "env": "prod",
        "expectLine": '"family": "shop-prod-api"',
        "screenshot": str(SCREENSHOT),
        "failureScreenshot": str(code_server_running.root / "failure-task-definition.png"),
        "chromium": str(CHROMIUM),
    }
    return drive(TASK_DEFINITION_JS, options, code_server_running)


def test_each_environment_has_a_task_definition_lens(session: dict[str, Any]) -> None:
    for env in ("prod", "test"):
        shown = [lens for lens in session["lenses"] if lens.startswith(f"{env} · ")]
        assert shown and "task definition" in shown[0], session["lenses"]


def test_its_tab_names_the_environment(session: dict[str, Any]) -> None:
    assert "manifest.yml (prod task definition)" in session["activeTab"], session["activeTab"]


def test_it_opens_in_json_mode(session: dict[str, Any]) -> None:
    assert session["languageMode"] == "JSON"


def test_the_picture_shows_both_containers(session: dict[str, Any]) -> None:
    folded = session["foldedLines"]
    assert '"family": "shop-prod-api"' in folded
    assert '"name": "proxy"' in folded and '"image": "envoy:v2"' in folded
    assert SCREENSHOT.stat().st_size > 10_000


def test_it_is_read_only(session: dict[str, Any]) -> None:
    assert session["changedByTyping"] is False
    assert session["readOnlyMessage"] and "read-only" in session["readOnlyMessage"].lower()


def test_it_shows_the_task_definition_the_cli_prints(session: dict[str, Any], workspace: Path) -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "sidecar_lsp", "render", "--task-definition", "--env", "prod",
         str(workspace / "copilot" / "api" / "manifest.yml")],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert session["text"] == printed.stdout  # the editor's last line is the empty one after "}\n"
    definition = json.loads(session["text"])
    assert definition["family"] == "shop-prod-api"
    assert (definition["cpu"], definition["memory"]) == ("512", "1024")
    containers = {container["name"]: container for container in definition["containerDefinitions"]}
    assert list(containers) == ["api", "proxy"]
    assert containers["proxy"]["image"] == "envoy:v2"
    assert containers["api"]["dependsOn"] == [{"containerName": "proxy", "condition": "START"}]
