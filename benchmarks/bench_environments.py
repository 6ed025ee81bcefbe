"""How analysis time grows with environments: one manifest of fixed size, 0 to 50 small overrides.

Run: .venv/bin/python benchmarks/bench_environments.py [--lines 1500] [--repeat 5]
     (PYTHONPATH=<other checkout>/server runs another version the same way)

Each override is the kind people write (a count, a variable, a sidecar's port): the time each
environment adds should follow the override, not the manifest's size. The collector is tuned as the
server and ``check`` tune it (with the default thresholds, full collections walk the whole heap, and
their cost, which grows with the document, falls on whichever analysis they interrupt). Prints the best
of ``--repeat`` per row; nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_manifest import generate  # noqa: E402

from sidecar_lsp.__main__ import tune_garbage_collector  # noqa: E402
from sidecar_lsp.core.check.analyze import Options, analyze  # noqa: E402

OVERRIDES = {
    "count and a variable": "  env{i}:\n    count: {n}\n    variables:\n      STAGE: env{i}\n",
    "a sidecar's port": "  env{i}:\n    sidecars:\n      sidecar0:\n        port: 9{i:03d}\n",
}


def manifest(lines: int, environments: int, override: str) -> str:
    base = generate(lines).split("\nenvironments:\n")[0] + "\n"
    if not environments:
        return base
    return base + "environments:\n" + "".join(override.format(i=i, n=1 + i % 5) for i in range(environments))


def best(repeat: int, text: str) -> float:
    options = Options(assume_manifest=True)
    analyze(text, options)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        analyze(text, options)
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tune_garbage_collector()
    counts = (0, 5, 20, 50)
    print(
        f"analysis of a {args.lines}-line manifest, best of {args.repeat} (ms; per environment in brackets)"
    )
    print("| override | " + " | ".join(f"{n} environments" for n in counts) + " |")
    print("|---|" + "---|" * len(counts))
    for name, override in OVERRIDES.items():
        times = [best(args.repeat, manifest(args.lines, n, override)) for n in counts]
        cells = [f"{times[0] * 1000:.0f}"]
        cells += [
            f"{t * 1000:.0f} ({(t - times[0]) / n * 1000:.1f})"
            for t, n in zip(times[1:], counts[1:], strict=True)
        ]
        print(f"| {name} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
