"""Which manifest keys name a container or a volume: the one table navigation, completion, hover and
the rules read.

A workload manifest ties itself together by names. Containers are defined by the top-level ``name``
(the main container) and the ``sidecars`` keys, and named by the load balancers' target containers
and by ``depends_on`` keys; volumes are defined by the ``storage.volumes`` keys and named by the
sidecars' mount points. Copilot adds containers that no key defines (FireLens, the X-Ray collector):
:mod:`.task` knows those.

Each row of :data:`NAME_KEYS` is a path pattern relative to the top level (or to an
``environments.<env>`` override, which has the same keys): :data:`ANY_KEY` stands for every key of
a map, :data:`ANY_ITEM` for every item of a list. A pattern that ends in :data:`ANY_KEY` names by
its keys (``depends_on: {sidecar: start}``); any other names by its value
(``target_container: sidecar``). The rows are in the order navigation reports what they find.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass

from sidecar_lsp.core.decoding.kinds import LBWS, LOAD_BALANCED
from sidecar_lsp.core.manifest.merge import split_environment
from sidecar_lsp.core.yaml.remembered import remembered
from sidecar_lsp.core.yaml.tree import Entry, Mapping, Node, Scalar, own_entries, sequence_items

CONTAINER = "container"
VOLUME = "volume"

ANY_KEY = "*"
ANY_ITEM = "[]"

NAME = "name"
SIDECARS = "sidecars"
DEPENDS_ON = "depends_on"
MOUNT_POINTS = "mount_points"
SOURCE_VOLUME = "source_volume"
TARGET_CONTAINER = "target_container"
TARGET_CONTAINER_CAMEL = "targetContainer"
"""The deprecated spelling: Copilot reads it in a Load Balanced Web Service's top-level ``http`` only."""

PathPart = str | int


@dataclass(frozen=True)
class NameKey:
    """One key whose text is the name of a container or a volume."""

    path: tuple[str, ...]
    """Where it is written, from the top level; :data:`ANY_KEY` and :data:`ANY_ITEM` match any step."""
    kind: str
    """:data:`CONTAINER` or :data:`VOLUME`."""
    definition: bool = False
    """True where the name is defined; False where it refers to a definition."""
    main: bool = False
    """The main container's name: the service's, so never renamed, and written in the base only."""
    target: bool = False
    """A load balancer's target container (Copilot's ``validateTargetContainer`` reads it)."""
    workloads: frozenset[str] | None = None
    """The workload types whose Copilot struct reads the key; None for every type that has it."""

    @property
    def by_key(self) -> bool:
        """The names are the keys of a map (``depends_on``, ``sidecars``), not a value."""
        return self.path[-1] == ANY_KEY


NAME_KEYS: tuple[NameKey, ...] = (
    NameKey((NAME,), CONTAINER, definition=True, main=True),
    NameKey((SIDECARS, ANY_KEY), CONTAINER, definition=True),
    NameKey((SIDECARS, ANY_KEY, DEPENDS_ON, ANY_KEY), CONTAINER),
    NameKey((SIDECARS, ANY_KEY, MOUNT_POINTS, ANY_ITEM, SOURCE_VOLUME), VOLUME),
    NameKey(("image", DEPENDS_ON, ANY_KEY), CONTAINER),
    NameKey(("http", TARGET_CONTAINER), CONTAINER, target=True, workloads=LOAD_BALANCED),
    NameKey(
        ("http", TARGET_CONTAINER_CAMEL),
        CONTAINER,
        target=True,
        workloads=frozenset({LBWS}),
    ),
    NameKey(
        ("http", "additional_rules", ANY_ITEM, TARGET_CONTAINER),
        CONTAINER,
        target=True,
        workloads=LOAD_BALANCED,
    ),
    NameKey(("nlb", TARGET_CONTAINER), CONTAINER, target=True, workloads=frozenset({LBWS})),
    NameKey(
        ("nlb", "additional_listeners", ANY_ITEM, TARGET_CONTAINER),
        CONTAINER,
        target=True,
        workloads=frozenset({LBWS}),
    ),
    NameKey(("storage", "volumes", ANY_KEY), VOLUME, definition=True),
)

DEFINITIONS = tuple(key for key in NAME_KEYS if key.definition)
SOURCE_VOLUMES = next(key for key in NAME_KEYS if key.path[-1] == SOURCE_VOLUME)
TARGET_CONTAINERS = tuple(key for key in NAME_KEYS if key.target)


@dataclass(frozen=True)
class WrittenName:
    """One place a name key is written in a tree."""

    key: NameKey
    path: tuple[PathPart, ...]
    """The entry's path from the layer's top level."""
    entry: Entry
    """The entry whose key (:attr:`NameKey.by_key`) or value is the name."""
    parent: Mapping

    @property
    def node(self) -> Node:
        """The node holding the name's text."""
        return self.entry.key if self.key.by_key else self.entry.value


def names_written(
    layer: Mapping,
    keys: tuple[NameKey, ...] = NAME_KEYS,
    *,
    own_only: bool = False,
    override: bool = False,
) -> Iterator[WrittenName]:
    """Every entry of ``layer`` that ``keys`` describe, in document order within the table's order.

    ``own_only`` leaves out the entries a ``<<`` merge key brings into a map of names (navigation
    wants each name where it is written once); ``override`` says ``layer`` is an
    ``environments.<env>`` override, where Copilot drops ``name``.
    """
    wanted = tuple(key for key in keys if not (override and key.main)) if override else tuple(keys)
    yield from _walk(layer, (), _walk_plan(wanted, 0), own_only)


# The rows form a tree of steps, which every walk follows: it is worked out once per set of rows.
# A map's plan: for each step (a key or ANY_KEY), the rows that end there and the plan below it;
# below an entry, the plan for a list's items (ANY_ITEM rows) and for a map (the others).
_WalkPlan = tuple[tuple[str, tuple[NameKey, ...], "_DescendPlan | None"], ...]
_DescendPlan = tuple["_WalkPlan | None", "_WalkPlan | None"]


@functools.cache  # few: callers pass fixed rows; kept for good, so a plan's id names it (see _descend)
def _walk_plan(keys: tuple[NameKey, ...], depth: int) -> _WalkPlan:
    # The first row to name a step decides where its subtree comes.
    steps = dict.fromkeys(key.path[depth] for key in keys if len(key.path) > depth)
    plan = []
    for step in steps:
        here = [key for key in keys if len(key.path) > depth and key.path[depth] == step]
        ending = tuple(key for key in here if len(key.path) == depth + 1)
        deeper = tuple(key for key in here if len(key.path) > depth + 1)
        plan.append((step, ending, _descend_plan(deeper, depth + 1) if deeper else None))
    return tuple(plan)


def _descend_plan(keys: tuple[NameKey, ...], depth: int) -> _DescendPlan:
    # A value is a list for the rows that step into items and a map for the others (no row of the
    # table has both at one place, so their order does not matter).
    items = tuple(key for key in keys if key.path[depth] == ANY_ITEM)
    others = tuple(key for key in keys if key.path[depth] != ANY_ITEM)
    return (
        _walk_plan(items, depth + 1) if items else None,
        _walk_plan(others, depth) if others else None,
    )


def _walk(
    node: Mapping, path: tuple[PathPart, ...], plan: _WalkPlan, own_only: bool
) -> Iterator[WrittenName]:
    for step, ending, below in plan:
        if step == ANY_KEY:
            entries = own_entries(node) if own_only else list(node.entries)
        else:
            entry = node.entry(step)
            entries = [entry] if entry is not None else []
        for entry in entries:
            entry_path = (*path, entry.name)
            for key in ending:
                yield WrittenName(key, entry_path, entry, node)
            if below is not None:
                yield from _descend(entry.value, entry_path, below, own_only)


def _descend(
    value: Node, path: tuple[PathPart, ...], plan: _DescendPlan, own_only: bool
) -> Iterator[WrittenName]:
    # The names below one value are found once for every tree that shares it: each environment's merged
    # view (an override replaces few of the base's subtrees) and the next versions of the text.
    fact = (_descend, path, id(plan), own_only)
    yield from remembered(value, fact, lambda node: list(_names_below(node, path, plan, own_only)))


def _names_below(
    value: Node, path: tuple[PathPart, ...], plan: _DescendPlan, own_only: bool
) -> Iterator[WrittenName]:
    items, others = plan
    if items is not None:
        for index, item in enumerate(sequence_items(value)):
            if isinstance(item, Mapping):
                yield from _walk(item, (*path, index), items, own_only)
    if others is not None and isinstance(value, Mapping):
        yield from _walk(value, path, others, own_only)


def defined_names(layer: Mapping, kind: str) -> list[str]:
    """The names of ``kind`` that ``layer`` defines, in the table's then the document's order."""
    out: list[str] = []
    for written in names_written(layer, tuple(key for key in DEFINITIONS if key.kind == kind)):
        if not written.key.main:
            out.append(written.entry.name)
        elif isinstance(written.node, Scalar) and written.node.text:
            out.append(written.node.text)
    return out


def definition(layer: Mapping, kind: str, name: str) -> Entry | None:
    """The entry that defines the sidecar or volume ``name`` in ``layer`` (the first of that name)."""
    keys = tuple(key for key in DEFINITIONS if key.kind == kind and not key.main)
    return next((w.entry for w in names_written(layer, keys) if w.entry.name == name), None)


def reference_at(path: tuple[PathPart, ...], *, on_key: bool) -> NameKey | None:
    """The row of a reference written at ``path`` (in the base or an override): on the entry's key
    (``on_key``, a ``depends_on`` key) or in its value (``target_container: api``); None elsewhere."""
    _env, path = split_environment(path)
    for key in NAME_KEYS:
        if not key.definition and key.by_key == on_key and _matches(key.path, path):
            return key
    return None


def keyed_reference_in(path: tuple[PathPart, ...]) -> NameKey | None:
    """The row of a map at ``path`` whose keys are references (``depends_on``), or None."""
    return reference_at((*path, ANY_KEY), on_key=True)


def _matches(pattern: tuple[str, ...], path: tuple[PathPart, ...]) -> bool:
    if len(pattern) != len(path):
        return False
    for step, part in zip(pattern, path, strict=True):
        if step == ANY_ITEM:
            if not isinstance(part, int):
                return False
        elif not isinstance(part, str) or (step != ANY_KEY and step != part):
            return False
    return True
