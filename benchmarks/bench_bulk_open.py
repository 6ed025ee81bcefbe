"""Many large documents opened at once: when the focused one and the last one publish, beside yaml-language-server.

Run: .venv/bin/python benchmarks/bench_bulk_open.py [--documents 50] [--lines 1500] [--repeat 3]
         [--server-path DIR]

Each run starts a server, opens ``--documents`` manifests of ``--lines`` lines in one burst (the last
one opened is the document the user looks at, "focused"), and measures from the first didOpen: the
focused document's first publish, and the moment every document has published. yaml-language-server
(``cd benchmarks/node && npm ci``) runs with this project's schema. ``--server-path`` also runs another
checkout's ``server/`` (before/after). Prints medians; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_lsp import CAPS, YLS, server_command  # noqa: E402
from gen_manifest import generate  # noqa: E402
from lsp_client import LspProcess  # noqa: E402


def one_run(
    cmd: list[str], config: dict[str, Any], env: dict[str, str], documents: int, lines: int
) -> tuple[float, float]:
    """(focused document's first publish, last document's first publish), seconds after the first didOpen."""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        proc = LspProcess(cmd, config=config, cwd=folder, env=env)
        try:
            proc.request("initialize", {"processId": None, "rootUri": tmp.as_uri(), "capabilities": CAPS,
                                        "workspaceFolders": [{"uri": tmp.as_uri(), "name": "bench"}]})  # fmt: skip
            proc.notify("initialized", {})
            proc.notify("workspace/didChangeConfiguration", {"settings": None})
            time.sleep(1.0)  # configuration round trips and warm-up done
            texts = [generate(lines, f"svc{i}") for i in range(documents)]
            uris = [(tmp / "copilot" / f"svc{i}" / "manifest.yml").as_uri() for i in range(documents)]
            mark = len(proc.notifications)
            started = time.perf_counter()
            for uri, text in zip(uris, texts, strict=True):
                proc.notify(
                    "textDocument/didOpen",
                    {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
                )
            _, focused, _ = proc.wait_notification(
                "textDocument/publishDiagnostics", lambda p: p["uri"] == uris[-1], mark, timeout=300
            )
            waiting = set(uris)
            index = mark
            last = started
            while waiting:
                index, when, params = proc.wait_notification(
                    "textDocument/publishDiagnostics", lambda p: p["uri"] in waiting, index, timeout=300
                )
                waiting.discard(params["uri"])
                last = when
                index += 1
            return focused - started, last - started
        finally:
            proc.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument("--lines", type=int, default=1500)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--server-path", type=Path, help="also run this checkout's server/ directory")
    parser.add_argument("--no-yls", action="store_true", help="leave yaml-language-server out (quicker runs)")
    args = parser.parse_args()
    servers: list[tuple[str, list[str], dict[str, Any], dict[str, str]]] = []
    cmd, config = server_command("sidecar-lsp")
    servers.append(("sidecar-lsp", cmd, config, {}))
    if args.server_path is not None:
        env = {"PYTHONPATH": str(args.server_path.resolve())}
        servers.append((f"sidecar-lsp from {args.server_path}", cmd, config, env))
    if args.no_yls:
        pass
    elif YLS.exists():
        cmd, config = server_command("yaml-language-server")
        servers.append(("yaml-language-server", cmd, config, {}))
    else:
        print("yaml-language-server missing: run `npm ci` in benchmarks/node", file=sys.stderr)
    load = os.getloadavg()[0]
    rows = []
    for name, cmd, config, env in servers:
        runs = [one_run(cmd, config, env, args.documents, args.lines) for _ in range(args.repeat)]
        rows.append((name, statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)))
    print(
        f"{args.documents} documents of {args.lines} lines opened at once; median of {args.repeat}; "
        f"{os.cpu_count()} cores, load average {load:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    width = max(len(name) for name, _, _ in rows)
    print(f"| {'server'.ljust(width)} | focused document published | every document published |")
    print(f"|{'-' * (width + 2)}|----------------------------|--------------------------|")
    for name, focused, last in rows:
        print(f"| {name.ljust(width)} | {focused * 1000:23.0f} ms | {last * 1000:21.0f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
