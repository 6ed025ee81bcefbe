"""The references table: which key names a container or a volume, found the same way by navigation,
completion, hover and the rules."""

from __future__ import annotations

import textwrap

import pytest

from sidecar_lsp.core.features.completion import complete
from sidecar_lsp.core.features.hover import hover
from sidecar_lsp.core.features.navigation import references
from sidecar_lsp.core.manifest.references import (
    ANY_ITEM,
    ANY_KEY,
    CONTAINER,
    NAME_KEYS,
    VOLUME,
    NameKey,
    defined_names,
    definition,
    keyed_reference_in,
    names_written,
    reference_at,
)
from sidecar_lsp.core.model import Pos
from sidecar_lsp.core.schema.index import SchemaIndex
from sidecar_lsp.core.schema.store import load_schema
from sidecar_lsp.core.yaml.tree import Mapping, parse


@pytest.fixture(scope="module")
def index() -> SchemaIndex:
    return SchemaIndex(load_schema())


@pytest.mark.parametrize(
    ("path", "on_key", "kind"),
    [
        (("sidecars", "nginx", "mount_points", 0, "source_volume"), False, VOLUME),
        (("environments", "test", "sidecars", "x", "mount_points", 1, "source_volume"), False, VOLUME),
        (("http", "target_container"), False, CONTAINER),
        (("http", "targetContainer"), False, CONTAINER),
        (("http", "additional_rules", 0, "target_container"), False, CONTAINER),
        (("nlb", "target_container"), False, CONTAINER),
        (("nlb", "additional_listeners", 2, "target_container"), False, CONTAINER),
        (("environments", "prod", "nlb", "target_container"), False, CONTAINER),
        (("image", "depends_on", "web"), True, CONTAINER),
        (("sidecars", "x", "depends_on", "y"), True, CONTAINER),
        (("environments", "prod", "sidecars", "x", "depends_on", "y"), True, CONTAINER),
        # Copilot reads the camelCase spelling in the top-level http block only.
        (("http", "additional_rules", 0, "targetContainer"), False, None),
        (("nlb", "additional_listeners", 0, "targetContainer"), False, None),
        # A misspelt parent is a key Copilot ignores, not a reference.
        (("sidecars", "x", "mount_point", 0, "source_volume"), False, None),
        (("sidecars", "x", "mount_points", "a", "source_volume"), False, None),
        # A depends_on entry's value is its condition; a pipeline's depends_on names deployments.
        (("image", "depends_on", "web"), False, None),
        (("stages", 0, "deployments", "w", "depends_on", 0), False, None),
        (("sidecars", "x", "depends_on", "source_volume"), False, None),
        # Definitions are no references.
        (("name",), False, None),
        (("sidecars", "x"), True, None),
        (("storage", "volumes", "data"), True, None),
    ],
)
def test_reference_at(path: tuple[str | int, ...], on_key: bool, kind: str | None) -> None:
    found = reference_at(path, on_key=on_key)
    assert (found.kind if found else None) == kind


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (("image", "depends_on"), CONTAINER),
        (("sidecars", "x", "depends_on"), CONTAINER),
        (("environments", "prod", "image", "depends_on"), CONTAINER),
        (("stages", 0, "deployments", "w", "depends_on"), None),
        (("sidecars",), None),
        (("storage", "volumes"), None),
        ((), None),
    ],
)
def test_keyed_reference_in(path: tuple[str | int, ...], kind: str | None) -> None:
    found = keyed_reference_in(path)
    assert (found.kind if found else None) == kind


MANIFEST = textwrap.dedent(
    """\
    name: api
    type: Load Balanced Web Service
    image:
      location: app
      port: 80
      depends_on:
        nginx: start
    http:
      target_container: nginx
      additional_rules:
        - path: /admin
          target_container: api
    nlb:
      port: 443/tls
      target_container: nginx
      additional_listeners:
        - port: 8443/tls
          target_container: api
    sidecars:
      nginx:
        image: nginx
        port: 8080
        depends_on:
          api: start
        mount_points:
          - source_volume: data
            path: /d
    storage:
      volumes:
        data:
          path: /data
    environments:
      prod:
        name: ignored
        http:
          target_container: api
    """
)


def _written(text: str, *, override: str | None = None) -> list[tuple[tuple[str | int, ...], str, bool, str]]:
    root = parse(text).root
    assert isinstance(root, Mapping)
    layer = root
    if override is not None:
        environments = root.get("environments")
        assert isinstance(environments, Mapping)
        found = environments.get(override)
        assert isinstance(found, Mapping)
        layer = found
    return [
        (w.path, w.key.kind, w.key.definition, getattr(w.node, "text", ""))
        for w in names_written(layer, override=override is not None)
    ]


def test_names_written_in_table_order_then_document_order() -> None:
    assert _written(MANIFEST) == [
        (("name",), CONTAINER, True, "api"),
        (("sidecars", "nginx"), CONTAINER, True, "nginx"),
        (("sidecars", "nginx", "depends_on", "api"), CONTAINER, False, "api"),
        (("sidecars", "nginx", "mount_points", 0, "source_volume"), VOLUME, False, "data"),
        (("image", "depends_on", "nginx"), CONTAINER, False, "nginx"),
        (("http", "target_container"), CONTAINER, False, "nginx"),
        (("http", "additional_rules", 0, "target_container"), CONTAINER, False, "api"),
        (("nlb", "target_container"), CONTAINER, False, "nginx"),
        (("nlb", "additional_listeners", 0, "target_container"), CONTAINER, False, "api"),
        (("storage", "volumes", "data"), VOLUME, True, "data"),
    ]


def test_an_override_has_no_main_name() -> None:
    """Copilot drops ``name`` from an override: it defines nothing there."""
    assert _written(MANIFEST, override="prod") == [(("http", "target_container"), CONTAINER, False, "api")]


def test_own_only_leaves_out_names_a_merge_key_brings_in() -> None:
    text = textwrap.dedent(
        """\
        name: api
        type: Backend Service
        x-deps: &deps
          nginx: start
        image:
          depends_on:
            <<: *deps
            log: start
        """
    )
    root = parse(text).root
    assert isinstance(root, Mapping)
    every = [w.path for w in names_written(root)]
    own = [w.path for w in names_written(root, own_only=True)]
    assert sorted(every) == [("image", "depends_on", "log"), ("image", "depends_on", "nginx"), ("name",)]
    assert own == [("name",), ("image", "depends_on", "log")]


def test_every_written_reference_is_found_again_by_its_path() -> None:
    """The walk (navigation, rules) and the lookup by path (completion, hover) read one table."""
    root = parse(MANIFEST).root
    assert isinstance(root, Mapping)
    for written in names_written(root):
        found = reference_at(written.path, on_key=written.key.by_key)
        assert found is (None if written.key.definition else written.key), written.path


@pytest.mark.parametrize("key", NAME_KEYS, ids=lambda key: ".".join(key.path))
def test_every_row_is_a_field_of_the_schema(index: SchemaIndex, key: NameKey) -> None:
    path = tuple(0 if step == ANY_ITEM else "x" if step == ANY_KEY else step for step in key.path)
    assert index.field_at(path, _instance(path)).known


@pytest.mark.parametrize(
    ("key", "kind"),
    [(key, kind) for key in NAME_KEYS if key.workloads for kind in sorted(key.workloads)],
    ids=lambda value: ".".join(value.path) if isinstance(value, NameKey) else str(value),
)
def test_every_row_is_a_field_of_the_workload_types_it_names(
    index: SchemaIndex, key: NameKey, kind: str
) -> None:
    path = tuple(0 if step == ANY_ITEM else "x" if step == ANY_KEY else step for step in key.path)
    instance = _instance(path)
    assert isinstance(instance, dict)
    assert index.field_at(path, {**instance, "type": kind}).known


def _instance(path: tuple[str | int, ...]) -> object:
    """A Load Balanced Web Service with a value at ``path`` (the schema picks branches by shape)."""
    value: object = "x"
    for part in reversed(path):
        value = [value] if isinstance(part, int) else {part: value}
    assert isinstance(value, dict)
    return {"type": "Load Balanced Web Service", **value}


# --- completion and hover agree with navigation on what is a reference (they matched key names before)


def _at(text: str, marker: str) -> tuple[str, Pos]:
    lines = text.split("\n")
    line = next(i for i, line in enumerate(lines) if marker in line)
    return text, Pos(line, lines[line].index(marker) + len(marker))


IGNORED_PLACES = textwrap.dedent(
    """\
    name: web
    type: Load Balanced Web Service
    image:
      location: nginx
      port: 80
    http:
      path: /
      additional_rules:
        - path: /a
          targetContainer: web
    sidecars:
      proxy:
        image: envoy
        mount_point:
          - source_volume: data
    storage:
      volumes:
        data:
          path: /data
    """
)


@pytest.mark.parametrize("marker", ["targetContainer: ", "source_volume: "])
def test_keys_copilot_ignores_are_no_references(index: SchemaIndex, marker: str) -> None:
    text, pos = _at(IGNORED_PLACES, marker)
    document = parse(text)
    assert references(document, pos) == []
    assert [c for c in complete(text, pos, index, document) if c.kind == "reference"] == []
    info = hover(document, pos, index)
    assert info is None or "no container" not in info.markdown and "no volume" not in info.markdown


def test_a_pipeline_dependency_is_documented_as_the_field_it_is(index: SchemaIndex) -> None:
    text = textwrap.dedent(
        """\
        name: release
        version: 1
        source:
          provider: GitHub
          properties:
            repository: https://github.com/o/r
        stages:
          - name: test
            deployments:
              orders:
              warehouse:
                depends_on: [orders]
        """
    )
    document = parse(text)
    _text, pos = _at(text, "depends_on: [")
    info = hover(document, pos, index)
    assert info is not None and "depends_on[0]" in info.markdown


def test_defined_names_main_container_first_then_sidecars_and_volumes() -> None:
    root = parse(MANIFEST).root
    assert isinstance(root, Mapping)
    assert defined_names(root, CONTAINER) == ["api", "nginx"]
    assert defined_names(root, VOLUME) == ["data"]


@pytest.mark.parametrize(
    ("kind", "name", "line"),
    [(CONTAINER, "nginx", 19), (VOLUME, "data", 29), (CONTAINER, "api", None), (VOLUME, "nginx", None)],
)
def test_definition_is_the_entry_of_a_sidecar_or_volume(kind: str, name: str, line: int | None) -> None:
    """The main container has no entry of its own: its name is the service's ``name`` value."""
    root = parse(MANIFEST).root
    assert isinstance(root, Mapping)
    entry = definition(root, kind, name)
    assert (entry.key.span.start.line if entry else None) == line
