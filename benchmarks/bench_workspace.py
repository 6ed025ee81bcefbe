"""Indexing a 50-manifest Copilot workspace and answering the first request; what an edit re-checks.

Prints figures, asserts no timings. Run: ``.venv/bin/python benchmarks/bench_workspace.py``.

* in process: ``scan`` of the workspace, the first cross-file check of one service (index included),
  then the cross-file checks of all 50 files, and how many are re-checked after one edit of each kind;
* through the server (``sidecar-lsp --stdio``): from didOpen of the first service to its diagnostics
  (the workspace is indexed on that first request), and from an edit of a publisher to the re-published
  diagnostics of the worker that subscribes to it.
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
from workspace_fixture import SERVICE, write  # noqa: E402

from sidecar_lsp.core.check.analyze import Options, analyze  # noqa: E402
from sidecar_lsp.core.workspace.rules import cross_file_findings, findings_in_workspace  # noqa: E402
from sidecar_lsp.core.workspace.scan import scan  # noqa: E402

SERVICES = 40
WORKERS = 5


def in_process(root: Path, repeats: int) -> None:
    scans, firsts = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        workspace = scan(root)
        indexed = time.perf_counter()
        text = (root / "svc0" / "manifest.yml").read_text()
        findings_in_workspace(
            workspace, "svc0/manifest.yml", analyze(text, Options(assume_manifest=True)).findings
        )
        done = time.perf_counter()
        scans.append(indexed - started)
        firsts.append(done - started)
    manifests = len(workspace.files)
    print(f"manifests indexed: {manifests}")
    print(f"scan (read + parse + facts):          median {statistics.median(scans) * 1000:7.1f} ms")
    print(f"scan + first service fully checked:   median {statistics.median(firsts) * 1000:7.1f} ms")
    started = time.perf_counter()
    for rel in workspace.files:
        cross_file_findings(workspace, rel)
    print(f"cross-file checks of all {manifests} files:   {(time.perf_counter() - started) * 1000:7.1f} ms")
    edits = {
        "editing a service's cpu (nothing else reads it)": (
            "svc1/manifest.yml",
            SERVICE.format(i=1).replace("cpu: 256", "cpu: 512"),
        ),
        "renaming a publisher's topic (its subscriber reads it)": (
            "svc2/manifest.yml",
            SERVICE.format(i=2).replace("name: events2", "name: renamed"),
        ),
        "adding an environment (every workload and the pipeline read it)": (
            "environments/qa/manifest.yml",
            "name: qa\ntype: Environment\n",
        ),
    }
    for what, (rel, text) in edits.items():
        before = workspace.checks
        workspace.set_text(rel, text)
        for other in workspace.files:
            cross_file_findings(workspace, other)
        print(f"re-checked after {what}: {workspace.checks - before} of {len(workspace.files)}")


def through_server(root: Path) -> None:
    caps = {
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": True}},
        "window": {"showDocument": {"support": True}},
    }
    proc = LspProcess([sys.executable, "-m", "sidecar_lsp", "--stdio"], cwd=str(root.parent))
    try:
        proc.request("initialize", {"processId": None, "rootUri": root.parent.as_uri(), "capabilities": caps})
        proc.notify("initialized", {})
        time.sleep(1.0)  # the checker loads on the worker meanwhile, as in an editor
        opened = []
        for rel in ("worker2/manifest.yml", "svc2/manifest.yml"):
            uri = (root / rel).as_uri()
            mark = len(proc.notifications)
            sent = time.perf_counter()
            text = (root / rel).read_text()
            proc.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
            )
            _, when, _ = proc.wait_notification(
                "textDocument/publishDiagnostics", lambda p, u=uri: p["uri"] == u, mark
            )
            opened.append(when - sent)
        print(
            f"server: didOpen of the first manifest -> diagnostics (indexes the workspace): {opened[0] * 1000:7.1f} ms"
        )
        print(
            f"server: didOpen of a second manifest -> diagnostics:                      {opened[1] * 1000:7.1f} ms"
        )
        worker, publisher = (
            (root / "worker2" / "manifest.yml").as_uri(),
            (root / "svc2" / "manifest.yml").as_uri(),
        )
        text = SERVICE.format(i=2).replace("name: events2", "name: renamed")
        mark = len(proc.notifications)
        sent = time.perf_counter()
        proc.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": publisher, "version": 2}, "contentChanges": [{"text": text}]},
        )
        _, when, params = proc.wait_notification(
            "textDocument/publishDiagnostics", lambda p: p["uri"] == worker, mark
        )
        codes = sorted({d["code"] for d in params["diagnostics"]})
        print(
            f"server: edit of the publisher -> the worker's diagnostics re-published (debounce included):  {(when - sent) * 1000:7.1f} ms {codes}"
        )
        others = {
            p["uri"]
            for _, method, p in proc.notifications[mark:]
            if method == "textDocument/publishDiagnostics"
        }
        print(f"server: documents re-published after that edit: {len(others)} (both open ones depend on it)")
    finally:
        proc.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = write(Path(tmp), SERVICES, WORKERS)
        in_process(root, args.repeats)
        through_server(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
