"""Facts computed from one subtree alone, remembered with the subtree.

An incremental parse (:mod:`.incremental`) gives the new version of a text the previous version's subtrees
wherever the edit left them alone, the same objects. A fact that depends on nothing but the subtree (the
scalars below it that hold ``${``, say) is then computed once for all the versions that share it, and a
check that walks the whole document walks only what changed. Trees never change after parsing, so what is
remembered never goes stale; it goes when the subtree does.
"""

from __future__ import annotations

import operator
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sidecar_lsp.core.yaml.nodes import Mapping, Node, Scalar, Sequence, to_plain

_Fact = TypeVar("_Fact")
_Other = TypeVar("_Other")

_facts: weakref.WeakKeyDictionary[Node, dict[Hashable, Any]] = weakref.WeakKeyDictionary()
"""By node (nodes compare by identity), each fact computed of it. Several threads may fill it: a fact is
a function of the subtree alone, so two threads computing it at once compute the same."""


def remembered(node: Node, fact: Hashable, compute: Callable[[Node], _Fact]) -> _Fact:
    """``compute(node)``, computed once per subtree: ``fact`` names what it computes (the same ``fact`` must
    always compute the same from the same subtree)."""
    known = _facts.get(node)
    if known is None:
        known = _facts.setdefault(node, {})
    if fact in known:
        value: _Fact = known[fact]
        return value
    value = known[fact] = compute(node)
    return value


def remembered_for(
    node: Node,
    fact: Hashable,
    other: _Other,
    compute: Callable[[], _Fact],
    same: Callable[[_Other, _Other], bool] = operator.is_,
) -> _Fact:
    """``compute()``, a fact of ``node`` and of ``other`` (what else it depends on: the base an override is
    merged over), remembered with ``node`` for the last ``other`` alone (``same`` tells two apart: identity
    by default). Met again with another ``other`` (an edit changed the base), it is computed anew and
    replaces the one kept. Several threads may fill it: the pair is replaced whole, never half of it."""
    place: list[tuple[Any, Any] | None] = remembered(node, fact, _one_place)
    known = place[0]
    if known is not None and same(known[0], other):
        value: _Fact = known[1]
        return value
    value = compute()
    place[0] = (other, value)
    return value


def _one_place(_: Node) -> list[Any]:
    return [None]


def shared_plain(node: Node | None) -> Any:
    """``to_plain(node)``, made of the conversions of the values three levels down (a sidecar's variables,
    health check, mount points), each remembered with its node, and of those above them, each remembered
    too: plain data is only ever read, so the versions of a text, and the environments' views of it (which
    copy only the maps that name the environment), share the conversion of what they have in common. (A
    node written in two places through an alias may convert to two equal objects rather than one.)"""
    return _made_of_children(node, _of_top_value)


def _of_top_value(top: Node) -> Any:
    return _made_of_children(top, _of_child)


def shared_plain_below_top(node: Node) -> Any:
    """The plain data :func:`shared_plain` holds for ``node``, a value two levels down (a sidecar, an
    environment's override): the same object, remembered with the node."""
    return _child(node, _of_child)


def _of_child(child: Node) -> Any:
    return _made_of_children(child, to_plain)


def _made_of_children(node: Node | None, child_plain: Callable[[Node], Any]) -> Any:
    """``to_plain(node)``, each child's conversion remembered with the child (as ``child_plain`` makes it)."""
    if isinstance(node, Mapping):
        return {entry.name: _child(entry.value, child_plain) for entry in node.entries}
    if isinstance(node, Sequence):
        return [_child(item, child_plain) for item in node.items]
    return to_plain(node)


def _child(node: Node, child_plain: Callable[[Node], Any]) -> Any:
    return node.value if isinstance(node, Scalar) else remembered(node, child_plain, child_plain)
