"""``sidecar-lsp check --jobs N``: the files checked in N processes, their outcomes in the order given.

Each file's outcome depends on the file and its workspace only, so the files can be checked in any
process and in any order; the caller prints the outcomes in the order of the command line, which
keeps the output and the exit status those of one process. A workspace's files go to the same
process, which reads the workspace once (``DiskWorkspaces``). N - 1 workers are forked where the
system can, after this process has loaded the schema and the checks, so that no worker pays for them
again; the workers take chunks from the front of the list, and this process, instead of waiting for
them, checks chunks from the back.
"""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sidecar_lsp.core.check.analyze import Options, analyze, safe_parse
from sidecar_lsp.core.workspace.scan import COPILOT_DIR, DiskWorkspaces

logger = logging.getLogger(__name__)

Outcome = TypeVar("Outcome")
CheckOne = Callable[[str, Options, DiskWorkspaces], Outcome]

MIN_FILES_PER_JOB = 4
"""Fewer files than this per worker are checked in this process: starting a worker costs more."""
_CHUNKS_PER_JOB = 16
"""Chunks per process: small, since a worker is handed its next chunk while it checks one (the pool's
prefetch), and that chunk can no longer be taken back by a process that has run out of work."""


@dataclass(frozen=True)
class Crashed:
    """A file whose check raised (a bug of ours): the exception's type name, for the message."""

    error: str


def default_jobs() -> int:
    """The cores this process may run on."""
    affinity = getattr(os, "sched_getaffinity", None)
    return len(affinity(0)) if affinity is not None else os.cpu_count() or 1


def check_all(
    paths: Sequence[str], options: Options, jobs: int, check_one: CheckOne[Outcome]
) -> list[Outcome | Crashed]:
    """``check_one(path, options, workspaces)`` of each path, in the order of ``paths``, on up to ``jobs``
    processes (``workspaces``: the workspaces read so far by that process).

    ``check_one`` must be a module-level function (a worker imports it by name). An exception it
    raises becomes :class:`Crashed` for that file alone.
    """
    jobs = min(jobs, len(paths) // MIN_FILES_PER_JOB)
    _settle(options, forking=jobs > 1)
    try:
        if jobs <= 1:
            return _check_chunk(check_one, list(paths), options)
        # The biggest first: the workers start on them, and the end of the queue, where processes run out
        # of work at different times, holds the smallest.
        chunks = sorted(_chunks(paths, jobs * _CHUNKS_PER_JOB), key=len, reverse=True)
        return _in_workers(paths, options, jobs, check_one, chunks)
    finally:
        gc.unfreeze()


def _in_workers(
    paths: Sequence[str], options: Options, jobs: int, check_one: CheckOne[Outcome], chunks: list[list[int]]
) -> list[Outcome | Crashed]:
    """The chunks on ``jobs - 1`` workers and this process.

    The workers take chunks from the front of the list, each handed its next one while it checks one
    (by a thread that waits for them); this process takes chunks from the back and checks them itself
    instead of waiting. So no core idles while a chunk is left, one fork fewer is paid, and this
    process's own outcomes are never pickled.
    """
    # Imported here: a run in one process (a pre-commit hook on a few files) does not pay for them.
    import multiprocessing
    import threading
    from collections import deque
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    )
    workers = jobs - 1
    outcomes: list[Outcome | Crashed | None] = [None] * len(paths)
    left = deque(chunks)  # deque: the two ends are taken from two threads
    sent: list[tuple[list[int], Future[list[Outcome | Crashed]]]] = []

    def check_here(chunk: list[int]) -> None:
        checked = _check_chunk(check_one, [paths[i] for i in chunk], options)
        for index, outcome in zip(chunk, checked, strict=True):
            outcomes[index] = outcome

    with ProcessPoolExecutor(workers, mp_context=context) as pool:

        def send() -> Future[list[Outcome | Crashed]] | None:
            """The first chunk left, queued for the workers (None: none left, or the pool broke)."""
            try:
                chunk = left.popleft()
            except IndexError:
                return None
            try:
                future = pool.submit(_check_chunk, check_one, [paths[i] for i in chunk], options)
            except Exception:  # a worker died and the pool broke: this process checks what is left
                left.appendleft(chunk)
                return None
            sent.append((chunk, future))
            return future

        def feed(running: set[Future[list[Outcome | Crashed]]]) -> None:
            while running:
                running = wait(running, return_when=FIRST_COMPLETED).not_done
                while len(running) <= workers and (future := send()) is not None:
                    running.add(future)

        # The first chunks are sent from this thread, before any other thread runs: the workers fork
        # on the first one, and a fork must not copy a lock another thread holds (the schema memo's).
        first: set[Future[list[Outcome | Crashed]]] = set()
        while len(first) <= workers and (future := send()) is not None:
            first.add(future)
        feeder = threading.Thread(target=feed, args=(first,), name="check-feeder", daemon=True)
        feeder.start()
        while left:
            try:
                chunk = left.pop()
            except IndexError:  # the feeder took the last one
                break
            check_here(chunk)
        feeder.join()
        while left:  # sent back by a broken pool
            check_here(left.pop())
        for chunk, future in sent:
            try:
                results = future.result()
            except Exception:  # a worker died (killed, out of memory): check its files here instead
                logger.debug("a worker failed; checking its files in the main process", exc_info=True)
                check_here(chunk)
                continue
            for index, outcome in zip(chunk, results, strict=True):
                outcomes[index] = outcome
    return [outcome for outcome in outcomes if outcome is not None]


def _check_chunk(check_one: CheckOne[Outcome], paths: list[str], options: Options) -> list[Outcome | Crashed]:
    outcomes: list[Outcome | Crashed] = []
    # A workspace's files are all in this chunk: it is read once, and each manifest parsed once (the
    # scan's tree is the one checked; safe_parse, so that a parser failure is a finding, as in analyze).
    workspaces = DiskWorkspaces(parse_text=safe_parse)
    for path in paths:
        try:
            outcomes.append(check_one(path, options, workspaces))
        except Exception as error:  # a bug of ours: say so, and go on with the other files
            logger.debug("checking %s failed", path, exc_info=True)
            outcomes.append(Crashed(type(error).__name__))
    return outcomes


def workspace_key(path: str) -> str:
    """The outermost ``copilot`` folder above ``path`` (no disk read), or the path itself: files whose
    workspaces could be the same share a key, since a workspace is one of the ``copilot`` folders above.
    (:func:`~sidecar_lsp.core.workspace.scan.copilot_folders`' outermost, found in the text of the path.)"""
    parts = os.path.abspath(path).split(os.sep)
    for index, part in enumerate(parts[:-1]):
        if part == COPILOT_DIR:
            return os.sep.join(parts[: index + 1])
    return path


def _chunks(paths: Sequence[str], count: int) -> list[list[int]]:
    """The indexes of ``paths`` in about ``count`` chunks of whole workspaces, each workspace in one chunk."""
    groups: dict[str, list[int]] = {}
    for index, path in enumerate(paths):
        groups.setdefault(workspace_key(path), []).append(index)
    size = max(1, -(-len(paths) // count))
    chunks: list[list[int]] = []
    current: list[int] = []
    for group in groups.values():
        current.extend(group)
        if len(current) >= size:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


def _settle(options: Options, *, forking: bool = False) -> None:
    """Load what every check needs (the schema, the validator, the rules) once, before any worker forks,
    and freeze it out of the collector's walks: the workers share its memory instead of copying it, and no
    process walks it again at each full collection (about half of the collector's time in a long run).

    ``forking``: also what a manifest with a schema error needs (jsonschema, imported on the first such
    manifest): a run of many files meets one, and each process would otherwise import it for itself."""
    analyze("name: warm-up\ntype: Backend Service\n", options)
    if forking:
        analyze("name: warm-up\ntype: Backend Service\ncpu: lots\n", options)
    gc.freeze()
