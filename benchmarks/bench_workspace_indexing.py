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
from lsp_client import LspProcess  # noqa: E402

ENVIRONMENTS = ("dev", "test", "staging", "prod")
MANIFESTS = 1_000

SERVICE = """name: svc{i}
type: Load Balanced Web Service
image:
  build: Dockerfile
  port: 8080
  depends_on:
    proxy: start
http:
  path: /svc{i}
  target_container: proxy
cpu: 256
memory: 512
count:
  range: 1-10
  cpu_percentage: 70
variables:
  STAGE: ${{COPILOT_ENVIRONMENT_NAME}}
  LOG_LEVEL: info
secrets:
  DB_PASSWORD: /copilot/bench/${{COPILOT_ENVIRONMENT_NAME}}/secrets/db
sidecars:
  proxy:
    image: envoy
    port: 9901
    mount_points:
      - source_volume: data
        path: /data
storage:
  volumes:
    data:
      path: /data
      efs: true
publish:
  topics:
    - name: events{i}
environments:
  prod:
    count: 3
  stagng:
    cpu: 512
"""
WORKER = """name: worker{i}
type: Worker Service
image:
  location: worker
subscribe:
  topics:
    - name: events{i}
      service: svc{i}
"""
PIPELINE = (
    "name: release\nversion: 1\nsource:\n  provider: GitHub\n  properties:\n    repository: x\nstages:\n"
    + "".join(f"  - name: {env}\n" for env in ENVIRONMENTS)
)
HOVER_LINE = SERVICE.split("\n").index("sidecars:")


def write(base: Path) -> Path:
    """The workspace: ``MANIFESTS`` manifests under ``base/copilot``; returns the copilot folder."""
    root = base / "copilot"
    workers = (MANIFESTS - len(ENVIRONMENTS) - 1) // 10
    services = MANIFESTS - len(ENVIRONMENTS) - 1 - workers
    files = {".workspace": "application: bench\n", "pipelines/release/manifest.yml": PIPELINE}
    files.update({f"environments/{e}/manifest.yml": f"name: {e}\ntype: Environment\n" for e in ENVIRONMENTS})
    files.update({f"svc{i}/manifest.yml": SERVICE.format(i=i) for i in range(services)})
    files.update({f"worker{i}/manifest.yml": WORKER.format(i=i) for i in range(workers)})
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


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
