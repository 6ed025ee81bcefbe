"""How long `sidecar-lsp check` and the core take on the Copilot corpus and on hostile input.

Run: .venv/bin/python benchmarks/bench_check.py [--repeat N]
Prints one table; nothing here is asserted (tests never assert timings).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sidecar_lsp.core.check.analyze import Options, analyze

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "copilot-cli"


def hostile_inputs() -> dict[str, str]:
    laughs = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        laughs.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return {
        "alias bomb (9 levels of 9)": "\n".join(laughs) + "\n",
        "10,000 nested flow lists": "name: " + "[" * 10_000 + "]" * 10_000 + "\n",
        "10 MB file": "name: api\nvariables:\n" + "  KEY: value\n" * 800_000,
        "tabs for indentation": "name: api\ntype: Backend Service\nimage:\n\tlocation: x\n",
        "three YAML documents": "name: a\ntype: Backend Service\n---\nname: b\n---\nname: c\n",
        "unknown tag !Ref": "name: api\ntype: Backend Service\nvariables:\n  A: !Ref Bucket\n",
    }


def best_of(repeat: int, action: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rows: list[tuple[str, str]] = []
    if CORPUS.is_dir():
        files = sorted(CORPUS.glob("*.y*ml"))
        texts = [f.read_text(encoding="utf-8") for f in files]
        options = Options(assume_manifest=True)
        in_process = best_of(args.repeat, lambda: [analyze(t, options) for t in texts])
        command = [sys.executable, "-m", "sidecar_lsp", "check", "--format", "json", *map(str, files)]
        walls = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, check=False)
            walls.append(time.perf_counter() - started)
        rows.append(
            (f"corpus, {len(files)} files, in process (best of {args.repeat})", f"{in_process * 1000:.0f} ms")
        )
        rows.append(
            (
                f"corpus, `sidecar-lsp check` wall time incl. start-up (median of {args.repeat})",
                f"{statistics.median(walls) * 1000:.0f} ms",
            )
        )
    else:
        rows.append(("corpus", f"not found at {CORPUS}"))
    for name, text in hostile_inputs().items():
        seconds = best_of(args.repeat, lambda text=text: analyze(text, Options(assume_manifest=True)))
        codes = sorted({f.code for f in analyze(text, Options(assume_manifest=True)).findings})
        rows.append((f"{name} -> {', '.join(codes)}", f"{seconds * 1000:.1f} ms"))
    width = max(len(name) for name, _ in rows)
    print(f"| {'case'.ljust(width)} | time |")
    print(f"|{'-' * (width + 2)}|------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
