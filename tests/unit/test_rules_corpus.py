"""The cross-field rules on the realistic manifests: the project's own get exactly the findings
explained below; on Copilot's 46 (an extra), exactly the problems Copilot reports.

Copilot v1.34.1 itself rejects six of them (its own validator, run over the corpus): three environment
manifests whose test certificates are not ARNs, two Worker Services that subscribe to a service named
in camelCase, and one Worker Service whose image is given only in ``environments.test``. The rules
must report each of those, and nothing else anywhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from manifest_sets import CORPUS, OWN_RULE_FINDINGS, corpus_params, own_name, own_params, require_corpus
from sidecar_lsp.core.model import Severity
from sidecar_lsp.core.rules import run_rules
from sidecar_lsp.core.yaml.tree import parse

FILES = CORPUS

E, H = Severity.ERROR, Severity.HINT
EXPECTED = {
    # http.private.certificates: [mock-cert-1, mock-cert-2] are no ARNs ("arn: invalid prefix"), and
    # http.private.subnets: [mock-subnet-id-3 mock-subnet-id-4] is one string, not two imported subnets.
    "manifest-testdata--environment-adjust-vpc-private-subnets.yml": [("E6", E), ("E6", E), ("E15", E)],
    "manifest-testdata--environment-adjust-vpc.yml": [("E6", E), ("E6", E)],
    "manifest-testdata--environment-import-vpc.yml": [("E6", E), ("E6", E)],
    # subscribe.topics[].service: service4TestTopic is not a valid service name.
    "manifest-testdata--worker-svc-subscribe.yml": [("Q1", E), ("Q1", E)],
    "manifest-testdata--worker-svc-with-default-fifo-queue.yml": [("Q1", E)],
    # Trap 1: the image is given only in environments.test; a deployment to an environment without an
    # override would fail, which is worth a hint and nothing more.
    "stack-testdata--workloads--worker-manifest.yml": [("I1", H)],
}


@pytest.mark.parametrize("path", corpus_params())
def test_corpus_manifest_gets_exactly_copilots_findings(path: Path | None) -> None:
    require_corpus()
    assert path is not None
    result = run_rules(parse(path.read_text()))
    assert [(f.code, f.severity) for f in result] == EXPECTED.get(path.name, [])


def test_corpus_is_complete() -> None:
    require_corpus()
    assert len(FILES) == 46
    assert set(EXPECTED) <= {path.name for path in FILES}


@pytest.mark.parametrize("path", own_params())
def test_own_manifest_gets_exactly_the_expected_rule_findings(path: Path) -> None:
    result = run_rules(parse(path.read_text(encoding="utf-8")))
    assert [(f.code, f.severity.value) for f in result] == OWN_RULE_FINDINGS.get(own_name(path), [])
