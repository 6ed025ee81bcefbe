"""The extension's pure modules, unit-tested with ``node --test`` (``npm test`` in vscode-client)."""

from __future__ import annotations

import re
import subprocess

import pytest
from clientlib import REPO, need_file, need_program

pytestmark = pytest.mark.extension

CLIENT = REPO / "vscode-client"


def test_vscode_client_node_unit_tests() -> None:
    """serverCommand.ts (command resolution, messages) and settings.ts (schemaDiagnostics decision)."""
    need_program("npm", "npm (Debian npm)")
    need_file(CLIENT / "node_modules" / "typescript", "vscode-client build tools (npm ci in vscode-client)")
    run = subprocess.run(
        ["npm", "test"], cwd=CLIENT, capture_output=True, text=True, timeout=120, check=False
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    passed = re.search(r"^# pass (\d+)$", run.stdout, re.MULTILINE)
    failed = re.search(r"^# fail (\d+)$", run.stdout, re.MULTILINE)
    assert passed and failed and int(passed.group(1)) >= 20 and failed.group(1) == "0", run.stdout[-2000:]


def test_vscode_client_typechecks() -> None:
    need_file(CLIENT / "node_modules" / "typescript", "vscode-client build tools (npm ci in vscode-client)")
    run = subprocess.run(
        ["npm", "run", "--silent", "typecheck"],
        cwd=CLIENT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
