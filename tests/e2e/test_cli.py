"""The ``sidecar-lsp`` command: version, transports, logging, and the ``check`` dispatch."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sidecar_lsp import __version__

PYTHON = [sys.executable, "-m", "sidecar_lsp"]


def frame(payload: dict[str, object]) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"processId": None, "rootUri": None, "capabilities": {}},
}
SHUTDOWN = [
    {"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None},
    {"jsonrpc": "2.0", "method": "exit", "params": None},
]


def test_version() -> None:
    out = subprocess.run([*PYTHON, "--version"], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0
    assert out.stdout.strip() == f"sidecar-lsp {__version__}"


def test_plain_and_stdio_speak_lsp_and_log_only_to_stderr_or_file(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    for args in ([], ["--stdio", "-vv"], ["--stdio", "-v", "--log-file", str(log)]):
        data = frame(INIT) + b"".join(frame(m) for m in SHUTDOWN)
        out = subprocess.run([*PYTHON, *args], input=data, capture_output=True, timeout=60)
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith(b"Content-Length: "), out.stdout[:200]  # nothing but LSP on stdout
        assert b'"capabilities"' in out.stdout
        if "-vv" in args:
            assert out.stderr  # debug logging went to stderr
    assert log.read_text(encoding="utf-8")


def test_tcp(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [*PYTHON, "--tcp", "--host", "127.0.0.1", "--port", str(port)], stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                conn = socket.create_connection(("127.0.0.1", port), timeout=30)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with conn:
            conn.sendall(frame(INIT))
            data = b""
            while b'"capabilities"' not in data:
                chunk = conn.recv(65536)
                assert chunk
                data += chunk
            assert b'"completionProvider"' in data and b'"hoverProvider"' in data
    finally:
        proc.kill()
        proc.wait()


def test_check_subcommand_is_dispatched(tmp_path: Path) -> None:
    manifest = tmp_path / "copilot" / "api" / "manifest.yml"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(
        "name: api\ntype: Backend Service\nimage:\n  location: nginx\n  port: [\n", encoding="utf-8"
    )
    out = subprocess.run([*PYTHON, "check", str(manifest)], capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "manifest.yml" in out.stdout + out.stderr


def test_settings_doc_lists_every_setting() -> None:
    from sidecar_lsp.lsp.settings import FIELDS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "settings.md").read_text(encoding="utf-8")
    for field in FIELDS:
        default = str(field.default).lower() if isinstance(field.default, bool) else str(field.default)
        assert f"| `{field.key}` | {field.type} | `{default}` |" in doc


def _unopenable_log_file(tmp_path: Path, case: str) -> str:
    """A log file path that cannot be opened for writing, of each kind a user may give."""
    if case == "missing directory":
        return "no/such/dir/x.log"  # relative, as typed: the message must repeat it as given
    if case == "a directory":
        return str(tmp_path)
    if case == "under a file":
        (tmp_path / "plain").write_text("", encoding="utf-8")
        return str(tmp_path / "plain" / "x.log")
    read_only = tmp_path / "read-only.log"
    read_only.write_text("", encoding="utf-8")
    read_only.chmod(0o444)
    return str(read_only)


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("missing directory", "No such file or directory"),
        ("a directory", "Is a directory"),
        ("under a file", "Not a directory"),
        pytest.param(
            "not writable",
            "Permission denied",
            marks=pytest.mark.skipif(
                hasattr(os, "geteuid") and os.geteuid() == 0, reason="root may write a read-only file"
            ),
        ),
    ],
)
def test_a_log_file_that_cannot_be_opened_is_a_usage_error_in_one_line(
    tmp_path: Path, case: str, reason: str
) -> None:
    log_file = _unopenable_log_file(tmp_path, case)
    out = subprocess.run(
        [*PYTHON, "--stdio", "--log-file", log_file],
        input=b"",
        capture_output=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stdout == b""  # nothing but LSP on stdout, and no session was started
    stderr = out.stderr.decode()
    assert "Traceback" not in stderr
    assert stderr == f"sidecar-lsp: cannot open log file {log_file}: {reason}\n"  # one line
