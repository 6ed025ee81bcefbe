"""Every realistic manifest, the project's own (tests/manifests) and Copilot's corpus (an extra): no
false errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from manifest_sets import CORPUS, OWN, OWN_IGNORED_KEYS, corpus_params, own_name, own_params, require_corpus
from sidecar_lsp.core.analyze import Options, analyze
from sidecar_lsp.core.model import Severity
from sidecar_lsp.core.validate import UNKNOWN_KEY

MANIFESTS = CORPUS

# The one key in the corpus that Copilot silently ignores (corpus README, trap 4).
KNOWN_IGNORED_KEYS = {("e2e--apprunner--front-end--manifest.yml", ("http", "path"))}


def test_corpus_is_present() -> None:
    require_corpus()
    assert len(MANIFESTS) == 46


@pytest.mark.parametrize("path", corpus_params())
def test_corpus_manifest_has_no_error(path: Path | None) -> None:
    require_corpus()
    assert path is not None
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


def test_own_set_is_present() -> None:
    assert len(OWN) >= 20


@pytest.mark.parametrize("path", own_params())
def test_own_manifest_has_no_error(path: Path) -> None:
    analysis = analyze(path.read_text(encoding="utf-8"), Options(assume_manifest=True))
    assert analysis.kind is not None, "every file of tests/manifests is a Copilot manifest"
    errors = [
        f"{f.span.start.line + 1}: [{f.code}] {f.message}"
        for f in analysis.findings
        if f.severity is Severity.ERROR
    ]
    assert errors == []
    unknown = {(own_name(path), f.path) for f in analysis.findings if f.code == UNKNOWN_KEY}
    assert unknown == {key for key in OWN_IGNORED_KEYS if key[0] == own_name(path)}
