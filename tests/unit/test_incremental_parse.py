"""reparse(previous, text): the tree parse(text) gives, the untouched part of previous's tree re-used.

Tables of edits say when a piece is parsed alone and when the whole text is; a differential test edits
every manifest at random and compares with a full parse, node by node, span by span.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from gen_manifest import generate

from manifest_sets import CORPUS, OWN, REPO, require_corpus
from sidecar_lsp.core.yaml import incremental
from sidecar_lsp.core.yaml.incremental import reparse
from sidecar_lsp.core.yaml.tree import (
    _FLOW_TOKEN,
    Mapping,
    Node,
    ParsedDocument,
    Sequence,
    find,
    parse,
)
from trees import differences

# --- comparing documents ------------------------------------------------------------------------


def assert_same_document(actual: ParsedDocument, expected: ParsedDocument) -> None:
    assert actual.text == expected.text
    assert actual.lines == expected.lines
    assert (actual.complete, actual.recursive, actual.spliceable) == (
        expected.complete,
        expected.recursive,
        expected.spliceable,
    )
    assert actual.findings == expected.findings
    assert list(differences(actual.root, expected.root)) == []


def nodes(root: Node | None) -> Iterator[Node]:
    """Every node of a tree, keys included."""
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Mapping):
            for entry in node.entries:
                stack.extend((entry.key, entry.value))
        elif isinstance(node, Sequence):
            stack.extend(node.items)


def written(lines: list[str], node: Node) -> str:
    (start_line, start_col), (end_line, end_col) = node.span
    if start_line == end_line:
        return lines[start_line][start_col:end_col]
    middle = lines[start_line + 1 : end_line]
    return "\n".join([lines[start_line][start_col:], *middle, lines[end_line][:end_col]])


def assert_shared_nodes_unchanged(previous: ParsedDocument, result: ParsedDocument) -> int:
    """A node the result shares with ``previous`` stands for the same text at the same place."""
    before = {id(node): node for node in nodes(previous.root)}
    shared = [node for node in nodes(result.root) if before.get(id(node)) is node]
    for node in shared:
        assert written(result.lines, node) == written(previous.lines, node)
    return len(shared)


@pytest.fixture
def whole_parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts reparse gave to a full parse (it calls parse() only to fall back)."""
    texts: list[str] = []

    def counting_parse(text: str) -> ParsedDocument:
        texts.append(text)
        return parse(text)

    monkeypatch.setattr(incremental, "parse", counting_parse)
    return texts


def check(previous: ParsedDocument, text: str, whole_parses: list[str]) -> bool:
    """reparse equals parse; returns whether it re-used the previous tree."""
    before = len(whole_parses)
    result = reparse(previous, text)
    assert_same_document(result, parse(text))
    assert_shared_nodes_unchanged(previous, result)
    return len(whole_parses) == before


# --- tables -------------------------------------------------------------------------------------

SERVICE = """\
# The manifest for the "api" service.
name: api
type: Load Balanced Web Service

image:
  build: ./Dockerfile
  port: 8080

http:
  path: '/'
  healthcheck:
    path: /health

sidecars:
  nginx:
    image: nginx:1
    port: 80
    command: ["nginx", "-g", "daemon off;"]
  logs:
    image: fluent
    variables:
      LEVEL: info
    entrypoint: |
      run
      this

environments:
  prod:
    count: 2
    variables:
      STAGE: prod
  test:
    count: 1
"""

REUSED = [
    ("a top-level scalar", "name: api", "name: apis"),
    ("a top-level key renamed", "name: api", "names: api"),
    ("a nested scalar", "port: 8080", "port: 8081"),
    ("a field of one sidecar", "image: nginx:1", "image: nginx:2"),
    ("a key of one sidecar", "  logs:", "  log:"),
    ("inside a flow sequence", '"-g"', '"-G"'),
    ("a flow sequence grown", '"daemon off;"]', '"daemon off;", "x"]'),
    ("a block scalar's text", "      run\n", "      running\n"),
    ("a block scalar kept whole", "entrypoint: |", "entrypoint: |+"),
    ("one environment", "STAGE: prod", "STAGE: production"),
    ("the last value of the text", "count: 1\n", "count: 10\n"),
    ("a line added in a sidecar", "    port: 80\n", "    port: 80\n    essential: false\n"),
    ("a line removed from a sidecar", "    port: 80\n", ""),
    ("a blank line added after an entry", "  port: 8080\n", "  port: 8080\n\n"),
    ("a comment added at the end of an entry", "  port: 8080\n", "  port: 8080\n  # the port\n"),
    ("a value made empty", "    count: 2\n", "    count:\n"),
    ("a scalar made a mapping", "  path: '/'\n", "  path:\n    x: 1\n"),
    ("a compact sequence", "    port: 80\n", "    port:\n    - 80\n"),
    ("a multi-line plain scalar", "    image: fluent\n", "    image: fluent\n      bit\n"),
    ("a line appended at the end", "    count: 1\n", "    count: 1\n    cpu: 256\n"),
    ("typing a key in a new line of a sidecar", "    port: 80\n", "    port: 80\n    \n"),
    ("a key added at the top level", "\nhttp:", "\ncpu: 256\nhttp:"),
    ("a sidecar added", "\n  logs:", "\n  proxy:\n    image: envoy\n  logs:"),
    ("a blank line removed", "  port: 8080\n\nhttp:", "  port: 8080\nhttp:"),
    ("the header comment", "# The manifest", "# A manifest"),
    ("a line added to the header comment", "# The manifest", "# Hello\n# The manifest"),
]


@pytest.mark.parametrize(("old", "new"), [pytest.param(o, n, id=name) for name, o, n in REUSED])
def test_an_edit_inside_one_entry_parses_that_entry_alone(
    old: str, new: str, whole_parses: list[str]
) -> None:
    assert SERVICE.count(old) == 1
    assert check(parse(SERVICE), SERVICE.replace(old, new), whole_parses)


FALLBACKS = [
    ("an edit across two entries", "8080\n\nhttp:\n  path", "8081\n\nhttp:\n  paths"),
    ("an entry removed", "type: Load Balanced Web Service\n", ""),
    ("an entry commented out", "type: Load", "# type: Load"),
    ("a key indented", "\nhttp:", "\n http:"),
    ("a duplicate key", "  logs:", "  nginx:"),
    ("a syntax error", "image: nginx:1", "image: [nginx:1"),
    ("an unclosed quote", "path: '/'", "path: '/"),
    ("an anchor", "image: nginx:1", "image: &i nginx:1"),
    ("an alias", "image: fluent", "image: *i"),
    ("a tag", "image: fluent", "image: !Sub fluent"),
    ("a merge key", "    image: fluent\n", "    <<: {a: 1}\n    image: fluent\n"),
    ("a document end", "    count: 1\n", "    count: 1\n...\n"),
    ("a second document", "    count: 1\n", "    count: 1\n---\nb: 1\n"),
    ("a tab", "    port: 80\n", "    port:\t80\n"),
    ("a carriage return", "    port: 80\n", "    port: 80\r\n"),
    ("a line separator", "    port: 80\n", "    port: 80\u2028x: 1\n"),
    ("a line left of the sidecars' column", "    port: 80\n", "    port: 80\n x: 1\n"),
    ("joining a line to the next key", 'daemon off;"]\n', 'daemon off;"]'),
]


@pytest.mark.parametrize(("old", "new"), [pytest.param(o, n, id=name) for name, o, n in FALLBACKS])
def test_an_edit_that_is_not_safely_one_entry_parses_the_whole_text(
    old: str, new: str, whole_parses: list[str]
) -> None:
    assert SERVICE.count(old) == 1
    assert not check(parse(SERVICE), SERVICE.replace(old, new), whole_parses)


@pytest.mark.parametrize(
    ("text", "edited"),
    [
        pytest.param("a: 1\nb: 2\na: 3\n", "a: 1\nb: 3\na: 3\n", id="previous has findings"),
        pytest.param("a: &x 1\nb: 2\n", "a: &x 1\nb: 3\n", id="previous has an anchor"),
        pytest.param("a: 1\nb: !!str 2\n", "a: 2\nb: !!str 2\n", id="previous has a tag"),
        pytest.param("%YAML 1.1\n---\na: 1\nb: 2\n", "%YAML 1.1\n---\na: 1\nb: 3\n", id="a directive"),
        pytest.param("a: 1\r\nb: 2\r\n", "a: 1\r\nb: 3\r\n", id="CRLF"),
        pytest.param("{a: 1, b: 2}\n", "{a: 1, b: 3}\n", id="a flow root"),
        pytest.param("- a: 1\n- b: 2\n", "- a: 1\n- b: 3\n", id="a sequence root"),
        pytest.param("a: 1\nb: 2\n", "a: 1\nb: 2\n...\n", id="a document end marker"),
        pytest.param("a: [front:latest]\nb: 2\n", "a: [front:latest]\nb: 3\n", id="a colon libyaml refuses"),
    ],
)
def test_what_previous_holds_can_make_it_parse_the_whole_text(
    text: str, edited: str, whole_parses: list[str]
) -> None:
    assert not check(parse(text), edited, whole_parses)


@pytest.mark.parametrize(
    ("text", "edited"),
    [
        pytest.param("a: 1\n\nb: 2\n", "a: 1\n\nb: 2\n", id="the same text"),
        pytest.param("a: 1\nb: 2\n", "a: 1\nb: 2", id="the last line break removed"),
        pytest.param("a: 1\nb: 2", "a: 1\nb: 2\n", id="a last line break added"),
        pytest.param("  a: 1\n  b: 2\n", "  a: 1\n  b: 3\n", id="an indented root"),
        pytest.param(
            "a:\n  b: |+\n    x\n\n\nc: 1\n", "a:\n  b: |+\n    xy\n\n\nc: 1\n", id="kept blank lines"
        ),
        pytest.param(
            "a:\n  b: |\n    x\n  # c\nd: 1\n", "a:\n  b: |\n    x\n\n  # c\nd: 1\n", id="block scalar"
        ),
        pytest.param("a:\n- 1\n- 2\nb: 1\n", "a:\n- 1\n- 3\nb: 1\n", id="a compact sequence"),
        pytest.param("a:\n  b:\n    c:\n      d: 1\n", "a:\n  b:\n    c:\n      d: 2\n", id="deep"),
        pytest.param("a: x\nb:\n", "a: x\nb: \n", id="an empty value at the end"),
        pytest.param("---\na: 1\nb: 2\n", "---\na: 1\nb: 3\n", id="an explicit document start"),
    ],
)
def test_edge_cases_re_use_and_match_a_full_parse(text: str, edited: str, whole_parses: list[str]) -> None:
    assert check(parse(text), edited, whole_parses)


def test_nesting_too_deep_where_the_entry_stands_is_parsed_whole(whole_parses: list[str]) -> None:
    # 61 levels alone are fine; below four mappings they pass MAX_DEPTH (64).
    text = "a:\n  b:\n    c:\n      d: 1\n"
    assert check(parse(text), text.replace("d: 1", "d: " + "[" * 60 + "]" * 60), whole_parses)
    assert not check(parse(text), text.replace("d: 1", "d: " + "[" * 61 + "]" * 61), whole_parses)


def test_brackets_past_the_flow_limit_are_cut_as_parse_cuts_them(whole_parses: list[str]) -> None:
    text = "".join(f"k{i}: [x]\n" for i in range(70)) + "z: 1\n"
    assert not check(parse(text), text.replace("z: 1", "z: " + "[" * 70), whole_parses)
    assert check(parse(text), text.replace("z: 1", "z: 2"), whole_parses)


def test_untouched_siblings_are_the_previous_objects() -> None:
    previous = parse(SERVICE)
    result = reparse(previous, SERVICE.replace("image: nginx:1", "image: nginx:2"))
    old_root, new_root = previous.root, result.root
    assert isinstance(old_root, Mapping) and isinstance(new_root, Mapping)
    assert new_root is not old_root
    for old_entry, new_entry in zip(old_root.entries, new_root.entries, strict=True):
        assert (new_entry is old_entry) == (old_entry.name != "sidecars")
    old_sidecars, new_sidecars = find(old_root, ("sidecars",)), find(new_root, ("sidecars",))
    assert isinstance(old_sidecars, Mapping) and isinstance(new_sidecars, Mapping)
    assert new_sidecars is not old_sidecars
    assert old_root.entry("sidecars").key is new_root.entry("sidecars").key  # type: ignore[union-attr]
    assert new_sidecars.entries[1] is old_sidecars.entries[1]  # logs
    old_nginx, new_nginx = old_sidecars.entries[0].value, new_sidecars.entries[0].value
    assert isinstance(old_nginx, Mapping) and isinstance(new_nginx, Mapping)
    assert [n is o for n, o in zip(new_nginx.entries, old_nginx.entries, strict=True)] == [False, True, True]


def test_comments_before_a_first_key_leave_the_mapping_that_follows_them() -> None:
    text = "# an api\nname: api\nsidecars:\n  # the proxies\n  nginx:\n    port: 80\nmemory: 512\n"
    previous = parse(text)
    header = reparse(previous, text.replace("# an api", "# the api"))
    assert header.root is previous.root  # the root starts at its first key, after the comment
    edited = reparse(previous, text.replace("# the proxies", "# the sidecars"))
    assert isinstance(edited.root, Mapping) and isinstance(previous.root, Mapping)
    assert edited.root is not previous.root
    assert [new is old for new, old in zip(edited.root.entries, previous.root.entries, strict=True)] == [
        True,
        False,  # sidecars: its entry holds the comment
        True,
    ]
    assert edited.root.entries[1].value is previous.root.entries[1].value  # the mapping from nginx on
    assert_same_document(edited, parse(edited.text))


def test_entries_after_an_added_line_are_moved_copies() -> None:
    previous = parse(SERVICE)
    text = SERVICE.replace("    port: 80\n", "    port: 80\n    essential: true\n")
    result = reparse(previous, text)
    assert isinstance(result.root, Mapping) and isinstance(previous.root, Mapping)
    pairs = list(zip(result.root.entries, previous.root.entries, strict=True))
    assert [new is old for new, old in pairs] == [True, True, True, True, False, False]
    assert_same_document(result, parse(text))


# --- the differential test ----------------------------------------------------------------------

OWN_TEXTS = sorted(
    {*OWN, *(REPO / "tests" / "manifests").rglob("*.yml"), *(REPO / "examples").rglob("*.yml")}
    | set((REPO / "tests" / "fixtures" / "conformance").glob("*.yml"))
)
TYPED = [":", "#", '"', "'", "|", ">", "-", "[", "]", "{", "}", ",", " ", "  ", "\n", "\n  ", "a", "7"]
TYPED += ["&a ", "*a", "!", "<<: ", "? ", "---", "...", "%", "\t", "\\", "\r"]
EDITS_PER_TEXT = 24
CHAIN = 12


def random_edit(text: str, rng: random.Random) -> str:
    """One edit at one place: typing, deleting or replacing a few characters, or indenting a line."""
    at = rng.randrange(len(text) + 1)
    kind = rng.random()
    if kind < 0.45:
        return text[:at] + rng.choice(TYPED) + text[at:]
    if kind < 0.75:
        return text[:at] + text[at + rng.randint(1, 3) :]
    if kind < 0.9:
        return text[:at] + rng.choice(TYPED) + text[at + 1 :]
    line_start = text.rfind("\n", 0, at) + 1
    return text[:line_start] + rng.choice([" ", "  ", "- ", "# "]) + text[line_start:]


def differential(texts: list[tuple[str, str]], whole_parses: list[str]) -> tuple[int, int, int]:
    """Edits tried, re-used and eligible (previous clean): each edit alone, then a chain of edits."""
    tried = reused = eligible = 0
    for name, text in texts:
        rng = random.Random(name)
        original = parse(text)
        for _ in range(EDITS_PER_TEXT):
            clean = original.spliceable and not original.findings
            done = check(original, random_edit(text, rng), whole_parses)
            tried, reused, eligible = tried + 1, reused + done, eligible + clean
        document = original
        for _ in range(CHAIN):
            edited = random_edit(document.text, rng)
            clean = document.spliceable and not document.findings
            done = check(document, edited, whole_parses)
            tried, reused, eligible = tried + 1, reused + done, eligible + clean
            document = reparse(document, edited)
    return tried, reused, eligible


def test_random_edits_of_every_manifest_match_a_full_parse(whole_parses: list[str]) -> None:
    texts = [(str(path.relative_to(REPO)), path.read_text(encoding="utf-8")) for path in OWN_TEXTS]
    texts += [(f"generated {lines}", generate(lines)) for lines in (60, 200)]
    tried, reused, eligible = differential(texts, whole_parses)
    assert tried == len(texts) * (EDITS_PER_TEXT + CHAIN) > 4000
    # Most random edits land inside one entry of a clean manifest; some break it (and fall back).
    assert reused >= 0.6 * eligible, (tried, reused, eligible)


def test_random_edits_of_copilots_corpus_match_a_full_parse(whole_parses: list[str]) -> None:
    require_corpus()
    texts = [(path.name, path.read_text(encoding="utf-8")) for path in CORPUS]
    tried, reused, eligible = differential(texts, whole_parses)
    assert reused >= 0.6 * eligible, (tried, reused, eligible)


def brackets(text: str) -> list[str]:
    return [token.group() for token in _FLOW_TOKEN.finditer(text) if token.group() in "[]{}"]


def test_the_flow_scan_shortcut_holds_on_random_edits() -> None:
    """When _same_flow_tokens says so, parse()'s bracket scan finds the same brackets in both texts:
    on manifests, and on short texts made of nothing but what the scan reads."""
    rng = random.Random(20)
    texts = [path.read_text(encoding="utf-8") for path in OWN_TEXTS[:60]]
    syntax = "ab '\"#[]{}\\\n -:"
    texts += ["".join(rng.choice(syntax) for _ in range(rng.randint(5, 60))) for _ in range(300)]
    kept = 0
    for text in texts:
        for _ in range(30):
            at = rng.randrange(len(text) + 1)
            typed = "".join(rng.choice(syntax) for _ in range(rng.randint(0, 3)))
            edited = text[:at] + typed + text[at + rng.randint(0, 3) :]
            if edited == text:
                continue
            edit = incremental._edit(text, edited)
            if incremental._same_flow_tokens(text, edited, edit):
                kept += 1
                assert brackets(edited) == brackets(text), (text, edited, edit)
    assert kept > 1000
