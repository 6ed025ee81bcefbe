"""The differential tests ask Copilot's verdicts of :mod:`copilot_verdicts` (which the root conftest puts on
the import path): the committed record, checked against copilot-oracle where it is beside the checkout.
They run in every clone."""

from __future__ import annotations

import pytest
from copilot_verdicts import CopilotVerdicts, copilot_verdicts


@pytest.fixture(scope="session")
def oracle() -> CopilotVerdicts:
    return copilot_verdicts()
