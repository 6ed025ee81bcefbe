"""The conformance fixtures pin, without the oracle, every disagreement with Copilot the harness found."""

from __future__ import annotations

import pytest

from fixtures import Fixture, all_fixtures
from sidecar_lsp.core.check.analyze import Options, analyze
from sidecar_lsp.core.model import Severity

FIXTURES = all_fixtures()


def test_there_are_fixtures() -> None:
    assert len(FIXTURES) >= 10


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.path.name)
def test_findings_are_the_expected_ones(fixture: Fixture) -> None:
    findings = analyze(fixture.text, Options(assume_manifest=True)).findings
    got = {
        (f.code, f.severity.value, f.span.start.line + 1, f.span.start.col + 1)
        for f in findings
        if f.severity in (Severity.ERROR, Severity.WARNING)
    }
    assert got == fixture.expected, "\n".join(f"{f.code} {f.span.start} {f.message}" for f in findings)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda f: f.path.name)
def test_expectation_agrees_with_the_verdict_written(fixture: Fixture) -> None:
    """What a fixture expects is what agreeing with Copilot means: an error (not X-) exactly when it rejects."""
    errors = [code for code, severity, _, _ in fixture.expected if severity == "error"]
    if fixture.accepted:
        assert all(code.startswith("X-") for code in errors)
    else:
        assert errors
