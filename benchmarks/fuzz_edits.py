"""A seeded run of random incremental edits against the real server, checking that it never drifts.

The client keeps its own copy of the text (lines end at LF, CRLF or CR, as in LSP) and sends every
edit as an incremental ``didChange`` with UTF-16 positions. Edits insert YAML fragments, anchors,
aliases and merge keys, every line break YAML knows (and those only Python counts), lone
surrogates, astral characters and huge numbers. Every few edits it asks for hover, completion and
code actions at random places; after every ``--check-every`` edits it waits for the diagnostics of
the current version and compares them, and the outline, with those of a fresh ``didOpen`` of the
client's text under another URI. Any difference is drift.

    .venv/bin/python benchmarks/fuzz_edits.py --edits 10000 --seed 9

prints the figures: edits sent, checkpoints, drift, requests sent and unanswered, error replies,
and whether the server is still alive. The test suite runs a shorter seeded version
(``tests/e2e/test_fuzz_drift.py``).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lsp_client import LspError, LspProcess  # noqa: E402

SERVER = [sys.executable, "-m", "sidecar_lsp", "--stdio"]
CAPS: dict[str, Any] = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {"completion": {"completionItem": {"snippetSupport": True}}, "hover": {}},
    "workspace": {"configuration": True, "workspaceEdit": {"documentChanges": True}},
}
CLIENT_BREAK = re.compile(r"\r\n|\r|\n")

START = """\
name: api
type: Load Balanced Web Service
image:
  location: nginx
  port: 80
  depends_on: &deps
    envoy: start
http:
  path: /
  healthcheck: &check
    path: /health
    interval: 10s
variables: &vars
  LOG_LEVEL: info
sidecars:
  envoy:
    image: envoy
    port: 9901
    variables: *vars
  log:
    image: fluent
    <<: *check
storage:
  volumes:
    data:
      path: /data
environments:
  test:
    variables:
      <<: *vars
      EXTRA: "1"
    http:
      healthcheck: *check
"""

BREAKS = ["\n", "\r", "\r\n", "\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c"]
FRAGMENTS = [
    "&a ", "*a", "&b {x: 1}", "<<: *a", "<<: [*a, *b]", "- &c [1, 2]", "*deps", "*vars", "&x {y: *x}",
    "sidecars:", "depends_on:", "  port: ", "image: ", "  location: x", "- ", ": ", "  ", "#", "'", '"',
    "[", "]", "{", "}", ",", "|", ">", "!Ref ", "${VAR}", "yes", "null", "~", "80/tcp", "é", "🚀",
    "\ud800", "\udfff", "\t", "---\n", "? ",
]  # fmt: skip


def huge_number(rng: random.Random) -> str:
    return rng.choice(
        ["0x" + "f" * rng.randint(17, 4000), "9" * rng.randint(21, 5000), "0o" + "7" * 5000, "1e999"]
    )


def units(text: str) -> int:
    """UTF-16 code units, counting a lone surrogate as one (it cannot be encoded)."""
    return sum(2 if ord(char) > 0xFFFF else 1 for char in text)


class Client:
    """The client's copy of one document."""

    def __init__(self, text: str) -> None:
        self.text = text

    def lines(self) -> list[str]:
        return CLIENT_BREAK.split(self.text)

    def offset(self, line: int, col: int) -> int:
        starts = [0] + [m.end() for m in CLIENT_BREAK.finditer(self.text)]
        return starts[line] + col

    def random_position(self, rng: random.Random) -> tuple[int, int]:
        lines = self.lines()
        line = rng.randrange(len(lines))
        return line, rng.randint(0, len(lines[line]))

    def wire(self, line: int, col: int) -> dict[str, int]:
        return {"line": line, "character": units(self.lines()[line][:col])}


@dataclass
class Figures:
    seed: int
    edits: int = 0
    checkpoints: int = 0
    drift: list[str] = field(default_factory=list)
    requests: int = 0
    unanswered: int = 0
    error_replies: int = 0
    crashed: bool = False
    seconds: float = 0.0

    def lines(self) -> list[str]:
        return [
            f"seed {self.seed}: {self.edits:,} edits, {self.checkpoints} checkpoints against a fresh didOpen",
            f"drift: {len(self.drift)}",
            f"requests: {self.requests:,} sent, {self.unanswered} unanswered, {self.error_replies} error replies",
            f"crashes: {1 if self.crashed else 0}",
            f"time: {self.seconds:.0f} s",
        ]


def normalized(value: Any, uri: str) -> Any:
    """The value with the document's URI replaced, so two documents' answers compare."""
    return json.loads(json.dumps(value).replace(json.dumps(uri)[1:-1], "<uri>"))


def run(edits: int, seed: int, check_every: int = 100, timeout: float = 60) -> Figures:
    rng = random.Random(seed)
    figures = Figures(seed)
    started = time.monotonic()
    proc = LspProcess(SERVER)
    try:
        proc.initialize(CAPS)
        uri = "file:///fuzz/copilot/live/manifest.yml"
        client = Client(START)
        version = 1
        proc.notify(
            "textDocument/didOpen",
            {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": client.text}},
        )
        for step in range(1, edits + 1):
            version += 1
            _edit(proc, rng, client, uri, version)
            figures.edits += 1
            if step % 5 == 0:
                _probe(proc, rng, client, uri, figures, timeout)
            if step % check_every == 0:
                _checkpoint(proc, client, uri, version, step, figures, timeout)
            if len(client.text) > 12_000:  # keep the document the size of a real manifest
                version += 1
                _replace_all(proc, client, uri, version, START)
        figures.crashed = proc.proc.poll() is not None
    except TimeoutError:
        figures.unanswered += 1
        figures.crashed = proc.proc.poll() is not None
    finally:
        proc.close()
        figures.seconds = time.monotonic() - started
    return figures


def _edit(proc: LspProcess, rng: random.Random, client: Client, uri: str, version: int) -> None:
    line, col = client.random_position(rng)
    start = client.offset(line, col)
    end_line, end_col = line, col
    if rng.random() < 0.4:  # delete up to a few lines
        end = min(start + rng.randint(1, 60), len(client.text))
        before = CLIENT_BREAK.split(client.text[:end])
        end_line, end_col = len(before) - 1, len(before[-1])
    roll = rng.random()
    if roll < 0.25:
        insert = rng.choice(BREAKS)
    elif roll < 0.27:
        insert = huge_number(rng)
    elif roll < 0.9:
        insert = "".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(0, 3)))
    else:
        insert = rng.choice(BREAKS).join(rng.choice(FRAGMENTS) for _ in range(3))
    end_offset = client.offset(end_line, end_col)
    proc.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [
                {
                    "range": {"start": client.wire(line, col), "end": client.wire(end_line, end_col)},
                    "text": insert,
                }
            ],
        },
    )
    client.text = client.text[:start] + insert + client.text[end_offset:]


def _replace_all(proc: LspProcess, client: Client, uri: str, version: int, text: str) -> None:
    proc.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]},
    )
    client.text = text


def _probe(
    proc: LspProcess, rng: random.Random, client: Client, uri: str, figures: Figures, timeout: float
) -> None:
    line, col = client.random_position(rng)
    position = client.wire(line, col)
    requests = [
        ("textDocument/hover", {"textDocument": {"uri": uri}, "position": position}),
        ("textDocument/completion", {"textDocument": {"uri": uri}, "position": position}),
        (
            "textDocument/codeAction",
            {
                "textDocument": {"uri": uri},
                "range": {"start": position, "end": position},
                "context": {"diagnostics": []},
            },
        ),
    ]
    method, params = rng.choice(requests)
    figures.requests += 1
    try:
        proc.request(method, params, timeout=timeout)
    except LspError:
        figures.error_replies += 1
    except TimeoutError:
        figures.unanswered += 1


def _checkpoint(
    proc: LspProcess, client: Client, uri: str, version: int, step: int, figures: Figures, timeout: float
) -> None:
    figures.checkpoints += 1
    _, _, live = proc.wait_notification(
        "textDocument/publishDiagnostics",
        lambda p: p["uri"] == uri and p.get("version") == version,
        timeout=timeout,
    )
    live_symbols = proc.request(
        "textDocument/documentSymbol", {"textDocument": {"uri": uri}}, timeout=timeout
    )
    fresh_uri = f"file:///fuzz/copilot/fresh{step}/manifest.yml"
    proc.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": fresh_uri, "languageId": "yaml", "version": 1, "text": client.text}},
    )
    _, _, fresh = proc.wait_notification(
        "textDocument/publishDiagnostics",
        lambda p: p["uri"] == fresh_uri and p.get("version") == 1,
        timeout=timeout,
    )
    fresh_symbols = proc.request(
        "textDocument/documentSymbol", {"textDocument": {"uri": fresh_uri}}, timeout=timeout
    )
    proc.notify("textDocument/didClose", {"textDocument": {"uri": fresh_uri}})
    if normalized(live["diagnostics"], uri) != normalized(fresh["diagnostics"], fresh_uri) or normalized(
        live_symbols, uri
    ) != normalized(fresh_symbols, fresh_uri):
        figures.drift.append(f"after edit {step}: {client.text!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--check-every", type=int, default=100)
    args = parser.parse_args()
    figures = run(args.edits, args.seed, args.check_every)
    for line in figures.lines():
        print(line)
    for item in figures.drift[:5]:
        print("  drift", item[:300])
    return 1 if figures.drift or figures.unanswered or figures.crashed else 0


if __name__ == "__main__":
    sys.exit(main())
