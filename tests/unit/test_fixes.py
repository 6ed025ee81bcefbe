"""Quick fixes: exact-span edits that keep comments and formatting."""

from __future__ import annotations

import textwrap

from test_rules_support import span_of

from sidecar_lsp.core.check.analyze import analyze
from sidecar_lsp.core.features.fixes import code_actions, fixes_for
from sidecar_lsp.core.model import Finding, Pos, Severity, Span, TextEdit
from sidecar_lsp.core.rules import run_rules
from sidecar_lsp.core.yaml.tree import parse


def apply(text: str, edits: tuple[TextEdit, ...] | list[TextEdit]) -> str:
    offsets = [0]
    for line in text.split("\n"):
        offsets.append(offsets[-1] + len(line) + 1)
    for edit in sorted(edits, key=lambda e: e.span.start, reverse=True):
        start = offsets[edit.span.start.line] + edit.span.start.col
        end = offsets[edit.span.end.line] + edit.span.end.col
        text = text[:start] + edit.new_text + text[end:]
    return text


LBWS = textwrap.dedent(
    """\
    name: api  # the service
    type: Load Balanced Web Service
    image:
      location: app
      port: 80
    http:
      path: /
      target_container: api   # main
      targetContainer: api    # old spelling
    """
)


def test_both_spellings_fix_drops_the_camel_case_line_only() -> None:
    (finding,) = [f for f in run_rules(parse(LBWS)) if f.code == "T2"]
    fixed = apply(LBWS, fixes_for(parse(LBWS), finding)[0].edits)
    assert fixed == LBWS.replace("  targetContainer: api    # old spelling\n", "")


def test_camel_case_alone_is_renamed() -> None:
    text = LBWS.replace("  target_container: api   # main\n", "")
    (finding,) = [f for f in run_rules(parse(text)) if f.code == "X-target-container-camel"]
    fixed = apply(text, fixes_for(parse(text), finding)[0].edits)
    assert "  target_container: api    # old spelling\n" in fixed


def test_a_finding_without_fixes_gets_none_whatever_its_message_says() -> None:
    finding = Finding(
        "schema-unknown-key",
        Severity.WARNING,
        "unknown key 'credentials' in 'sidecars.nginx'; did you mean 'credentialsParameter'? Copilot ignores it",
        Span(Pos(3, 4), Pos(3, 15)),
        ("sidecars", "nginx", "credentials"),
    )
    assert fixes_for(parse("a: 1\n"), finding) == []


def test_unknown_key_fix_from_analysis_keeps_the_comment() -> None:
    text = LBWS + "sidecars:\n  nginx:\n    image: nginx\n    credentails: arn  # secret\n"
    analysis = analyze(text)
    (finding,) = [f for f in analysis.findings if f.code == "schema-unknown-key"]
    (fix, *_) = fixes_for(analysis.document, finding)
    assert "    credentialsParameter: arn  # secret\n" in apply(text, fix.edits)


def test_enum_nearest_values_come_with_the_finding() -> None:
    text = "name: a\ntype: Backend Service\ndeployment:\n  rolling: recreat\n"
    analysis = analyze(text)
    (finding,) = [f for f in analysis.findings if f.fixes]
    fixes = fixes_for(analysis.document, finding)
    assert [f.title for f in fixes][0] == "Change to 'recreate'"
    assert apply(text, fixes[0].edits).endswith("rolling: recreate\n")


def test_missing_volume_stub() -> None:
    text = (
        LBWS
        + "sidecars:\n  nginx:\n    image: n\n    mount_points:\n      - source_volume: cache\n        path: /c\n"
    )
    (finding,) = [f for f in run_rules(parse(text)) if f.code == "X-source-volume"]
    fixed = apply(text, fixes_for(parse(text), finding)[0].edits)
    assert fixed.endswith("storage:\n  volumes:\n    cache:\n      path: /mnt/cache\n")
    assert parse(fixed).findings == []


def test_code_actions_pick_the_findings_under_the_cursor() -> None:
    analysis = analyze(LBWS)
    cursor = span_of(LBWS, "targetContainer")
    actions = code_actions(analysis.document, analysis.findings, Span(cursor.start, cursor.start))
    assert [fix.title for _finding, fix in actions] == ["Remove the deprecated targetContainer"]
    assert code_actions(analysis.document, analysis.findings, Span(Pos(0, 0), Pos(0, 0))) == []
