"""Talk to copilot-oracle (Copilot v1.34.1's own decoding and Validate() as a command) in ``--serve`` mode.

The tests do not talk to it directly: they read the record of its verdicts (:mod:`copilot_verdicts`),
which checks itself against the oracle where it is present; ``scripts/conformance.py`` talks to it.

The oracle is not part of the project: it is found through ``SIDECAR_ORACLE`` or beside the checkout
at ``../shared/tools/copilot-oracle/copilot-oracle``. :func:`find_oracle` returns None when it is absent,
and every caller says so loudly.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ORACLE = ROOT.parent / "shared" / "tools" / "copilot-oracle" / "copilot-oracle"


class VerdictSource(Protocol):
    """What answers Copilot's verdicts: the oracle itself, or its record."""

    def verdicts(self, requests: Iterable[dict[str, Any]]) -> list[dict[str, Any]]: ...


def find_oracle() -> Path | None:
    """The oracle executable, or None when this machine has none."""
    configured = os.environ.get("SIDECAR_ORACLE")
    candidate = Path(configured) if configured else DEFAULT_ORACLE
    return candidate if candidate.is_file() and os.access(candidate, os.X_OK) else None


class Oracle:
    """One ``copilot-oracle --serve`` process; :meth:`verdicts` streams a batch through it."""

    def __init__(self, executable: Path) -> None:
        self.process = subprocess.Popen(
            [str(executable), "--serve"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1 << 16,
        )

    def verdicts(self, requests: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        """One verdict per request, in order. Requests are written by a thread while answers are read,
        so neither pipe fills up."""
        lines = [json.dumps(request) + "\n" for request in requests]
        assert self.process.stdin is not None and self.process.stdout is not None
        stdin = self.process.stdin

        def write() -> None:
            for line in lines:
                stdin.write(line)
            stdin.flush()

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        answers = [json.loads(self.process.stdout.readline()) for _ in lines]
        writer.join()
        return answers

    def verdict(self, text: str) -> dict[str, Any]:
        return self.verdicts([{"text": text}])[0]

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> Oracle:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
