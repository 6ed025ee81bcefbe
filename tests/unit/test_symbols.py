"""Outline: the service, its sidecars, volumes and environments, with ranges that nest."""

from __future__ import annotations

from sidecar_lsp.core.features.symbols import Symbol, document_symbols
from sidecar_lsp.core.model import Pos, Span
from sidecar_lsp.core.yaml.tree import parse

MANIFEST = """name: api
type: Backend Service
image:
  location: nginx
storage:
  volumes:
    data:
      path: /data
sidecars:
  nginx:
    image: nginx:1
  xray:
    image: amazon/aws-xray-daemon
environments:
  prod:
    sidecars:
      nginx:
        port: 81
  test:
    count: 1
"""


def tree(symbols: list[Symbol] | tuple[Symbol, ...]) -> list[object]:
    return [(s.name, s.kind, tree(s.children)) if s.children else (s.name, s.kind) for s in symbols]


def test_outline_structure() -> None:
    assert tree(document_symbols(parse(MANIFEST))) == [
        (
            "api",
            "service",
            [
                ("image", "container"),
                ("sidecars", "section", [("nginx", "sidecar"), ("xray", "sidecar")]),
                ("volumes", "section", [("data", "volume")]),
                (
                    "environments",
                    "section",
                    [
                        ("prod", "environment", [("sidecars", "section", [("nginx", "sidecar")])]),
                        ("test", "environment"),
                    ],
                ),
            ],
        )
    ]


def test_ranges_nest_and_select_the_name() -> None:
    lines = MANIFEST.split("\n")

    def check(symbol: Symbol, parent: Span | None) -> None:
        assert symbol.span.start <= symbol.selection.start and symbol.selection.end <= symbol.span.end
        if parent is not None:
            assert parent.start <= symbol.span.start and symbol.span.end <= parent.end
        for child in symbol.children:
            check(child, symbol.span)

    (service,) = document_symbols(parse(MANIFEST))
    check(service, None)
    xray = service.children[1].children[1]
    assert xray.selection == Span(Pos(11, 2), Pos(11, 6))
    assert xray.span == Span(Pos(11, 2), Pos(12, len(lines[12])))
    assert xray.detail == "amazon/aws-xray-daemon"


def test_not_a_manifest_has_no_outline() -> None:
    assert document_symbols(parse("on: push\njobs: {}\n")) == []


def test_broken_yaml_keeps_what_parsed() -> None:
    text = MANIFEST.replace("  xray:\n", "  xray: [\n")
    (service,) = document_symbols(parse(text))
    assert service.name == "api"
