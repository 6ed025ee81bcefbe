"""Issue 9's reproductions against the pure core: inputs that used to raise or give wrong places."""

from __future__ import annotations

import dataclasses
import json
import logging

import pytest

from manifest_sets import BACKEND_IMAGE
from sidecar_lsp.core import lines as core_lines
from sidecar_lsp.core.check.analyze import analyze
from sidecar_lsp.core.model import INTERNAL_ERROR, Pos, Severity
from sidecar_lsp.core.rules import RULES
from sidecar_lsp.core.rules.base import MAX_RELATED
from sidecar_lsp.core.yaml.tree import parse, resolve_plain, to_plain
from sidecar_lsp.lsp.documents import DocumentCaches

BASE = BACKEND_IMAGE


def codes(text: str) -> list[str]:
    return [f.code for f in analyze(text).findings]


# --- 1. an anchor aliased inside itself


def test_an_alias_inside_its_own_anchor_is_a_yaml_error_like_yaml_v3() -> None:
    text = "name: api\ntype: Backend Service\nimage: &x {location: nginx, depends_on: *x}\n"
    analysis = analyze(text)
    (finding,) = analysis.findings
    assert finding.code == "yaml-recursive-alias"
    assert finding.message.startswith("anchor 'x' value contains itself")
    assert finding.span.start == Pos(2, text.splitlines()[2].index("*x"))
    json.dumps(to_plain(analysis.document.root))  # the tree is a tree again


def test_an_alias_of_a_finished_anchor_is_still_fine() -> None:
    text = BASE + "variables: &v {A: 1}\nenvironments:\n  test:\n    variables: *v\n"
    assert "yaml-recursive-alias" not in codes(text)


# --- 2. huge integer literals


@pytest.mark.parametrize(
    "literal",
    ["0x" + "f" * 3600, "0o" + "7" * 5000, "9" * 5000, "-" + "9" * 5000, "0b" + "1" * 9000, "1e400"],
)
def test_huge_numbers_stay_text_and_are_reported_at_the_value(literal: str) -> None:
    text = BASE + f"  port: {literal}\n"
    findings = analyze(text).findings
    assert [f.code for f in findings] == ["schema-type"]
    assert findings[0].span.start == Pos(4, 8)


def test_numbers_resolve_within_yaml_v3s_64_bits() -> None:
    assert resolve_plain("18446744073709551615") == 2**64 - 1
    assert resolve_plain("-9223372036854775808") == -(2**63)
    assert resolve_plain("18446744073709551616") == float(2**64)  # yaml.v3 falls back to a float
    assert resolve_plain("0x1" + "0" * 16) == "0x1" + "0" * 16  # and keeps a hex literal as text
    assert resolve_plain("1e400") == "1e400"


# --- 3. line breaks other than \n


def test_a_lone_carriage_return_does_not_break_the_reader() -> None:
    assert analyze("a: 1\rb:").findings == []
    assert parse("a: 1\rb:").lines == ["a: 1", "b:"]


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r", "\x85", "\u2028", "\u2029"])
def test_every_yaml_line_break_gives_positions_on_the_clients_lines(brk: str) -> None:
    text = f"name: api{brk}type: Backend Service{brk}image:{brk}  location: nginx{brk}  bogus: 1{brk}"
    (finding,) = [f for f in analyze(text).findings if f.code == "schema-unknown-key"]
    # where a client (LSP: CR, LF, CRLF only) shows the key
    client_lines = core_lines.CLIENT_LINE_BREAK.split(text)
    line = next(i for i, content in enumerate(client_lines) if "bogus" in content)
    assert finding.span.start == Pos(line, client_lines[line].index("bogus"))


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x1c"])
def test_characters_python_counts_as_line_breaks_are_reported_where_they_are(char: str) -> None:
    text = f"name: api{char}\ntype: Backend Service\n"
    (finding,) = analyze(text).findings
    assert finding.code == "yaml-syntax"
    assert finding.span.start == Pos(0, 9)


def test_a_lone_surrogate_is_a_yaml_error_at_its_place() -> None:
    (finding,) = analyze("name: a\ud800b\ntype: Backend Service\n").findings
    assert finding.code == "yaml-syntax" and finding.span.start == Pos(0, 7)


# --- 4. one rule that raises


def test_a_rule_that_raises_becomes_one_internal_error_and_the_rest_still_reports(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(_workload: object) -> list[object]:
        raise KeyError("boom")

    monkeypatch.setitem(RULES, "D1", dataclasses.replace(RULES["D1"], check=broken))
    text = (
        BASE
        + "  bogus: 1\nsidecars:\n  nginx:\n    image: nginx\n    port: 80\n  other:\n    image: x\n    port: 80\n"
    )
    with caplog.at_level(logging.ERROR):
        findings = analyze(text).findings
    internal = [f for f in findings if f.code == INTERNAL_ERROR]
    assert len(internal) == 1 and "rule D1" in internal[0].message and "KeyError" in internal[0].message
    assert internal[0].severity is Severity.WARNING
    assert {"schema-unknown-key"} <= {f.code for f in findings}  # the other checks still ran
    assert any(f.code != INTERNAL_ERROR and not f.code.startswith("schema") for f in findings)
    assert any("rule D1 raised" in record.getMessage() for record in caplog.records)


def test_a_schema_check_that_raises_leaves_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    import sidecar_lsp.core.check.validate as validate

    def broken(*_args: object, **_kwargs: object) -> list[object]:
        raise RuntimeError("boom")

    monkeypatch.setattr(validate, "schema_findings", broken)
    text = BASE + "sidecars:\n  a:\n    image: x\n    depends_on:\n      missing: start\n"
    assert sorted(set(codes(text))) == ["D1", INTERNAL_ERROR]


# --- 5. related information grows with one finding, not with the manifest


def test_related_information_is_capped_for_d1_and_d4() -> None:
    count = 300
    missing = (
        BASE
        + "sidecars:\n"
        + "".join(f"  s{i}:\n    image: x\n    depends_on:\n      nowhere: start\n" for i in range(count))
    )
    cycle = (
        BASE
        + "sidecars:\n"
        + "".join(
            f"  s{i}:\n    image: x\n    essential: false\n    depends_on:\n      s{(i + 1) % count}: start\n"
            for i in range(count)
        )
    )
    for text, code in ((missing, "D1"), (cycle, "D4")):
        findings = [f for f in analyze(text).findings if f.code == code]
        assert len(findings) == count
        assert all(0 < len(f.related) <= MAX_RELATED for f in findings)
        assert max(len(f.message) for f in findings) < 400


# --- 10. the server's caches are bounded


def test_document_caches_keep_trees_within_their_budget_and_forget_closed_documents() -> None:
    caches = DocumentCaches(budget_chars=10_000)
    text = BASE * 30  # ~1,700 characters
    for index in range(20):
        caches.store_parsed(f"file:///{index}", text, parse(text), True)
    assert caches.held_chars() <= 10_000
    assert "file:///19" in caches.uris() and "file:///0" not in caches.uris()
    caches.forget("file:///19")
    assert "file:///19" not in caches.uris() and caches.last_complete("file:///19") is None
