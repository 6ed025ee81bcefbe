"""Where the published JSON Schema lives, in a wheel and in a checkout."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

SCHEMA_FILE = "copilot-manifest.schema.json"


def schema_path() -> Path:
    """The schema shipped inside the wheel, else the checkout's ``schema/`` (editable installs)."""
    packaged = Path(__file__).resolve().parent.parent / "schemas" / SCHEMA_FILE
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "schema" / SCHEMA_FILE


@functools.lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The schema as a dict, read once per process."""
    with schema_path().open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema
