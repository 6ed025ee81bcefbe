"""Facts computed from one subtree alone, remembered with the subtree.

An incremental parse (:mod:`.incremental`) gives the new version of a text the previous version's subtrees
wherever the edit left them alone, the same objects. A fact that depends on nothing but the subtree (the
scalars below it that hold ``${``, say) is then computed once for all the versions that share it, and a
check that walks the whole document walks only what changed. Trees never change after parsing, so what is
remembered never goes stale; it goes when the subtree does.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sidecar_lsp.core.yaml.nodes import Mapping, Node, Scalar, to_plain

_Fact = TypeVar("_Fact")

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


def shared_plain(node: Node | None) -> Any:
    """``to_plain(node)``, each top-level value's conversion remembered with the value: plain data is only
    ever read, so the versions of a text share the conversion of what an edit left alone. (A node written
    under two top-level keys through an alias converts to two equal objects rather than one.)"""
    if not isinstance(node, Mapping):
        return to_plain(node)
    plain: dict[str, Any] = {}
    for entry in node.entries:
        value = entry.value
        plain[entry.name] = (
            value.value if isinstance(value, Scalar) else remembered(value, to_plain, to_plain)
        )
    return plain
