"""Inlay hints: each environment's value at the base, the base's at an override, defaults the rules read."""

from __future__ import annotations

import pytest

from manifest_sets import LBWS, position_of
from sidecar_lsp.core.features.inlay_hints import (
    BASE_VALUE,
    DEFAULT,
    ENVIRONMENT_VALUES,
    MAX_HINT_LINES,
    MAX_LABEL,
    HintOptions,
    InlayHint,
    inlay_hints,
)
from sidecar_lsp.core.yaml.tree import parse

OVERRIDDEN = (
    LBWS
    + """\
count: 2
variables:
  LOG_LEVEL: info
environments:
  prod:
    count: 4
    variables:
      LOG_LEVEL: warn
      FEATURE: on
  staging:
    count: 3
    http:
      path: /api
"""
)


ALL = HintOptions()


def hints(text: str, options: HintOptions = ALL, first: int = 0, last: int = 10_000) -> list[InlayHint]:
    return inlay_hints(parse(text), first, last, options)


def at(text: str, needle: str, occurrence: int = 1) -> dict[str, str]:
    """The hints on the line of ``needle``, by kind, each placed right after the value."""
    line, col = position_of(text, needle, occurrence)
    found = [hint for hint in hints(text) if hint.pos.line == line]
    for hint in found:
        assert hint.pos.col >= col + len(needle.rstrip(":")) or needle.endswith(":")
    return {hint.kind: hint.label for hint in found}


# (what the user reads, the line's text, the occurrence, the hints on that line by kind)
CASES = [
    ("the base count names both environments", "count: 2", 1, {ENVIRONMENT_VALUES: "prod: 4 · staging: 3"}),
    ("prod's count names the base", "count: 4", 1, {BASE_VALUE: "base: 2"}),
    ("staging's count names the base", "count: 3", 1, {BASE_VALUE: "base: 2"}),
    ("a variable overridden in prod only", "LOG_LEVEL: info", 1, {ENVIRONMENT_VALUES: "prod: warn"}),
    ("the override of the variable", "LOG_LEVEL: warn", 1, {BASE_VALUE: "base: info"}),
    ("a variable only prod sets is new", "FEATURE: on", 1, {BASE_VALUE: "new"}),
    ("the base path, overridden by staging", "path: /\n", 1, {ENVIRONMENT_VALUES: "staging: /api"}),
    ("staging's path", "path: /api", 1, {BASE_VALUE: "base: /"}),
    ("a value no environment touches", "port: 80", 1, {}),
]


@pytest.mark.parametrize(
    ("needle", "occurrence", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_hints_name_the_other_layers(needle: str, occurrence: int, expected: dict[str, str]) -> None:
    assert at(OVERRIDDEN, needle.rstrip("\n"), occurrence) == expected


def test_a_hint_sits_right_after_the_value() -> None:
    line, col = position_of(OVERRIDDEN, "count: 4")
    (hint,) = [h for h in hints(OVERRIDDEN) if h.pos.line == line]
    assert hint.pos.col == col + len("count: 4")
    assert "line " in hint.tooltip  # where the base sets it


def test_each_kind_has_its_switch() -> None:
    kinds = {hint.kind for hint in hints(OVERRIDDEN)}
    assert kinds == {ENVIRONMENT_VALUES, BASE_VALUE}
    only_base = hints(OVERRIDDEN, HintOptions(environment_values=False))
    assert {hint.kind for hint in only_base} == {BASE_VALUE}
    only_environments = hints(OVERRIDDEN, HintOptions(base_values=False))
    assert {hint.kind for hint in only_environments} == {ENVIRONMENT_VALUES}
    assert hints(OVERRIDDEN, HintOptions(False, False, False)) == []


def test_essential_default_only_where_a_dependency_reads_it() -> None:
    text = LBWS.replace("  port: 80\n", "  port: 80\n  depends_on:\n    nginx: start\n") + (
        "sidecars:\n  nginx:\n    image: nginx\n  idle:\n    image: busybox\n"
        "  proxy:\n    image: envoy\n    essential: false\n    depends_on:\n      nginx: start\n"
    )
    found = [(h.pos.line, h.label) for h in hints(text) if h.kind == DEFAULT]
    assert found == [(position_of(text, "  nginx:\n    image")[0], "essential: true (default)")]
    # it sits after the key's colon, not after the sidecar's block
    (hint,) = [h for h in hints(text) if h.kind == DEFAULT]
    assert hint.pos.col == len("  nginx:")
    assert hints(text.replace("    image: nginx\n", "    image: nginx\n    essential: true\n"), first=0) == []
    assert [h for h in hints(text, HintOptions(defaults=False)) if h.kind == DEFAULT] == []


def test_only_the_requested_lines_get_hints() -> None:
    line = position_of(OVERRIDDEN, "count: 4")[0]
    assert [h.label for h in hints(OVERRIDDEN, first=line, last=line)] == ["base: 2"]
    assert hints(OVERRIDDEN, first=0, last=2) == []


def test_the_range_is_bounded() -> None:
    body = "".join(f"  V{i}: a\n" for i in range(MAX_HINT_LINES + 200))
    overrides = "".join(f"      V{i}: b\n" for i in range(MAX_HINT_LINES + 200))
    text = LBWS + "variables:\n" + body + "environments:\n  prod:\n    variables:\n" + overrides
    found = hints(text)
    assert found
    assert max(h.pos.line for h in found) < MAX_HINT_LINES


def test_long_values_are_cut_with_an_ellipsis() -> None:
    image = "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable-with-a-long-tag"
    text = LBWS.replace("location: app", f"location: {image}") + (
        "environments:\n  prod:\n    image:\n      location: other\n"
    )
    (hint,) = [h for h in hints(text) if h.kind == BASE_VALUE]
    assert hint.label.endswith("…") and len(hint.label) <= len("base: ") + MAX_LABEL
    assert image.startswith(hint.label[len("base: ") : -1])


def test_shape_changes_are_replacements_and_nulls_override_nothing() -> None:
    text = (
        LBWS
        + "count:\n  range: 1-10\n  cpu_percentage: 70\nenvironments:\n  prod:\n    count: 2\n    http: ~\n"
    )
    assert at(text, "count: 2") == {BASE_VALUE: "base: {range: 1-10, cpu_percentage: 70}"}
    assert at(text, "count:") == {ENVIRONMENT_VALUES: "prod: 2"}
    assert at(text, "http: ~") == {}


@pytest.mark.parametrize(
    "text", ["", "[1, 2]", "name: a\nenvironments: 3\n", "environments:\n  prod: [1]\n", ": :"]
)
def test_odd_documents_get_no_hint_and_no_error(text: str) -> None:
    assert hints(text) == []
