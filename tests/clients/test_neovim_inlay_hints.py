"""Headless Neovim 0.11 shows sidecar-lsp's inlay hints once ``vim.lsp.inlay_hint.enable`` turns them on.

``nvim/inlay_hints.lua`` opens a service of a workspace written under tmp_path (its environments
``prod`` and ``staging`` override ``count``), enables inlay hints on attach as docs/editors/neovim.md
says, and reads back the hints Neovim holds and the virtual text it draws.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from clientlib import CLIENTS, run_headless_neovim

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
    write_workspace(tmp_path, {**environments("prod", "staging"), "api/manifest.yml": API})
    return run_headless_neovim(CLIENTS / "nvim" / "inlay_hints.lua", "copilot/api/manifest.yml", tmp_path)


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
