"""Field facts read from the schema (core/schema/facts.py) instead of lists of key names, and the rule
findings that changed with them; each changed verdict was checked with Copilot's own decoder."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest

from sidecar_lsp.core.check.analyze import analyze
from sidecar_lsp.core.features.hover import docs_url
from sidecar_lsp.core.manifest.merge import pointer_maps, whole_value_maps
from sidecar_lsp.core.schema.facts import ValueShape, keys_ignored_by, user_keyed_maps, value_shape

LBWS = "Load Balanced Web Service"
RDWS = "Request-Driven Web Service"


def test_keys_a_request_driven_web_service_ignores() -> None:
    """The ECS web services' keys that App Runner's struct lacks (the list written by hand before)."""
    assert keys_ignored_by(RDWS) == {
        "sidecars", "logging", "storage", "entrypoint", "exec", "taskdef_overrides", "nlb", "deployment",
        "env_file",
    }  # fmt: skip


def test_keys_a_static_site_ignores() -> None:
    """Every other workload type's key: a Static Site keeps only name, type, http and files."""
    assert keys_ignored_by("Static Site") == {
        "sidecars", "logging", "storage", "entrypoint", "exec", "taskdef_overrides", "nlb", "deployment",
        "env_file", "image", "command", "cpu", "memory", "count", "platform", "variables", "secrets", "network",
        "publish", "observability", "subscribe", "on", "timeout", "retries", "tags",
    }  # fmt: skip


def test_maps_an_override_replaces_per_key() -> None:
    # from_tags is new beside the list written by hand; its values are strings or lists, which the
    # field-by-field merge replaced whole as well.
    assert whole_value_maps() == {
        "variables", "secrets", "labels", "depends_on", "destination", "secretOptions", "args", "tags",
        "from_tags",
    }  # fmt: skip


def test_maps_of_structs_keep_a_new_key_without_value() -> None:
    assert {"sidecars", "volumes"} <= pointer_maps()
    assert not pointer_maps() & whole_value_maps()
    assert set(user_keyed_maps()) == pointer_maps() | whole_value_maps()


def _instance(kind: str, path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    for part in reversed(path):
        value = [value] if isinstance(part, int) else {part: value}
    return {"type": kind, **value}


@pytest.mark.parametrize(
    ("kind", "path", "shape"),
    [
        (LBWS, ("cpu",), ValueShape(True, decoded_as="a number")),
        (LBWS, ("logging", "retention"), ValueShape(True, decoded_as="a number")),
        # A duration is text: ${VAR} substitution gives Copilot what it parses.
        ("Worker Service", ("subscribe", "queue", "retention"), ValueShape(True)),
        (LBWS, ("exec",), ValueShape(True, decoded_as="a boolean")),
        (LBWS, ("http",), ValueShape(True, decoded_as="a boolean")),
        (LBWS, ("variables", "CPU"), ValueShape(True)),
        (LBWS, ("logging", "min"), ValueShape(False)),
        (LBWS, ("taskdef_overrides", 0, "value"), ValueShape(False)),
        (LBWS, ("taskdef_overrides", 0, "path"), ValueShape(True)),
        (LBWS, ("entrypoint", 0), ValueShape(False)),
        (LBWS, ("command",), ValueShape(True, takes_list=True, takes_strings=True)),
        (RDWS, ("command",), ValueShape(True)),
        (LBWS, ("http", "alias"), ValueShape(True, takes_list=True, takes_strings=True)),
        (RDWS, ("http", "alias"), ValueShape(True)),
        ("Static Site", ("files",), ValueShape(True, takes_list=True)),
    ],
)
def test_value_shape(kind: str, path: tuple[str | int, ...], shape: ValueShape) -> None:
    assert value_shape(path, _instance(kind, path, "${X}")) == shape


def test_shapes_found_together_are_the_shapes_found_one_by_one() -> None:
    """ValueShapes finds each ancestor's schemas once for every place below it, and answers as value_shape."""
    from manifest_sets import CHECKOUT, CORPUS
    from sidecar_lsp.core.schema.facts import ValueShapes
    from sidecar_lsp.core.yaml.tree import Scalar, iter_nodes, parse, to_plain

    places = 0
    for path_on_disk in [*CHECKOUT, *CORPUS]:
        root = parse(path_on_disk.read_text(encoding="utf-8")).root
        instance = to_plain(root)
        together = ValueShapes(instance)
        for path, node in iter_nodes(root):
            if path and isinstance(node, Scalar):
                assert together.at(path) == value_shape(path, instance), (path_on_disk, path)
                places += 1
    assert places > 1500


def _codes(text: str) -> list[str]:
    return [f.code for f in analyze(textwrap.dedent(text)).findings]


SERVICE = """\
    name: web
    type: Load Balanced Web Service
    image:
      location: nginx
      port: 80
    """


@pytest.mark.parametrize(
    ("extra", "code", "reported"),
    [
        # Copilot accepts each of these (a duration, a key it ignores, a list item it keeps as text):
        # the lists of key names reported them.
        ("subscribe:\n  queue:\n    retention: ${R}\n", "X-interpolation-type", False),
        ("logging:\n  min: ${X}\n", "X-interpolation-type", False),
        ("entrypoint:\n  - '[\"a\"]'\n", "X-json-array", False),
        # Copilot rejects these; the schema's type error said so, the rule now says why.
        ("taskdef_overrides:\n  - path: '[\"a\"]'\n    value: x\n", "X-json-array", True),
        ("http: ${X}\n", "X-interpolation-type", True),
        # A text field of a scalar-or-map union: Copilot drops the list to "" and accepts the manifest;
        # the schema's dropped-value warning says so (a check that refuses "" is a rule's: A8, W4, ...).
        (
            "sidecars:\n  proxy:\n    image:\n      build:\n        context: .\n        dockerfile: '[\"D\"]'\n",
            "X-json-array",
            False,
        ),
        # Unchanged: a number field and a list field.
        ("logging:\n  retention: ${X}\n", "X-interpolation-type", True),
        ('command: \'["a", "b"]\'\n', "X-json-array", False),
    ],
)
def test_typed_and_list_fields_come_from_the_schema(extra: str, code: str, reported: bool) -> None:
    kind = "Worker Service" if extra.startswith("subscribe") else LBWS
    codes = _codes(textwrap.dedent(SERVICE).replace(LBWS, kind) + extra)
    assert "yaml-syntax" not in codes
    assert (code in codes) is reported


def test_a_list_item_of_a_static_site_file_stays_text() -> None:
    """Copilot takes a JSON-array string inside ``reinclude`` as it is (the list of key names said
    'reinclude' and reported the item)."""
    text = """\
        name: site
        type: Static Site
        files:
          - source: dist
            reinclude:
              - '["*.html"]'
        """
    assert "X-json-array" not in _codes(text)


def test_a_request_driven_web_service_alias_is_one_string() -> None:
    """App Runner takes one domain: a JSON-array string becomes a list Copilot cannot decode."""
    text = """\
        name: web
        type: Request-Driven Web Service
        image:
          location: nginx
          port: 80
        http:
          alias: '["a.example.com"]'
        """
    assert "X-json-array" in _codes(text)


def test_docs_anchor_leaves_out_a_name_the_user_chose() -> None:
    path = ("network", "vpc", "placement", "subnets", "from_tags", "Name")
    url = docs_url(path, LBWS)
    assert url is not None and url.endswith("#network-vpc-placement-subnets-from-tags")
    assert docs_url(("storage", "volumes", "data", "efs"), "Backend Service") == (
        "https://aws.github.io/copilot-cli/docs/manifest/backend-service/#storage-volumes-volume-efs"
    )


def test_only_the_fields_named_as_typed_are_decoded_into_no_string() -> None:
    """``may_decode_as_no_string``: at every place of real-looking manifests whose last step it says no to,
    the field's shape says no number and no boolean (X-interpolation-type passes those places over)."""
    from differential import make_generator
    from generate import cases

    from manifest_sets import CHECKOUT
    from sidecar_lsp.core.schema.facts import ValueShapes, may_decode_as_no_string
    from sidecar_lsp.core.yaml.tree import Scalar, iter_nodes, parse

    assert all(map(may_decode_as_no_string, ["count", "port", "cpu", "exec"]))
    assert not any(map(may_decode_as_no_string, ["image", "command", "variables", "name"]))
    texts = [case.text for case in cases(make_generator([]), 23, 0, 200)]
    texts += [path.read_text(encoding="utf-8") for path in CHECKOUT]
    passed_over = decoded = 0
    for text in texts:
        document = parse(text)
        shapes = ValueShapes(document.to_plain())
        for path, node in iter_nodes(document.root):
            if not isinstance(node, Scalar) or not path:
                continue
            shape = shapes.at(tuple(path))
            if not may_decode_as_no_string(str(path[-1])):
                passed_over += 1
                assert shape.decoded_as is None, (path, text)
            elif shape.decoded_as is not None:
                decoded += 1
    assert passed_over > 1_000 and decoded > 100
