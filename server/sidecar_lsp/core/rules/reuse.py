"""Which findings of a document's previous analysis still hold for its new text.

A rule is a function of what it reads (:mod:`.reads`): the top-level entries it looks up in its workload,
the entries of the document as written, its environment's name, the lines. A new version of the text
that leaves a top-level entry alone keeps it, the same object (:func:`sidecar_lsp.core.yaml.incremental.reparse`
shares every subtree whose text and position are unchanged; a full parse shares nothing). So a rule whose
reads are, one by one, the same objects as in the previous version takes the same steps and finds the same
problems; its findings are taken without running it.

What a run depends on, per slot (a rule on the base, on one environment, or on the whole document):

* each top-level entry it looked up (or all of them, if it walked the entry list) — of the base, which an
  environment's merged entry is made from together with the environment's override;
* for an environment, its override as written (``environments.<env>``);
* each entry of the document as written that it looked up;
* never the lines: a run that read them (a fix's text) runs again.

Trees are compared by identity only: equal text elsewhere in the document (a copy of a sidecar) is not
"the same" here, so nothing is taken from a place the rule did not read.
"""

from __future__ import annotations

from dataclasses import dataclass

from sidecar_lsp.core.model import Finding
from sidecar_lsp.core.rules.reads import DOCUMENT_EVERY_KEY, DOCUMENT_KEY, ENVIRONMENT_NAME, EVERY_KEY, LINES
from sidecar_lsp.core.yaml.nodes import Mapping, Node

Slot = tuple[str, str | None, bool]
"""A rule's code, the environment it ran for (None: the base) and whether it read the whole document."""

_EVERY = object()
"""Marks where a walked entry list starts in a run's inputs, so that lists of other lengths never line up."""


@dataclass(frozen=True)
class RuleRun:
    reads: frozenset[str]
    inputs: tuple[object, ...] | None
    """The objects read, in the order :func:`inputs_of` lists them; None when the run read the lines."""
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class RuleResults:
    """Every rule run of one analysis, for the next version of the same document."""

    kind: str
    runs: dict[Slot, RuleRun]


def inputs_of(
    reads: frozenset[str], layer: Mapping, document: Mapping, override: Node | None
) -> tuple[object, ...] | None:
    """The objects a run with ``reads`` depends on: entries of ``layer`` (the base, or the document for the
    rules that read it whole), of ``document`` as written, and an environment's ``override``."""
    if LINES in reads:
        return None
    inputs: list[object] = [override]
    for key in sorted(reads):
        if key == ENVIRONMENT_NAME:
            continue  # a slot is one environment's
        if key == EVERY_KEY:
            inputs.append(_EVERY)
            inputs.extend(layer.entries)
        elif key == DOCUMENT_EVERY_KEY:
            inputs.append(_EVERY)
            inputs.extend(document.entries)
        elif key.startswith(DOCUMENT_KEY):
            inputs.append(document.entry(key[len(DOCUMENT_KEY) :]))
        else:
            inputs.append(layer.entry(key))
    return tuple(inputs)


def still_holds(
    previous: RuleResults | None, slot: Slot, layer: Mapping, document: Mapping, override: Node | None
) -> RuleRun | None:
    """The previous run of ``slot``, when everything it read is the same object now."""
    run = previous.runs.get(slot) if previous is not None else None
    if run is None or run.inputs is None:
        return None
    now = inputs_of(run.reads, layer, document, override)
    if now is None or len(now) != len(run.inputs):
        return None
    return run if all(a is b for a, b in zip(now, run.inputs, strict=True)) else None
