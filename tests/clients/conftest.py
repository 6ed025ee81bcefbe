"""Fixtures for the editor-client tests; the shared facts live in ``clientlib.py``."""

from __future__ import annotations

from pathlib import Path

import pytest
from clientlib import WORK


@pytest.fixture(scope="session")
def work_dir() -> Path:
    """Scratch folder for client runs (gitignored)."""
    WORK.mkdir(parents=True, exist_ok=True)
    return WORK
