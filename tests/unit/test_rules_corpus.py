"""The cross-field rules on the realistic manifests (the project's own, and Copilot's 46 as an extra):
no error, and every other finding explained."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifest_sets import CORPUS, OWN_RULE_FINDINGS, corpus_params, own_name, own_params, require_corpus
from sidecar_lsp.core.model import Severity
from sidecar_lsp.core.rules import run_rules
from sidecar_lsp.core.yaml_map import parse

FILES = CORPUS

EXPECTED_NON_ERRORS = {
    # Trap 1: the image is given only in environments.test; a deployment to an environment without an
    # override would fail, which is worth a hint and nothing more.
    "stack-testdata--workloads--worker-manifest.yml": [("I1", Severity.HINT)],
}


@pytest.mark.parametrize("path", corpus_params())
def test_corpus_manifest_has_no_rule_error(path: Path | None) -> None:
    require_corpus()
    assert path is not None
    result = run_rules(parse(path.read_text()))
    assert [f for f in result if f.severity is Severity.ERROR] == []
    assert [(f.code, f.severity) for f in result] == EXPECTED_NON_ERRORS.get(path.name, [])


def test_corpus_is_complete() -> None:
    require_corpus()
    assert len(FILES) == 46


@pytest.mark.parametrize("path", own_params())
def test_own_manifest_gets_exactly_the_expected_rule_findings(path: Path) -> None:
    result = run_rules(parse(path.read_text(encoding="utf-8")))
    assert [(f.code, f.severity.value) for f in result] == OWN_RULE_FINDINGS.get(own_name(path), [])
