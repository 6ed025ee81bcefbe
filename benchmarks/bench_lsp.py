"""sidecar-lsp vs yaml-language-server 2.0.0 (configured with our schema), side by side.

    cd benchmarks/node && npm ci          # once: yaml-language-server from package-lock.json
    .venv/bin/python benchmarks/bench_lsp.py [--sizes 50,500,1500] [--named] [--bytecode]
        [--write docs/benchmarks.md]

Measures, per generated manifest size: didOpen→diagnostics, didChange→diagnostics (a top-level value,
a value inside the middle sidecar, a value inside the middle environment's override), completion
and hover latency (p50/p95), cold start to the ``initialize`` result, and peak RSS; prints one
markdown table with our/their ratio for each. Speed is reported here, never asserted in tests.
``--bytecode`` lets our server keep its compiled modules (in a temporary ``PYTHONPYCACHEPREFIX``, filled by
a first start), as an installed wheel has them, where ``PYTHONDONTWRITEBYTECODE`` would have every start
compile this project's modules again.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from gen_manifest import generate  # noqa: E402
from lsp_client import LspProcess, peak_rss_kb  # noqa: E402

SCHEMA = ROOT / "schema" / "copilot-manifest.schema.json"
YLS = HERE / "node" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
CAPS: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {
        "synchronization": {"didSave": False},
        "completion": {"completionItem": {"snippetSupport": True}},
        "hover": {"contentFormat": ["markdown", "plaintext"]},
        "publishDiagnostics": {"relatedInformation": True},
    },
    "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": False}},
}


@dataclass
class Result:
    start: list[float] = field(default_factory=list)
    open: list[float] = field(default_factory=list)
    change: list[float] = field(default_factory=list)
    """didChange of a top-level value (cpu)."""
    change_sidecar: list[float] = field(default_factory=list)
    """didChange of a value inside the middle sidecar."""
    change_environment: list[float] = field(default_factory=list)
    """didChange of a value inside the middle environment's override."""
    completion: list[float] = field(default_factory=list)
    hover: list[float] = field(default_factory=list)
    rss_kb: int = 0
    completion_items: int = 0
    hover_ok: bool = False


def server_command(name: str) -> tuple[list[str], dict[str, Any]]:
    if name == "sidecar-lsp":
        return [sys.executable, "-m", "sidecar_lsp", "--stdio"], {}
    node = shutil.which("node") or "node"
    yaml = {
        "validate": True,
        "completion": True,
        "hover": True,
        "schemaStore": {"enable": False},
        "schemas": {str(SCHEMA): ["**/copilot/**/manifest.yml", "*.yml"]},
    }
    return [node, str(YLS), "--stdio"], {"yaml": yaml, "http": {}, "[yaml]": {}, "editor": {}}


Edit = tuple[int, int, str, str]
"""A value to edit: line, column, and the two texts typed over it in turn."""


def document(
    lines: int, named: bool = False
) -> tuple[str, tuple[int, int], tuple[int, int], dict[str, Edit]]:
    """A manifest with one schema error; positions for completion and hover, and values to edit: a
    top-level one, one inside the middle sidecar, one inside the middle environment's override
    (``named``: each sidecar also has a variable set to ``${COPILOT_ENVIRONMENT_NAME}``)."""
    text = generate(lines, named=named).replace("memory: 512\n", 'memory: "lots"\n', 1)
    rows = text.split("\n")
    sidecar_lines = [i for i, r in enumerate(rows) if r.startswith("    essential:")]
    middle = sidecar_lines[len(sidecar_lines) // 2]
    rows.insert(middle + 1, "    ")
    completion = (middle + 1, 4)
    port = next(i for i in range(middle, 0, -1) if rows[i].startswith("    port:"))
    hover = (port, 5)
    cpu = rows.index("cpu: 256")
    level = next(i for i in range(middle, len(rows)) if rows[i].startswith("      LOG_LEVEL: info"))
    environments = rows.index("environments:")
    counts = [i for i, r in enumerate(rows) if i > environments and r.startswith("    count: ")]
    count = counts[len(counts) // 2]
    value = rows[count][len("    count: ") :]
    edits = {
        "change": (cpu, 5, "512", "256"),
        "change_sidecar": (level, 17, "warn", "info"),
        "change_environment": (count, 11, str(int(value) % 9 + 1), value),
    }
    return "\n".join(rows), completion, hover, edits


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def bytecode_env(pycache: str) -> dict[str, str]:
    """Our server's environment to keep its compiled modules in ``pycache`` (an empty value unsets)."""
    return {"PYTHONPYCACHEPREFIX": pycache, "PYTHONDONTWRITEBYTECODE": ""}


def initialize(proc: LspProcess, tmp: Path) -> float:
    """Seconds from the process's start to the ``initialize`` result."""
    proc.request("initialize", {"processId": None, "rootUri": tmp.as_uri(), "capabilities": CAPS,
                                "workspaceFolders": [{"uri": tmp.as_uri(), "name": "bench"}]})  # fmt: skip
    return time.perf_counter() - proc.started


def cold_start(name: str, tmp: Path, env: dict[str, str] | None) -> float:
    """Seconds from starting the server ``name`` to its ``initialize`` result; the server is stopped."""
    cmd, config = server_command(name)
    proc = LspProcess(cmd, config=config, cwd=str(tmp), env=env)
    try:
        return initialize(proc, tmp)
    finally:
        proc.close()


def run(
    name: str,
    lines: int,
    repeats: int,
    tmp: Path,
    named: bool = False,
    env: dict[str, str] | None = None,
    starts: int = 1,
) -> Result:
    cmd, config = server_command(name)
    text, completion_pos, hover_pos, edits = document(lines, named)
    result = Result()
    # More cold starts, for their median: one varies by a third from the next.
    result.start += [cold_start(name, tmp, env) for _ in range(starts - 1)]
    proc = LspProcess(cmd, config=config, cwd=str(tmp), env=env)
    try:
        result.start.append(initialize(proc, tmp))
        proc.notify("initialized", {})
        proc.notify("workspace/didChangeConfiguration", {"settings": None})
        time.sleep(0.5)  # let both servers finish their configuration round trips
        for i in range(max(2, repeats // 5)):
            uri = (tmp / "copilot" / f"svc{i}" / "manifest.yml").as_uri()
            mark = len(proc.notifications)
            sent = time.perf_counter()
            proc.notify(
                "textDocument/didOpen",
                {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
            )
            _, when, _ = proc.wait_notification(
                "textDocument/publishDiagnostics",
                lambda p, u=uri: p["uri"] == u and bool(p["diagnostics"]),
                mark,
            )
            result.open.append(when - sent)
        uri = (tmp / "copilot" / "svc0" / "manifest.yml").as_uri()
        ident = {"textDocument": {"uri": uri}}
        version = 1
        for kind, (line, col, typed, back) in edits.items():
            timings: list[float] = getattr(result, kind)
            for i in range(repeats):
                time.sleep(0.3)  # an edit after a pause in typing
                version += 1
                current, value = (back, typed) if i % 2 == 0 else (typed, back)
                mark = len(proc.notifications)
                sent = time.perf_counter()
                proc.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [
                    {"range": {"start": {"line": line, "character": col},
                               "end": {"line": line, "character": col + len(current)}},
                     "text": value}]})  # fmt: skip
                _, when, _ = proc.wait_notification(
                    "textDocument/publishDiagnostics", lambda p: p["uri"] == uri, mark
                )
                timings.append(when - sent)
            if repeats % 2:  # leave the value as it was for the next kind's edits
                version += 1
                mark = len(proc.notifications)
                proc.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": [
                    {"range": {"start": {"line": line, "character": col},
                               "end": {"line": line, "character": col + len(typed)}},
                     "text": back}]})  # fmt: skip
                proc.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri, mark)
        time.sleep(0.5)
        for _ in range(repeats * 3):
            sent = time.perf_counter()
            items = proc.request(
                "textDocument/completion",
                {**ident, "position": {"line": completion_pos[0], "character": completion_pos[1]}},
            )
            result.completion.append(time.perf_counter() - sent)
            result.completion_items = len(items["items"] if isinstance(items, dict) else items or [])
        for _ in range(repeats * 3):
            sent = time.perf_counter()
            hover = proc.request(
                "textDocument/hover", {**ident, "position": {"line": hover_pos[0], "character": hover_pos[1]}}
            )
            result.hover.append(time.perf_counter() - sent)
            result.hover_ok = bool(hover)
        result.rss_kb = peak_rss_kb(proc.proc.pid)
    finally:
        proc.close()
    return result


def table(results: dict[tuple[str, int], Result], sizes: list[int]) -> str:
    ours, theirs = "sidecar-lsp", "yaml-language-server"
    rows = [
        ("didOpen → diagnostics p50 (ms)", lambda r: pct(r.open, 0.5) * 1000),
        ("didChange → diagnostics p50 (ms)", lambda r: pct(r.change, 0.5) * 1000),
        ("didChange → diagnostics p95 (ms)", lambda r: pct(r.change, 0.95) * 1000),
        ("didChange in a sidecar p50 (ms)", lambda r: pct(r.change_sidecar, 0.5) * 1000),
        ("didChange in an environment p50 (ms)", lambda r: pct(r.change_environment, 0.5) * 1000),
        ("completion p50 (ms)", lambda r: pct(r.completion, 0.5) * 1000),
        ("completion p95 (ms)", lambda r: pct(r.completion, 0.95) * 1000),
        ("hover p50 (ms)", lambda r: pct(r.hover, 0.5) * 1000),
        ("hover p95 (ms)", lambda r: pct(r.hover, 0.95) * 1000),
        ("cold start → initialize (ms)", lambda r: pct(r.start, 0.5) * 1000),
        ("peak RSS (MB)", lambda r: r.rss_kb / 1024),
    ]
    head = "| metric | " + " | ".join(f"{n} lines: ours | theirs | ratio" for n in sizes) + " |"
    sep = "|---|" + "---|---|---|" * len(sizes)
    out = [head, sep]
    for label, get in rows:
        cells = []
        for n in sizes:
            a, b = get(results[(ours, n)]), get(results[(theirs, n)])
            cells.append(f"{a:.1f} | {b:.1f} | {a / b:.2f}" if b else f"{a:.1f} | {b:.1f} | –")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    extra = []
    for n in sizes:
        r, t = results[(ours, n)], results[(theirs, n)]
        extra.append(f"{n} lines: completion items ours {r.completion_items} / theirs {t.completion_items}; "
                     f"hover answered ours {r.hover_ok} / theirs {t.hover_ok}")  # fmt: skip
    return "\n".join(out) + "\n\n" + "\n".join(f"- {e}" for e in extra) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="50,500,1500")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--write", help="also write the table into this markdown file (between markers)")
    parser.add_argument(
        "--named",
        action="store_true",
        help="each sidecar also sets a variable to ${COPILOT_ENVIRONMENT_NAME}, as many manifests do",
    )
    parser.add_argument("--starts", type=int, default=5, help="cold starts per server and size (median)")
    parser.add_argument(
        "--bytecode", action="store_true", help="our server keeps compiled modules, as an installed wheel"
    )
    args = parser.parse_args()
    if not YLS.exists():
        print("yaml-language-server missing: run `npm ci` in benchmarks/node", file=sys.stderr)
        return 2
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[tuple[str, int], Result] = {}
    with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as pycache:
        ours = bytecode_env(pycache) if args.bytecode else None
        if ours is not None:
            cold_start("sidecar-lsp", Path(tmp), ours)  # compiles every module the next starts load
        for n in sizes:
            for name in ("sidecar-lsp", "yaml-language-server"):
                workdir = Path(tmp) / f"{name}-{n}"
                workdir.mkdir()
                env = ours if name == "sidecar-lsp" else None
                results[(name, n)] = run(name, n, args.repeats, workdir, args.named, env, args.starts)
                print(f"done: {name} {n} lines", file=sys.stderr)
    text = table(results, sizes)
    print(text)
    if args.write:
        target = Path(args.write)
        start, end = "<!-- bench:start -->", "<!-- bench:end -->"
        current = target.read_text(encoding="utf-8") if target.exists() else f"{start}\n{end}\n"
        before, rest = current.split(start, 1)
        after = rest.split(end, 1)[1]
        target.write_text(f"{before}{start}\n{text}{end}{after}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
