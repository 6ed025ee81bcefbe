"""Headless Neovim 0.11 runs the "task definition" code lens: the task definition of the environment
opens read-only, and it is what ``sidecar-lsp render --task-definition`` prints.

``nvim/task_definition.lua`` opens a service of a workspace written under tmp_path, runs the lens's
command the way a click does (``client:exec_cmd``) and reads back the buffer Neovim opened for the
server's ``window/showDocument``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from clientlib import CLIENTS, run_headless_neovim

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from workspace_support import environments, service, write_workspace  # noqa: E402

pytestmark = pytest.mark.clients

API = service(
    "api",
    """
    sidecars:
      proxy:
        image: envoy:1
        port: 9000
    environments:
      prod:
        cpu: 512
        memory: 1024
        sidecars:
          proxy:
            image: envoy:2
    """,
)


def test_neovim_opens_the_task_definition_of_an_environment(tmp_path: Path) -> None:
    root = write_workspace(tmp_path, {**environments("prod"), "api/manifest.yml": API}, app="shop")
    result = run_headless_neovim(
        CLIENTS / "nvim" / "task_definition.lua", "copilot/api/manifest.yml", tmp_path
    )
    line = API.split("\n").index("  prod:")
    assert {"line": line, "title": "task definition"} in result["lenses"]
    assert result["command_error"] is None
    assert result["shown"] and result["shown_name"] == result["command_uri"]
    assert result["shown_name"].endswith("?env=prod&view=task-definition")
    assert result["shown_modifiable"] is False
    assert result["shown_filetype"] == "json"
    printed = subprocess.run(
        [sys.executable, "-m", "sidecar_lsp", "render", "--task-definition", "--env", "prod",
         str(root / "api" / "manifest.yml")],
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    assert result["shown_lines"] == printed.stdout.rstrip("\n").split("\n")
    definition = json.loads("\n".join(result["shown_lines"]))
    assert definition["family"] == "shop-prod-api"
    assert [c["image"] for c in definition["containerDefinitions"] if c["name"] == "proxy"] == ["envoy:2"]
