"""The copilot oracle (Copilot v1.34.1's own decoding, merge and Validate()) for tests that compare with it.

It lives in ``../shared`` beside the checkout; tests that need it are extras: without it they are
skipped with a message that says so (a fresh clone keeps its other tests' strength).
"""

from __future__ import annotations

import json
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest

ORACLE = Path(__file__).resolve().parents[3] / "shared" / "tools" / "copilot-oracle" / "copilot-oracle"


def require_oracle() -> Path:
    """The oracle binary, or skip loudly."""
    if not ORACLE.is_file():
        message = f"EXTRA TEST SKIPPED: the copilot oracle is not beside this checkout ({ORACLE})"
        warnings.warn(message, stacklevel=2)
        pytest.skip(message)
    return ORACLE


def verdicts(texts: list[str], env: str | None = None, app: str | None = None) -> list[dict[str, Any]]:
    """One verdict per text (``--serve`` mode), for environment ``env`` ("" is the base) if given."""
    oracle = require_oracle()
    lines = []
    for index, text in enumerate(texts):
        request: dict[str, Any] = {"id": index, "text": text}
        if env is not None:
            request["env"] = [env]
        if app is not None:
            request["app"] = app
        lines.append(json.dumps(request))
    result = subprocess.run(
        [str(oracle), "--serve"], input="\n".join(lines) + "\n", capture_output=True, text=True, check=True
    )
    answers = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(answers) == len(texts)
    return answers
