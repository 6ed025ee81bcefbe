"""A check answered without its tree (the bulk open's helper process): the tree is parsed when first read.

The helper sends back the findings and the few facts publishing needs; the server parses the text
itself only if something reads the tree (a request, completion's names, the next edit). These tests
show the answer publishes the same findings, parses nothing until read, and keeps the caches' rules.
"""

from __future__ import annotations

import pytest

from sidecar_lsp.core.check.analyze import Options, analyze
from sidecar_lsp.lsp.bulk import answer
from sidecar_lsp.lsp.documents import NOTHING_EARLIER, Checked, DocumentCaches, Snapshot
from sidecar_lsp.lsp.settings import Settings

URI = "file:///w/copilot/api/manifest.yml"
VALID = "name: api\ntype: Backend Service\nimage:\n  location: nginx\nsidecars:\n  proxy:\n    image: envoy\n"
BROKEN = "name: api\ntype: Backend Service\nsidecars: [\n"  # a syntax error: no complete tree


def _answered(text: str, served_path: bool = True) -> Checked:
    snapshot = Snapshot(URI, 1, text, Settings(), served_path)
    kind, findings, complete, declares = answer(text, snapshot.options())
    return Checked.answered(snapshot, kind, findings, complete=complete, served=snapshot.served_if(declares))


@pytest.mark.parametrize(
    "text",
    [VALID, VALID.replace("nginx", "nginx\n  port: web"), BROKEN, "key: value\n"],
    ids=["valid", "schema-error", "syntax-error", "not-a-manifest"],
)
def test_an_answer_without_its_tree_has_the_findings_of_the_worker_and_parses_when_read(text: str) -> None:
    checked = _answered(text)
    worker = analyze(text, Options(assume_manifest=True))
    assert checked.parsed_analysis is None  # nothing parsed yet
    assert [(f.code, f.message, f.span) for f in checked.findings] == [
        (f.code, f.message, f.span) for f in worker.findings
    ]
    assert checked.complete == worker.document.complete
    analysis = checked.analysis  # read: parsed now, once
    assert analysis.document.text is text and checked.parsed_analysis is analysis
    assert checked.analysis is analysis
    assert analysis.findings is checked.findings and analysis.kind == worker.kind


def test_whether_an_answered_document_is_served_follows_its_type_or_its_path() -> None:
    assert _answered(VALID, served_path=False).served
    assert not _answered("key: value\n", served_path=False).served
    assert _answered("key: value\n", served_path=True).served


def test_caching_an_answer_parses_nothing_and_counts_its_text_once() -> None:
    caches = DocumentCaches()
    checked = _answered(VALID)
    caches.store_checked(checked)
    assert caches.checked(checked.snapshot) is checked
    assert caches.held_chars() == len(VALID)
    # The next edit starts from scratch rather than parse the old text on the event loop.
    assert caches.earlier(URI) == NOTHING_EARLIER
    assert checked.parsed_analysis is None


def test_completion_names_come_from_an_answered_tree_once_a_later_text_is_half_typed() -> None:
    caches = DocumentCaches()
    caches.store_checked(_answered(VALID))
    tree = caches.last_complete(URI)  # read when the next text has a syntax error
    assert tree is not None and tree.text is VALID and tree.complete
    assert caches.parsed(URI, VALID) is tree
    broken = DocumentCaches()
    broken.store_checked(_answered(BROKEN))
    assert broken.last_complete(URI) is None
