"""The compiled schema validator (the ``fast`` extra) changes how fast, never what is found.

With jsonschema-rs installed, a manifest (or a piece of one) that it accepts skips jsonschema's walk;
what it rejects, and every piece holding a ``${VAR}``, still goes to jsonschema. These tests check
the findings with it and without it on the project's own sets and on generated manifests, that a
value only this project's ``pattern`` keyword refuses is still reported, and that the tool works
the same when the package is not installed.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from manifest_sets import OWN, REPO
from sidecar_lsp.core.check.analyze import Options, analyze
from sidecar_lsp.core.schema import fast, memo

sys.path.insert(0, str(REPO / "tests" / "conformance"))

ON_DISK = sorted(
    [
        *OWN,
        *(REPO / "examples").glob("**/copilot/**/manifest.yml"),
        *(REPO / "tests" / "fixtures" / "conformance").glob("*.yml"),
    ]
)
OPTIONS = Options(assume_manifest=True)


def _seen(text: str) -> list[str]:
    return [repr(f) + f.message for f in analyze(text, OPTIONS).findings]


@pytest.fixture
def without_fast() -> Iterator[None]:
    fast.set_enabled(False)
    memo.clear_memo()
    try:
        yield
    finally:
        fast.set_enabled(True)
        memo.clear_memo()


def _both_ways(texts: list[str]) -> tuple[list[list[str]], list[list[str]]]:
    memo.clear_memo()
    with_it = [_seen(text) for text in texts]
    fast.set_enabled(False)
    memo.clear_memo()
    try:
        without_it = [_seen(text) for text in texts]
    finally:
        fast.set_enabled(True)
        memo.clear_memo()
    return with_it, without_it


def test_the_compiled_validator_is_installed_for_the_tests() -> None:
    # The test extra installs the fast extra, so that the comparisons below compare two paths.
    assert fast.available()


def test_the_same_findings_on_every_manifest_of_the_checkout() -> None:
    texts = [path.read_text(encoding="utf-8") for path in ON_DISK]
    with_it, without_it = _both_ways(texts)
    assert len(texts) > 120
    assert sum(map(len, with_it)) > 100  # the fixtures hold errors: both paths have work to do
    for path, found, expected in zip(ON_DISK, with_it, without_it, strict=True):
        assert found == expected, path


def test_the_same_findings_on_generated_manifests_and_their_mutations() -> None:
    from differential import make_generator
    from generate import cases

    texts = [case.text for case in cases(make_generator([]), 11, 0, 400)]
    with_it, without_it = _both_ways(texts)
    assert sum(1 for found in with_it if found) > 100
    assert with_it == without_it


def test_a_valid_manifest_is_not_walked_by_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    walked: list[object] = []
    real = memo._validator().__class__.iter_errors

    def counting(self: object, *args: object, **kwargs: object) -> Iterator[object]:
        walked.append(args)
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(memo._validator().__class__, "iter_errors", counting)
    # Every manifest of the project's own set without a schema finding, ${VAR}s included: each variable's
    # string fits the patterns there, so the stricter pattern keyword has nothing to add.
    texts = [path.read_text(encoding="utf-8") for path in OWN]
    assert sum("${" in text for text in texts) > 5
    for text in texts:
        memo.clear_memo()
        walked.clear()
        if not [f for f in analyze(text, OPTIONS).findings if f.code.startswith("schema-")]:
            assert walked == []


def test_only_the_pieces_holding_an_error_are_walked_by_jsonschema(monkeypatch: pytest.MonkeyPatch) -> None:
    # One compiled validator judges the whole manifest and says where its errors are: jsonschema words
    # the piece holding the error (and the object around it, for its own keys), never the clean pieces.
    walked: list[object] = []
    real = memo.checker

    class Counting:
        def __init__(self, schema: dict[str, object]) -> None:
            self.checker = real(schema)

        def iter_errors(self, instance: object) -> Iterator[object]:
            walked.append(instance)
            return self.checker.iter_errors(instance)  # type: ignore[no-any-return]

    monkeypatch.setattr(memo, "checker", Counting)
    text = (
        "name: api\ntype: Load Balanced Web Service\nimage:\n  location: nginx\n  port: 80\n"
        "http:\n  path: /\n  healthcheck:\n    path: /health\n    interval: 10\n"
        "sidecars:\n  proxy:\n    image: envoy\n    port: 9000\n"
        "variables:\n  LOG: info\ncpu: 256\nmemory: 512\n"
    )
    memo.clear_memo()
    findings = analyze(text, OPTIONS).findings
    assert [(f.code, f.path) for f in findings] == [("schema-type", ("http", "healthcheck", "interval"))]
    assert walked and all(
        isinstance(value, dict) and ("healthcheck" in value or "interval" in value) for value in walked
    )
    memo.clear_memo()


@pytest.mark.parametrize("fast_on", [True, False], ids=["fast", "jsonschema-only"])
def test_a_variable_no_value_can_make_valid_is_still_reported(fast_on: bool) -> None:
    # The standard pattern keyword accepts any ${VAR}; this project's refuses `prefix-${X}` as a range.
    fast.set_enabled(fast_on)
    memo.clear_memo()
    try:
        text = (REPO / "tests" / "fixtures" / "conformance" / "var-range-prefix.yml").read_text(
            encoding="utf-8"
        )
        findings = [(f.code, f.span.start.line + 1) for f in analyze(text, OPTIONS).findings]
    finally:
        fast.set_enabled(True)
        memo.clear_memo()
    assert ("schema-format", 9) in findings


def test_without_the_package_the_tool_works_the_same(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    texts = [path.read_text(encoding="utf-8") for path in ON_DISK[:40]]
    expected = [_seen(text) for text in texts]
    monkeypatch.setitem(sys.modules, "jsonschema_rs", None)  # `import jsonschema_rs` now fails
    monkeypatch.setattr(fast, "_imported", {})
    monkeypatch.setattr(fast, "_compiled", {})
    memo.clear_memo()
    assert not fast.available()
    assert [_seen(text) for text in texts] == expected
    memo.clear_memo()


def test_switching_it_off_is_honoured(without_fast: None) -> None:
    assert not fast.available()
    assert fast.passes(memo.deref({"$ref": "#/definitions/sidecar"}), {"image": "nginx"}) is None


def test_a_valid_manifest_without_variables_is_checked_without_importing_jsonschema() -> None:
    # jsonschema costs about 70 ms of a check's start-up; the compiled validator alone judges such a file.
    import subprocess

    script = (
        "import sys\n"
        "from sidecar_lsp.core.check.analyze import Options, analyze\n"
        "text = 'name: api\\ntype: Backend Service\\nimage:\\n  location: nginx\\n  port: 80\\n"
        "sidecars:\\n  proxy:\\n    image: envoy\\n    port: 9000\\n'\n"
        "findings = analyze(text, Options(assume_manifest=True)).findings\n"
        "print(len(findings), 'jsonschema' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "False"]


def test_variables_a_test_without_patterns_sees_leave_jsonschema_unimported() -> None:
    # http.alias is tested with `contains`, which the walk to the patterns does not follow; no pattern can
    # be reached through it, so the variables' strings are judged against the patterns that apply.
    import subprocess

    script = (
        "import sys\n"
        "from sidecar_lsp.core.check.analyze import Options, analyze\n"
        "text = 'name: web\\ntype: Load Balanced Web Service\\nimage:\\n  location: nginx\\n  port: 80\\n"
        'http:\\n  path: /\\n  alias: ["web.${DOMAIN}", "${DOMAIN}"]\\n\'\n'
        "findings = analyze(text, Options(assume_manifest=True)).findings\n"
        "print(len(findings), 'jsonschema' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["0", "False"]


VARIABLE_SNIPPETS = [
    # a pattern the variable can fit, and one it cannot (no value turns prefix-... into min-max)
    "name: web\ntype: Backend Service\nimage: {location: nginx, port: 80}\ncount:\n  range: ${MIN}-${MAX}\n",
    "name: web\ntype: Backend Service\nimage: {location: nginx, port: 80}\ncount:\n  range: prefix-${X}\n",
    # a variable in a key, in a list, escaped, and in a word the schema checks
    "name: web\ntype: Backend Service\nimage: {location: nginx, port: 80}\nvariables:\n  ${KEY}: v\n",
    "name: web\ntype: Worker Service\nimage: {location: nginx}\nsubscribe:\n  topics:\n    - name: ${T}\n      service: api\n",
    "name: web\ntype: Backend Service\nimage: {location: 'nginx:\\${TAG}', port: 80}\n",
    "name: web\ntype: Backend Service\nimage: {location: nginx, port: 80}\nplatform: ${OS}/${ARCH}\n",
    "name: web\ntype: Backend Service\nimage: {location: nginx, port: 80}\nplatform: windows-${X}/arm\n",
    "name: web\ntype: Load Balanced Web Service\nimage: {location: nginx, port: 80}\nhttp:\n  path: /\n"
    "  healthcheck:\n    interval: ${I}s\n    grace_period: x${G}\n",
    # alias lists (tested with `contains`, which no pattern is reached through; the items take any text)
    "name: web\ntype: Load Balanced Web Service\nimage: {location: nginx, port: 80}\nhttp:\n  path: /\n"
    "  alias: ['web.${DOMAIN}', '${DOMAIN}']\n",
    "name: web\ntype: Load Balanced Web Service\nimage: {location: nginx, port: 80}\nhttp:\n  path: /\n"
    "  alias: ['web ${DOMAIN} !']\n",
]


@pytest.mark.parametrize("text", VARIABLE_SNIPPETS)
def test_variables_anywhere_give_the_same_findings_with_and_without_it(text: str) -> None:
    with_it, without_it = _both_ways([text])
    assert with_it == without_it


@pytest.mark.parametrize(
    "value",
    [
        {"a": "x${Y}"},
        {"${KEY}": 1},
        ["\\${ESCAPED}"],
        {"a": "$", "b": "{"},
        ["$", "{", {"c": "${"}],
        {"caf\u00e9": "\u00e9${V}"},
        {1: "plain", "n": [1.5, None, True]},
        {"when": __import__("datetime").date(2024, 1, 1), "v": "${D}"},
        "${TOP}",
        42,
    ],
)
def test_whether_a_value_holds_a_variable_is_the_walks_answer(value: object) -> None:
    # The quick answer reads json's text of the value; the walk finds every text and key holding "${".
    assert fast._holds_variable(value, None) == bool(fast._strings_with_variables(value))


def test_the_trees_answer_to_whether_a_variable_is_written_is_the_json_texts() -> None:
    """The schema check asks the tree whether a key or a text holds ``${`` (remembered per node) instead of
    writing the whole manifest out as JSON; both answers agree, merged (``<<``) entries and keys included."""
    from differential import make_generator
    from generate import cases

    from sidecar_lsp.core.check import validate
    from sidecar_lsp.core.yaml.remembered import shared_plain
    from sidecar_lsp.core.yaml.tree import Mapping, parse

    texts = [path.read_text(encoding="utf-8") for path in ON_DISK]
    texts += [case.text for case in cases(make_generator([]), 19, 0, 300)]
    texts += [
        "base: &b\n  KEY: ${X}\nvariables:\n  <<: *b\n",
        "name: api\nvariables:\n  ${KEY}: 1\n",
        "name: api\nsidecars:\n  s:\n    command: ['a', '${B}']\n",
        "name: api\nsidecars:\n  s:\n    command: ['a', '$ {B}']\n",
    ]
    answers = set()
    for text in texts:
        root = parse(text).root
        if isinstance(root, Mapping):
            from_json = fast._holds_variable(shared_plain(root), None)
            assert validate._holds_variable(root) == from_json, text
            answers.add(from_json)
    assert answers == {True, False}
