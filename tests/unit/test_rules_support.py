"""Helpers shared by the ``test_rules_*`` tables (and a check of the helpers themselves)."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import Any

import pytest

from manifest_sets import position_of
from sidecar_lsp.core.model import Finding, Pos, Severity, Span
from sidecar_lsp.core.rules import run_rules
from sidecar_lsp.core.yaml.tree import parse


def cases(rows: Sequence[tuple[Any, ...]]) -> list[Any]:
    """The rows of a rule table, ``(id, *values)``, as pytest parameters named by their id."""
    return [pytest.param(*row[1:], id=row[0]) for row in rows]


def manifest(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def findings(text: str, code: str | None = None) -> list[Finding]:
    """The cross-field findings for ``text`` (dedented), optionally only those of one code."""
    result = run_rules(parse(manifest(text)))
    return [finding for finding in result if code is None or finding.code == code]


def span_of(text: str, needle: str, occurrence: int = 1) -> Span:
    """The span of the ``occurrence``-th ``needle`` in ``text`` (dedented), on one line."""
    line, col = position_of(manifest(text), needle, occurrence)
    return Span(Pos(line, col), Pos(line, col + len(needle)))


def assert_reports(text: str, code: str, severity: Severity, message: str, where: tuple[str, int]) -> None:
    """Exactly one finding of ``code``, with this severity and message, on the ``where`` needle."""
    found = findings(text, code)
    assert [(f.severity, f.message, f.span) for f in found] == [(severity, message, span_of(text, *where))]


def assert_copilot(text: str, code: str, copilot: str, where: tuple[str, int] | str) -> None:
    """Exactly one error of ``code`` on the ``where`` needle, saying Copilot's message then a fix."""
    needle = (where, 1) if isinstance(where, str) else where
    found = findings(text, code)
    assert [(f.severity, f.span) for f in found] == [(Severity.ERROR, span_of(text, *needle))], found
    message = found[0].message
    assert message.startswith(copilot + "; ") and len(message) > len(copilot) + 2, message


def assert_quiet(text: str, code: str) -> None:
    assert findings(text, code) == []


def test_span_of_counts_lines_and_columns() -> None:
    text = """
    name: api
    image:
      port: 80
    """
    assert span_of(text, "port") == Span(Pos(2, 2), Pos(2, 6))
    assert span_of(text, "a", 2) == Span(Pos(0, 6), Pos(0, 7))
