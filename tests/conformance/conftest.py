"""The differential tests need copilot-oracle (Copilot's own validator), which the project does not ship.
Without it they are skipped with a warning in pytest's summary, never silently; the conformance fixtures
(test_fixtures.py) pin what the harness found and run everywhere."""

from __future__ import annotations

import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from oracle import DEFAULT_ORACLE, Oracle, find_oracle  # noqa: E402

MISSING = (
    "copilot-oracle not found (set SIDECAR_ORACLE, or put it at "
    f"{DEFAULT_ORACLE.relative_to(DEFAULT_ORACLE.parents[3])} beside the checkout): the differential "
    "tests against Copilot's own validator did NOT run"
)


@pytest.fixture(scope="session")
def oracle() -> Iterator[Oracle]:
    executable = find_oracle()
    if executable is None:
        warnings.warn(MISSING, stacklevel=1)
        pytest.skip(MISSING)
    with Oracle(executable) as running:
        yield running
