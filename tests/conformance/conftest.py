"""The differential tests ask Copilot's verdicts of :mod:`copilot_verdicts`: the committed record, checked
against copilot-oracle where it is beside the checkout. They run in every clone."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from copilot_verdicts import CopilotVerdicts, copilot_verdicts  # noqa: E402


@pytest.fixture(scope="session")
def oracle() -> CopilotVerdicts:
    return copilot_verdicts()
