"""Every realistic manifest: the project's own (tests/manifests) get no error; Copilot's corpus (an extra)
gets errors exactly where Copilot v1.34.1 rejects it.

Copilot's own validator rejects six of the 46 corpus files. Five fail for every deployment and get errors with
Copilot's message; the sixth fails only for an environment without an override (its image is given only
in ``environments.test``) and gets a hint that says so. The other 40 get no error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from manifest_sets import CORPUS, OWN, OWN_IGNORED_KEYS, corpus_params, own_name, own_params, require_corpus
from sidecar_lsp.core.check.analyze import Options, analyze
from sidecar_lsp.core.check.validate import UNKNOWN_KEY
from sidecar_lsp.core.model import Severity

MANIFESTS = CORPUS

# The one key in the corpus that Copilot silently ignores (corpus README, trap 4).
KNOWN_IGNORED_KEYS = {("e2e--apprunner--front-end--manifest.yml", ("http", "path"))}

# What Copilot rejects in each file it rejects (the first message of copilot-oracle's verdict), as codes.
REJECTED_ERRORS = {
    # validate "http config": validate "private": parse "certificates[0]": arn: invalid prefix
    "manifest-testdata--environment-adjust-vpc-private-subnets.yml": ["E6", "E6", "E15"],
    # validate "http config": validate "public": parse "certificates[0]": arn: invalid prefix
    "manifest-testdata--environment-adjust-vpc.yml": ["E6", "E6"],
    "manifest-testdata--environment-import-vpc.yml": ["E6", "E6"],
    # validate "subscribe": validate "topics[0]": service name must start with a letter, ...
    "manifest-testdata--worker-svc-subscribe.yml": ["Q1", "Q1"],
    "manifest-testdata--worker-svc-with-default-fifo-queue.yml": ["Q1"],
}
# Rejected for environments without an override only: a hint, no error.
REJECTED_WITHOUT_OVERRIDE = {"stack-testdata--workloads--worker-manifest.yml": "I1"}


def test_corpus_is_present() -> None:
    require_corpus()
    assert len(MANIFESTS) == 46
    names = {path.name for path in MANIFESTS}
    assert set(REJECTED_ERRORS) | set(REJECTED_WITHOUT_OVERRIDE) <= names
    assert len(REJECTED_ERRORS) + len(REJECTED_WITHOUT_OVERRIDE) == 6


@pytest.mark.parametrize("path", corpus_params())
def test_corpus_manifest_has_errors_exactly_where_copilot_rejects(path: Path | None) -> None:
    require_corpus()
    assert path is not None
    analysis = analyze(path.read_text(encoding="utf-8"), Options(assume_manifest=True))
    assert analysis.kind is not None, "every corpus file is a Copilot manifest"
    errors = [f.code for f in analysis.findings if f.severity is Severity.ERROR]
    assert errors == REJECTED_ERRORS.get(path.name, [])
    if path.name in REJECTED_WITHOUT_OVERRIDE:
        hints = [f.code for f in analysis.findings if f.severity is Severity.HINT]
        assert REJECTED_WITHOUT_OVERRIDE[path.name] in hints
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
