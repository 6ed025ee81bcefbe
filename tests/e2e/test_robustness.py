"""The real server under abuse: malformed JSON-RPC, random edits of real manifests (hypothesis)."""

from __future__ import annotations

import contextlib
import json
import math
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsp_client import LspError, LspProcess

from manifest_sets import BACKEND_IMAGE, CORPUS, OWN

SERVER = [sys.executable, "-m", "sidecar_lsp", "--stdio"]
FILES = [*OWN, *CORPUS]
"""Real manifests to edit at random: the project's own set, plus the corpus when it is beside us."""
CAPS = {
    "general": {"positionEncodings": ["utf-16"]},
    "textDocument": {"completion": {"completionItem": {"snippetSupport": True}}, "hover": {}},
    "workspace": {"configuration": True},
}
URI = "file:///ws/copilot/fuzz/manifest.yml"


@pytest.fixture(scope="module")
def server() -> Any:
    proc = LspProcess(SERVER)
    proc.initialize(CAPS)
    yield proc
    proc.close()


def units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _change(
    proc: LspProcess, uri: str, version: int, start: dict[str, int], end: dict[str, int], text: str
) -> None:
    """One incremental ``didChange`` replacing ``start``-``end`` (UTF-16 positions) with ``text``."""
    proc.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": start, "end": end}, "text": text}],
        },
    )


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
    uri = f"file:///ws/copilot/fuzz{_version[0]}/manifest.yml"
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
        start = {"line": line, "character": units(lines[line][:col])}
        end = {"line": end_line, "character": units(text.split("\n")[end_line][:end_col])}
        _change(server, uri, version, start, end, insert)
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


# --- issue 9: the protocol's rules, the transports, threads and line breaks over the wire

BASE_TEXT = BACKEND_IMAGE


def fresh(caps: dict[str, Any] | None = None, *, init: bool = True, **extra: Any) -> LspProcess:
    proc = LspProcess(SERVER)
    if init:
        proc.initialize(caps if caps is not None else CAPS, **extra)
    return proc


def open_text(proc: LspProcess, uri: str, text: str, version: int = 1) -> dict[str, Any]:
    proc.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "yaml", "version": version, "text": text}},
    )
    _, _, published = proc.wait_notification(
        "textDocument/publishDiagnostics", lambda p: p["uri"] == uri and p.get("version") == version
    )
    return published


def test_requests_before_initialize_get_server_not_initialized_and_after_shutdown_invalid_request() -> None:
    proc = fresh(init=False)
    try:
        early = proc.response(
            proc.send(
                "textDocument/hover", {"textDocument": {"uri": URI}, "position": {"line": 0, "character": 0}}
            )
        )
        assert early["error"]["code"] == -32002
        proc.initialize(CAPS)
        assert proc.request("shutdown", None) is None
        late = proc.response(proc.send("textDocument/documentSymbol", {"textDocument": {"uri": URI}}), 10)
        assert late["error"]["code"] == -32600
        proc.notify("exit", None)
        assert proc.proc.wait(10) == 0
    finally:
        proc.close()


def test_exit_without_shutdown_exits_with_1() -> None:
    proc = fresh()
    proc.notify("exit", None)
    assert proc.proc.wait(10) == 1


INITIALIZED_MESSAGE = {"jsonrpc": "2.0", "method": "initialized", "params": {}}
INITIALIZED = json.dumps(INITIALIZED_MESSAGE).encode()


def _until_end_of_input(data: bytes, log: Path) -> int:
    """Send ``data`` to a new server, close its stdin, and return its exit status (its stderr to ``log``).

    The limit is generous: the server must end, not end fast; one that keeps reading is killed.
    """
    with log.open("wb") as stderr:
        proc = subprocess.Popen(SERVER, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=stderr)
    try:
        assert proc.stdin is not None
        proc.stdin.write(data)
        proc.stdin.close()
        try:
            return proc.wait(10)
        except subprocess.TimeoutExpired:
            pytest.fail(f"the server was still running 10 s after the end of its input: {log.read_text()}")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize(
    "declared", [b"2000000000", b"1000000000000000", b"9" * 5000], ids=["2GB", "1e15", "5000-digits"]
)
def test_an_absurd_content_length_is_refused_and_the_end_of_input_ends_the_server_with_1(
    declared: bytes, tmp_path: Path
) -> None:
    log = tmp_path / "stderr.log"
    assert _until_end_of_input(b"Content-Length: %s\r\n\r\n" % declared + INITIALIZED, log) == 1
    errors = log.read_text(encoding="utf-8")
    assert (
        f"ERROR sidecar_lsp.lsp.protocol: refused a message of Content-Length {declared[:40].decode()}"
        in errors
    )
    assert "ERROR sidecar_lsp.lsp.protocol: the input ended inside a message" in errors
    assert "Traceback" not in errors


def test_the_end_of_input_inside_a_body_ends_the_server_with_1_and_between_messages_with_0(
    tmp_path: Path,
) -> None:
    short = tmp_path / "short.log"
    truncated = b"Content-Length: %d\r\n\r\n" % (len(INITIALIZED) + 100) + INITIALIZED
    assert _until_end_of_input(truncated, short) == 1
    ending = f"the input ended inside a message (after {len(INITIALIZED)} of {len(INITIALIZED) + 100} bytes)"
    assert ending in short.read_text(encoding="utf-8")
    whole = tmp_path / "whole.log"
    assert _until_end_of_input(_frame(INITIALIZED_MESSAGE), whole) == 0
    assert "ERROR" not in whole.read_text(encoding="utf-8")


def test_a_message_of_several_megabytes_arrives_whole() -> None:
    proc = fresh()
    try:
        text = "name: big\ntype: Backend Service\n# " + "é" * 1_100_000 + "\n"  # 6.6 MB as JSON escapes it
        published = open_text(proc, URI, text)
        assert [d["code"] for d in published["diagnostics"]] == ["file-too-large"]
        assert f"file is {len(text):,} characters long" in published["diagnostics"][0]["message"]
        assert proc.request("textDocument/documentSymbol", {"textDocument": {"uri": URI}}) == []
    finally:
        proc.close()


def test_a_body_that_is_not_json_gets_a_parse_error_and_errors_carry_no_traceback() -> None:
    proc = fresh()
    try:
        proc.send_raw(b"{ not json")
        proc.send_raw(b"\xff\xfe garbage")
        bad = proc.response(proc.send("textDocument/hover", {"textDocument": 42}), 10)
        assert "error" in bad and "data" not in bad["error"]
        deadline = 10.0
        with proc._cond:
            proc._cond.wait_for(lambda: None in proc._responses, deadline)
            parse_error = proc._responses.pop(None)
        assert parse_error["error"]["code"] == -32700
        assert proc.request("textDocument/documentSymbol", {"textDocument": {"uri": URI}}) is None
    finally:
        proc.close()


def test_a_lone_surrogate_in_the_text_is_a_diagnostic_and_requests_still_answer(server: LspProcess) -> None:
    uri = "file:///ws/copilot/surrogate/manifest.yml"
    body = json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": {
                "textDocument": {
                    "uri": uri,
                    "languageId": "yaml",
                    "version": 1,
                    "text": "name: a\ud800\ntype: Backend Service\n",
                }
            },
        }
    ).encode()
    server.send_raw(body)
    _, _, published = server.wait_notification("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
    assert [d["code"] for d in published["diagnostics"]] == ["yaml-syntax"]
    hover = server.request(
        "textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": 0, "character": 7}}
    )
    assert hover is None  # answered (an error would raise), with nothing to show on text that does not parse


def test_an_invalid_setting_is_shown_once_and_the_default_is_used() -> None:
    proc = fresh(CAPS, initializationOptions={"diagnostics": {"debounceMs": math.nan, "enable": "yes"}})
    try:
        published = open_text(proc, URI, BASE_TEXT + "  bogus: 1\n")
        assert [d["code"] for d in published["diagnostics"]] == ["schema-unknown-key"]
        messages = [p["message"] for _, name, p in proc.notifications if name == "window/showMessage"]
        assert (
            len(messages) == 2
            and any("debounceMs" in m for m in messages)
            and any("enable" in m for m in messages)
        )
    finally:
        proc.close()


def test_tcp_serves_the_first_client_and_refuses_a_second() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "sidecar_lsp", "--tcp", "--port", str(port)])
    try:
        first = _connect(port)
        first.settimeout(10)
        first.sendall(
            _frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
        )
        _read_until(first, b'"id": 1')
        second = _connect(port)
        second.settimeout(10)
        second.sendall(
            _frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}})
        )
        # closed without a word (a reset, when it closes before the request is read, is a refusal too)
        with contextlib.suppress(ConnectionResetError):
            assert second.recv(65536) == b""
        first.sendall(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
        _read_until(first, b'"id": 2')
        first.sendall(_frame({"jsonrpc": "2.0", "method": "exit"}))
        assert server.wait(10) == 0
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _read_until(sock: socket.socket, marker: bytes) -> None:
    received = b""
    while marker not in received:
        chunk = sock.recv(65536)
        assert chunk, "the first client lost its session"
        received += chunk


def _connect(port: int) -> socket.socket:
    deadline = time.monotonic() + 20
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=10)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def client_offset(text: str, line: int, col: int) -> int:
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    return starts[line] + col


def test_incremental_edits_around_every_line_break_never_drift(server: LspProcess) -> None:
    """The server's text stays the client's: its diagnostics equal those of a fresh didOpen."""
    text = "name: api\u2028type: Backend Service\x85image:\r  location: nginx\r\n  port: 80\u2029"
    uri = "file:///w/copilot/drift/manifest.yml"
    open_text(server, uri, text)
    edits = [
        (0, 9, 0, 9, "\u2028x: 1"),
        (1, 0, 1, 0, "  bogus: 2\r"),
        (3, 2, 3, 6, "typo"),
        (0, 0, 0, 0, "\x0c"),
    ]
    version = 1
    for line, col, end_line, end_col, new in edits:
        version += 1
        lines = re.split(r"\r\n|\r|\n", text)
        first = {"line": line, "character": units(lines[line][:col])}
        last = {"line": end_line, "character": units(lines[end_line][:end_col])}
        _change(server, uri, version, first, last, new)
        start, end = client_offset(text, line, col), client_offset(text, end_line, end_col)
        text = text[:start] + new + text[end:]
        _, _, edited = server.wait_notification(
            "textDocument/publishDiagnostics",
            lambda p, v=version: p["uri"] == uri and p.get("version") == v,
        )
        reference = open_text(server, f"file:///w/copilot/ref{version}/manifest.yml", text)
        assert edited["diagnostics"] == reference["diagnostics"], (version, repr(text))


BROKEN_RULE_SERVER = [
    sys.executable,
    "-c",
    "import dataclasses, sys\n"
    "from sidecar_lsp.core.rules.base import RULES\n"
    "def broken(workload):\n"
    "    raise KeyError('boom')\n"
    "RULES['D1'] = dataclasses.replace(RULES['D1'], check=broken)\n"
    "import sidecar_lsp.core.features.hover as hover\n"
    "hover.hover = broken\n"
    "import sidecar_lsp.core.features.navigation as navigation\n"
    "navigation.definitions = broken\n"
    "from sidecar_lsp.__main__ import main\n"
    "sys.exit(main(['--stdio']))\n",
]


def test_a_rule_that_raises_in_the_server_still_publishes_the_rest_and_code_actions_answer() -> None:
    proc = LspProcess(BROKEN_RULE_SERVER)
    try:
        proc.initialize(CAPS)
        text = BASE_TEXT + "sidecars:\n  nginx:\n    image: nginx\n    credentails: arn\n"
        published = open_text(proc, URI, text)
        found = [d["code"] for d in published["diagnostics"]]
        assert "internal-error" in found and "schema-unknown-key" in found
        internal = next(d for d in published["diagnostics"] if d["code"] == "internal-error")
        assert "rule D1" in internal["message"]
        actions = proc.request(
            "textDocument/codeAction",
            {
                "textDocument": {"uri": URI},
                "range": {"start": {"line": 7, "character": 6}, "end": {"line": 7, "character": 6}},
                "context": {"diagnostics": []},
            },
        )
        assert actions and "credentialsParameter" in actions[0]["title"]
        # a feature that raises answers null (logged), not -32603
        reply = proc.response(
            proc.send(
                "textDocument/hover", {"textDocument": {"uri": URI}, "position": {"line": 1, "character": 1}}
            )
        )
        assert "error" not in reply and reply["result"] is None
        # definition too: its one handler is guarded like every other (no handler patched in)
        reply = proc.response(
            proc.send(
                "textDocument/definition",
                {"textDocument": {"uri": URI}, "position": {"line": 1, "character": 1}},
            )
        )
        assert "error" not in reply and reply["result"] is None
        assert proc.request("textDocument/documentSymbol", {"textDocument": {"uri": URI}})  # still serving
    finally:
        proc.close()


def test_a_document_closed_while_it_is_checked_stays_closed(server: LspProcess) -> None:
    big = (
        BASE_TEXT + "sidecars:\n" + "".join(f"  s{i}:\n    image: x\n    port: {i + 1}\n" for i in range(400))
    )
    uri = "file:///w/copilot/closing/manifest.yml"
    server.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": big}},
    )
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert server.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}}) is None
    time.sleep(2)
    published = [
        p
        for _, name, p in server.notifications
        if name == "textDocument/publishDiagnostics" and p["uri"] == uri
    ]
    assert published and published[-1]["diagnostics"] == []
