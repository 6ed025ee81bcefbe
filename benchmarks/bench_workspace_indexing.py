"""Hover latency while the server indexes a 1,000-manifest Copilot workspace (and after).

Prints figures, asserts no timings. Run: ``.venv/bin/python benchmarks/bench_workspace_indexing.py``.

The workspace (4 environments, a pipeline, 896 services and 99 workers subscribed to their
topics, written to a temporary folder) is
indexed when the first document opened in it publishes its diagnostics: the server reads and parses
every manifest then. The benchmark opens one service over stdio with the real server
(``sidecar-lsp --stdio``) and sends hover requests one after another from the didOpen until that
document's diagnostics arrive (the index is built meanwhile), then as many again once it is built.
The index is read on the reader thread, so the event loop keeps answering: hover latency during the
build stays close to the latency after it. (Run it with ``PYTHONPATH`` pointing at an older
checkout's ``server/`` folder to compare.)
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
import workspace_fixture  # noqa: E402
from lsp_client import LspProcess  # noqa: E402
from workspace_fixture import ENVIRONMENTS, SERVICE  # noqa: E402

MANIFESTS = 1_000
HOVER_LINE = SERVICE.split("\n").index("sidecars:")


def write(base: Path) -> Path:
    """The workspace: ``MANIFESTS`` manifests under ``base/copilot``; returns the copilot folder."""
    workers = (MANIFESTS - len(ENVIRONMENTS) - 1) // 10
    return workspace_fixture.write(base, MANIFESTS - len(ENVIRONMENTS) - 1 - workers, workers)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def describe(what: str, latencies: list[float]) -> str:
    ms = [value * 1000 for value in latencies]
    return (
        f"{what}: {len(ms):4d} hovers, p50 {statistics.median(ms):6.1f} ms, "
        f"p95 {percentile(ms, 0.95):6.1f} ms, max {max(ms):6.1f} ms"
    )


def measure(root: Path) -> None:
    caps = {
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}},
        "textDocument": {"hover": {"contentFormat": ["markdown"]}},
    }
    proc = LspProcess([sys.executable, "-m", "sidecar_lsp", "--stdio"], cwd=str(root.parent))
    try:
        proc.request("initialize", {"processId": None, "rootUri": root.parent.as_uri(), "capabilities": caps})
        proc.notify("initialized", {})
        time.sleep(1.0)  # the checker loads on the worker meanwhile, as in an editor
        uri = (root / "svc0" / "manifest.yml").as_uri()
        text = (root / "svc0" / "manifest.yml").read_text()
        hover = {"textDocument": {"uri": uri}, "position": {"line": HOVER_LINE, "character": 3}}

        def published() -> bool:
            return any(
                method == "textDocument/publishDiagnostics" and params["uri"] == uri
                for _, method, params in proc.notifications
            )

        def one_hover() -> float:
            sent = time.perf_counter()
            answer = proc.request("textDocument/hover", hover)
            assert answer is not None, "no hover"
            return time.perf_counter() - sent

        opened = time.perf_counter()
        proc.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
        )
        during: list[float] = []
        while not published():
            during.append(one_hover())
        _, indexed, params = proc.wait_notification(
            "textDocument/publishDiagnostics", lambda p: p["uri"] == uri
        )
        codes = sorted({str(d["code"]) for d in params["diagnostics"]})
        after = [one_hover() for _ in range(max(len(during), 50))]
        print(f"manifests in the workspace: {MANIFESTS}")
        print(
            f"didOpen -> diagnostics (the workspace indexed meanwhile): {(indexed - opened) * 1000:7.1f} ms {codes}"
        )
        print(describe("hover while indexing", during))
        print(describe("hover after indexing", after))
    finally:
        proc.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=1, help="runs, each with a server of its own")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = write(Path(tmp))
        for _ in range(args.repeats):
            measure(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
