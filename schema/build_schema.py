"""Generate ``schema/copilot-manifest.schema.json`` from the ``schema/builder`` package.

    python schema/build_schema.py            # write the schema
    python schema/build_schema.py --check    # exit 1 when the committed schema is stale

A script rather than ``python -m``: ``schema/`` is not an installed package, so this puts its own folder
on ``sys.path`` (also when a test loads it by file path) and re-exports ``render``/``main``.
"""

from __future__ import annotations

import sys
from pathlib import Path

_SCHEMA_DIR = str(Path(__file__).resolve().parent)
if _SCHEMA_DIR not in sys.path:
    sys.path.insert(0, _SCHEMA_DIR)

from builder import SCHEMA_PATH, build, main, render  # noqa: E402

__all__ = ["SCHEMA_PATH", "build", "main", "render"]

if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
