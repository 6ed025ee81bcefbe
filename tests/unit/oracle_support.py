"""Copilot v1.34.1's own verdicts (decoding, merge and Validate()) for unit tests that compare with them:
the committed record, checked against copilot-oracle where it is beside the checkout
(tests/conformance/copilot_verdicts.py)."""

from __future__ import annotations

from typing import Any

from copilot_verdicts import copilot_verdicts


def verdicts(texts: list[str], env: str | None = None, app: str | None = None) -> list[dict[str, Any]]:
    """One verdict per text, for environment ``env`` ("" is the base) if given."""
    requests: list[dict[str, Any]] = []
    for text in texts:
        request: dict[str, Any] = {"text": text}
        if env is not None:
            request["env"] = [env]
        if app is not None:
            request["app"] = app
        requests.append(request)
    return copilot_verdicts().verdicts(requests)
