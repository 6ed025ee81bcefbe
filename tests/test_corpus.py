"""Every real manifest from Copilot's own test suite: no false errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from sidecar_lsp.core.analyze import Options, analyze
from sidecar_lsp.core.model import Severity
from sidecar_lsp.core.validate import UNKNOWN_KEY

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "copilot-cli"
MANIFESTS = sorted(CORPUS.glob("*.y*ml")) if CORPUS.is_dir() else []

# The one key in the corpus that Copilot silently ignores (corpus README, trap 4).
KNOWN_IGNORED_KEYS = {("e2e--apprunner--front-end--manifest.yml", ("http", "path"))}


def test_corpus_is_present() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"../shared/corpus is not beside this checkout ({CORPUS}); CI always has it")
    assert len(MANIFESTS) == 46


@pytest.mark.parametrize("path", MANIFESTS, ids=[p.name for p in MANIFESTS])
def test_corpus_manifest_has_no_error(path: Path) -> None:
    analysis = analyze(path.read_text(encoding="utf-8"), Options(assume_manifest=True))
    assert analysis.kind is not None, "every corpus file is a Copilot manifest"
    errors = [
        f"{f.span.start.line + 1}: [{f.code}] {f.message}"
        for f in analysis.findings
        if f.severity is Severity.ERROR
    ]
    assert errors == []
    unknown = {(path.name, f.path) for f in analysis.findings if f.code == UNKNOWN_KEY}
    assert unknown <= KNOWN_IGNORED_KEYS
