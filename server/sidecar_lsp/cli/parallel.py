"""``sidecar-lsp check --jobs N``: the files checked in N processes, their outcomes in the order given.

Each file's outcome depends on the file and its workspace only, so the files can be checked in any
process and in any order; the caller prints the outcomes in the order of the command line, which
keeps the output and the exit status those of one process. A workspace's files go to the same
process, which reads the workspace once (``DiskWorkspaces``). N - 1 workers are forked after this
process has loaded the schema and the checks, so that no worker pays for them again, and this
process checks chunks beside them instead of waiting. Where the system cannot fork (Windows), the
files are checked in this process.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import signal
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, TypeVar

from sidecar_lsp.core.check.analyze import Options, analyze, safe_parse
from sidecar_lsp.core.workspace.scan import COPILOT_DIR, DiskWorkspaces

logger = logging.getLogger(__name__)

Outcome = TypeVar("Outcome")
CheckOne = Callable[[str, Options, DiskWorkspaces], Outcome]

MIN_FILES_PER_JOB = 4
"""Fewer files than this per worker are checked in this process: starting a worker costs more."""
_CHUNKS_PER_JOB = 16
"""Chunks per process: small, so that the processes run out of work at about the same time."""


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

    What ``check_one`` returns must pickle (a worker sends it back). An exception it raises becomes
    :class:`Crashed` for that file alone.
    """
    jobs = min(jobs, len(paths) // MIN_FILES_PER_JOB) if hasattr(os, "fork") else 1
    _settle(options)
    try:
        if jobs <= 1:
            return _check_chunk(check_one, list(paths), options)
        # The biggest first: the end of the queue, where processes run out of work at different times,
        # holds the smallest.
        chunks = sorted(_chunks(paths, min(jobs * _CHUNKS_PER_JOB, MAX_CHUNKS)), key=len, reverse=True)
        return _in_workers(paths, options, jobs, check_one, chunks)
    finally:
        gc.unfreeze()


def _in_workers(
    paths: Sequence[str], options: Options, jobs: int, check_one: CheckOne[Outcome], chunks: list[list[int]]
) -> list[Outcome | Crashed]:
    """The chunks on ``jobs - 1`` forked workers and this process.

    Each process takes the next chunk's number from one pipe that holds them all (a read of one number
    from a pipe is that process's alone), so no core idles while a chunk is left and no thread hands out
    work. A worker writes each chunk's outcomes, as it ends it, to a file of its own, read here once the
    worker has exited; this process's own outcomes are never pickled. A chunk left without outcomes (its
    worker died: killed, out of memory) is checked here.
    """
    import pickle
    import tempfile

    outcomes: list[Outcome | Crashed | None] = [None] * len(paths)
    done: set[int] = set()

    def note(number: int, checked: list[Outcome | Crashed]) -> None:
        for index, outcome in zip(chunks[number], checked, strict=True):
            outcomes[index] = outcome
        done.add(number)

    def check(number: int) -> list[Outcome | Crashed]:
        return _check_chunk(check_one, [paths[i] for i in chunks[number]], options)

    numbers, filler = os.pipe()
    workers: list[tuple[int, IO[bytes]]] = []
    with contextlib.ExitStack() as files:
        try:
            with os.fdopen(filler, "wb") as pipe:  # every number written before any process reads one
                pipe.write(b"".join(n.to_bytes(_NUMBER_BYTES, "little") for n in range(len(chunks))))
            for _ in range(jobs - 1):
                try:
                    results = files.enter_context(tempfile.TemporaryFile())
                    pid = os.fork()
                except OSError:  # no more processes, or no temporary file: the ones started share the chunks
                    break
                if pid == 0:  # the worker: it never returns into the caller
                    status = 1
                    try:
                        while (number := _next_chunk(numbers)) is not None:
                            pickle.dump((number, check(number)), results, pickle.HIGHEST_PROTOCOL)
                        results.flush()
                        status = 0
                    finally:
                        os._exit(status)
                workers.append((pid, results))
            while (number := _next_chunk(numbers)) is not None:
                note(number, check(number))
            while workers:
                pid, written = workers.pop()
                os.waitpid(pid, 0)
                written.seek(0)
                for number, checked in _records(written):
                    note(number, checked)
        finally:
            os.close(numbers)
            for pid, _ in workers:  # this process failed: stop the workers
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
    for number in range(len(chunks)):
        if number not in done:
            logger.debug("a worker failed; checking its files in the main process")
            note(number, check(number))
    return [outcome for outcome in outcomes if outcome is not None]


_NUMBER_BYTES = 4
MAX_CHUNKS = 1024
"""The numbers of so many chunks fit in a pipe's buffer (4 KiB here; 16 KiB and more on Linux and macOS),
where they are all written before any process reads one."""


def _next_chunk(numbers: int) -> int | None:
    """The number of the next chunk nobody has taken, or None when all are taken."""
    data = os.read(numbers, _NUMBER_BYTES)
    return int.from_bytes(data, "little") if len(data) == _NUMBER_BYTES else None


def _records(results: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
    """The ``(chunk number, outcomes)`` a worker wrote, up to the first it did not finish writing."""
    import pickle

    while True:
        try:
            yield pickle.load(results)
        except Exception:  # the end, or a record cut short by the worker's death
            return


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


def _settle(options: Options) -> None:
    """Load what every check needs (the schema, the validator, the rules) once, before any worker forks,
    and freeze it out of the collector's walks: the workers share its memory instead of copying it, and no
    process walks it again at each full collection (about half of the collector's time in a long run).

    What only a manifest with a schema error needs (jsonschema, about 45 ms to import) is left to the first
    such manifest of each process: imported here, before the fork, it would hold up every process as long
    as importing it in each of them does where each meets such a manifest, and for nothing where none does
    (a run over manifests that deploy)."""
    analyze("name: warm-up\ntype: Backend Service\n", options)
    gc.freeze()
