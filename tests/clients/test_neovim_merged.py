"""Headless Neovim 0.11 runs the "show merged" code lens: the rendering opens read-only, definition leaves it.

``nvim/merged.lua`` opens a service of a workspace written under tmp_path, reads the code lens,
runs its command the way a click does (``client:exec_cmd``), and reads back the buffer Neovim
opened for the server's ``window/showDocument``.
"""

from __future__ import annotations

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
    root = write_workspace(tmp_path, {**environments("prod"), "api/manifest.yml": API}, app="shop")
    result = run_headless_neovim(CLIENTS / "nvim" / "merged.lua", "copilot/api/manifest.yml", tmp_path)
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
