"""How analysis time grows with environments: one manifest of fixed size, 0 to 50 small overrides.

Run: .venv/bin/python benchmarks/bench_environments.py [--lines 1500 5000] [--repeat 15]
     (PYTHONPATH=<other checkout>/server runs another version the same way)

Each override is the kind people write (a count, a variable, a sidecar's port): the time each
environment adds should follow the override, not the manifest's size. The collector is tuned as the
server and ``check`` tune it (with the default thresholds, full collections walk the whole heap, and
their cost, which grows with the document, falls on whichever analysis they interrupt). The documents of
a row take turns within each of ``--repeat`` rounds, so that a change of the machine's speed falls on all
of them; each cell is the best round. The last column is what each environment from the 21st to the 50th
adds, free of what having environments at all costs once (the base's rules noting what they read).
Prints one table per size; nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_manifest import generate  # noqa: E402

try:
    from sidecar_lsp.__main__ import tune_garbage_collector
except ImportError:  # an older checkout (PYTHONPATH), where it was private
    from sidecar_lsp.__main__ import _tune_garbage_collector as tune_garbage_collector
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


def best_of_rounds(repeat: int, texts: list[str]) -> list[float]:
    """The best time of analysing each text, the texts taking turns within each round."""
    options = Options(assume_manifest=True)
    for text in texts:
        analyze(text, options)
    best = [float("inf")] * len(texts)
    for _ in range(repeat):
        for index, text in enumerate(texts):
            started = time.perf_counter()
            analyze(text, options)
            best[index] = min(best[index], time.perf_counter() - started)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[1500])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    tune_garbage_collector()
    counts = (0, 5, 20, 50)
    for lines in args.lines:
        print(
            f"analysis of a {lines}-line manifest, best of {args.repeat} rounds (ms; per environment in brackets)"
        )
        print(
            "| override | " + " | ".join(f"{n} environments" for n in counts) + " | each of the 21st-50th |"
        )
        print("|---|" + "---|" * (len(counts) + 1))
        for name, override in OVERRIDES.items():
            times = best_of_rounds(args.repeat, [manifest(lines, n, override) for n in counts])
            cells = [f"{times[0] * 1000:.0f}"]
            cells += [
                f"{t * 1000:.0f} ({(t - times[0]) / n * 1000:.2f})"
                for t, n in zip(times[1:], counts[1:], strict=True)
            ]
            cells.append(f"{(times[3] - times[2]) / (counts[3] - counts[2]) * 1000:.2f}")
            print(f"| {name} | " + " | ".join(cells) + " |")
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
