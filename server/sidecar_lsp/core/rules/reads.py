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
from sidecar_lsp.core.yaml.nodes import Entry, Mapping, Node, Scalar
from sidecar_lsp.core.yaml.remembered import remembered_for

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
        self,
        root: Mapping,
        kind: str,
        env: str | None,
        paths: NodePaths,
        lines: list[str],
        log: ReadLog,
        *,
        text: str | None = None,
    ) -> None:
        self.read_log = log
        self.fact_reads: dict[object, set[str]] = {}
        self._written = paths.root
        super().__init__(
            _LoggedMapping.over(root, log), kind, env, _LoggedPaths(paths, log), lines, text=text
        )

    def written_hint(self, key: str) -> Node | None:
        return self._written.get(key) if isinstance(self._written, Mapping) else None

    @property
    def lines(self) -> list[str]:
        self.read_log.read(LINES)
        return self._lines

    @lines.setter
    def lines(self, lines: list[str]) -> None:
        self._lines = lines

    @property
    def text(self) -> str:
        self.read_log.read(LINES)  # the text is the lines
        return super().text

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


SIDECARS_KEY = "sidecars"

_DEPENDENCIES = frozenset({"depends_on", "essential", "image"})
SIDECAR_FIELDS: dict[str, frozenset[str]] = {
    "D1": _DEPENDENCIES,
    "D2": _DEPENDENCIES,
    "D3": _DEPENDENCIES,
    "D4": _DEPENDENCIES,
    "D6": _DEPENDENCIES,
    "X-healthy-without-healthcheck": _DEPENDENCIES | {"healthcheck"},
    "H1": frozenset({"port"}),
    "P1": frozenset({"port"}),
    "P2": frozenset({"port"}),
    "T1": frozenset({"port"}),
    "S1": frozenset({"image"}),
    "S2": frozenset({"image"}),
    "X-windows-unsupported": frozenset({"image"}),
    "S4": frozenset({"mount_points"}),
    "S5": frozenset({"mount_points"}),
    "X-source-volume": frozenset({"mount_points"}),
    "X-reserved-name": frozenset({"env_file"}),
    "X-null-sidecar": frozenset(),
}
"""The fields of a sidecar's map each rule reads, for the rules that read ``sidecars``: besides the names of
the sidecars, their order and which are maps, these are all they read of it (through ``workload.sidecars()``,
``task_containers`` or ``names_written``). An override or an edit that changes other fields of a sidecar leaves
their findings as they are. tests/unit/test_sidecar_fields.py checks the table against what each rule reads
on every manifest of the tests, base and environments."""


def sidecar_field_changes(before: Mapping, after: Mapping) -> frozenset[str] | None:
    """:func:`sidecar_changes` of the ``sidecars`` entries of two top levels (their keys the same too)."""
    old, new = before.entry(SIDECARS_KEY), after.entry(SIDECARS_KEY)
    if old is None or new is None or old.merged != new.merged or not _same_scalar(old.key, new.key):
        return None
    # Remembered with the new map for the one it was last compared with: an environment's view keeps its
    # sidecars map from one version of the text to the next while neither side changes, and comparing
    # every field of every sidecar (all of them named copies where the manifest names the environment)
    # at every version costs more than the rules it spares.
    before_map, after_map = old.value, new.value
    return remembered_for(after_map, _COMPARED, before_map, lambda: sidecar_changes(before_map, after_map))


_COMPARED = "sidecar fields changed since"


def sidecar_changes(before: Node | None, after: Node | None) -> frozenset[str] | None:
    """The fields that differ between two ``sidecars`` maps that hold the same sidecars (the same names, keys
    written at the same places, in the same order, each a map written at the same place), or None when they
    differ in more than fields."""
    if before is after:
        return frozenset()
    if not isinstance(before, Mapping) or not isinstance(after, Mapping) or not _same_frame(before, after):
        return None
    if len(before.entries) != len(after.entries):
        return None
    fields: set[str] = set()
    for old, new in zip(before.entries, after.entries, strict=True):
        if old is new:
            continue
        if old.merged != new.merged or not _same_scalar(old.key, new.key):
            return None
        old_fields, new_fields = old.value, new.value
        if old_fields is new_fields:
            continue
        if not isinstance(old_fields, Mapping) or not isinstance(new_fields, Mapping):
            return None
        if not _same_frame(old_fields, new_fields):
            return None
        names = {entry.name for entry in old_fields.entries} | {entry.name for entry in new_fields.entries}
        fields.update(name for name in names if old_fields.entry(name) is not new_fields.entry(name))
    return frozenset(fields)


def _same_frame(a: Mapping, b: Mapping) -> bool:
    return (a.span, a.tag, a.anchor, a.flow) == (b.span, b.tag, b.anchor, b.flow)


def _same_scalar(a: Scalar, b: Scalar) -> bool:
    """The same key written at the same place (a re-parsed piece makes a new, equal, key)."""
    return a is b or (a.span, a.tag, a.anchor, a.value, a.raw, a.style) == (
        b.span,
        b.tag,
        b.anchor,
        b.value,
        b.raw,
        b.style,
    )


def reusable(
    code: str,
    reads: AbstractSet[str],
    changed: AbstractSet[str],
    sidecar_fields: frozenset[str] | None = None,
) -> bool:
    """Whether rule ``code``, which read ``reads`` on one tree, finds the same on another whose top-level
    entries ``changed`` differ; ``sidecar_fields``: the fields that differ when ``sidecars`` is among them
    (:func:`sidecar_changes`)."""
    if EVERY_KEY in reads or ENVIRONMENT_NAME in reads:
        return False
    touched = reads & changed
    if touched == {SIDECARS_KEY}:
        return sidecar_reads_unchanged(code, sidecar_fields)
    return not touched


def sidecar_reads_unchanged(code: str, changed_fields: frozenset[str] | None) -> bool:
    """Whether rule ``code`` reads none of the sidecar fields that changed (None: more than fields changed)."""
    fields = SIDECAR_FIELDS.get(code)
    return changed_fields is not None and fields is not None and fields.isdisjoint(changed_fields)
