"""The text facts that let a check skip its walk of the document: ``text_may_hold_variables`` and
``text_may_hold_list_text`` may say True where no scalar holds one (the walk then finds none), never
False where one does; and a manifest without such a scalar gets the same findings either way."""

from __future__ import annotations

import pytest

from manifest_sets import CHECKOUT, CORPUS, require_corpus
from sidecar_lsp.core.check import validate
from sidecar_lsp.core.check.analyze import Options, analyze
from sidecar_lsp.core.decoding.interpolation import (
    text_may_hold_list_text,
    text_may_hold_variables,
    variables_in,
)
from sidecar_lsp.core.manifest import merge
from sidecar_lsp.core.rules import document
from sidecar_lsp.core.yaml.tree import Scalar, iter_nodes, parse

LBWS = "name: api\ntype: Load Balanced Web Service\n"


def holds_variables(text: str) -> bool:
    """Whether some scalar of the text, as parsed, holds a ``${VAR}``."""
    return any(_strings(text, lambda value: bool(variables_in(value))))


def holds_list_text(text: str) -> bool:
    """Whether some string scalar of the text starts with ``[`` after white space."""
    return any(_strings(text, lambda value: value.strip().startswith("[")))


def _strings(text: str, wanted: object) -> list[bool]:
    root = parse(text).root
    return [
        wanted(node.value)  # type: ignore[operator]
        for _, node in iter_nodes(root)
        if isinstance(node, Scalar) and isinstance(node.value, str)
    ]


# (text, whether a scalar holds ${VAR}, whether a scalar starts with '[')
SNIPPETS = [
    ("plain words", LBWS + "image:\n  location: nginx\n", False, False),
    ("a flow list", LBWS + "command: [sh, -c, run]\nentrypoint: ['a', \"b\"]\n", False, False),
    ("a list item that is a flow list", LBWS + "variables:\n  A:\n    - [x]\n", False, False),
    ("a comment", LBWS + '# cpu: ${CPU} and ["x"]\ncpu: 256\n', False, False),
    ("a variable", LBWS + "cpu: ${CPU}\n", True, False),
    ("a variable written with an escape", LBWS + 'cpu: "\\x24{CPU}"\n', True, False),
    ("a variable across an escaped line break", LBWS + 'cpu: "$\\\n  {CPU}"\n', True, False),
    ("a dollar and a brace folded apart", LBWS + "command: echo $\n  {CPU}\n", False, False),
    ("a double-quoted list", LBWS + 'command: "[\\"a\\"]"\n', False, True),
    ("a single-quoted list after spaces", LBWS + "command: '  [\"a\"]'\n", False, True),
    ("a quoted list on the next line", LBWS + 'command: "\n  [\\"a\\"]"\n', False, True),
    ("a folded block list", LBWS + 'command: >-\n\n  ["a"]\n', False, True),
    ("a literal block list", LBWS + 'command: |\n  ["a"]\n', False, True),
    ("a bracket written with an escape", LBWS + 'command: "\\x5b\\"a\\"]"\n', False, True),
    ("a plain scalar after an ideographic space", LBWS + 'command: \u3000["a"]\n', False, True),
    ("a list in the first line", '["a"]\n', False, False),
]


@pytest.mark.parametrize(
    ("text", "variables", "list_text"), [s[1:] for s in SNIPPETS], ids=[s[0] for s in SNIPPETS]
)
def test_each_snippet(text: str, variables: bool, list_text: bool) -> None:
    assert holds_variables(text) is variables
    assert holds_list_text(text) is list_text
    if variables:
        assert text_may_hold_variables(text)
    if list_text:
        assert text_may_hold_list_text(text)


@pytest.mark.parametrize(
    "text", [LBWS + "image:\n  location: nginx\n", LBWS + "command: [sh, -c, run]\nvariables:\n  A: '1'\n"]
)
def test_most_manifests_need_no_walk(text: str) -> None:
    assert not text_may_hold_variables(text)
    assert not text_may_hold_list_text(text)


def _never_false_where_one_is(texts: list[str]) -> int:
    """Asserts the facts over ``texts``; returns how many texts the facts let skip a walk."""
    skipped = 0
    for text in texts:
        if not text_may_hold_variables(text):
            assert not holds_variables(text), text
            skipped += 1
        if not text_may_hold_list_text(text):
            assert not holds_list_text(text), text
            skipped += 1
    return skipped


def test_never_false_on_the_checkout() -> None:
    texts = [path.read_text(encoding="utf-8") for path in CHECKOUT]
    assert _never_false_where_one_is(texts) > len(texts) // 2


def test_never_false_on_the_corpus() -> None:
    require_corpus()
    _never_false_where_one_is([path.read_text(encoding="utf-8") for path in CORPUS])


def test_never_false_on_generated_manifests_and_their_mutations() -> None:
    from differential import make_generator
    from generate import cases

    texts = [case.text for case in cases(make_generator([]), 13, 0, 600)]
    assert _never_false_where_one_is(texts) > len(texts) // 2


def test_the_same_findings_without_the_facts(monkeypatch: pytest.MonkeyPatch) -> None:
    from differential import make_generator
    from generate import cases

    texts = [case.text for case in cases(make_generator([]), 17, 0, 300)]
    texts += [path.read_text(encoding="utf-8") for path in CHECKOUT]
    options = Options(assume_manifest=True)
    with_them = [analyze(text, options).findings for text in texts]
    for module in (validate, document, merge):
        monkeypatch.setattr(module, "text_may_hold_variables", lambda text: True, raising=False)
        monkeypatch.setattr(module, "text_may_hold_list_text", lambda text: True, raising=False)
    without_them = [analyze(text, options).findings for text in texts]
    codes = {f.code for found in with_them for f in found}
    assert {"X-interpolation-type", "X-json-array", "schema-dropped-value"} <= codes
    assert with_them == without_them


def test_a_rule_that_asked_the_text_is_run_again_on_the_next_version() -> None:
    """The text a rule asks (to skip its walk) counts as its lines: a new version, which may add a ``${``
    anywhere, never takes the run over."""
    from sidecar_lsp.core.rules.reads import LINES

    analysis = analyze(LBWS + "image:\n  location: nginx\n", Options(), keep_runs=True)
    assert analysis.rule_results is not None
    for code in ("X-interpolation-type", "X-json-array"):
        assert LINES in analysis.rule_results.runs[(code, None, True)].reads
