"""Which findings of a document's previous analysis still hold for its new text.

A rule is a function of what it reads (:mod:`.reads`): the top-level entries it looks up in its workload,
the entries of the document as written, its environment's name, the lines. A new version of the text
that leaves a top-level entry alone keeps it, the same object (:func:`sidecar_lsp.core.yaml.incremental.reparse`
shares every subtree whose text and position are unchanged; a full parse shares nothing). So a rule whose
reads are all the same objects as in the previous version takes the same steps and finds the same
problems; its findings are taken without running it.

What a run depends on, per slot (a rule on the base, on one environment, or on the whole document):

* each top-level entry it looked up (or all of them, if it walked the entry list) — of the base, which an
  environment's merged entry is made from together with the environment's override;
* for an environment, its override as written (``environments.<env>``);
* each entry of the document as written that it looked up;
* never the lines: a run that read them (a fix's text) runs again.

Trees are compared by identity only: equal text elsewhere in the document (a copy of a sidecar) is not
"the same" here, so nothing is taken from a place the rule did not read. A run kept from the previous
analysis held for the previous tree, so comparing each tree with the one before it is enough.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import NamedTuple

from sidecar_lsp.core.manifest.merge import ENVIRONMENTS_KEY
from sidecar_lsp.core.model import Finding
from sidecar_lsp.core.rules.reads import (
    DOCUMENT_EVERY_KEY,
    DOCUMENT_KEY,
    EVERY_KEY,
    LINES,
    SIDECARS_KEY,
    changed_keys,
    sidecar_field_changes,
    sidecar_reads_unchanged,
)
from sidecar_lsp.core.yaml.nodes import Mapping, Node, own_entries

Slot = tuple[str, str | None, bool]
"""A rule's code, the environment it ran for (None: the base) and whether it read the whole document."""


class RuleRun(NamedTuple):  # a tuple: about 40 are made per manifest checked
    reads: frozenset[str]
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class RuleResults:
    """Every rule run of one analysis, and the tree they ran on, for the next version of the document."""

    kind: str
    document: Mapping
    base: Mapping
    runs: dict[Slot, RuleRun]


class Changes:
    """What differs between the previous analysis's tree and this one, as reads that no longer hold."""

    def __init__(self, previous: RuleResults | None, document: Mapping, base: Mapping) -> None:
        self.previous = previous
        self._stale: dict[bool, AbstractSet[str]] = {}
        self._sidecar_fields: frozenset[str] | None = None
        """The fields of the sidecars that changed, when nothing else of ``sidecars`` did."""
        self._overrides: dict[str, Node] = {}
        self._earlier_overrides: dict[str, Node] = {}
        if previous is None:
            return
        in_document = changed_keys(previous.document, document)
        as_written = {LINES, *(DOCUMENT_KEY + key for key in in_document)} | (
            {DOCUMENT_EVERY_KEY} if in_document else set()
        )
        # The keys a rule looks up in its workload: the base's (and so an environment's), or the document's
        # for the rules that read it whole.
        in_base = changed_keys(previous.base, base)
        for whole, layer in ((False, in_base), (True, in_document)):
            self._stale[whole] = as_written | layer | ({EVERY_KEY} if layer else set())
        if SIDECARS_KEY in in_base:
            self._sidecar_fields = sidecar_field_changes(previous.base, base)
        self._overrides = _overrides(document)
        self._earlier_overrides = _overrides(previous.document)

    def still_holds(self, slot: Slot) -> RuleRun | None:
        """The previous run of ``slot``, when nothing it read has changed."""
        run = self.previous.runs.get(slot) if self.previous is not None else None
        if run is None:
            return None
        code, _, whole = slot
        touched = run.reads & self._stale[whole]
        if touched and not (
            not whole and touched == {SIDECARS_KEY} and sidecar_reads_unchanged(code, self._sidecar_fields)
        ):
            return None
        env = slot[1]
        if env is not None and self._overrides.get(env) is not self._earlier_overrides.get(env):
            return None
        return run


def _overrides(document: Mapping) -> dict[str, Node]:
    """Each environment's override as merge_environment reads it (the first entry of that name)."""
    overrides: dict[str, Node] = {}
    for entry in own_entries(document.get(ENVIRONMENTS_KEY)):
        overrides.setdefault(entry.name, entry.value)
    return overrides
