"""Memory per open document: RSS of the real server with many large manifests open, then closed.

    .venv/bin/python benchmarks/bench_memory.py [--documents 200] [--lines 1500] [--server-path DIR]

Starts ``python -m sidecar_lsp --stdio``, waits for the checks to warm up, and reads the resident
set size (``VmRSS``, Linux) at four points: after start-up (the baseline), with every document open
and checked, after one edit in each, and a few seconds after closing them all. Each document is a
generated Load Balanced Web Service manifest (``gen_manifest.py``) under its own URI and with its
own service name. ``--server-path`` runs the server from another checkout's ``server/`` folder
(to measure an older version the same way). Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_manifest import generate  # noqa: E402
from lsp_client import LspProcess  # noqa: E402


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def settle(pid: int, seconds: float = 3.0) -> int:
    """RSS once it has stopped changing (the server collects garbage a second after closing)."""
    time.sleep(seconds)
    return rss_kb(pid)


def run(documents: int, lines: int, server_path: str | None) -> dict[str, float]:
    env = {"PYTHONPATH": server_path} if server_path else None
    proc = LspProcess([sys.executable, "-m", "sidecar_lsp", "--stdio"], env=env)
    try:
        proc.initialize({"general": {"positionEncodings": ["utf-16"]}})
        warm = "file:///bench/copilot/warm/manifest.yml"
        proc.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": warm, "languageId": "yaml", "version": 1, "text": generate(lines)}},
        )
        proc.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == warm, timeout=120)
        proc.notify("textDocument/didClose", {"textDocument": {"uri": warm}})
        baseline = settle(proc.proc.pid)
        uris = [f"file:///bench/copilot/svc{i}/manifest.yml" for i in range(documents)]
        texts = [generate(lines, f"svc{i}-api") for i in range(documents)]
        for uri, text in zip(uris, texts, strict=True):
            proc.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
            )
        for uri in uris:
            proc.wait_notification(
                "textDocument/publishDiagnostics", lambda p, u=uri: p["uri"] == u, timeout=600
            )
        opened = settle(proc.proc.pid, 1.0)
        for uri in uris:  # one keystroke in each, and a hover: what an editing session does
            proc.notify(
                "textDocument/didChange",
                {
                    "textDocument": {"uri": uri, "version": 2},
                    "contentChanges": [
                        {
                            "range": {
                                "start": {"line": 0, "character": 0},
                                "end": {"line": 0, "character": 0},
                            },
                            "text": "#\n",
                        }
                    ],
                },
            )
            proc.request(
                "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 1}}
            )
        for uri in uris:
            proc.wait_notification(
                "textDocument/publishDiagnostics",
                lambda p, u=uri: p["uri"] == u and p.get("version") == 2,
                timeout=600,
            )
        edited = settle(proc.proc.pid, 1.0)
        for uri in uris:
            proc.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        proc.request("textDocument/documentSymbol", {"textDocument": {"uri": uris[0]}})
        closed = settle(proc.proc.pid, 4.0)
    finally:
        proc.close()
    return {
        "documents": documents,
        "lines": lines,
        "chars": len(texts[0]),
        "baseline_mb": baseline / 1024,
        "open_mb": opened / 1024,
        "edited_mb": edited / 1024,
        "closed_mb": closed / 1024,
        "per_document_mb": (max(opened, edited) - baseline) / 1024 / documents,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="RSS of sidecar-lsp with many large documents open")
    parser.add_argument("--documents", type=int, default=200)
    parser.add_argument("--lines", type=int, default=1500)
    parser.add_argument(
        "--server-path", help="a checkout's server/ folder to run instead of the installed one"
    )
    args = parser.parse_args()
    figures = run(args.documents, args.lines, os.path.abspath(args.server_path) if args.server_path else None)
    print(
        f"{figures['documents']} documents of {figures['lines']} lines ({figures['chars']:,} characters each)\n"
        f"baseline RSS {figures['baseline_mb']:.1f} MB\n"
        f"all open and checked {figures['open_mb']:.1f} MB\n"
        f"after one edit and a hover in each {figures['edited_mb']:.1f} MB\n"
        f"after closing them all {figures['closed_mb']:.1f} MB\n"
        f"per open document {figures['per_document_mb']:.2f} MB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
