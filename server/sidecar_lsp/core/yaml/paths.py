"""Where each node of a tree is written, as a manifest path (keys and list indices): what a finding names.

A tree in which no node is written in two places (no alias, no merge key: ``ParsedDocument.spliceable``)
finds a node's one path by going down through the collections whose spans hold it; otherwise, and once a
document has many findings, the whole tree is walked once and the paths kept.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from sidecar_lsp.core.model import Pos
from sidecar_lsp.core.yaml.tree import Entry, Mapping, Node, Sequence, iter_nodes, own_entries


class NodePaths:
    """Where each node of the document is written, as a manifest path (keys included)."""

    def __init__(self, root: Node | None, *, unshared: bool = False) -> None:
        self.root = root
        self.unshared = unshared
        """No node of the tree is written in two places (no alias, no merge key): each has one path."""
        self._paths: dict[int, tuple[str | int, ...]] | None = None
        self._searches = 0

    def of(self, node: Node | None, fallback: tuple[str | int, ...] = ()) -> tuple[str | int, ...]:
        if node is None:
            return fallback
        if self._paths is None and self.unshared and self._searches < _SEARCHES_BEFORE_WALKING:
            # A node's one path is found going down through the collections written around it: a few
            # steps (about 3 us), where walking the whole tree costs milliseconds at every version of a
            # large document (9 ms at 5,000 lines). Hundreds of findings make one walk cheaper.
            self._searches += 1
            found = _written_path(self.root, node)
            if found is not None:
                return found
        if self._paths is None:
            # Walked on the first finding, not up front: most checks of a sound manifest report nothing.
            self._paths = {}
            for path, item in iter_nodes(self.root):
                self._paths.setdefault(id(item), path)
                if isinstance(item, Mapping):
                    for entry in own_entries(item):
                        self._paths.setdefault(id(entry.key), (*path, entry.name))
        return self._paths.get(id(node), fallback)


_SEARCHES_BEFORE_WALKING = 256


def _written_path(root: Node | None, node: Node) -> tuple[str | int, ...] | None:
    """The path of ``node`` (or of the key ``node``) found by the spans that hold it, or None."""
    path: list[str | int] = []
    current = root
    start, end = node.span
    while current is not node:
        if isinstance(current, Mapping):
            entries = current.entries
            # Entries are written in order: the one that holds the node starts with the last key before it
            # (a few steps among a large map's hundreds; the scan below answers where spans disagree).
            at = bisect.bisect_right(entries, start, key=_key_start) - 1
            nearest = entries[at] if at >= 0 else None
            if nearest is not None and nearest.key is node:
                return (*path, nearest.name)
            if nearest is not None and _holds(nearest.value, start, end):
                path.append(nearest.name)
                current = nearest.value
                continue
            for entry in entries:
                if entry.key is node:
                    return (*path, entry.name)
            children: Iterable[tuple[str | int, Node]] = ((entry.name, entry.value) for entry in entries)
        elif isinstance(current, Sequence):
            items = current.items
            at = bisect.bisect_right(items, start, key=_node_start) - 1
            if at >= 0 and _holds(items[at], start, end):
                path.append(at)
                current = items[at]
                continue
            children = enumerate(items)
        else:
            return None
        inside = next(((part, child) for part, child in children if _holds(child, start, end)), None)
        if inside is None:
            return None
        path.append(inside[0])
        current = inside[1]
    return tuple(path)


def _holds(child: Node, start: Pos, end: Pos) -> bool:
    return child.span.start <= start and end <= child.span.end


def _key_start(entry: Entry) -> Pos:
    return entry.key.span.start


def _node_start(item: Node) -> Pos:
    return item.span.start
