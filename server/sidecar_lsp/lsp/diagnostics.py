"""Checking documents on the worker thread and publishing the results: debounce, worker, publish.

The event loop takes a :class:`~.documents.Snapshot`; the worker runs :func:`check_snapshot`, a
pure function of the snapshot (and of a parse of exactly its text, which the loop may already
have); the loop stores the result only if the document is still open at that version with those
settings, and publishes only then. An older result is never published over a newer version, and
a document closed meanwhile is never put back into the caches. Publishing is also the one moment a
document's Copilot workspace takes its text (requests such as code actions only read it); the
first publish in a workspace waits for the workspace to be read, off the event loop.

The server is reached through the narrow interfaces of :mod:`.ports` only.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import gc
import heapq
import importlib
import itertools
import logging
import time
from collections.abc import Callable

from lsprotocol import types

from sidecar_lsp.core.check.analyze import analyze_document, safe_parse
from sidecar_lsp.core.yaml.tree import ParsedDocument, parse
from sidecar_lsp.lsp import convert as lsp_convert
from sidecar_lsp.lsp.bulk import Answer, Helper
from sidecar_lsp.lsp.documents import NOTHING_EARLIER, Checked, DocumentCaches, Earlier, Snapshot
from sidecar_lsp.lsp.ports import CrossFile, Documents

logger = logging.getLogger(__name__)

_EMPTY_TEXT = ""
OPEN_SETTLE_S = 0.02
"""How long the opens must pause before an idle worker starts on a just-opened document."""
_NEXT_CHECK_GRACE_S = 0.01
"""How long the worker waits for the publishing of the check asked for last before it starts the next."""
OPEN_SETTLE_MAX_S = 0.5
"""The longest a burst of opens holds the worker back (a client that never stops opening)."""


def check_snapshot(
    snapshot: Snapshot, parsed: ParsedDocument | None = None, earlier: Earlier = NOTHING_EARLIER
) -> Checked:
    """Everything wrong with one snapshot; runs on the worker, reads nothing else (``earlier``, an earlier
    version's tree and analysis, is never changed: what the edit left alone is taken from it), never raises."""
    if not snapshot.may_be_manifest():
        return Checked(snapshot, analyze_document(parse(_EMPTY_TEXT)), False)
    document = parsed if parsed is not None else safe_parse(snapshot.text, earlier.tree)
    analysis = analyze_document(document, snapshot.options(), earlier.analysis, keep_runs=True)
    return Checked(snapshot, analysis, snapshot.served(analysis.document))


def warm_up() -> None:
    """Load the checks and the feature modules on the worker, not on the first didOpen."""
    analyze_document(parse("name: warm-up\ntype: Backend Service\n"))
    for feature in ("completion", "hover", "symbols"):
        importlib.import_module(f"sidecar_lsp.core.features.{feature}")


_Queued = tuple[int, Snapshot, ParsedDocument | None, Earlier, "asyncio.Future[Checked]"]
"""A check waiting: minus the order it was asked in, the snapshot, the loop's parse of it, the earlier
version to start from, its answer."""


class Diagnostics:
    """The worker, the per-document publishing tasks and the debounce; event loop only."""

    def __init__(
        self,
        documents: Documents,
        caches: DocumentCaches,
        publish: Callable[[types.PublishDiagnosticsParams], None],
        cross_file: CrossFile,
    ) -> None:
        self.documents = documents
        self.caches = caches
        self.publish = publish
        self.cross_file = cross_file
        self.executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="analyze")
        self._pending: dict[str, tuple[Snapshot, asyncio.Future[Checked]]] = {}
        self._queue: list[_Queued] = []
        """Checks waiting for the worker, a heap: the most recently asked for first."""
        self.helper = Helper()
        self._asked = itertools.count()
        self._last_asked = -1
        self._running_asked = -1
        self._running: asyncio.Future[Checked] | None = None
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._last_change: dict[str, float] = {}
        self._collect: asyncio.TimerHandle | None = None
        self._settling: asyncio.TimerHandle | None = None
        self._settle_started = 0.0

    def warm_up(self) -> None:
        """Load the checks now; the worker runs one job at a time, so a didOpen waits for this."""
        self.executor.submit(warm_up)

    async def checked(self, snapshot: Snapshot, *, opened: bool = False) -> Checked:
        """The analysis of ``snapshot``: cached, already on the worker, or computed there now
        (``opened``: just opened, so perhaps one of a burst, see :meth:`_enqueue`)."""
        caches = self.caches
        hit = caches.checked(snapshot)
        if hit is not None:
            return hit
        pending = self._pending.get(snapshot.uri)
        if pending is None or not pending[0].same_input(snapshot):
            parsed = caches.parsed(snapshot.uri, snapshot.text)
            earlier = caches.earlier(snapshot.uri)
            pending = (snapshot, self._enqueue(snapshot, parsed, earlier, opened))
            self._pending[snapshot.uri] = pending
        result = await asyncio.shield(pending[1])
        if self._pending.get(snapshot.uri) is pending:
            del self._pending[snapshot.uri]
        if self.documents.is_current(snapshot):
            caches.store_checked(result)
        return result

    def _enqueue(
        self, snapshot: Snapshot, parsed: ParsedDocument | None, earlier: Earlier, opened: bool = False
    ) -> asyncio.Future[Checked]:
        """Queue a check for the worker; the most recently asked for runs first (the document being typed
        in or just opened jumps ahead of the rest of a bulk open), each publishing as it finishes.

        A just-opened document waits until the opens pause for :data:`OPEN_SETTLE_S` (at most
        :data:`OPEN_SETTLE_MAX_S`) before an idle worker starts: an editor restoring fifty tabs sends
        fifty didOpens, the one on screen last, and starting on the first of them would make the one
        on screen wait for it, and the loop read the rest of the burst while the worker holds the GIL.
        """
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Checked] = loop.create_future()
        self._last_asked = next(self._asked)
        heapq.heappush(self._queue, (-self._last_asked, snapshot, parsed, earlier, future))
        if opened and self._running is None:
            now = loop.time()
            if self._settling is None:
                self._settle_started = now
            else:
                self._settling.cancel()
            delay = min(OPEN_SETTLE_S, max(0.0, self._settle_started + OPEN_SETTLE_MAX_S - now))
            self._settling = loop.call_later(delay, self._settled)
            return future
        self._run_next()
        return future

    def _settled(self) -> None:
        self._settling = None
        self._run_next()

    def _run_next(self) -> None:
        """Hand the worker the most recent queued check, when it has none: one at a time, so that a
        later request can still overtake the queue."""
        if self._settling is not None:
            return  # opens are still arriving; _settled starts the worker
        while self._running is None and self._queue:
            order, snapshot, parsed, earlier, future = heapq.heappop(self._queue)
            if future.done():
                continue
            try:
                job = asyncio.get_running_loop().run_in_executor(
                    self.executor, check_snapshot, snapshot, parsed, earlier
                )
            except RuntimeError as error:  # the worker is shut down: the server is exiting
                future.set_exception(error)
                continue
            self._running = job
            self._running_asked = -order
            job.add_done_callback(functools.partial(self._finished, future, -order))
        self._share_with_helper()

    def _share_with_helper(self) -> None:
        """While many checks wait (a bulk open), the helper process takes the one asked for first."""
        helper = self.helper
        if not helper.busy and self._running is not None and self._running_asked == self._last_asked:
            return  # not while the worker checks the document asked for last: starting the helper slows it
        while helper.wanted(len(self._queue)):
            item = max(self._queue)  # the least recently asked for: the heap's order is -asked
            self._queue.remove(item)
            heapq.heapify(self._queue)
            _, snapshot, _, _, future = item
            if future.done():
                continue
            if not snapshot.may_be_manifest():
                heapq.heappush(self._queue, item)  # no check to speak of: the worker answers at once
                return
            job = helper.submit(snapshot.text, snapshot.options())
            if job is None:
                heapq.heappush(self._queue, item)
                return
            asyncio.wrap_future(job).add_done_callback(functools.partial(self._helper_finished, item))
        if not self._queue and not helper.busy:
            helper.stop()  # the burst is over

    def _helper_finished(self, item: _Queued, job: asyncio.Future[Answer]) -> None:
        _, snapshot, _, _, future = item
        failed = job.cancelled() or job.exception() is not None
        self.helper.done(failed=failed)
        if failed:
            heapq.heappush(self._queue, item)  # the worker thread checks it after all
        elif not future.done():
            kind, findings, complete, declares = job.result()
            served = snapshot.served_if(declares)
            future.set_result(Checked.answered(snapshot, kind, findings, complete=complete, served=served))
        self._run_next()

    def _finished(self, future: asyncio.Future[Checked], asked: int, job: asyncio.Future[Checked]) -> None:
        self._running = None
        if not future.done():
            if job.cancelled():
                future.cancel()
            elif job.exception() is not None:
                future.set_exception(job.exception())  # type: ignore[arg-type]
            else:
                future.set_result(job.result())
        if asked == self._last_asked:
            # The check asked for last (the document typed in, or the one on screen after a bulk open):
            # its publisher starts the next check once it has published (_publish_later). Started
            # now, the worker would hold the GIL while the loop converts and sends this result, and
            # slow that by tens of milliseconds. Should nobody publish it, the next starts shortly.
            asyncio.get_running_loop().call_later(_NEXT_CHECK_GRACE_S, self._run_next)
        else:
            self._run_next()

    def schedule(self, uri: str, *, debounce: bool, opened: bool = False) -> None:
        """(Re)start the publishing task of ``uri``; rapid changes are coalesced (``opened``: a didOpen)."""
        task = self._tasks.pop(uri, None)
        if task is not None:
            task.cancel()
        now = time.monotonic()
        delay = self.documents.settings.debounce_ms / 1000
        recent = now - self._last_change.get(uri, -1e9) < delay
        self._last_change[uri] = now
        wait = delay if debounce and recent else 0.0
        task = asyncio.get_running_loop().create_task(self._publish_later(uri, wait, opened))
        task.add_done_callback(_log_failure)
        self._tasks[uri] = task

    async def _publish_later(self, uri: str, wait: float, opened: bool = False) -> None:
        if wait:
            await asyncio.sleep(wait)
        snapshot = self.documents.snapshot(uri)
        if snapshot is None:
            return
        checked = await self.checked(snapshot, opened=opened)
        shown = checked.served and snapshot.settings.diagnostics_enable
        if shown:
            # The first time, its workspace is read on the reader thread. Not while it is checked: with a
            # bulk open, fifty reads at once slow the check of the document on screen.
            await self.cross_file.load(uri)
        doc = self.documents.open_document(uri)
        if doc is None or not self.documents.is_current(snapshot):
            return  # a newer version or new settings are on their way; they publish instead
        diagnostics: list[types.Diagnostic] = []
        if shown:
            tree = checked.parsed_analysis.document if checked.parsed_analysis is not None else None
            self.cross_file.take(uri, doc, tree)
            findings = self.cross_file.findings(uri, doc, tree, checked.findings)
            if findings:  # the line table only then: most documents of a bulk open have no finding
                lines = lsp_convert.lines_of(doc)
                diagnostics = [lsp_convert.to_diagnostic(doc, f, lines) for f in findings]
        self.publish(
            types.PublishDiagnosticsParams(uri=uri, version=snapshot.version, diagnostics=diagnostics)
        )
        self._run_next()

    def forget(self, uri: str) -> None:
        task = self._tasks.pop(uri, None)
        if task is not None:
            task.cancel()
        self._pending.pop(uri, None)
        self._last_change.pop(uri, None)
        self._collect_soon()

    def _collect_soon(self) -> None:
        """Collect garbage once closing documents has paused (the thresholds are high, see __main__)."""
        if self._collect is not None:
            self._collect.cancel()
        self._collect = asyncio.get_running_loop().call_later(1.0, self._collect_garbage)

    def _collect_garbage(self) -> None:
        if not self.documents.open_uris():
            # Nothing open: the schema memo only holds pieces of closed documents. It is the
            # worker's; clearing it there keeps it single-threaded.
            from sidecar_lsp.core.check.validate import clear_memo

            self.executor.submit(clear_memo).add_done_callback(lambda _: _collect_garbage())
            return
        _collect_garbage()


def _collect_garbage() -> None:
    gc.collect()
    _release_free_memory()


def _release_free_memory() -> None:
    """Hand freed heap pages back to the system (glibc keeps them otherwise); elsewhere a no-op."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _log_failure(task: asyncio.Task[None]) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        logger.error("publishing diagnostics failed", exc_info=error)
