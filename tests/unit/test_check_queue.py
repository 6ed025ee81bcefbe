"""The server's check queue: while the worker is busy, the check asked for last runs next.

The end-to-end bulk-open test shows every document publishes; whether a backlog forms there depends on
how fast the client's messages arrive. Here the worker is held on the first check while four more are
asked for, so the order the queue hands them out is what is tested.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from sidecar_lsp.core.check.analyze import Options, analyze_document
from sidecar_lsp.core.yaml.tree import ParsedDocument, parse
from sidecar_lsp.lsp import diagnostics
from sidecar_lsp.lsp.bulk import BULK_QUEUE, Helper
from sidecar_lsp.lsp.documents import Checked, DocumentCaches, Earlier, Snapshot
from sidecar_lsp.lsp.settings import Settings

ANALYSIS = analyze_document(parse("name: api\ntype: Backend Service\n"))


class _Documents:
    settings = Settings()

    def is_current(self, snapshot: Snapshot) -> bool:
        return True


def _snapshot(uri: str, version: int = 1) -> Snapshot:
    return Snapshot(uri, version, f"name: {uri}\n", Settings(), True)


async def _order_of_checks(asked_while_busy: list[Snapshot], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    started: list[str] = []
    release = threading.Event()

    def check(snapshot: Snapshot, parsed: ParsedDocument | None, earlier: Earlier) -> Checked:
        started.append(f"{snapshot.uri}@{snapshot.version}")
        if len(started) == 1:
            release.wait(10)  # the worker is busy with the first check while the others are asked for
        return Checked(snapshot, ANALYSIS, True)

    monkeypatch.setattr(diagnostics, "check_snapshot", check)
    cross_file: Any = None  # checked() never reads the workspaces
    queue = diagnostics.Diagnostics(_Documents(), DocumentCaches(), lambda params: None, cross_file)
    queue.helper.failed = True  # the worker thread's order alone (the helper process: below)
    try:
        first = asyncio.ensure_future(queue.checked(_snapshot("first")))
        while not started:
            await asyncio.sleep(0.01)
        waiting = [asyncio.ensure_future(queue.checked(s)) for s in asked_while_busy]
        await asyncio.sleep(0.05)
        release.set()
        await asyncio.wait_for(asyncio.gather(first, *waiting), 10)
    finally:
        queue.executor.shutdown(wait=True)
    return started


def test_the_check_asked_for_last_runs_next(monkeypatch: pytest.MonkeyPatch) -> None:
    bulk = [_snapshot(f"doc{i}") for i in range(4)]
    order = asyncio.run(_order_of_checks(bulk, monkeypatch))
    assert order == ["first@1", "doc3@1", "doc2@1", "doc1@1", "doc0@1"]


def test_a_new_version_overtakes_the_bulk_and_the_old_one_is_still_answered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked = [_snapshot("doc0"), _snapshot("doc1"), _snapshot("doc2"), _snapshot("doc0", version=2)]
    order = asyncio.run(_order_of_checks(asked, monkeypatch))
    assert order[:2] == ["first@1", "doc0@2"]
    assert sorted(order[2:]) == ["doc0@1", "doc1@1", "doc2@1"]


async def _order_of_opens(opens: int, gap_s: float, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    started: list[str] = []

    def check(snapshot: Snapshot, parsed: ParsedDocument | None, earlier: Earlier) -> Checked:
        started.append(snapshot.uri)
        return Checked(snapshot, ANALYSIS, True)

    monkeypatch.setattr(diagnostics, "check_snapshot", check)
    cross_file: Any = None
    queue = diagnostics.Diagnostics(_Documents(), DocumentCaches(), lambda params: None, cross_file)
    queue.helper.failed = True
    try:
        asked = []
        for i in range(opens):
            asked.append(asyncio.ensure_future(queue.checked(_snapshot(f"doc{i}"), opened=True)))
            await asyncio.sleep(gap_s)
        await asyncio.wait_for(asyncio.gather(*asked), 10)
    finally:
        queue.executor.shutdown(wait=True)
    return started


def test_a_burst_of_opens_checks_the_one_opened_last_first(monkeypatch: pytest.MonkeyPatch) -> None:
    # An editor restoring its tabs: the idle worker waits for the opens to pause, then takes the last one.
    order = asyncio.run(_order_of_opens(5, 0.001, monkeypatch))
    assert order == ["doc4", "doc3", "doc2", "doc1", "doc0"]


def test_opens_that_never_pause_do_not_hold_the_worker_back(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diagnostics, "OPEN_SETTLE_MAX_S", 0.05)
    order = asyncio.run(_order_of_opens(12, 0.015, monkeypatch))  # each open within the settle window
    assert sorted(order) == sorted(f"doc{i}" for i in range(12))
    assert order[0] != "doc11"  # the worker started while the opens were still coming


MANIFEST = """\
name: {name}
type: Backend Service
image:
  location: nginx
  port: {port}
sidecars:
  proxy:
    image: envoy
    depends_on:
      {dependency}: start
"""


def test_a_bulk_open_is_checked_in_two_processes_with_the_same_findings() -> None:
    # Twelve documents opened at once: the worker thread takes the last, the helper process the first.
    texts = {
        f"file:///w/copilot/svc{i}/manifest.yml": MANIFEST.format(
            name=f"svc{i}", port=80 + i, dependency="ghost" if i % 3 == 0 else "svc" + str(i)
        )
        for i in range(12)
    }

    async def burst() -> tuple[dict[str, list[str]], int]:
        cross_file: Any = None
        queue = diagnostics.Diagnostics(_Documents(), DocumentCaches(), lambda params: None, cross_file)
        try:
            asked = {
                uri: asyncio.ensure_future(
                    queue.checked(Snapshot(uri, 1, text, Settings(), True), opened=True)
                )
                for uri, text in texts.items()
            }
            results = {uri: await asyncio.wait_for(future, 60) for uri, future in asked.items()}
        finally:
            queue.helper.stop()
            queue.executor.shutdown(wait=True)
        # The helper's answers come without their trees (parsed here only when read, as below).
        assert sum(r.parsed_analysis is None for r in results.values()) == queue.helper.checked
        found = {uri: [f"{f.code}:{f.message}" for f in r.analysis.findings] for uri, r in results.items()}
        assert all(r.served for r in results.values())
        return found, (queue.helper.started, queue.helper.checked, queue.helper.failed)

    found, (started, by_helper, failed) = asyncio.run(burst())
    assert (started, failed) == (1, False)
    assert 1 <= by_helper < len(texts)  # both processes checked some
    expected = {
        uri: [f"{f.code}:{f.message}" for f in analyze_document(parse(text)).findings]
        for uri, text in texts.items()
    }
    assert found == expected
    assert any("ghost" in message for message in found["file:///w/copilot/svc0/manifest.yml"])


def test_the_helper_starts_for_a_burst_and_then_takes_checks_until_the_queue_is_empty() -> None:
    helper = Helper()
    try:
        assert not helper.wanted(BULK_QUEUE - 1)  # a few documents: the worker thread alone
        assert helper.wanted(BULK_QUEUE)
        assert helper.submit(MANIFEST.format(name="api", port=80, dependency="api"), Options()) is not None
        # Started: it goes on below the burst's size, but never holds the last check the worker could take.
        assert helper.wanted(2)
        assert not helper.wanted(1)
    finally:
        helper.stop()
