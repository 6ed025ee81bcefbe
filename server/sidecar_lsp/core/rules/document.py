"""Checks that read the whole document once, environment overrides included: keys a Request-Driven
Web Service or Static Site ignores, ``${VAR}`` in number or boolean fields, and strings Copilot turns
into lists."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from sidecar_lsp.core.decoding.interpolation import (
    empty_variables,
    json_array_items,
    only_variables,
    text_may_hold_list_text,
    text_may_hold_variables,
    variables_in,
)
from sidecar_lsp.core.decoding.kinds import ENVIRONMENT
from sidecar_lsp.core.manifest.merge import ENVIRONMENTS_KEY, layers
from sidecar_lsp.core.model import Finding, Severity
from sidecar_lsp.core.rules.base import ALL_WORKLOADS, RDWS, STATIC_SITE, Workload, per_workload, rule
from sidecar_lsp.core.schema.facts import ValueShapes, keys_ignored_by, may_decode_as_no_string
from sidecar_lsp.core.yaml.remembered import remembered, shared_plain
from sidecar_lsp.core.yaml.tree import Mapping, Node, Scalar, Sequence, iter_nodes, own_entries

DOCUMENT_RULES = frozenset({"X-ignored-key", "X-interpolation-type", "X-json-array", "X-null-override"})


@rule(
    "X-ignored-key",
    Severity.WARNING,
    "Key ignored by this workload type",
    kinds=frozenset({RDWS, STATIC_SITE}),
    copilot=False,
)
def ignored_keys(workload: Workload) -> Iterator[Finding]:
    ignored = keys_ignored_by(workload.kind)
    for _env, top in layers(workload.root):
        for entry in own_entries(top):
            if entry.name in ignored:
                yield workload.finding(
                    "X-ignored-key",
                    f'"{entry.name}" is ignored in a {workload.kind}: Copilot silently drops this key '
                    f"({_why(workload.kind, entry.name)}); remove it",
                    entry.key,
                    fixes=workload.delete_entry_fixes(entry, f"Remove '{entry.name}'"),
                )


def _why(kind: str, key: str) -> str:
    if kind == STATIC_SITE:
        return "a Static Site serves files from S3 through CloudFront and runs no container"
    if key in ("sidecars", "logging"):
        return "App Runner runs a single container without sidecars or FireLens"
    return "a Request-Driven Web Service runs on App Runner, not ECS"


_Finder = Callable[[Node], list[tuple[tuple[str | int, ...], Scalar]]]


def _field_nodes(
    workload: Workload, wanted: Callable[[Scalar], bool]
) -> Iterator[tuple[tuple[str | int, ...], Scalar]]:
    """Every ``wanted`` scalar with its path in the document (an override's under ``environments.<env>``)."""
    for env, top in layers(workload.root):
        prefix: tuple[str, ...] = () if env is None else (ENVIRONMENTS_KEY, env)
        if not workload.paths.unshared:
            # An alias's node is met once, at its first path in the whole layer: walk the layer.
            for path, node in iter_nodes(top):
                if not isinstance(node, Scalar) or not path or (env is None and path[0] == ENVIRONMENTS_KEY):
                    continue
                if wanted(node):
                    yield (*prefix, *path), node
            continue
        # Every node has one path: each top-level entry's scalars are found once for all the versions of
        # the text that share it (an edit elsewhere walks nothing here).
        finder = _FINDERS[wanted]
        for entry in own_entries(top):
            if env is None and entry.name == ENVIRONMENTS_KEY:
                continue
            for path, node in remembered(entry.value, finder, finder):
                yield (*prefix, entry.name, *path), node


def _scalars_where(wanted: Callable[[Scalar], bool]) -> _Finder:
    """The wanted scalars below a top-level value, each with its path from there, made of those of each of
    its children (a sidecar, an environment), remembered with the child: a new version of the text walks
    the one child an edit changed. Deeper maps are walked, not remembered, to keep memory small."""

    def below(child: Node) -> list[tuple[tuple[str | int, ...], Scalar]]:
        return [(path, node) for path, node in iter_nodes(child) if isinstance(node, Scalar) and wanted(node)]

    def find(top: Node) -> list[tuple[tuple[str | int, ...], Scalar]]:
        children: list[tuple[str | int, Node]]
        if isinstance(top, Mapping):
            children = [(entry.name, entry.value) for entry in own_entries(top)]
        elif isinstance(top, Sequence):
            children = list(enumerate(top.items))
        else:
            return below(top)
        return [
            ((part, *path), node)
            for part, child in children
            for path, node in remembered(child, below, below)
        ]

    return find


def _holds_variables(node: Scalar) -> bool:
    return isinstance(node.value, str) and bool(variables_in(node.value))


def _reads_as_json_array(node: Scalar) -> bool:
    return json_array_items(node) is not None


_FINDERS: dict[Callable[[Scalar], bool], _Finder] = {
    wanted: _scalars_where(wanted) for wanted in (_holds_variables, _reads_as_json_array)
}


@per_workload
def _shapes(workload: Workload) -> ValueShapes:
    """The shapes of the document's fields; its plain data picks the schema's branches (made of the values'
    remembered with their nodes, which the schema's check has made already, and the next version of the
    text shares where an edit left them alone)."""
    return ValueShapes(shared_plain(workload.root))


@rule(
    "X-interpolation-type",
    Severity.ERROR,
    "${VAR} in a number or boolean field",
    kinds=ALL_WORKLOADS,
)
def interpolation_in_typed_field(workload: Workload) -> Iterator[Finding]:
    # The text is read as the lines are: a run that read it is never taken for a later version (reads.py).
    if not text_may_hold_variables(workload.text):
        return  # most manifests: no scalar to walk the document for
    for path, node in _field_nodes(workload, _holds_variables):
        if not may_decode_as_no_string(str(path[-1])):
            continue  # a string field (most variables are in one): no need to find its schema
        kind = _shapes(workload).at(path).decoded_as
        if kind is None:
            continue
        yield workload.finding(
            "X-interpolation-type",
            f"'{path[-1]}' takes {kind}, but ${{...}} substitution always yields a string, which Copilot then "
            "fails to decode (Copilot substitutes environment variables only into string fields); write the "
            "value itself, per environment under environments.<env> if it differs",
            node,
        )


def _no_item_is_a_value(workload: Workload, items: list[str]) -> bool:
    """Every item is made of variables known to be empty, so the schema, which takes an empty item as
    no value (as Copilot does), has nothing to say about the string."""
    empty = empty_variables(workload.root)
    return bool(empty) and all(only_variables(item, empty) for item in items)


@rule(
    "X-json-array",
    Severity.ERROR,
    "String that Copilot turns into a list",
    kinds=ALL_WORKLOADS | {ENVIRONMENT},
)
def json_array_string(workload: Workload) -> Iterator[Finding]:
    if not text_may_hold_list_text(workload.text):
        return
    for path, node in _field_nodes(workload, _reads_as_json_array):
        items = json_array_items(node)
        assert items is not None
        shape = _shapes(workload).at(path)
        if not shape.known or shape.takes_strings:
            continue  # a list of strings: the conversion gives the list the user meant
        if shape.takes_list and not _no_item_is_a_value(workload, items):
            continue  # a list of maps: the schema judges each string the conversion makes an item
        yield workload.finding(
            "X-json-array",
            f"Copilot converts a string that parses as a JSON array into a YAML list, so '{path[-1]}' receives "
            + (
                "a list of strings where it expects a list of maps"
                if shape.takes_list
                else "a list where it expects a string"
            )
            + " and the manifest fails to decode; write the value as a literal block (|) to keep it a string",
            node,
        )
