"""Inlay hints for a 100-line range of a 1,500-line manifest: in the core and over stdio.

    .venv/bin/python benchmarks/bench_inlay_hints.py [--lines 1500] [--range 100] [--rounds 200]

The core figure is what the server computes per request (the parse is cached between requests); the
stdio figure is a real ``textDocument/inlayHint`` round trip to ``sidecar-lsp --stdio`` after the
document's diagnostics are published. Ranges sweep the whole file. Prints p50/p95/max in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from gen_manifest import generate  # noqa: E402
from lsp_client import LspProcess  # noqa: E402

from sidecar_lsp.core.features.inlay_hints import inlay_hints  # noqa: E402
from sidecar_lsp.core.yaml.tree import parse  # noqa: E402


def figures(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"{name:<34} p50 {statistics.median(ordered):6.2f} ms   p95 {p95:6.2f} ms   "
        f"max {ordered[-1]:6.2f} ms   ({len(ordered)} requests)"
    )


def ranges(total: int, size: int, rounds: int) -> list[tuple[int, int]]:
    starts = [(i * 37) % max(1, total - size) for i in range(rounds)]
    return [(start, start + size - 1) for start in starts]


def core(text: str, size: int, rounds: int) -> tuple[list[float], int]:
    document = parse(text)
    samples: list[float] = []
    count = 0
    for first, last in ranges(text.count("\n"), size, rounds):
        began = time.perf_counter()
        count += len(inlay_hints(document, first, last))
        samples.append((time.perf_counter() - began) * 1000)
    return samples, count


def stdio(text: str, size: int, rounds: int) -> list[float]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "copilot" / "api" / "manifest.yml"
        path.parent.mkdir(parents=True)
        path.write_text(text)
        uri = path.as_uri()
        proc = LspProcess([sys.executable, "-m", "sidecar_lsp", "--stdio"], cwd=folder)
        try:
            proc.initialize({"general": {"positionEncodings": ["utf-16"]}})
            proc.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
            )
            proc.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
            samples: list[float] = []
            for first, last in ranges(text.count("\n"), size, rounds):
                params = {
                    "textDocument": {"uri": uri},
                    "range": {
                        "start": {"line": first, "character": 0},
                        "end": {"line": last, "character": 0},
                    },
                }
                began = time.perf_counter()
                proc.request("textDocument/inlayHint", params)
                samples.append((time.perf_counter() - began) * 1000)
            return samples
        finally:
            proc.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1500)
    parser.add_argument("--range", type=int, default=100, dest="size")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    text = generate(args.lines)
    environments = text.split("\nenvironments:\n", 1)[1].count("\n  env")
    print(f"manifest: {text.count(chr(10))} lines, {environments} environments; ranges of {args.size} lines")
    samples, count = core(text, args.size, args.rounds)
    print(figures("core inlay_hints (parsed once)", samples) + f"   {count / args.rounds:.1f} hints a range")
    print(figures("textDocument/inlayHint over stdio", stdio(text, args.size, args.rounds)))


if __name__ == "__main__":
    main()
