"""The position-keeping YAML tree: ranges, yaml.v3 typing and bad input."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from sidecar_lsp.core.model import Pos, Span
from sidecar_lsp.core.yaml.compose import _Composer, compose
from sidecar_lsp.core.yaml.events import colons_stood_in
from sidecar_lsp.core.yaml.nodes import MAX_DEPTH
from sidecar_lsp.core.yaml.tree import Mapping, Scalar, Sequence, find, find_entry, iter_nodes, node_at, parse
from trees import differences

MANIFEST = """\
name: api
type: Backend Service
image:
  build: api/Dockerfile
sidecars:
  nginx:
    port: "8080/tcp"
    image:
    mount_points:
      - source_volume: data
        path: /data
"""


@pytest.mark.parametrize(
    ("path", "span"),
    [
        (("name",), Span.of(0, 6, 0, 9)),
        (("type",), Span.of(1, 6, 1, 21)),
        (("image", "build"), Span.of(3, 9, 3, 23)),
        (("sidecars", "nginx", "port"), Span.of(6, 10, 6, 20)),
        (("sidecars", "nginx", "mount_points", 0, "source_volume"), Span.of(9, 23, 9, 27)),
        (("sidecars", "nginx", "mount_points", 0, "path"), Span.of(10, 14, 10, 19)),
        # An empty value sits right after its key's colon, not on the next line.
        (("sidecars", "nginx", "image"), Span.of(7, 10, 7, 10)),
    ],
)
def test_value_spans(path: tuple[str | int, ...], span: Span) -> None:
    node = find(parse(MANIFEST).root, path)
    assert node is not None
    assert node.span == span


@pytest.mark.parametrize(
    ("path", "span"),
    [
        (("name",), Span.of(0, 0, 0, 4)),
        (("sidecars", "nginx"), Span.of(5, 2, 5, 7)),
        (("sidecars", "nginx", "mount_points", 0, "path"), Span.of(10, 8, 10, 12)),
    ],
)
def test_key_spans(path: tuple[str | int, ...], span: Span) -> None:
    entry = find_entry(parse(MANIFEST).root, path)
    assert entry is not None
    assert entry.key.span == span


def test_block_mapping_span_ends_at_its_last_value() -> None:
    nginx = find(parse(MANIFEST).root, ("sidecars", "nginx"))
    assert isinstance(nginx, Mapping)
    assert nginx.span == Span.of(6, 4, 10, 19)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v: on", "on"),  # yaml.v3 keeps YAML 1.1 words as strings
        ("v: yes", "yes"),
        ("v: true", True),
        ("v: False", False),
        ("v: 80", 80),
        ("v: 0x1F", 31),
        ("v: 2.5", 2.5),
        ("v: '80'", "80"),
        ("v: ~", None),
        ("v:", None),
        ("v: 80/tcp", "80/tcp"),
        ("v: 10s", "10s"),
        ("v: !!str 80", "80"),
        ("v: ${TAG}", "${TAG}"),
    ],
)
def test_scalars_resolve_like_yaml_v3(text: str, expected: object) -> None:
    assert parse(text).to_plain() == {"v": expected}


def test_scheduled_job_on_key_stays_a_string() -> None:
    assert parse("on:\n  schedule: '@daily'\n").to_plain() == {"on": {"schedule": "@daily"}}


def test_scalar_text_is_what_copilot_reads_into_a_string_field() -> None:
    port = find(parse("port: 080\n").root, ("port",))
    assert isinstance(port, Scalar)
    assert port.text == "080"


def test_anchor_alias_and_merge_keep_the_anchor_ranges() -> None:
    text = "base: &b\n  port: 80\n  image: x\nsidecars:\n  a:\n    <<: *b\n    image: y\n"
    document = parse(text)
    assert document.to_plain()["sidecars"]["a"] == {"image": "y", "port": 80}
    merged = find_entry(document.root, ("sidecars", "a", "port"))
    assert merged is not None and merged.merged
    assert merged.value.span == Span.of(1, 8, 1, 10)  # where the value is written
    own = find(document.root, ("sidecars", "a", "image"))
    assert own is not None and own.span == Span.of(6, 11, 6, 12)


def test_alias_shares_the_anchored_node() -> None:
    document = parse("a: &x {p: 1}\nb: *x\n")
    assert find(document.root, ("a",)) is find(document.root, ("b",))
    assert [path for path, _ in iter_nodes(document.root)].count(("b",)) == 0  # shared nodes once


@pytest.mark.parametrize(
    ("text", "code", "span"),
    [
        ("a: 1\nb: 2\na: 3\n", "yaml-duplicate-key", Span.of(2, 0, 2, 1)),
        ("a:\n\tb: 1\n", "yaml-syntax", Span.of(1, 0, 1, 1)),
        ("a: *nope\n", "yaml-unknown-alias", Span.of(0, 3, 0, 8)),
        ("a: !Ref x\n", "yaml-unknown-tag", Span.of(0, 3, 0, 9)),
        ("a: 1\n---\nb: 2\n", "yaml-multiple-documents", Span.of(1, 0, 1, 3)),
        ("a: b\x00c\n", "yaml-syntax", Span.of(0, 4, 0, 5)),
        ("a: [1, 2\nb: 3\n", "yaml-syntax", Span.of(1, 1, 1, 2)),
    ],
)
def test_bad_yaml_becomes_a_finding_at_its_position(text: str, code: str, span: Span) -> None:
    findings = parse(text).findings
    assert [(f.code, f.span) for f in findings] == [(code, span)]


def test_duplicate_key_message_uses_yaml_v3_wording() -> None:
    (finding,) = parse("sidecars:\n  nginx: {}\n  nginx: {}\n").findings
    assert finding.message == 'mapping key "nginx" already defined at line 2'


def test_tab_indentation_message_says_what_to_do() -> None:
    (finding,) = parse("a:\n\tb: 1\n").findings
    assert "tab" in finding.message and "spaces" in finding.message


def test_syntax_error_keeps_what_was_parsed_before_it() -> None:
    document = parse("name: api\ntype: Backend Service\nsidecars:\n  nginx:\n    image: [x\n    port: 80\n")
    assert not document.complete
    assert document.to_plain()["name"] == "api"
    assert find(document.root, ("sidecars", "nginx")) is not None


def _billion_laughs() -> str:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for previous, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("alias bomb", _billion_laughs(), "yaml-alias-bomb"),
        ("10,000 nested flow lists", "a: " + "[" * 10_000 + "]" * 10_000 + "\n", "yaml-too-deep"),
        ("10,000 nested flow maps", "a: " + "{b: " * 10_000 + "}" * 10_000 + "\n", "yaml-too-deep"),
        ("10,000 compact list items", "- " * 10_000 + "x\n", "yaml-too-deep"),
        ("deep block nesting", "".join(" " * i + "a:\n" for i in range(1_000)), "yaml-too-deep"),
        ("10 MB file", "name: api\nvariables:\n" + "  K: value\n" * 1_000_000, "file-too-large"),
    ],
)
def test_hostile_input_gives_one_clear_finding_quickly(name: str, text: str, code: str) -> None:
    started = time.perf_counter()
    document = parse(text)
    elapsed = time.perf_counter() - started
    assert code in [f.code for f in document.findings], name
    # Generous bound: the point is "no hang", measured properly in benchmarks/.
    assert elapsed < 5, f"{name} took {elapsed:.1f}s"


@pytest.mark.parametrize(
    ("nested", "levels"),
    [
        ("flow lists", lambda n: "a: " + "[" * n + "]" * n + "\n"),
        ("flow maps", lambda n: "a: " + "{b: " * n + "}" * n + "\n"),
        ("compact list items", lambda n: "- " * n + "x\n"),
        ("block maps", lambda n: "".join(" " * i + "a:\n" for i in range(n)) + " " * n + "a: 1\n"),
    ],
)
def test_nesting_is_too_deep_one_level_past_the_limit(nested: str, levels: Callable[[int], str]) -> None:
    codes = {
        depth: [f.code for f in parse(levels(depth)).findings] for depth in (MAX_DEPTH - 1, MAX_DEPTH + 1)
    }
    assert "yaml-too-deep" not in codes[MAX_DEPTH - 1], nested
    assert "yaml-too-deep" in codes[MAX_DEPTH + 1], nested


def test_alias_bomb_plain_data_stays_small() -> None:
    document = parse(_billion_laughs())
    total = 0
    seen: set[int] = set()
    stack = [document.to_plain()]
    while stack:
        item = stack.pop()
        total += 1
        if isinstance(item, (list, dict)) and id(item) not in seen:
            seen.add(id(item))
            stack.extend(item.values() if isinstance(item, dict) else item)
    assert total < 10_000


@pytest.mark.parametrize(
    ("line", "col", "path", "role"),
    [
        (0, 2, ("name",), "key"),
        (0, 7, ("name",), "value"),
        (6, 6, ("sidecars", "nginx", "port"), "key"),
        (6, 20, ("sidecars", "nginx", "port"), "value"),  # the end of a word counts
        (9, 24, ("sidecars", "nginx", "mount_points", 0, "source_volume"), "value"),
    ],
)
def test_node_at(line: int, col: int, path: tuple[str | int, ...], role: str) -> None:
    location = node_at(parse(MANIFEST).root, Pos(line, col))
    assert (location.path, location.role) == (path, role)


def test_sequence_and_flow_flags() -> None:
    document = parse("a: [1, 2]\nb:\n  - 1\n")
    flow, block = find(document.root, ("a",)), find(document.root, ("b",))
    assert isinstance(flow, Sequence) and flow.flow
    assert isinstance(block, Sequence) and not block.flow
    assert flow.span == Span.of(0, 3, 0, 9)


def test_columns_count_code_points() -> None:
    node = find(parse("name: 🚀api\ntype: x\n").root, ("type",))
    assert node is not None and node.span == Span.of(1, 6, 1, 7)
    name = find(parse("name: 🚀api\n").root, ("name",))
    assert name is not None and name.span == Span.of(0, 6, 0, 10)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cache_from: [front:latest]\n", {"cache_from": ["front:latest"]}),
        ("alias: {name: http://example.com}\n", {"alias": {"name": "http://example.com"}}),
    ],
)
def test_colon_inside_a_flow_collection_reads_like_yaml_v3(text: str, expected: object) -> None:
    document = parse(text)
    assert (document.findings, document.to_plain()) == ([], expected)


@pytest.mark.parametrize(
    "text",
    [
        "cache_from: [front:latest, back:1.2]\n",
        "a: {x:y, z: w}\n",
        "k: [é:b, 1:30, http://h:80/p]\n",
        "k: [a::b]\n",
        "k: [a:b\n  :c]\n",
        "image: x\nsidecars:\n  s:\n    command: [sh, -c, 'a:b', c:d]\n    labels: {k:v: w}\n",
        "k: [x:]\n",
        "k: {a:}\n",
        "k: [a:#b]\n",
        "k: [a:?b]\n",
        "k: [a:[b]]\n",
        "k: [a:b, ~^`;=]\n",
    ],
)
def test_colons_libyaml_refuses_read_as_the_pure_parser_reads_them(text: str) -> None:
    lines = text.split("\n")
    by_libyaml = compose(text, lines)
    by_pure_parser = _Composer(text, lines, pure=True).run()
    assert list(differences(by_libyaml.root, by_pure_parser.root)) == []
    assert by_libyaml.findings == by_pure_parser.findings
    assert not by_libyaml.spliceable  # a piece re-parsed alone would not hold the stand-in


def test_a_refused_colon_followed_by_a_flow_indicator_is_left_to_the_pure_parser() -> None:
    assert colons_stood_in("k: [x:]\n") is None
    assert colons_stood_in("k: [a:b, x:]\n") is None
    assert colons_stood_in("k: [front:latest]\n") == ("k: [front^latest]\n", "^")
    assert colons_stood_in("k: [front:latest, ^~`;=]\n") is None  # no stand-in left
