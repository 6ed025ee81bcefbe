"""Record Copilot's verdicts for the tests anew: tests/fixtures/copilot-verdicts.jsonl.gz.

usage: python scripts/record_verdicts.py [pytest arguments]

Needs copilot-oracle (``../shared/tools/copilot-oracle/copilot-oracle`` beside the checkout, or
``SIDECAR_ORACLE``). Runs every test that asks for a verdict with the oracle answering, and the end of the
run writes exactly the verdicts asked (tests/conformance/copilot_verdicts.py). Run it after the oracle
changes, or when a test says the record does not hold what it asks; commit the record with the change.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "conformance"))

from copilot_verdicts import RECORD, RECORDING_VARIABLE, expand, judgement, read_record  # noqa: E402
from oracle import find_oracle  # noqa: E402

# Every test module that asks for a verdict; the yaml-language-server module asks while it is collected,
# so its tests (which need node) are deselected, not skipped.
ASKING = [
    "tests/conformance",
    "tests/unit/test_render.py",
    "tests/unit/test_task.py",
    "tests/clients/test_yaml_language_server.py",
]


def main() -> int:
    if find_oracle() is None:
        print("copilot-oracle not found: put it at ../shared/tools/copilot-oracle/ or set SIDECAR_ORACLE")
        return 2
    _, before = read_record()
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "not clients", *ASKING]
    done = subprocess.run([*command, *sys.argv[1:]], cwd=ROOT, env={**os.environ, RECORDING_VARIABLE: "1"})
    version, after = read_record()
    changed = [
        k for k in before.keys() & after.keys() if judgement(expand(before[k])) != judgement(expand(after[k]))
    ]
    print(
        f"{RECORD.relative_to(ROOT)}: {len(after)} verdicts of {version} ({RECORD.stat().st_size:,} bytes); "
        f"{len(after.keys() - before.keys())} new, {len(before.keys() - after.keys())} gone, "
        f"{len(changed)} with another judgement than before"
    )
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
