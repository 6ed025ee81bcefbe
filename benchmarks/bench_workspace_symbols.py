"""workspace/symbol over stdio in a workspace of about 1,000 manifests: the first query (every
manifest's symbols read once) and the queries after it (from the memo).

    .venv/bin/python benchmarks/bench_workspace_symbols.py [--services 900] [--workers 90] [--rounds 50]

One service is opened so that the server reads the workspace; after its diagnostics are published,
the first query is timed with a hover sent right after it (answered while the files are read off
the event loop), then ``--rounds`` rounds of a few queries (a sidecar's name, a
service's, letters in order, a kind word, the empty query). Prints p50/p95/max in milliseconds and
the number of symbols each query answers.
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

from lsp_client import LspProcess  # noqa: E402
from workspace_fixture import write  # noqa: E402

QUERIES = ("proxy", "svc42", "evts9", "sidecar data", "")


def figures(name: str, samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"{name:<32} p50 {statistics.median(ordered):7.2f} ms   p95 {p95:7.2f} ms   "
        f"max {ordered[-1]:7.2f} ms   ({len(ordered)} requests)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--services", type=int, default=900)
    parser.add_argument("--workers", type=int, default=90)
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = write(Path(folder), args.services, args.workers)
        manifests = len(list(root.glob("**/manifest.yml")))
        path = root / "svc0" / "manifest.yml"
        uri = path.as_uri()
        proc = LspProcess([sys.executable, "-m", "sidecar_lsp", "--stdio"], cwd=folder)
        try:
            proc.initialize({"general": {"positionEncodings": ["utf-16"]}})
            proc.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": path.read_text()}},
            )
            proc.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri, timeout=120)
            print(f"workspace: {manifests} manifests")
            hover = {"textDocument": {"uri": uri}, "position": {"line": 10, "character": 1}}
            began = time.perf_counter()
            ident = proc.send("workspace/symbol", {"query": "proxy"})
            proc.request("textDocument/hover", hover, timeout=120)  # answered while the files are read
            meanwhile = (time.perf_counter() - began) * 1000
            first = proc.response(ident, timeout=120)["result"]
            cold = (time.perf_counter() - began) * 1000
            print(f"{'first query (reads every file)':<32} {cold:7.2f} ms   ({len(first)} symbols)")
            print(f"{'a hover sent right after it':<32} {meanwhile:7.2f} ms")
            for query in QUERIES:
                samples: list[float] = []
                found = 0
                for _ in range(args.rounds):
                    began = time.perf_counter()
                    found = len(proc.request("workspace/symbol", {"query": query}))
                    samples.append((time.perf_counter() - began) * 1000)
                print(figures(f"query {query!r}", samples) + f"   {found} symbols")
        finally:
            proc.close()


if __name__ == "__main__":
    main()
