"""A second process for the checks of a bulk open: many documents waiting, two cores, one worker thread.

An editor restoring fifty tabs asks for fifty checks at once. The worker thread takes the one asked
for last (the document on screen); while at least :data:`BULK_QUEUE` checks wait, this helper process
takes the one asked for first, so the rest of the burst is checked on the second core. The helper is
started for a burst (a fresh interpreter importing only the core, never the protocol) and stopped
once the queue is empty, so editing one document never runs it. It receives the text and the options
and returns an :class:`Answer`: the findings and the few facts publishing needs, not the tree (see
:class:`~sidecar_lsp.lsp.documents.Checked`). Any failure (the process died, an answer that cannot be
sent back) gives the check back to the worker thread and leaves the helper off for the rest of the
session.
"""

from __future__ import annotations

import concurrent.futures
import logging
import os
import sys
from typing import Any, NamedTuple

from sidecar_lsp.core.check.analyze import Options, analyze
from sidecar_lsp.core.decoding import kinds
from sidecar_lsp.core.model import Finding

logger = logging.getLogger(__name__)

BULK_QUEUE = 6
"""Checks waiting (besides the worker's) before the helper process takes some."""
IN_FLIGHT = 2
"""Checks handed to the helper at once: it starts the next while this process reads the last one's answer."""


class Answer(NamedTuple):
    """The helper's answer for one text."""

    kind: str | None
    findings: list[Finding]
    complete: bool
    """Parsed without a syntax error."""
    declares_copilot_type: bool
    """Its ``type`` names a Copilot kind (whether the server answers for it also depends on its path)."""


def answer(text: str, options: Options) -> Answer:
    """What the helper computes for ``text``: the worker's analysis, less what costs more to send than to
    compute again (the tree, the rule runs)."""
    analysis = analyze(text, options)
    document = analysis.document
    return Answer(
        analysis.kind, analysis.findings, document.complete, kinds.declares_copilot_type(document.root)
    )


def _quiet_child() -> None:
    """The server speaks LSP on stdout, which a spawned process inherits: nothing of the helper's may go there."""
    os.dup2(2, 1)
    sys.stdout = sys.stderr


class Helper:
    """The helper process, started and stopped by the diagnostics queue (event loop only)."""

    def __init__(self) -> None:
        self._pool: concurrent.futures.ProcessPoolExecutor | None = None
        self.in_flight = 0
        self.failed = False
        self.started = 0
        """How many times a helper process was started (tests, logs)."""
        self.checked = 0
        """How many checks the helper answered."""

    def wanted(self, waiting: int) -> bool:
        """Whether the helper should take a check now, ``waiting`` checks being queued.

        It starts for a burst of :data:`BULK_QUEUE`; once running it takes checks until the queue is empty
        (its start-up is paid, and left idle it would watch the worker thread check the last few alone),
        but holds no more than are waiting beside those it has, so the worker is never the one left idle."""
        if self.failed or self.in_flight >= IN_FLIGHT:
            return False
        if self._pool is None:
            return waiting >= BULK_QUEUE
        return waiting > self.in_flight

    @property
    def busy(self) -> bool:
        return self.in_flight > 0

    def submit(self, text: str, options: Options) -> concurrent.futures.Future[Answer] | None:
        """Send a check to the helper (starting it first); None when it cannot be started."""
        try:
            pool = self._pool if self._pool is not None else self._start()
            future = pool.submit(answer, text, options)
        except Exception:
            logger.warning(
                "the helper process could not start; the worker thread checks everything", exc_info=True
            )
            self.failed = True
            return None
        self.in_flight += 1
        return future

    def done(self, *, failed: bool) -> None:
        self.in_flight -= 1
        self.checked += not failed
        if failed:
            logger.warning("the helper process failed; the worker thread checks everything from now on")
            self.failed = True
            self.stop()

    def stop(self) -> None:
        """Stop the helper process (the queue is empty, or the server exits)."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def _start(self) -> concurrent.futures.ProcessPoolExecutor:
        import multiprocessing

        # A fresh interpreter, not a fork: the server has threads, and a fork could copy a lock one of
        # them holds (the schema memo's, the logging's) into a child that would then wait forever.
        context: Any = multiprocessing.get_context("spawn")
        self._pool = concurrent.futures.ProcessPoolExecutor(1, mp_context=context, initializer=_quiet_child)
        self.started += 1
        return self._pool
