"""The cross-field rules on the 46 real Copilot manifests: no error, and every other finding explained."""

from __future__ import annotations

from pathlib import Path

import pytest

from sidecar_lsp.core.model import Severity
from sidecar_lsp.core.rules import run_rules
from sidecar_lsp.core.yaml_map import parse

CORPUS = Path(__file__).resolve().parents[3] / "shared/corpus/copilot-cli"
FILES = sorted(CORPUS.glob("*.y*ml")) if CORPUS.is_dir() else []

EXPECTED_NON_ERRORS = {
    # Trap 1: the image is given only in environments.test; a deployment to an environment without an
    # override would fail, which is worth a hint and nothing more.
    "stack-testdata--workloads--worker-manifest.yml": [("I1", Severity.HINT)],
}


@pytest.mark.skipif(not FILES, reason=f"corpus not found at {CORPUS}")
@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_corpus_manifest_has_no_rule_error(path: Path) -> None:
    result = run_rules(parse(path.read_text()))
    assert [f for f in result if f.severity is Severity.ERROR] == []
    assert [(f.code, f.severity) for f in result] == EXPECTED_NON_ERRORS.get(path.name, [])


def test_corpus_is_complete() -> None:
    if not FILES:
        pytest.skip(f"corpus not found at {CORPUS}")
    assert len(FILES) == 46
