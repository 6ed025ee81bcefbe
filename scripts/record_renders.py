"""Record copilot-render's task definitions for the tests anew: tests/fixtures/copilot-renders.jsonl.gz.

usage: python scripts/record_renders.py

Needs copilot-render (``../shared/tools/copilot-render/copilot-render`` beside the checkout, or
``SIDECAR_COPILOT_RENDER``) and the copilot-stack corpus beside it. Asks copilot-render every case of
tests/conformance/render_cases.py (two at a time) and writes exactly those answers, with the texts of
the copilot-stack cases, so that a clone without ../shared runs the same comparisons. Run it when the
cases change or a test says the record does not hold what it asks; commit the record with the change.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "conformance"))

from copilot_renders import RECORD, case_key, find_renderer, render_live, renderer_version, write_record  # noqa: E402
from render_cases import all_cases, stack_cases  # noqa: E402


def main() -> int:
    executable = find_renderer()
    if executable is None:
        print(
            "copilot-render not found: put it at ../shared/tools/copilot-render/ or set SIDECAR_COPILOT_RENDER"
        )
        return 2
    stack = stack_cases()
    if not stack:
        print("../shared/corpus/copilot-stack is not beside the checkout: the record would lose its cases")
        return 2
    cases = all_cases()
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(lambda case: render_live(executable, case), cases))
    by_key = {case_key(case): answer for case, answer in zip(cases, answers, strict=True)}
    write_record(renderer_version(executable), by_key, stack)
    refused = sum(1 for answer in answers if not answer["ok"])
    print(
        f"{RECORD.relative_to(ROOT)}: {len(by_key)} renders ({refused} refused by Copilot) of "
        f"{len(cases)} cases, {RECORD.stat().st_size:,} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
