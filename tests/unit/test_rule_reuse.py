"""A new version of a document takes the previous analysis's rule runs wherever everything they read is
the same object (rules/reuse.py): the findings are always those of a fresh analysis, and the rules that
read nothing the edit touched do not run again."""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Callable

import pytest

import sidecar_lsp.core.rules as rules_module
from manifest_sets import CHECKOUT, CORPUS, REPO
from sidecar_lsp.core.check.analyze import Analysis, Options, analyze, analyze_document, safe_parse
from sidecar_lsp.core.rules.base import Rule, Workload
from sidecar_lsp.core.yaml.tree import Mapping, ParsedDocument, parse

sys.path.insert(0, str(REPO / "tests" / "conformance"))

OPTIONS = Options(assume_manifest=True)
ON_DISK = sorted([*CHECKOUT, *CORPUS])

MANIFEST = """name: api
type: Load Balanced Web Service
image:
  build: ./Dockerfile
  port: 8080
cpu: 256
memory: 512
http:
  path: /
  target_container: nginx
sidecars:
  nginx:
    image: nginx
    port: 8080
    depends_on:
      api: start
storage:
  volumes:
    data:
      path: /data
environments:
  test:
    count: 2
  prod:
    sidecars:
      nginx:
        port: 80
"""


def sharing(old: ParsedDocument, new: ParsedDocument) -> ParsedDocument:
    """``new`` with ``old``'s top-level entries wherever their lines are the same text at the same place:
    the sharing an incremental parse gives, made here from two full parses."""
    if not isinstance(old.root, Mapping) or not isinstance(new.root, Mapping) or new.findings or old.findings:
        return new
    if len(old.root.entries) != len(new.root.entries) or "&" in old.text + new.text:
        return new  # an alias's meaning comes from elsewhere in the text

    def region(document: ParsedDocument, index: int) -> tuple[int, list[str]]:
        assert isinstance(document.root, Mapping)
        entries = document.root.entries
        start = entries[index].key.span.start.line
        end = entries[index + 1].key.span.start.line if index + 1 < len(entries) else len(document.lines)
        return start, document.lines[start:end]

    entries = [
        old.root.entries[i] if region(old, i) == region(new, i) else entry
        for i, entry in enumerate(new.root.entries)
    ]
    root = new.root
    shared = Mapping(root.span, root.tag, root.anchor, entries, root.flow)
    return ParsedDocument(new.text, shared, new.findings, new.lines, new.complete, new.recursive)


def _counting_runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    ran: list[str] = []
    real = rules_module._run_rule

    def spy(rule: Rule, workload: Workload) -> list[object]:
        ran.append(rule.code)
        return real(rule, workload)  # type: ignore[return-value]

    monkeypatch.setattr(rules_module, "_run_rule", spy)
    return ran


def _next_version(previous: Analysis, text: str) -> Analysis:
    return analyze_document(sharing(previous.document, parse(text)), OPTIONS, previous, keep_runs=True)


def test_an_edit_of_cpu_reruns_only_the_rules_that_read_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    first = analyze(MANIFEST, OPTIONS, keep_runs=True)
    ran = _counting_runs(monkeypatch)
    fresh = analyze(MANIFEST.replace("cpu: 256", "cpu: 1024"), OPTIONS)
    every_rule_run = len(ran)
    ran.clear()
    again = _next_version(first, MANIFEST.replace("cpu: 256", "cpu: 1024"))
    assert again.findings == fresh.findings
    assert 0 < len(ran) < every_rule_run / 4, ran
    assert not {"D1", "T1"} & set(ran)  # they read sidecars and http, which the edit leaves alone


def test_a_new_problem_in_an_edited_key_is_found_and_an_old_one_goes() -> None:
    first = analyze(MANIFEST, OPTIONS, keep_runs=True)
    assert not [f for f in first.findings if f.code.startswith(("D", "T"))]
    broken = MANIFEST.replace("      api: start", "      gone: start")
    second = _next_version(first, broken)
    assert [f.code for f in second.findings] == [f.code for f in analyze(broken, OPTIONS).findings]
    assert "D1" in [f.code for f in second.findings]
    third = _next_version(second, MANIFEST)
    assert third.findings == first.findings


def test_a_different_type_takes_nothing_from_the_previous_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    first = analyze(MANIFEST, OPTIONS, keep_runs=True)
    backend = MANIFEST.replace("Load Balanced Web Service", "Backend Service")
    ran = _counting_runs(monkeypatch)
    fresh = analyze(backend, OPTIONS)
    every_rule_run = len(ran)
    ran.clear()
    assert _next_version(first, backend).findings == fresh.findings
    assert len(ran) == every_rule_run


def test_a_run_that_read_the_lines_runs_again(monkeypatch: pytest.MonkeyPatch) -> None:
    # The missing volume's fix inserts text after the volumes: its place comes from the lines.
    text = MANIFEST.replace(
        "    depends_on:", "    mount_points:\n      - source_volume: logs\n        path: /l\n    depends_on:"
    )
    first = analyze(text, OPTIONS, keep_runs=True)
    assert "X-source-volume" in [f.code for f in first.findings]
    ran = _counting_runs(monkeypatch)
    second = _next_version(first, text.replace("cpu: 256", "cpu: 512"))
    assert second.findings == analyze(text.replace("cpu: 256", "cpu: 512"), OPTIONS).findings
    assert "X-source-volume" in ran


_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*|\d+")


def _edits(text: str, rng: random.Random, count: int) -> list[str]:
    """``count`` successive versions of ``text``, each one line changed: a number or a word replaced (by
    another of the document's, so that names come to match or stop matching), a line deleted or doubled."""
    versions = []
    words = sorted(set(_TOKEN.findall(text)))
    for _ in range(count):
        lines = text.split("\n")
        at = rng.randrange(len(lines))
        tokens = list(_TOKEN.finditer(lines[at]))
        choice = rng.random()
        if tokens and choice < 0.75:
            token = rng.choice(tokens)
            new = (
                str(rng.choice([1, 80, 443, 8080, 256, 1024]))
                if token.group().isdigit()
                else rng.choice(words)
            )
            lines[at] = lines[at][: token.start()] + new + lines[at][token.end() :]
        elif choice < 0.9:
            del lines[at]
        else:
            lines.insert(at, lines[at])
        text = "\n".join(lines)
        versions.append(text)
    return versions


def _reparsed_version(previous: Analysis, text: str) -> Analysis:
    return analyze_document(safe_parse(text, previous.document), OPTIONS, previous, keep_runs=True)


@pytest.mark.parametrize(
    "next_version", [_next_version, _reparsed_version], ids=["top-level-entries-shared", "reparse"]
)
def test_every_version_of_randomly_edited_manifests_has_the_findings_of_a_fresh_analysis(
    next_version: Callable[[Analysis, str], Analysis], monkeypatch: pytest.MonkeyPatch
) -> None:
    from differential import make_generator
    from generate import cases

    texts = [path.read_text(encoding="utf-8") for path in ON_DISK]
    texts += [case.text for case in cases(make_generator([]), 5, 0, 150)]
    rng = random.Random(20)
    ran = _counting_runs(monkeypatch)
    versions = differ = reused_runs = fresh_runs = 0
    for text in texts:
        previous = analyze(text, OPTIONS, keep_runs=True)
        for version in _edits(text, rng, 4):
            ran.clear()
            expected = analyze(version, OPTIONS).findings
            fresh_runs += len(ran)
            ran.clear()
            current = next_version(previous, version)
            reused_runs += len(ran)
            assert current.findings == expected, version
            differ += current.findings != previous.findings
            versions += 1
            previous = current
    assert versions > 1000
    assert differ > versions / 10  # the edits make and mend problems, not only move nothing
    assert reused_runs < fresh_runs * 0.6, (reused_runs, fresh_runs)


def test_a_path_found_by_the_spans_is_the_walked_one() -> None:
    """Every node's and key's path, found by going down through the spans (a bisection among a map's
    entries or a list's items, then a scan), is the one a walk of the whole tree gives: the manifests on
    disk, generated ones, and a 5,000-line manifest whose ``sidecars`` holds hundreds of entries."""
    from differential import make_generator
    from gen_manifest import generate
    from generate import cases

    from sidecar_lsp.core.yaml.paths import NodePaths
    from sidecar_lsp.core.yaml.tree import iter_nodes, own_entries

    texts = [(str(path), path.read_text(encoding="utf-8")) for path in ON_DISK]
    texts += [
        (f"case {case.index} ({case.category})", case.text) for case in cases(make_generator([]), 9, 0, 200)
    ]
    texts.append(("generated, 5,000 lines", generate(5000)))
    checked = searched_large = 0
    for name, text in texts:
        document = parse(text)
        if not document.spliceable:
            continue
        walked = NodePaths(document.root)
        nodes = [node for _, node in iter_nodes(document.root)]
        for node in nodes[:: max(1, len(nodes) // 3000)]:
            keys = [entry.key for entry in own_entries(node)] if isinstance(node, Mapping) else []
            for item in (node, *keys):
                found = NodePaths(document.root, unshared=True)
                assert found.of(item, ("?",)) == walked.of(item, ("?",)), (name, item)
                assert found._paths is None  # found without walking
                checked += 1
                searched_large += len(nodes) > 5000
    assert checked > 10_000
    assert searched_large > 1_000
