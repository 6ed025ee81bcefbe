"""The schema walker on small inline schemas (each construct alone) and on the real schema."""

from __future__ import annotations

from typing import Any

import pytest

from sidecar_lsp.core.schema.index import MISSING, SchemaIndex
from sidecar_lsp.core.schema.store import load_schema

INLINE: dict[str, Any] = {
    "type": "object",
    "properties": {"type": {"enum": ["A", "B"], "enumDescriptions": ["kind a", "kind b"]}},
    "allOf": [
        {
            "if": {"properties": {"type": {"const": "A"}}, "required": ["type"]},
            "then": {"$ref": "#/definitions/a"},
        },
        {
            "if": {"properties": {"type": {"const": "B"}}, "required": ["type"]},
            "then": {"$ref": "#/definitions/b"},
        },
    ],
    "definitions": {
        "a": {
            "properties": {
                "only_a": {"type": "boolean", "default": False, "description": "in A"},
                "things": {"type": "object", "additionalProperties": {"$ref": "#/definitions/thing"}},
                "tagged": {
                    "type": "object",
                    "patternProperties": {"^x-": {"type": "integer", "description": "ext"}},
                },
                "list": {"type": "array", "items": {"$ref": "#/definitions/thing"}},
                "tuple": {
                    "type": "array",
                    "items": [{"type": "string"}],
                    "additionalItems": {"type": "integer"},
                },
                "either": {"anyOf": [{"type": "string"}, {"$ref": "#/definitions/thing"}]},
                "one": {
                    "oneOf": [{"const": "x", "description": "the x"}, {"const": "y", "description": "the y"}]
                },
                "chain": {"$ref": "#/definitions/chain1"},
            }
        },
        "b": {"properties": {"only_b": {"type": "string"}}},
        "thing": {
            "type": "object",
            "properties": {"size": {"type": "integer", "examples": [3]}},
            "required": ["size"],
        },
        "chain1": {"$ref": "#/definitions/chain2"},
        "chain2": {"description": "end of chain", "type": "string"},
    },
}


@pytest.fixture
def inline() -> SchemaIndex:
    return SchemaIndex(INLINE)


@pytest.mark.parametrize(
    "instance,present,absent",
    [
        ({"type": "A"}, {"type", "only_a", "things"}, {"only_b"}),
        ({"type": "B"}, {"type", "only_b"}, {"only_a"}),
        ({}, {"type"}, {"only_a", "only_b"}),  # no type: no per-type branch
        (MISSING, {"type"}, {"only_a", "only_b"}),
    ],
)
def test_if_then_is_chosen_by_type(
    inline: SchemaIndex, instance: Any, present: set[str], absent: set[str]
) -> None:
    names = set(inline.properties(inline.at((), instance)))
    assert present <= names
    assert not absent & names


@pytest.mark.parametrize(
    "path,expected",
    [
        (("things", "anything", "size"), ("integer",)),  # additionalProperties
        (("tagged", "x-foo"), ("integer",)),  # patternProperties
        (("list", 4, "size"), ("integer",)),  # items
        (("tuple", 0), ("string",)),  # tuple items
        (("tuple", 3), ("integer",)),  # additionalItems
        (("either", "size"), ("integer",)),  # anyOf branch with properties
        (("chain",), ("string",)),  # $ref chain
        (("nope",), ()),
    ],
)
def test_walk(inline: SchemaIndex, path: tuple[Any, ...], expected: tuple[str, ...]) -> None:
    info = inline.field_at(path, {"type": "A"})
    assert info.types == expected
    assert info.known == bool(expected)


def test_field_facts(inline: SchemaIndex) -> None:
    only_a = inline.field_at(("only_a",), {"type": "A"})
    assert (only_a.default, only_a.description) == (False, "in A")
    assert inline.field_at(("chain",), {"type": "A"}).description == "end of chain"
    one = inline.field_at(("one",), {"type": "A"})
    assert one.enum == ("x", "y") and one.enum_docs == {"x": "the x", "y": "the y"}
    kind = inline.field_at(("type",), {"type": "A"})
    assert kind.enum_docs == {"A": "kind a", "B": "kind b"}
    thing = inline.field_at(("list",), {"type": "A"})
    assert thing.item_required == ("size",)


def test_unresolvable_and_cyclic_refs_do_not_crash() -> None:
    index = SchemaIndex(
        {
            "definitions": {"loop": {"$ref": "#/definitions/loop"}},
            "properties": {
                "a": {"$ref": "#/definitions/loop"},
                "b": {"$ref": "#/nowhere"},
                "c": {"$ref": "http://elsewhere"},
            },
        }
    )
    # the cycle stops at the reference it cannot follow; a reference to nowhere or elsewhere gives nothing
    assert index.at(("a",), {}) == [{"$ref": "#/definitions/loop"}]
    assert index.at(("b",), {}) == index.at(("c",), {}) == []
    assert [index.field_at((key,), {}).types for key in ("a", "b", "c")] == [(), (), ()]


# --- the real schema ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> SchemaIndex:
    return SchemaIndex(load_schema())


@pytest.mark.parametrize(
    "kind,path,prop",
    [
        ("Load Balanced Web Service", ("sidecars", "nginx"), "healthcheck"),
        ("Backend Service", ("sidecars", "nginx", "mount_points", 0), "source_volume"),
        ("Worker Service", ("logging",), "destination"),
        ("Scheduled Job", ("storage", "volumes", "v"), "efs"),
        ("Load Balanced Web Service", ("environments", "prod"), "http"),
        ("Load Balanced Web Service", ("environments", "prod", "sidecars", "x"), "port"),
        ("Environment", (), "network"),
    ],
)
def test_real_schema_paths(real: SchemaIndex, kind: str, path: tuple[Any, ...], prop: str) -> None:
    assert prop in real.properties(real.at(path, {"type": kind}))


def test_real_schema_has_no_sidecars_for_request_driven(real: SchemaIndex) -> None:
    assert "sidecars" not in real.properties(real.at((), {"type": "Request-Driven Web Service"}))
    assert "sidecars" in real.properties(real.at((), {"type": "Backend Service"}))


def test_real_schema_type_values(real: SchemaIndex) -> None:
    info = real.field_at(("type",), {"type": "Backend Service"})
    assert "Backend Service" in info.enum and info.enum_docs["Backend Service"]


def test_case_insensitive_words_and_their_meanings_come_from_the_description() -> None:
    index = SchemaIndex(load_schema())
    instance = {"name": "a", "type": "Backend Service", "sidecars": {"x": {"depends_on": {"a": "start"}}}}
    info = index.field_at(("sidecars", "x", "depends_on", "a"), instance)
    assert info.words == ("start", "complete", "success", "healthy")
    assert info.enum == ()
    assert "exited with code 0" in info.enum_docs["success"]
