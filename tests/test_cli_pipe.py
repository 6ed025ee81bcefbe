"""``sidecar-lsp check | head``: the reader leaving early is no crash."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_check_into_a_pipe_closed_early_prints_no_traceback(tmp_path: Path) -> None:
    # Enough findings to fill the pipe after the reader has gone.
    manifest = tmp_path / "manifest.yml"
    manifest.write_text(
        "name: api\ntype: Backend Service\nimage:\n  location: nginx\n  port: 80\n"
        + "".join(f"unknown_key_{i}: 1\n" for i in range(3000))
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "sidecar_lsp", "check", str(manifest), str(EXAMPLES)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # as `head -1` does
    stderr = process.stderr.read().decode()
    code = process.wait(timeout=60)
    assert first.startswith(str(manifest).encode())
    assert "Traceback" not in stderr and "BrokenPipeError" not in stderr, stderr
    assert code == 141
