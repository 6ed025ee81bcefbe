"""The real server under abuse: malformed JSON-RPC, random edits of real manifests (hypothesis)."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from manifest_sets import CORPUS, OWN

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from lsp_client import LspError, LspProcess  # noqa: E402

SERVER = [sys.executable, "-m", "sidecar_lsp", "--stdio"]
FILES = [*OWN, *CORPUS]
"""Real manifests to edit at random: the project's own set, plus the corpus when it is beside us."""
CAPS = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {"completion": {"completionItem": {"snippetSupport": True}}, "hover": {}},
    "workspace": {"configuration": True},
}
URI = "file:///work/copilot/fuzz/manifest.yml"


@pytest.fixture(scope="module")
def server() -> Any:
    proc = LspProcess(SERVER)
    proc.initialize(CAPS)
    yield proc
    proc.close()


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def assert_range_inside(lines: list[str], value: dict[str, Any]) -> None:
    for end in ("start", "end"):
        pos = value[end]
        assert 0 <= pos["line"] < len(lines), value
        assert 0 <= pos["character"] <= units(lines[pos["line"]]), value
    assert (value["start"]["line"], value["start"]["character"]) <= (
        value["end"]["line"],
        value["end"]["character"],
    )


def test_malformed_json_rpc_gets_errors_and_the_server_keeps_serving(server: LspProcess) -> None:
    server.send_raw(b"{ this is not json")
    server.send_raw(json.dumps({"jsonrpc": "2.0", "id": 900, "params": {}}).encode())  # no method
    bad = server.send("textDocument/hover", {"textDocument": 42})
    assert "error" in server.response(bad, 10)
    unknown = server.send("sidecar/doesNotExist", {})
    assert server.response(unknown, 10)["error"]["code"] == -32601
    # unopened document and nonsense positions: empty answers, no errors
    assert (
        server.request(
            "textDocument/hover",
            {"textDocument": {"uri": URI + "x"}, "position": {"line": 0, "character": 0}},
        )
        is None
    )
    result = server.request(
        "textDocument/completion",
        {"textDocument": {"uri": URI + "x"}, "position": {"line": 99, "character": 99}},
    )
    assert not result or not result.get("items")
    server.notify(
        "textDocument/didChange",
        {"textDocument": {"uri": URI + "never-opened", "version": 3}, "contentChanges": [{"text": "x"}]},
    )
    text = "name: api\ntype: Backend Service\n"
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": URI, "languageId": "yaml", "version": 1, "text": text}},
    )
    hover = server.request(
        "textDocument/hover", {"textDocument": {"uri": URI}, "position": {"line": 1, "character": 1}}
    )
    assert hover and "type" in hover["contents"]["value"]
    for position in (
        {"line": -1, "character": 0},
        {"line": 500, "character": 9},
        {"line": 0, "character": 2**31 - 1},
    ):
        with contextlib.suppress(LspError):  # an error reply is an answer too
            server.request(
                "textDocument/hover", {"textDocument": {"uri": URI}, "position": position}, timeout=10
            )
    server.notify("textDocument/didClose", {"textDocument": {"uri": URI}})
    assert server.request("textDocument/documentSymbol", {"textDocument": {"uri": URI}}) is None


PIECES = st.sampled_from(
    list("abcdehklmnoprstuy_-: \n\t#[]{}'\"|>&*!%@`,?0123456789") + ["🚀", "é", "  ", "- ", ": "]
)


@st.composite
def edits(draw: st.DrawFn) -> tuple[str, list[tuple[float, float, int, str]]]:
    path = draw(st.sampled_from(FILES)) if FILES else None
    text = path.read_text(encoding="utf-8") if path else "name: api\ntype: Backend Service\n"
    steps = draw(
        st.lists(
            st.tuples(
                st.floats(0, 1),
                st.floats(0, 1),
                st.integers(0, 12),
                st.lists(PIECES, max_size=6).map("".join),
            ),
            min_size=1,
            max_size=6,
        )
    )
    return text, steps


_version = [0]


@pytest.mark.slow
@pytest.mark.skipif(not FILES, reason="corpus not available")
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=edits(), probes=st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1.2)), min_size=1, max_size=4))
def test_random_edits_never_break_the_server(
    server: LspProcess,
    case: tuple[str, list[tuple[float, float, int, str]]],
    probes: list[tuple[float, float]],
) -> None:
    text, steps = case
    _version[0] += 1
    uri = f"file:///work/copilot/fuzz{_version[0]}/manifest.yml"
    version = 1
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}},
    )
    for line_f, col_f, delete, insert in steps:
        lines = text.split("\n")
        line = min(int(line_f * len(lines)), len(lines) - 1)
        col = min(int(col_f * (len(lines[line]) + 1)), len(lines[line]))
        offset = sum(len(x) + 1 for x in lines[:line]) + col
        end_offset = min(offset + delete, len(text))
        before = text[:end_offset].split("\n")
        end_line, end_col = len(before) - 1, len(before[-1])
        version += 1
        server.notify(
            "textDocument/didChange",
            {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [
                    {
                        "range": {
                            "start": {"line": line, "character": units(lines[line][:col])},
                            "end": {
                                "line": end_line,
                                "character": units(text.split("\n")[end_line][:end_col]),
                            },
                        },
                        "text": insert,
                    }
                ],
            },
        )
        text = text[:offset] + insert + text[end_offset:]
        lines = text.split("\n")
        for pl, pc in probes:
            probe_line = min(int(pl * len(lines)), len(lines) - 1)
            position = {"line": probe_line, "character": int(pc * (units(lines[probe_line]) + 1))}
            ident = {"textDocument": {"uri": uri}, "position": position}
            completion = server.request("textDocument/completion", ident, timeout=20)
            for item in (completion or {}).get("items", []):
                assert_range_inside(lines, item["textEdit"]["range"])
            hover = server.request("textDocument/hover", ident, timeout=20)
            if hover and hover.get("range"):
                assert_range_inside(lines, hover["range"])
    symbols = server.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}}, timeout=20) or []
    stack = list(symbols)
    while stack:
        symbol = stack.pop()
        assert_range_inside(lines, symbol["range"])
        assert_range_inside(lines, symbol["selectionRange"])
        stack.extend(symbol.get("children") or [])
    _, _, published = server.wait_notification(
        "textDocument/publishDiagnostics",
        lambda p: p["uri"] == uri and p.get("version") == version,
        timeout=30,
    )
    for diagnostic in published["diagnostics"]:
        assert_range_inside(lines, diagnostic["range"])
        for related in diagnostic.get("relatedInformation") or []:
            assert_range_inside(lines, related["location"]["range"])
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert server.proc.poll() is None
