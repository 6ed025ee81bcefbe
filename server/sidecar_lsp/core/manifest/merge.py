"""``environments.<env>`` merged over the base, the way Copilot's ``ApplyEnv`` does it, on trees.

Copilot validates a workload once per target environment, after merging the override into the
base with mergo and its transformers (reference §4.8). This module does the same on the
``core.yaml`` tree instead of on decoded structs, so that every node of the merged tree is still a
node of the document: a value written in the override keeps the override's span, everything else
keeps the base's. Only the maps that combine both sides are new ``Mapping`` objects (with the
base's span, or the override's when the base had none).

Semantics (reference §4.8):

* scalars: the override wins whenever it is set (``false``, ``0`` and ``""`` count as set; null does not);
* lists: replaced whole (an explicit ``[]`` empties the list);
* free-form string maps (``variables``, ``secrets``, ``labels``, ``depends_on``, ...): upsert per key,
  each value replaced whole;
* everything else that is a map on both sides (structs, ``sidecars``, ``storage.volumes``): merged per
  field, recursively;
* a value whose shape differs between base and override (``http: false`` vs a map, ``count: 1`` vs a
  map, string vs map image) is replaced whole: Copilot's "oneOf" transformers clear the other variant;
* the oneOf pairs inside one map are cleared too: main ``image`` build/location, ``count`` spot vs
  autoscaling, ``efs`` uid/gid vs id/root_dir/auth.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sidecar_lsp.core.decoding.interpolation import text_may_hold_variables
from sidecar_lsp.core.decoding.kinds import STATIC_SITE, manifest_kind
from sidecar_lsp.core.manifest.env_name import with_environment_name, without_env_name_nodes
from sidecar_lsp.core.schema.facts import is_plain_struct, user_keyed_maps
from sidecar_lsp.core.yaml.remembered import remembered_for
from sidecar_lsp.core.yaml.tree import Entry, Mapping, Node, Scalar, Sequence, is_null, own_entries

ENVIRONMENTS_KEY = "environments"

PathPart = str | int


@functools.cache
def whole_value_maps() -> frozenset[str]:
    """Maps of Go type ``map[string]T`` (``variables``, ``depends_on``, ...): mergo upserts keys and
    replaces each value whole. The schema knows them as the maps keyed by the user's names whose
    values may be scalars."""
    return frozenset(name for name, scalar_values in user_keyed_maps().items() if scalar_values)


@functools.cache
def pointer_maps() -> frozenset[str]:
    """Maps of Go type ``map[string]*T`` (``sidecars``, ``storage.volumes``): a new key an override
    gives no value is kept, as a nil pointer. The schema knows them as the maps keyed by the user's
    names whose values are always maps (structs)."""
    return frozenset(name for name, scalar_values in user_keyed_maps().items() if not scalar_values)


_COUNT_AUTOSCALING = (
    "range",
    "cpu_percentage",
    "memory_percentage",
    "requests",
    "response_time",
    "queue_delay",
)
_EFS_MANAGED = ("uid", "gid")
_EFS_BYO = ("id", "root_dir", "auth")
_PLAIN_STRINGS = {STATIC_SITE: frozenset({("http", "alias"), ("http", "certificate")})}
"""Fields Copilot declares as ``string``, not ``*string`` (``StaticSiteHTTP``): an override's ``''`` is the
zero value, which mergo does not copy, so the base's value stays."""


@dataclass
class MergedEnvironment:
    """One environment's view of the manifest: the merged tree."""

    name: str
    root: Mapping


def environment_names(root: Node | None) -> list[str]:
    """The environments an override is written for, in document order (null overrides are skipped,
    as ``ApplyEnv`` skips them)."""
    environments = root.get(ENVIRONMENTS_KEY) if isinstance(root, Mapping) else None
    if not isinstance(environments, Mapping):
        return []
    return [entry.name for entry in environments.entries if isinstance(entry.value, Mapping)]


def unchanged_environments(root: Node | None) -> list[str]:
    """The environments whose override is null (``test: ~``): it overrides nothing, so Copilot validates
    the base for them, and every problem of the base breaks them too."""
    environments = root.get(ENVIRONMENTS_KEY) if isinstance(root, Mapping) else None
    return [entry.name for entry in own_entries(environments) if is_null(entry.value)]


def split_environment(path: tuple[PathPart, ...]) -> tuple[str | None, tuple[PathPart, ...]]:
    """The override a manifest path is written in and the path inside it (an override has the top
    level's keys); ``(None, path)`` for a path of the base."""
    if len(path) >= 2 and path[0] == ENVIRONMENTS_KEY and isinstance(path[1], str):
        return path[1], path[2:]
    return None, path


def layers(root: Mapping) -> Iterator[tuple[str | None, Mapping]]:
    """The top level, then each override written under ``environments`` (the same keys, as written)."""
    yield None, root
    for entry in own_entries(root.get(ENVIRONMENTS_KEY)):
        if isinstance(entry.value, Mapping):
            yield entry.name, entry.value


def environment_view(root: Mapping, env: str | None) -> Mapping:
    """The manifest as environment ``env`` deploys it (None: the base, for environments without override)."""
    merged = merge_environment(root, env) if env is not None else None
    return merged.root if merged is not None else base_without_environments(root)


def base_without_environments(root: Mapping) -> Mapping:
    """The base manifest alone (what a deployment to an environment without an override reads)."""
    entries = [entry for entry in root.entries if entry.name != ENVIRONMENTS_KEY]
    return Mapping(root.span, root.tag, root.anchor, entries, root.flow)


def merge_environment(root: Node | None, env: str, text: str | None = None) -> MergedEnvironment | None:
    """The manifest as Copilot validates it for ``env``, or None when there is no override for it
    (``text``: the text ``root`` was read from, if at hand: no ``${`` there, nothing to substitute)."""
    if not isinstance(root, Mapping):
        return None
    environments = root.get(ENVIRONMENTS_KEY)
    override = environments.get(env) if isinstance(environments, Mapping) else None
    if not isinstance(override, Mapping):
        return None
    kind = manifest_kind(root)
    # Remembered with the override as written, for the base it was last merged over: the next version of
    # the text shares the base's values and the overrides an edit left alone, so an environment whose
    # override and base did not change keeps its view, the same object, and the facts remembered with it.
    base = (
        root.span,
        root.tag,
        root.anchor,
        root.flow,
        [e for e in root.entries if e.name != ENVIRONMENTS_KEY],
    )
    view = remembered_for(
        override, (_MERGED_VIEW, env, kind), base, lambda: _view(root, override, env, kind, text), _same_base
    )
    return MergedEnvironment(env, view)


def _view(root: Mapping, override: Mapping, env: str, kind: str | None, text: str | None) -> Mapping:
    # An override has the top level's keys minus name, type and environments (Copilot drops them).
    own_keys = [entry for entry in override.entries if entry.name not in ("name", "type", ENVIRONMENTS_KEY)]
    own = Mapping(override.span, override.tag, override.anchor, own_keys, override.flow)
    merged = _Merger(env, kind).merge_mapping(base_without_environments(root), own, ())
    if text is not None and not text_may_hold_variables(text):
        return merged  # no value holds the environment's name: nothing to substitute, no walk for it
    view = with_environment_name(merged, env, without_env_name_nodes(root))
    assert isinstance(view, Mapping)
    return view


def _same_base(known: tuple[Any, ...], base: tuple[Any, ...]) -> bool:
    """The same top level around the same entries (the entries compared by identity)."""
    *known_frame, known_entries = known
    *frame, entries = base
    return (
        known_frame == frame
        and len(known_entries) == len(entries)
        and all(a is b for a, b in zip(known_entries, entries, strict=True))
    )


def _without_empty_lists(node: Node) -> Node | None:
    """An override's value for a field the base leaves unset, as mergo sets it: a list without an item
    (yaml.v3 leaves null items out) leaves the field unset, here and in the maps below it."""
    if isinstance(node, Sequence):
        return node if any(not is_null(item) for item in node.items) else None
    if not isinstance(node, Mapping):
        return node
    entries: list[Entry] = []
    for entry in node.entries:
        value = _without_empty_lists(entry.value)
        if value is not None:
            entries.append(entry if value is entry.value else Entry(entry.key, value, entry.merged))
    if len(entries) == len(node.entries):
        return node
    return Mapping(node.span, node.tag, node.anchor, entries, node.flow)


def merge_all(root: Node | None, text: str | None = None) -> list[MergedEnvironment]:
    """Every environment override merged over the base, in document order (``text``: as for
    :func:`merge_environment`)."""
    merged = (merge_environment(root, env, text) for env in environment_names(root))
    return [item for item in merged if item is not None]


_MERGED = "merged over a base"
_MERGED_VIEW = "the environment's view"


class _Merger:
    def __init__(self, env: str, kind: str | None = None) -> None:
        self.env = env
        self.kind = kind

    def merge(self, base: Node | None, override: Node | None, path: tuple[str, ...]) -> Node | None:
        if is_null(override):
            return base
        if base is None or is_null(base):
            return override
        assert override is not None
        if (
            isinstance(override, Scalar)
            and override.value == ""
            and path in _PLAIN_STRINGS.get(self.kind or "", ())
        ):
            return base
        if (
            isinstance(base, Mapping)
            and not isinstance(override, Mapping)
            and is_plain_struct(self.kind, path)
        ):
            # No scalar or list decodes into a struct: inside a scalar-or-map field's map yaml.v3 drops it
            # (anywhere else the file fails to decode), and mergo keeps the base's struct.
            return base
        if isinstance(base, Mapping) and isinstance(override, Mapping):
            return self.merged_maps(base, override, path)
        # Scalars and lists: the override wins; a change of shape clears the other variant.
        return override

    def merged_maps(self, base: Mapping, override: Mapping, path: tuple[str, ...]) -> Mapping:
        """Two maps merged, remembered with the override's map for the base it was last merged over: the next
        version of the text shares the maps an edit left alone, so it takes the same merged map (and every
        fact remembered with it: its named copy, its plain data, its checks) unless one side changed."""
        fact = (_MERGED, path, self.kind)
        if path and path[-1] in whole_value_maps():
            return remembered_for(override, fact, base, lambda: self.upsert(base, override))
        return remembered_for(override, fact, base, lambda: self.merge_mapping(base, override, path))

    def upsert(self, base: Mapping, override: Mapping) -> Mapping:
        replaced = {entry.name: entry for entry in override.entries if not is_null(entry.value)}
        entries = [replaced.pop(entry.name, entry) for entry in base.entries]
        entries.extend(entry for entry in override.entries if entry.name in replaced)
        return Mapping(base.span, base.tag, base.anchor, entries, base.flow)

    def merge_mapping(self, base: Mapping, override: Mapping, path: tuple[str, ...]) -> Mapping:
        cleared = self.cleared_keys(base, override, path)
        overrides = {entry.name: entry for entry in override.entries}
        entries: list[Entry] = []
        for entry in base.entries:
            if entry.name in cleared:
                continue
            other = overrides.pop(entry.name, None)
            if other is None:
                entries.append(entry)
                continue
            value = self.merge(entry.value, other.value, (*path, entry.name))
            assert value is not None
            # The key keeps the base's span (the definition); a replaced value carries the override's.
            key = other.key if value is other.value and is_null(entry.value) else entry.key
            entries.append(Entry(key, value, entry.merged))
        for entry in overrides.values():
            if not is_null(entry.value):
                value = _without_empty_lists(entry.value)
                if value is not None:
                    entries.append(entry if value is entry.value else Entry(entry.key, value, entry.merged))
            elif path and path[-1] in pointer_maps():
                # mergo adds the new key with its nil pointer: Copilot's validation then crashes on it.
                entries.append(entry)
        return Mapping(base.span, base.tag, base.anchor, entries, base.flow)

    def cleared_keys(self, base: Mapping, override: Mapping, path: tuple[str, ...]) -> set[str]:
        """Keys of ``base`` that a oneOf transformer clears because ``override`` set the other variant."""
        set_keys = {entry.name for entry in override.entries if not is_null(entry.value)}
        if path == ("image",):
            if "build" in set_keys:
                return {"location"}
            if "location" in set_keys:
                return {"build"}
            return set()
        if path == ("count",):
            if "spot" in set_keys:
                return set(_COUNT_AUTOSCALING) | {"cooldown"}
            if set_keys & set(_COUNT_AUTOSCALING):
                return {"spot"}
            return set()
        if len(path) == 4 and path[:2] == ("storage", "volumes") and path[3] == "efs":
            if set_keys & set(_EFS_MANAGED):
                return set(_EFS_BYO)
            if set_keys & set(_EFS_BYO):
                return set(_EFS_MANAGED)
        return set()
