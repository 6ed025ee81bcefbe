"""What a cross-field rule reads of a workload: the top-level keys it looks up, whether it reads the
environment's name, the document as written and its lines. An environment whose override changes none of
the keys gets the base's findings of that rule without running it again (:func:`sidecar_lsp.core.rules.run_rules`),
and so does a new version of the document whose reads are the same objects (:mod:`.reuse`).

Why that is exact: a rule is a function of its workload; a merged environment is the base with some
top-level entries replaced (merge.py keeps every other entry, the same object, and nodes are never
changed). A rule that, run on the base, looked up only keys whose entries the environment keeps, and
not the environment's name, takes the same steps on the environment and finds the same problems. The
log is kept conservative: reading the top level's entry list (rather than looking a key up) counts as
reading every key, and a fact a rule reuses from the per-workload cache (``per_workload``) counts the
keys its computation read. The document as written (``workload.paths.root``: the base and every override)
is the same in every environment, so its reads matter only from one version of the text to the next; so
do reads of the lines (a fix's text), which no later version is assumed to keep.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from sidecar_lsp.core.rules.base import NodePaths, Workload
from sidecar_lsp.core.yaml.nodes import Entry, Mapping, Node

EVERY_KEY = "\0every key"
"""Read by a rule that walked the top level's entries."""
ENVIRONMENT_NAME = "\0environment name"
"""Read by a rule that asked which environment it checks."""
DOCUMENT_KEY = "\0document "
"""Prefix of a top-level key looked up in the document as written (``workload.paths.root``)."""
DOCUMENT_EVERY_KEY = DOCUMENT_KEY + EVERY_KEY
"""Read by a rule that walked the entries of the document as written."""
LINES = "\0lines"
"""Read by a rule that looked at the document's lines."""


class ReadLog:
    """The keys read, per rule and per cached fact being computed (a stack: a fact computed inside a
    rule adds its keys to that rule's too)."""

    def __init__(self) -> None:
        self.stack: list[set[str]] = [set()]
        self.quiet = 0

    def read(self, key: str) -> None:
        if not self.quiet:
            self.stack[-1].add(key)

    def begin(self) -> None:
        self.stack.append(set())

    def end(self) -> set[str]:
        """The keys read since the matching :meth:`begin`, which the enclosing level has read too."""
        keys = self.stack.pop()
        self.stack[-1] |= keys
        return keys

    def add(self, keys: set[str]) -> None:
        self.stack[-1] |= keys


class _LoggedMapping(Mapping):
    """The top level of a workload (or of the document), noting each key looked up in its log."""

    _log: ReadLog
    _entries: list[Entry]
    _prefix: str

    @classmethod
    def over(cls, root: Mapping, log: ReadLog, prefix: str = "") -> _LoggedMapping:
        logged = cls.__new__(cls)
        logged._log, logged._prefix = log, prefix
        Mapping.__init__(logged, root.span, root.tag, root.anchor, root.entries, root.flow)
        return logged

    @property
    def entries(self) -> list[Entry]:
        self._log.read(self._prefix + EVERY_KEY)
        return self._entries

    @entries.setter
    def entries(self, entries: list[Entry]) -> None:
        self._entries = entries

    def entry(self, key: str) -> Entry | None:
        log = self._log
        log.read(self._prefix + key if self._prefix else key)
        log.quiet += 1
        try:
            return Mapping.entry(self, key)
        finally:
            log.quiet -= 1

    def get(self, key: str) -> Node | None:
        found = self.entry(key)
        return None if found is None else found.value


class LoggedWorkload(Workload):
    """A workload whose top-level reads and reads of :attr:`env` go to ``read_log``."""

    def __init__(
        self, root: Mapping, kind: str, env: str | None, paths: NodePaths, lines: list[str], log: ReadLog
    ) -> None:
        self.read_log = log
        self.fact_reads: dict[object, set[str]] = {}
        super().__init__(_LoggedMapping.over(root, log), kind, env, _LoggedPaths(paths, log), lines)

    @property
    def lines(self) -> list[str]:
        self.read_log.read(LINES)
        return self._lines

    @lines.setter
    def lines(self, lines: list[str]) -> None:
        self._lines = lines

    @property
    def env(self) -> str | None:
        self.read_log.read(ENVIRONMENT_NAME)
        return self._env

    @env.setter
    def env(self, env: str | None) -> None:
        self._env = env


class _LoggedPaths(NodePaths):
    """The document's paths, whose root (the document as written) notes the keys looked up in it."""

    def __init__(self, paths: NodePaths, log: ReadLog) -> None:
        root = paths.root
        self.root = _LoggedMapping.over(root, log, DOCUMENT_KEY) if isinstance(root, Mapping) else root
        self.unshared = paths.unshared
        self._inner = paths

    def of(self, node: Node | None, fallback: tuple[str | int, ...] = ()) -> tuple[str | int, ...]:
        return self._inner.of(node, fallback)


def changed_keys(base: Mapping, merged: Mapping) -> set[str]:
    """The top-level keys whose entry (key, value or presence) differs between ``base`` and ``merged``."""
    names = {entry.name for entry in base.entries} | {entry.name for entry in merged.entries}
    return {name for name in names if base.entry(name) is not merged.entry(name)}


def reusable(reads: AbstractSet[str], changed: AbstractSet[str]) -> bool:
    """Whether a rule that read ``reads`` on the base finds the same on an environment that changed ``changed``."""
    return EVERY_KEY not in reads and ENVIRONMENT_NAME not in reads and not (reads & changed)
