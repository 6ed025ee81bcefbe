"""Completion at the places users type, on the real schema: one row per situation."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from manifest_sets import LBWS_BUILT
from sidecar_lsp.core.features.completion import Candidate, complete, describe
from sidecar_lsp.core.model import Pos, Span
from sidecar_lsp.core.schema.index import SchemaIndex
from sidecar_lsp.core.schema.store import load_schema
from sidecar_lsp.core.yaml.tree import parse

CURSOR = "|"

BASE = (
    LBWS_BUILT
    + """\
logging:
  destination:
    Name: cloudwatch
storage:
  volumes:
    data:
      path: /data
      efs: true
    scratch:
      path: /scratch
sidecars:
  nginx:
    image: nginx
    port: 80
{nginx_extra}
  xray:
    image: amazon/aws-xray-daemon
{tail}"""
)

IMAGE_BLOCK = "name: api\ntype: Backend Service\nimage:\n  build: Dockerfile\n  |\n"
IMAGE_KEYS = ("location", "credentials", "labels", "depends_on", "port", "healthcheck")
"""What a Backend Service's ``image`` block offers below ``build``."""


@pytest.fixture(scope="module")
def index() -> SchemaIndex:
    return SchemaIndex(load_schema())


def run(
    index: SchemaIndex, text: str, previous: str | None = None, line_break: str = "\n"
) -> tuple[list[Candidate], Pos]:
    """Completion at the ``CURSOR`` of ``text`` (written with ``\\n``).

    With ``line_break`` the documents are written with that break instead; the cursor keeps the
    (line, character) it has in ``text``, as it does in an editor.
    """
    line_no = next(i for i, line in enumerate(text.split("\n")) if CURSOR in line)
    col = text.split("\n")[line_no].index(CURSOR)
    clean = text.replace(CURSOR, "", 1).replace("\n", line_break)
    prev = parse(previous.replace("\n", line_break)) if previous is not None else None
    return complete(clean, Pos(line_no, col), index, parse(clean), prev), Pos(line_no, col)


def documentation(index: SchemaIndex, text: str, candidate: Candidate) -> str:
    """What ``completionItem/resolve`` gives for ``candidate`` of ``run(index, text)``."""
    assert candidate.data is not None
    return describe(candidate.data, index, parse(text.replace(CURSOR, "", 1)))


def labels(candidates: list[Candidate]) -> list[str]:
    return [c.label for c in candidates]


@dataclass
class Row:
    id: str
    text: str
    includes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    exactly: tuple[str, ...] | None = None


ROWS = [
    Row(
        "bare word in a sidecar",
        BASE.format(nginx_extra="    he|", tail=""),
        ("healthcheck", "essential"),
        ("image", "port", "name", "http"),
    ),
    Row(
        "empty line in a sidecar",
        BASE.format(nginx_extra="    |", tail=""),
        ("healthcheck", "mount_points", "depends_on"),
        ("image", "port"),
    ),
    Row(
        "empty line at top level",
        BASE.format(nginx_extra="", tail="|"),
        ("http", "count", "environments"),
        ("name", "type", "image", "sidecars", "storage", "logging"),
    ),
    Row(
        "key with empty value: boolean",
        BASE.format(nginx_extra="    essential: |", tail=""),
        exactly=("true", "false"),
    ),
    Row(
        "type value",
        "name: api\ntype: |\n",
        ("Load Balanced Web Service", "Backend Service", "Scheduled Job", "Environment"),
    ),
    Row("type value half typed", "name: api\ntype: Back|\n", ("Backend Service",)),
    Row(
        "after '- ' in mount_points",
        BASE.format(nginx_extra="    mount_points:\n      - |", tail=""),
        exactly=("source_volume", "path", "read_only"),
    ),
    Row(
        "second key of a mount point",
        BASE.format(nginx_extra="    mount_points:\n      - source_volume: data\n        |", tail=""),
        ("path", "read_only"),
        ("source_volume",),
    ),
    Row(
        "source_volume names volumes",
        BASE.format(nginx_extra="    mount_points:\n      - source_volume: |", tail=""),
        exactly=("data", "scratch"),
    ),
    Row(
        "target_container names containers",
        BASE.format(nginx_extra="", tail="http:\n  path: /\n  target_container: |\n"),
        exactly=("api", "nginx", "xray", "firelens_log_router"),
    ),
    Row(
        "targetContainer too",
        BASE.format(nginx_extra="", tail="http:\n  targetContainer: |\n"),
        exactly=("api", "nginx", "xray", "firelens_log_router"),
    ),
    Row(
        "depends_on keys: not itself, not listed",
        BASE.format(nginx_extra="    depends_on:\n      xray: start\n      |", tail=""),
        exactly=("api", "firelens_log_router"),
    ),
    Row(
        "main container depends_on",
        BASE.format(nginx_extra="", tail="").replace(
            "  port: 8080\n", "  port: 8080\n  depends_on:\n    |\n"
        ),
        exactly=("nginx", "xray", "firelens_log_router"),
    ),
    Row(
        "depends_on conditions",
        BASE.format(nginx_extra="    depends_on:\n      xray: |", tail=""),
        exactly=("start", "complete", "success", "healthy"),
    ),
    Row(
        "broken YAML below the cursor",
        BASE.format(nginx_extra="    he|", tail="  broken: [unclosed\n  : :\n"),
        ("healthcheck",),
    ),
    Row(
        "inside an environment override",
        BASE.format(nginx_extra="", tail="environments:\n  prod:\n    |\n"),
        ("count", "sidecars", "http"),
        ("name", "type", "environments"),
    ),
    Row(
        "sidecar inside an environment override",
        BASE.format(nginx_extra="", tail="environments:\n  prod:\n    sidecars:\n      nginx:\n        |\n"),
        ("port", "image", "healthcheck"),
    ),
    Row(
        "healthcheck block keys",
        BASE.format(nginx_extra="    healthcheck:\n      |", tail=""),
        ("command", "interval", "retries", "timeout", "start_period"),
    ),
    Row("inside a comment: nothing", BASE.format(nginx_extra="    # he|", tail=""), exactly=()),
    Row("no type yet: top-level basics", "name: api\n|\n", ("type",), ("sidecars",)),
    Row("image block of a Backend Service", IMAGE_BLOCK, exactly=IMAGE_KEYS),
    Row(
        "first line: the keys below are siblings",
        "|\nname: api\ntype: Backend Service\n",
        ("image", "sidecars"),
        ("name", "type"),
    ),
    Row("first line: value half typed", "type: Back|end\nname: api\n", ("Backend Service",)),
]


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_completion_table(index: SchemaIndex, row: Row) -> None:
    candidates, _ = run(index, row.text)
    got = labels(candidates)
    if row.exactly is not None:
        assert sorted(got) == sorted(row.exactly)
    for label in row.includes:
        assert label in got
    for label in row.excludes:
        assert label not in got


# --- line breaks: the cursor's line is the client's (``\n``, ``\r\n`` or a lone ``\r``, see core/lines.py)

LINE_BREAKS = {"LF": "\n", "CRLF": "\r\n", "CR": "\r"}


@pytest.mark.parametrize("line_break", LINE_BREAKS.values(), ids=LINE_BREAKS.keys())
def test_image_block_offers_its_keys_whatever_the_line_breaks(index: SchemaIndex, line_break: str) -> None:
    # Cut at "\n" only, a text with lone CR breaks was one line: the cursor's line 4 was past its end, 0 keys.
    candidates, _ = run(index, IMAGE_BLOCK, line_break=line_break)
    assert labels(candidates) == list(IMAGE_KEYS)


@pytest.mark.parametrize("line_break", ["\r\n", "\r"], ids=["CRLF", "CR"])
@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_same_candidates_whatever_the_line_breaks(index: SchemaIndex, row: Row, line_break: str) -> None:
    """Labels, insertions and replaced ranges at the same (line, character) as with ``\\n``."""
    assert run(index, row.text, line_break=line_break)[0] == run(index, row.text)[0]


# str.splitlines also ends lines at these, LSP clients do not (NEL, U+2028 and U+2029 end the
# parser's lines, not the client's): the cursor stays on the client's line.
SPLITLINES_ONLY_BREAKS = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("character", SPLITLINES_ONLY_BREAKS, ids=lambda c: f"U+{ord(c):04X}")
def test_characters_only_splitlines_breaks_at_leave_the_cursor_on_its_line(
    index: SchemaIndex, character: str
) -> None:
    above = "type: Backend Service\n"
    with_character = IMAGE_BLOCK.replace(above, f"{above}# a note{character}on one line\n")
    with_space = IMAGE_BLOCK.replace(above, f"{above}# a note on one line\n")
    # The parser refuses each such text (a control character, or a comment it ends early): the
    # manifest's type comes from the last version that parsed, as while the user types.
    last_parsed = with_space.replace(CURSOR, "")
    candidates, _ = run(index, with_character, previous=last_parsed)
    assert candidates == run(index, with_space, previous=last_parsed)[0]
    assert labels(candidates) == list(IMAGE_KEYS)


def test_bare_word_snippet_replaces_the_word_with_an_indented_block(index: SchemaIndex) -> None:
    text = BASE.format(nginx_extra="    he|", tail="")
    candidates, pos = run(index, text)
    health = next(c for c in candidates if c.label == "healthcheck")
    assert health.replace == Span(Pos(pos.line, 4), Pos(pos.line, 6))
    assert health.snippet is not None
    lines = health.snippet.split("\n")
    assert lines[0] == "healthcheck:"
    assert lines[1].startswith("      command:")  # one level deeper than the key, absolute
    assert "documentation" and "health" in documentation(index, text, health).lower()


def test_mount_points_snippet_is_a_list_item_with_the_required_keys(index: SchemaIndex) -> None:
    candidates, _ = run(index, BASE.format(nginx_extra="    mo|", tail=""))
    mount = next(c for c in candidates if c.label == "mount_points")
    assert mount.snippet is not None
    assert mount.snippet.split("\n") == ["mount_points:", "      - source_volume: $1", "        path: $2"]


def test_key_documentation_comes_from_the_schema(index: SchemaIndex) -> None:
    schema = load_schema()
    manifest = BASE.format(nginx_extra="    |", tail="")
    candidates, _ = run(index, manifest)
    essential = next(c for c in candidates if c.label == "essential")
    text = schema["definitions"]["sidecar"]["properties"]["essential"]["markdownDescription"]
    assert text.split("\n")[0] in documentation(index, manifest, essential)


def test_candidates_carry_data_to_describe_not_documentation(index: SchemaIndex) -> None:
    manifest = BASE.format(nginx_extra="    |", tail="")
    essential = next(c for c in run(index, manifest)[0] if c.label == "essential")
    assert essential.data == {"doc": "field", "path": ["sidecars", "nginx"], "name": "essential"}
    assert not hasattr(essential, "documentation")


def test_references_are_described_from_the_document(index: SchemaIndex) -> None:
    manifest = BASE.format(nginx_extra="    mount_points:\n      - source_volume: |", tail="")
    (data,) = [c for c in run(index, manifest)[0] if c.label == "data"]
    assert documentation(index, manifest, data) == "volume `data` at `/data`"
    manifest = BASE.format(nginx_extra="    depends_on:\n      |", tail="")
    xray = next(c for c in run(index, manifest)[0] if c.label == "xray")
    assert documentation(index, manifest, xray) == "sidecar `xray`, image `amazon/aws-xray-daemon`"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"doc": "field"},
        {"doc": "field", "path": "image", "name": "x"},
        {"doc": "?", "path": [], "name": "x"},
    ],
)
def test_describe_of_data_it_did_not_make_is_empty(index: SchemaIndex, data: dict[str, object]) -> None:
    assert describe(data, index, parse(BASE.format(nginx_extra="", tail=""))) == ""


def test_existing_colon_inserts_the_name_only(index: SchemaIndex) -> None:
    candidates, _ = run(index, BASE.format(nginx_extra="    ess|: true", tail=""))
    essential = next(c for c in candidates if c.label == "essential")
    assert essential.insert_text == "essential"
    assert essential.snippet is None


def test_names_defined_below_a_syntax_error_come_from_the_last_good_version(index: SchemaIndex) -> None:
    good = "name: api\ntype: Backend Service\nsidecars:\n  nginx:\n    image: nginx\n    mount_points:\n      - source_volume: x\nstorage:\n  volumes:\n    late:\n      path: /late\n"
    broken = good.replace("source_volume: x", "source_volume: |").replace(
        "    image: nginx\n", "    image: nginx\n    he\n"
    )
    assert not labels(run(index, broken)[0])  # the tree stops at `he`
    assert labels(run(index, broken, previous=good)[0]) == ["late"]


def test_value_replace_span_covers_the_value(index: SchemaIndex) -> None:
    candidates, pos = run(index, "name: api\ntype: Back|end\n")
    assert candidates[0].replace == Span(Pos(1, 6), Pos(1, 13))


def test_environment_override_names_include_that_environment(index: SchemaIndex) -> None:
    text = BASE.format(
        nginx_extra="",
        tail="environments:\n  prod:\n    sidecars:\n      extra:\n        image: x\n    http:\n      target_container: |\n",
    )
    assert "extra" in labels(run(index, text)[0])
    assert "extra" not in labels(
        run(index, BASE.format(nginx_extra="", tail="http:\n  target_container: |\n"))[0]
    )


def test_container_references_are_the_tasks_containers(index: SchemaIndex) -> None:
    """The names and their documentation come from the task's containers (task.py): the FireLens
    router is offered because ``logging`` adds it, a built main image is described as Copilot builds
    it, and a sidecar whose map is still being typed is offered too."""
    manifest = BASE.format(nginx_extra="    depends_on:\n      |", tail="  otel:\n")
    candidates = {c.label: c for c in run(index, manifest)[0]}
    assert list(candidates) == ["api", "xray", "otel", "firelens_log_router"]
    assert documentation(index, manifest, candidates["api"]) == "main container `api`"
    assert documentation(index, manifest, candidates["otel"]) == "sidecar `otel`"
    assert "FireLens log router" in documentation(index, manifest, candidates["firelens_log_router"])
    without_logging = manifest.replace("logging:\n  destination:\n    Name: cloudwatch\n", "")
    assert "firelens_log_router" not in {c.label for c in run(index, without_logging)[0]}
