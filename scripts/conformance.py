"""Differential run: N generated manifests through Copilot's own validator and sidecar-lsp, compared.

usage: python scripts/conformance.py [--count N] [--seed S] [--jobs J] [--start I] [--show K]
                                     [--corpus DIR] [--dump DIR]

Needs copilot-oracle (Copilot v1.34.1's decoding and Validate() as a command): ``SIDECAR_ORACLE``, or
``../shared/tools/copilot-oracle/copilot-oracle`` beside the checkout. Each job runs one oracle
process and analyses in process. Case ``i`` of seed ``S`` is always the same manifest, so
``--start i --count 1 --show 1`` reproduces one disagreement. Prints agreement per mutation
category and per Copilot stage, then up to ``--show`` disagreements of each kind; ``--dump`` writes
them as YAML files. Exit status 1 when anything disagrees, 2 when the oracle is missing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "conformance"))

from differential import Tally, report, run_range  # noqa: E402
from oracle import find_oracle  # noqa: E402


def _job(args: tuple[str, int, int, int, list[str]]) -> Tally:
    oracle, seed, start, stop, extra = args
    return run_range(Path(oracle), seed, start, stop, [Path(p) for p in extra])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help="index of the first case")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--show", type=int, default=3, help="disagreements printed per kind, category and stage"
    )
    parser.add_argument("--corpus", action="append", default=[], help="more realistic manifests to mutate")
    parser.add_argument("--dump", type=Path, help="write each disagreement shown as a YAML file here")
    args = parser.parse_args()
    oracle = find_oracle()
    if oracle is None:
        print("copilot-oracle not found: set SIDECAR_ORACLE or put it at ../shared/tools/copilot-oracle/")
        return 2
    corpus = [str(Path(p).resolve()) for p in args.corpus]
    shared = HERE.parent.parent / "shared" / "corpus"
    if not args.corpus and shared.is_dir():
        corpus.append(str(shared))
    started = time.perf_counter()
    step = max(1, min(5_000, args.count // (args.jobs * 4) or 1))
    chunks = [
        (str(oracle), args.seed, start, min(start + step, args.start + args.count), corpus)
        for start in range(args.start, args.start + args.count, step)
    ]
    total = Tally()
    if args.jobs > 1:
        with multiprocessing.Pool(args.jobs) as pool:
            for tally in pool.imap_unordered(_job, chunks):
                total.add(tally)
    else:
        for chunk in chunks:
            total.add(_job(chunk))
    elapsed = time.perf_counter() - started
    print(report(total, seed=args.seed, count=args.count))
    print(f"\n{elapsed:.0f} s, {total.manifests / elapsed:.0f} manifests/s with {args.jobs} jobs")
    shown = sorted(total.disagreements(), key=lambda d: (d.kind, d.category, d.case.index))
    by_key: dict[tuple[str, str, str], int] = {}
    for d in shown:
        key = d.key()
        by_key[key] = by_key.get(key, 0) + 1
        if by_key[key] > args.show:
            continue
        print("\n" + d.describe())
        if args.dump:
            args.dump.mkdir(parents=True, exist_ok=True)
            name = f"{d.kind.replace(' ', '-')}-{d.category}-{d.case.index}.yml"
            (args.dump / name).write_text(d.case.text, encoding="utf-8")
    return 1 if total.disagreeing_manifests() else 0


if __name__ == "__main__":
    sys.exit(main())
