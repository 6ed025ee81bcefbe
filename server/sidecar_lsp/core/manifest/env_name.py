"""``${COPILOT_ENVIRONMENT_NAME}`` substituted into a tree, as Copilot does before it validates an environment.

Apart from :mod:`.merge`, which substitutes it into each environment's merged view: the walks here leave
every map and list without the name as it is (the same node), so that a view is walked only where it is new
or holds the name.
"""

from __future__ import annotations

import weakref
from collections.abc import Set as AbstractSet

from sidecar_lsp.core.decoding.interpolation import ENV_NAME_REFERENCE, ENV_NAME_VARIABLE, substitute
from sidecar_lsp.core.yaml.remembered import remembered
from sidecar_lsp.core.yaml.tree import Entry, Mapping, Node, Scalar, Sequence


def with_environment_name(node: Node, env: str, plain: AbstractSet[int] | None = None) -> Node:
    """``node`` with ``${COPILOT_ENVIRONMENT_NAME}`` in its string values replaced by ``env``, as Copilot
    substitutes it before validating; the parts without it are the same nodes.

    ``plain`` (:func:`without_env_name_nodes` of the document ``node`` is built of) names the maps and
    lists with no such value, which are returned as they are without a walk: a merged view is walked
    only where it is new (the maps an override changes) or holds the name."""
    if plain is not None and id(node) in plain:
        return node
    known = {ENV_NAME_VARIABLE: env}
    if isinstance(node, Scalar):
        if not (isinstance(node.value, str) and ENV_NAME_REFERENCE in node.value):
            return node
        # A substituted value is a string whatever it reads like (an environment named "yes"): quoted.
        text, raw = substitute(node.value, known), substitute(node.raw, known)
        if text == node.value:
            return node  # only escaped: \${COPILOT_ENVIRONMENT_NAME} stays as written
        return Scalar(node.span, node.tag, node.anchor, value=text, raw=raw, style=node.style or '"')
    if isinstance(node, Mapping | Sequence):
        # Remembered with the node: each environment of the next version of the text (which shares what an
        # edit left alone) takes the named copy of an unchanged map, the same object, and so does every
        # fact remembered with that copy.
        return remembered(node, (_WITH_NAME, env), lambda _: _named_collection(node, env, plain))
    return node


_WITH_NAME = "with the environment's name"


def _named_collection(node: Mapping | Sequence, env: str, plain: AbstractSet[int] | None) -> Node:
    if isinstance(node, Mapping):
        entries = [
            entry
            if (child := with_environment_name(entry.value, env, plain)) is entry.value
            else Entry(entry.key, child, entry.merged)
            for entry in node.entries
        ]
        if all(new is old for new, old in zip(entries, node.entries, strict=True)):
            return node
        return Mapping(node.span, node.tag, node.anchor, entries, node.flow)
    items = [with_environment_name(item, env, plain) for item in node.items]
    if all(new is old for new, old in zip(items, node.items, strict=True)):
        return node
    return Sequence(node.span, node.tag, node.anchor, items, node.flow)


def without_env_name_nodes(root: Node | None) -> AbstractSet[int]:
    """The ids of the maps and lists of ``root`` (the whole document) in which no string value holds
    ``${COPILOT_ENVIRONMENT_NAME}``: what :func:`with_environment_name` leaves as it is. The ids are
    good while ``root`` lives (a node made later cannot take the id of a node still alive).

    Remembered for the last few roots (a tree never changes): hover, inlay hints and the renderings
    merge each environment of the same document one by one, and each merge would walk it all again."""
    if root is None:
        return frozenset()
    known = _env_name_nodes.get(id(root))
    if known is not None and known[0]() is root:
        return known[1]
    plain = _without_env_name_nodes(root)
    if len(_env_name_nodes) >= _ENV_NAME_NODES_KEPT:
        _env_name_nodes.clear()
    _env_name_nodes[id(root)] = (weakref.ref(root), plain)
    return plain


_ENV_NAME_NODES_KEPT = 16
_env_name_nodes: dict[int, tuple[weakref.ref[Node], frozenset[int]]] = {}
"""By the root's id, with a weak reference that tells a reused id apart; several threads may fill it."""


def _without_env_name_nodes(root: Node) -> frozenset[int]:
    if not isinstance(root, Mapping):
        return _plain_below(root)[1]
    # Made of each top-level value's, remembered with the value: the next version of the text (which shares
    # the values an edit left alone) walks only what changed.
    found = [remembered(entry.value, _plain_below, _plain_below) for entry in root.entries]
    plain = frozenset().union(*(ids for _, ids in found))
    return plain if any(holds for holds, _ in found) else plain | {id(root)}


def _plain_below(top: Node) -> tuple[bool, frozenset[int]]:
    """Whether ``top`` holds ``${COPILOT_ENVIRONMENT_NAME}``, and the ids of the maps and lists below it
    (itself included) that do not."""
    plain: set[int] = set()
    holds: dict[int, bool] = {}

    def walk(node: Node | None) -> bool:
        if isinstance(node, Scalar):
            return isinstance(node.value, str) and ENV_NAME_REFERENCE in node.value
        if not isinstance(node, Mapping | Sequence):
            return False
        known = holds.get(id(node))
        if known is not None:
            return known
        holds[id(node)] = True  # a node met again inside itself (a recursive alias) is walked every time
        children = [entry.value for entry in node.entries] if isinstance(node, Mapping) else node.items
        found = [walk(child) for child in children]
        holds[id(node)] = any(found)
        if not holds[id(node)]:
            plain.add(id(node))
        return holds[id(node)]

    return walk(top), frozenset(plain)
