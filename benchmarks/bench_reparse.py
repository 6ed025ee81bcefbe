"""What a keystroke costs the parser: a full parse of the edited text against reparse(previous, text).

Run: .venv/bin/python benchmarks/bench_reparse.py [--lines 1500 5000] [--repeat 20]

Each edit is one keystroke in a manifest from gen_manifest.generate: a character typed in a top-level
scalar, in a field of the middle sidecar, in a variable of the middle environment, and a line break
typed in each of those places (the entries after it move one line down: reparse copies them). Prints
the best of ``--repeat`` per row and whether reparse re-used the previous tree; nothing is asserted.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gen_manifest import generate  # noqa: E402

from sidecar_lsp.core.yaml import incremental  # noqa: E402
from sidecar_lsp.core.yaml.incremental import reparse  # noqa: E402
from sidecar_lsp.core.yaml.tree import ParsedDocument, parse  # noqa: E402


def edits(text: str) -> dict[str, tuple[int, str]]:
    """Where each keystroke goes (an offset) and what it types."""
    sidecars = re.findall(r"^  (sidecar\d+):$", text, re.MULTILINE)
    sidecar = text.index(f"\n  {sidecars[len(sidecars) // 2]}:\n")
    environments = text.index("\nenvironments:\n")
    names = re.findall(r"^  (env\d+):$", text[environments:], re.MULTILINE)
    environment = text.index(f"\n  {names[len(names) // 2]}:\n", environments)
    in_scalar = text.index("name: api") + len("name: ap")
    in_sidecar = text.index("    port: ", sidecar) + len("    port: 90")
    in_environment = text.index("STAGE: ", environment) + len("STAGE: en")
    return {
        "a top-level scalar": (in_scalar, "x"),
        "a field of one sidecar": (in_sidecar, "7"),
        "a variable of one environment": (in_environment, "x"),
        "a line break in a top-level scalar": (text.index("\n", in_scalar), "\n"),
        "a line break in one sidecar": (text.index("\n", in_sidecar), "\n    "),
        "a line break in one environment": (text.index("\n", in_environment), "\n      "),
    }


def best(repeat: int, run: Callable[[], object]) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings) * 1000


def reused(previous: ParsedDocument, text: str) -> bool:
    """Whether reparse kept the previous tree (it calls parse() only to fall back)."""
    fell_back: list[str] = []
    original = incremental.parse

    def counting(whole: str) -> ParsedDocument:
        fell_back.append(whole)
        return original(whole)

    incremental.parse = counting
    try:
        reparse(previous, text)
    finally:
        incremental.parse = original
    return not fell_back


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, nargs="+", default=[1500, 5000])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"parse(text) against reparse(parse(previous), text), best of {args.repeat} (ms)")
    print("| lines | keystroke in | full parse | reparse | faster | re-used |")
    print("|---|---|---|---|---|---|")
    for lines in args.lines:
        text = generate(lines)
        previous = parse(text)
        for name, (offset, typed) in edits(text).items():
            edited = text[:offset] + typed + text[offset:]
            full = best(args.repeat, lambda edited=edited: parse(edited))
            fast = best(args.repeat, lambda edited=edited, previous=previous: reparse(previous, edited))
            print(
                f"| {text.count(chr(10))} | {name} | {full:.1f} | {fast:.2f} | {full / fast:.0f}x "
                f"| {'yes' if reused(previous, edited) else 'no'} |"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
