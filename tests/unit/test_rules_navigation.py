"""Definitions, references, highlights and rename of sidecars, volumes and the main container (core; named
test_rules_navigation so its basename differs from tests/e2e/test_navigation.py: the test folders are no packages)."""

from __future__ import annotations

from test_rules_support import span_of

from manifest_sets import SIDECAR_SERVICE
from sidecar_lsp.core.features.navigation import definitions, highlights, prepare_rename, references, rename
from sidecar_lsp.core.model import Pos, Span
from sidecar_lsp.core.yaml.tree import parse

TEXT = SIDECAR_SERVICE
DOC = parse(TEXT)


def at(needle: str, occurrence: int = 1) -> Pos:
    return span_of(TEXT, needle, occurrence).start


def test_target_container_goes_to_the_sidecar_key() -> None:
    assert definitions(DOC, at("nginx", 2)) == [span_of(TEXT, "nginx", 3), span_of(TEXT, "nginx", 6)]


def test_reference_inside_an_override_lists_the_base_definition_too() -> None:
    # environments.prod.http.additional_rules[0].target_container: nginx
    assert definitions(DOC, at("nginx", 5)) == [span_of(TEXT, "nginx", 3), span_of(TEXT, "nginx", 6)]


def test_depends_on_key_goes_to_the_main_container_name() -> None:
    assert definitions(DOC, at("api", 2)) == [span_of(TEXT, "api", 1)]


def test_source_volume_goes_to_the_volume_without_quotes() -> None:
    quoted = span_of(TEXT, '"data"')
    inside = Pos(quoted.start.line, quoted.start.col + 2)
    assert definitions(DOC, inside) == [span_of(TEXT, "data", 2)]


def test_nothing_to_define_elsewhere() -> None:
    assert definitions(DOC, at("location")) == []
    assert references(DOC, at("path")) == []


def test_references_of_a_sidecar_cover_base_and_overrides() -> None:
    expected = [span_of(TEXT, "nginx", n) for n in (1, 2, 3, 5, 6)]
    assert sorted(references(DOC, at("nginx", 3)), key=lambda s: s.start) == expected
    without = references(DOC, at("nginx", 3), include_declaration=False)
    assert without == [span_of(TEXT, "nginx", n) for n in (1, 2, 5)]


def test_highlights_mark_definitions_as_written() -> None:
    marks = dict(highlights(DOC, at("data", 2)))
    quoted = span_of(TEXT, '"data"')
    assert marks == {
        Span(Pos(quoted.start.line, quoted.start.col + 1), Pos(quoted.end.line, quoted.end.col - 1)): False,
        span_of(TEXT, "data", 2): True,
        span_of(TEXT, "data", 4): False,
    }


def test_prepare_rename_accepts_sidecars_and_volumes_only() -> None:
    assert prepare_rename(DOC, at("nginx", 2)) == (span_of(TEXT, "nginx", 2), "nginx")
    assert prepare_rename(DOC, at("data", 2)) == (span_of(TEXT, "data", 2), "data")
    assert prepare_rename(DOC, at("api")) is None  # the main container is the service name
    assert prepare_rename(DOC, at("api", 2)) is None
    assert prepare_rename(DOC, at("image")) is None
    assert prepare_rename(DOC, at("app")) is None


def test_rename_a_sidecar_everywhere_keeping_comments_and_quotes() -> None:
    edits = rename(DOC, at("nginx", 3), "proxy")
    assert edits is not None
    assert sorted(e.span.start for e in edits) == [span_of(TEXT, "nginx", n).start for n in (1, 2, 3, 5, 6)]
    renamed = apply_edits(TEXT, edits)
    assert "image: nginx" in renamed  # the image is no reference
    assert "  proxy:  # the proxy\n" in renamed  # the comment after the key stays
    assert 'source_volume: "data"' in renamed
    assert {e.new_text for e in edits} == {"proxy"}


def test_rename_a_volume_keeps_the_quotes() -> None:
    edits = rename(DOC, at("data", 4), "cache")
    assert edits is not None
    quoted = span_of(TEXT, '"data"')
    assert Span(Pos(quoted.start.line, quoted.start.col + 1), Pos(quoted.end.line, quoted.end.col - 1)) in [
        e.span for e in edits
    ]
    assert len(edits) == 3


def test_rename_refuses_names_that_need_quoting() -> None:
    assert rename(DOC, at("nginx", 3), "my proxy") is None
    assert rename(DOC, at("nginx", 3), "") is None
    assert rename(DOC, at("api"), "other") is None


def apply_edits(text: str, edits: list) -> str:  # type: ignore[type-arg]
    lines = text.split("\n")
    for edit in sorted(edits, key=lambda e: e.span.start, reverse=True):
        line = lines[edit.span.start.line]
        lines[edit.span.start.line] = line[: edit.span.start.col] + edit.new_text + line[edit.span.end.col :]
    return "\n".join(lines)
