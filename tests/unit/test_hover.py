"""Hover on keys, reference values and enum values, on the real schema."""

from __future__ import annotations

import pytest

from manifest_sets import LBWS_BUILT
from sidecar_lsp.core.features.hover import HoverInfo, docs_url, hover
from sidecar_lsp.core.model import Pos, Span
from sidecar_lsp.core.schema.index import SchemaIndex
from sidecar_lsp.core.schema.store import load_schema
from sidecar_lsp.core.yaml.tree import parse

MANIFEST = (
    LBWS_BUILT
    + """\
http:
  path: /
  target_container: nginx
logging:
  destination:
    Name: cloudwatch
storage:
  volumes:
    data:
      path: /data
      read_only: false
      efs:
        id: fs-1234
        root_dir: /srv
sidecars:
  nginx:
    image: public.ecr.aws/nginx/nginx:1
    port: 80
    essential: true
    mount_points:
      - source_volume: data
        path: /etc/data
    depends_on:
      api: healthy
      xray: start
      firelens_log_router: start
      ghost: start
  xray:
    image: amazon/aws-xray-daemon
    healthcheck:
      command: ["CMD", "true"]
environments:
  prod:
    sidecars:
      nginx:
        port: 81
"""
)


@pytest.fixture(scope="module")
def index() -> SchemaIndex:
    return SchemaIndex(load_schema())


def at(index: SchemaIndex, needle: str, occurrence: int = 0, offset: int = 0) -> HoverInfo | None:
    lines = MANIFEST.split("\n")
    hits = [(i, line.index(needle)) for i, line in enumerate(lines) if needle in line]
    line, col = hits[occurrence]
    return hover(parse(MANIFEST), Pos(line, col + offset), index)


SCHEMA = load_schema()
SIDECAR = SCHEMA["definitions"]["sidecar"]["properties"]


@pytest.mark.parametrize(
    "needle,expected",
    [
        (
            "essential:",
            [SIDECAR["essential"]["markdownDescription"].split("\n")[0], "Default: `true`", "boolean"],
        ),
        (
            "    port: 80",
            [SIDECAR["port"]["markdownDescription"].split("\n")[0], "Example:", "```yaml", "port: 80"],
        ),
        ("mount_points:", ["sidecars.nginx.mount_points", "list"]),
        ("healthcheck:", ["sidecars.xray.healthcheck"]),
        ("target_container:", ["http.target_container"]),
    ],
)
def test_key_hover_shows_schema_facts(index: SchemaIndex, needle: str, expected: list[str]) -> None:
    info = at(index, needle, offset=len(needle) - len(needle.lstrip()) + 1)
    assert info is not None
    for text in expected:
        assert text in info.markdown


def test_key_hover_has_a_docs_link_and_the_key_range(index: SchemaIndex) -> None:
    info = at(index, "essential:", offset=2)
    assert info is not None
    assert "https://aws.github.io/copilot-cli/docs/" in info.markdown
    line = MANIFEST.split("\n").index("    essential: true")
    assert info.span == Span(Pos(line, 4), Pos(line, 13))


def test_type_value_shows_what_the_kind_means(index: SchemaIndex) -> None:
    info = at(index, "Load Balanced", offset=3)
    assert info is not None
    assert "Application and/or Network Load Balancer" in info.markdown


@pytest.mark.parametrize(
    "needle,expected,unexpected",
    [
        (
            "source_volume: data",
            ["volume `data`", "`/data`", "read_only: `false`", "fs-1234", "root_dir"],
            ["⚠", "no volume named"],
        ),
        (
            "target_container: nginx",
            ["sidecar `nginx`", "public.ecr.aws/nginx/nginx:1", "port: `80`"],
            ["⚠", "main container"],
        ),
        ("api: healthy", ["main container `api`", "./Dockerfile", "port: `8080`"], ["⚠", "sidecar `api`"]),
        ("firelens_log_router: start", ["FireLens"], []),
        ("ghost: start", ["⚠ no container named `ghost`"], ["sidecar `ghost`"]),
    ],
)
def test_reference_hover_describes_the_target(
    index: SchemaIndex, needle: str, expected: list[str], unexpected: list[str]
) -> None:
    # on the value of source_volume/target_container; on the key of a depends_on entry
    offset = needle.index(":") + 2 if needle.startswith(("source", "target")) else 1
    info = at(index, needle, offset=offset)
    assert info is not None
    for text in expected:
        assert text in info.markdown
    for text in unexpected:
        assert text not in info.markdown


def test_condition_hover_explains_and_warns_without_healthcheck(index: SchemaIndex) -> None:
    info = at(index, "api: healthy", offset=6)
    assert info is not None
    # The meaning of each condition comes from the schema's description of dependsOnStatus.
    assert "waits until the container's **health check passes**" in info.markdown
    assert "defines no health check" in info.markdown
    start = at(index, "xray: start", offset=7)
    assert start is not None and "waits until the container has **started**" in start.markdown


def test_environment_override_key(index: SchemaIndex) -> None:
    info = at(index, "port: 81", offset=1)
    assert info is not None
    assert "environments.prod.sidecars.nginx.port" in info.markdown


def test_nothing_between_nodes(index: SchemaIndex) -> None:
    assert hover(parse(MANIFEST), Pos(200, 0), index) is None
    assert hover(parse(""), Pos(0, 0), index) is None


@pytest.mark.parametrize(
    "path,kind,url",
    [
        (("http", "healthcheck"), "Load Balanced Web Service", "manifest/lb-web-service/#http-healthcheck"),
        (
            ("storage", "volumes", "data", "efs"),
            "Backend Service",
            "manifest/backend-service/#storage-volumes-volume-efs",
        ),
        (("sidecars", "nginx", "port"), "Worker Service", "developing/sidecars/"),
        (("environments", "prod", "count"), "Scheduled Job", "manifest/scheduled-job/#count"),
    ],
)
def test_docs_url(path: tuple[str, ...], kind: str, url: str) -> None:
    assert docs_url(path, kind) == "https://aws.github.io/copilot-cli/docs/" + url


@pytest.mark.parametrize("line_break", ["\r\n", "\r"], ids=["CRLF", "CR"])
def test_same_hover_at_every_position_whatever_the_line_breaks(index: SchemaIndex, line_break: str) -> None:
    """Hover reads the tree, whose positions are on the client's lines (``\\r`` alone ends one too)."""
    positions = [
        Pos(line, col) for line, text in enumerate(MANIFEST.split("\n")) for col in range(len(text) + 1)
    ]
    with_newlines = parse(MANIFEST)
    expected = [hover(with_newlines, pos, index) for pos in positions]
    assert sum(info is not None for info in expected) > len(positions) // 2
    rewritten = parse(MANIFEST.replace("\n", line_break))
    assert [hover(rewritten, pos, index) for pos in positions] == expected


def test_container_hover_reads_the_task(index: SchemaIndex) -> None:
    """What hover says of a container is task.py's answer: the FireLens router with the image Copilot
    runs when ``logging.image`` is not written (the schema's default), the main container's built image."""
    router = at(index, "firelens_log_router: start", offset=1)
    assert router is not None
    assert "- image: `public.ecr.aws/aws-observability/aws-for-fluent-bit" in router.markdown
    main = at(index, "api: healthy", offset=1)
    assert main is not None and "- image: `build ./Dockerfile`" in main.markdown
