"""Hover answers "what does each environment get?", and names types the way a user reads them."""

from __future__ import annotations

import re

import pytest

from manifest_sets import LBWS, position_of
from sidecar_lsp.core.features.hover import hover, markdown_links
from sidecar_lsp.core.model import Pos
from sidecar_lsp.core.schema.index import SchemaIndex
from sidecar_lsp.core.schema.store import load_schema
from sidecar_lsp.core.yaml.tree import parse

URI = "file:///w/copilot/api/manifest.yml"
SCHEMA = SchemaIndex(load_schema())

MANIFEST = (
    LBWS.replace("  port: 80\n", "  port: 80\n  depends_on:\n    nginx: start\n")
    + """\
count: 2
variables:
  LOG_LEVEL: info
sidecars:
  nginx:
    image: public.ecr.aws/nginx/nginx:1
    port: 8080
    mount_points:
      - source_volume: data
        path: /data
storage:
  volumes:
    data:
      path: /data
environments:
  prod:
    count: 4
    sidecars:
      nginx:
        image: nginx:2
        essential: false
  staging:
    count: 3
"""
)


def hover_on(
    needle: str, environments: tuple[str, ...] = (), occurrence: int = 1, text: str = MANIFEST
) -> str:
    line, col = position_of(text, needle, occurrence)
    info = hover(parse(text), Pos(line, col), SCHEMA, environments, URI)
    assert info is not None
    return info.markdown


def rows(markdown: str) -> dict[str, list[str]]:
    """The per-environment table: its first cell -> the other cells."""
    table = markdown.split(" each environment**", 1)[1]
    out: dict[str, list[str]] = {}
    for line in table.strip().split("\n")[2:]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        out[cells[0]] = cells[1:]
    return out


def line_link(needle: str, occurrence: int = 1) -> str:
    line = position_of(MANIFEST, needle, occurrence)[0] + 1
    return f"[line {line}]({URI}#L{line})"


@pytest.mark.parametrize("needle", ["count: 2", "count: 4", "count: 3"])
def test_an_overridden_field_lists_the_base_and_every_environment(needle: str) -> None:
    table = rows(hover_on(needle))
    assert table == {
        "base": ["`2`", line_link("count: 2")],
        "prod": ["`4`", line_link("count: 4")],
        "staging": ["`3`", line_link("count: 3")],
    }


def test_the_workspaces_environments_without_an_override_get_the_base() -> None:
    table = rows(hover_on("count: 4", ("dev", "prod", "staging")))
    assert list(table) == ["base", "dev (no override)", "prod", "staging"]
    assert table["dev (no override)"] == ["`2`", line_link("count: 2")]


def test_a_value_no_environment_sets_is_the_base_everywhere() -> None:
    table = rows(hover_on("LOG_LEVEL"))
    assert {row[0] for row in table.values()} == {"`info`"}


def test_a_lone_base_with_no_environment_has_no_table() -> None:
    assert "each environment" not in hover_on("count: 2", text=LBWS + "count: 2\n")


def test_a_sidecar_name_shows_its_container_in_each_environment() -> None:
    markdown = hover_on("nginx:\n    image")
    assert "**`nginx` in each environment**" in markdown
    table = rows(markdown)
    base, prod, staging = table["base"], table["prod"], table["staging"]
    # image (with the line that set it), port, essential, depends on, mounts, health check
    assert base[0] == f"`public.ecr.aws/nginx/nginx:1` ({line_link('image: public.ecr.aws/nginx/nginx:1')})"
    assert prod[0] == f"`nginx:2` ({line_link('image: nginx:2')})"
    assert [base[1], base[2], prod[2], staging[2]] == ["8080", "yes", "no", "yes"]
    assert base[4] == "data → /data"
    assert base[5] == "none"


def test_the_main_container_dependency_shows_in_each_environment() -> None:
    text = MANIFEST.replace("    port: 8080\n", "    port: 8080\n    depends_on:\n      api: start\n")
    table = rows(hover_on("nginx:\n    image", text=text))
    assert table["prod"][3] == "api: start"


# (field, what the title line calls its type)
TYPES = [
    ("image: public.ecr.aws/nginx/nginx:1", "string (URI), or a map with build or location"),
    ("source_volume", "string"),
    ("LOG_LEVEL", "string, or a map with from_cfn"),
    ("port: 8080", "string (port[/protocol] such as 80 or 2000/udp)"),
    ("essential: false", "boolean"),
]


@pytest.mark.parametrize(("needle", "expected"), TYPES, ids=[t[0].split(":")[0] for t in TYPES])
def test_types_are_the_ones_a_user_reads(needle: str, expected: str) -> None:
    title = hover_on(needle).split("\n", 1)[0]
    assert title.endswith(f" · *{expected}*")
    assert "number | boolean" not in title


def test_no_string_field_is_shown_as_a_union_of_scalars() -> None:
    text = MANIFEST + "    http:\n      path: /\n      healthcheck:\n        interval: 10s\n"
    document = parse(text)
    for line, content in enumerate(text.split("\n")):
        col = len(content) - len(content.lstrip())
        info = hover(document, Pos(line, col), SCHEMA)
        if info is not None:
            assert not re.search(r"string \| number|number \| boolean", info.markdown), content


def test_a_duration_says_so() -> None:
    text = LBWS.replace("  port: 80\n", "  port: 80\n  healthcheck:\n    interval: 10s\n")
    assert hover_on("interval", text=text).split("\n")[0].endswith("*string (duration such as 10s or 1m30s)*")


def test_documentation_links_are_markdown_links() -> None:
    markdown = hover_on("count: 2")
    assert "\nhttps://" not in markdown
    assert (
        "[Copilot docs: lb web service › count](https://aws.github.io/copilot-cli/docs/manifest/lb-web-service/#count)"
        in markdown
    )
    assert (
        markdown_links("a\nhttps://x.io/docs/developing/sidecars/")
        == "a\n[Copilot docs: sidecars](https://x.io/docs/developing/sidecars/)"
    )
