"""The rules that read ``sidecars`` read only the sidecar fields rules/reads.py's SIDECAR_FIELDS says: an
environment that overrides (or an edit that changes) other fields of a sidecar keeps their findings.

Each rule runs here on every manifest of the tests, the base and each environment, with each sidecar's map
replaced by one that notes every field looked up; a rule that walks a sidecar's fields reads them all."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from typing import Any

import pytest

import sidecar_lsp.core.rules as rules_module
from manifest_sets import CHECKOUT, CORPUS, REPO
from sidecar_lsp.core.check.analyze import Options, analyze
from sidecar_lsp.core.decoding.kinds import WORKLOAD_TYPES, manifest_kind
from sidecar_lsp.core.manifest.merge import base_without_environments, merge_all, merge_environment
from sidecar_lsp.core.rules.base import Workload
from sidecar_lsp.core.rules.reads import SIDECAR_FIELDS, sidecar_changes
from sidecar_lsp.core.yaml.paths import NodePaths
from sidecar_lsp.core.yaml.tree import Entry, Mapping, parse

sys.path.insert(0, str(REPO / "tests" / "conformance"))

EVERY_FIELD = "every field"


class _NotingMap(Mapping):
    """A sidecar's map that notes each field looked up (and EVERY_FIELD for a walk of its entries)."""

    def __init__(self, inner: Mapping, noted: set[str]) -> None:
        object.__setattr__(self, "_noting", (inner, noted))

    def __getattribute__(self, attribute: str) -> Any:
        inner, noted = object.__getattribute__(self, "_noting")
        if attribute in ("entries", "keys"):
            noted.add(EVERY_FIELD)
        elif attribute in ("get", "entry"):
            look_up: Callable[[str], Any] = getattr(inner, attribute)

            def noting(key: str) -> Any:
                noted.add(key)
                return look_up(key)

            return noting
        return getattr(inner, attribute)  # its place (span, flow): compared whole by sidecar_changes


def _noting_sidecars(top: Mapping, noted: set[str]) -> Mapping:
    sidecars = top.get("sidecars")
    if not isinstance(sidecars, Mapping):
        return top
    noting = [
        Entry(e.key, _NotingMap(e.value, noted) if isinstance(e.value, Mapping) else e.value, e.merged)
        for e in sidecars.entries
    ]
    replaced = Mapping(sidecars.span, sidecars.tag, sidecars.anchor, noting, sidecars.flow)
    entries = [Entry(e.key, replaced, e.merged) if e.name == "sidecars" else e for e in top.entries]
    return Mapping(top.span, top.tag, top.anchor, entries, top.flow)


def _texts() -> list[str]:
    from differential import make_generator
    from generate import cases

    paths = [*CHECKOUT, *CORPUS]
    return [path.read_text(encoding="utf-8") for path in paths] + [
        case.text for case in cases(make_generator([]), 5, 0, 300)
    ]


def _views(text: str) -> Iterator[tuple[str, Mapping, NodePaths, list[str]]]:
    document = parse(text)
    root = document.root
    if not isinstance(root, Mapping) or not document.complete:
        return
    kind = manifest_kind(root)
    if kind not in WORKLOAD_TYPES:
        return
    paths = NodePaths(root)
    for view in [base_without_environments(root), *(merged.root for merged in merge_all(root))]:
        yield kind, view, paths, document.lines


@pytest.fixture(scope="module")
def fields_read() -> dict[str, set[str]]:
    read: dict[str, set[str]] = {code: set() for code in SIDECAR_FIELDS}
    views = 0
    for text in _texts():
        for kind, view, paths, lines in _views(text):
            views += 1
            for code in SIDECAR_FIELDS:
                rule = rules_module.RULES[code]
                if kind in rule.kinds:
                    list(rule.check(Workload(_noting_sidecars(view, read[code]), kind, None, paths, lines)))
    assert views > 500
    return read


@pytest.mark.parametrize("code", sorted(SIDECAR_FIELDS))
def test_a_rule_reads_no_sidecar_field_but_those_listed(code: str, fields_read: dict[str, set[str]]) -> None:
    assert fields_read[code] <= SIDECAR_FIELDS[code], fields_read[code] - SIDECAR_FIELDS[code]


def test_the_listed_fields_are_read() -> None:
    # A field listed and never read would be harmless, but says the table is out of date.
    read: dict[str, set[str]] = {code: set() for code in SIDECAR_FIELDS}
    for text in _texts()[:200]:
        for kind, view, paths, lines in _views(text):
            for code in SIDECAR_FIELDS:
                rule = rules_module.RULES[code]
                if kind in rule.kinds:
                    list(rule.check(Workload(_noting_sidecars(view, read[code]), kind, None, paths, lines)))
    assert {code: fields for code, fields in read.items() if fields != SIDECAR_FIELDS[code]} == {}


def test_every_rule_that_reads_sidecars_is_listed() -> None:
    unlisted: set[str] = set()
    for text in _texts()[:200]:
        rule_results = analyze(text, Options(assume_manifest=True), keep_runs=True).rule_results
        for (code, _env, whole), run in rule_results.runs.items() if rule_results else ():
            if "sidecars" in run.reads and not whole and code not in SIDECAR_FIELDS:
                unlisted.add(code)
    assert unlisted == set()


SIDECARS = """name: api
type: Load Balanced Web Service
image:
  build: .
  port: 80
sidecars:
  nginx:
    image: nginx
    port: 8080
  logs:
    image: fluent
environments:
  prod:
    sidecars:
      nginx:
        port: 9090
  test:
    sidecars:
      extra:
        image: busybox
"""


def test_sidecar_changes_names_the_fields_an_override_changes() -> None:
    root = parse(SIDECARS).root
    assert isinstance(root, Mapping)
    base = base_without_environments(root)
    prod, test = merge_environment(root, "prod"), merge_environment(root, "test")
    assert prod is not None and test is not None
    assert sidecar_changes(base.get("sidecars"), prod.root.get("sidecars")) == {"port"}
    assert sidecar_changes(base.get("sidecars"), test.root.get("sidecars")) is None  # a new sidecar
    assert sidecar_changes(base.get("sidecars"), base.get("sidecars")) == frozenset()
