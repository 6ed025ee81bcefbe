"""Many documents opened at once: every one publishes, once, with its own findings, and a change made
meanwhile publishes its new version. Which check runs next is tested where it is deterministic
(tests/unit/test_check_queue.py: the check asked for last); over stdio the backlog depends on how fast
the messages arrive, and benchmarks/bench_bulk_open.py measures the focused document's first publish."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from e2e_helpers import TIMEOUT, RecordingClient, change, full, manifest_uri
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")

DOCUMENTS = 16
SIDECAR = """  sidecar{i}:
    image: public.ecr.aws/nginx/nginx:{i}
    port: {port}
    variables:
      LOG_LEVEL: info
    healthcheck:
      command: ["CMD-SHELL", "curl -f http://localhost:{port}/ || exit 1"]
      interval: 10s
"""


def large_manifest(name: str, sidecars: int = 60) -> str:
    """A Backend Service of several hundred lines, one unknown key at its end (so it has a diagnostic)."""
    body = "".join(SIDECAR.format(i=i, port=9000 + i) for i in range(sidecars))
    return f"name: {name}\ntype: Backend Service\nimage:\n  location: nginx\n  port: 8080\nsidecars:\n{body}bogus: 1\n"


def open_without_waiting(client: RecordingClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=version, text=text)
        )
    )


async def published(
    client: RecordingClient, uris: set[str], since: int, also: tuple[str, int] | None = None
) -> list[str]:
    """The URIs of ``uris`` in the order of their publishes after ``client.publishes[since]``, once all
    came (and the publish ``also``, a ``(uri, version)``, too)."""

    async def all_in() -> list[str]:
        while True:
            fresh = client.publishes[since:]
            order = [p.uri for p in fresh if p.uri in uris]
            if set(order) >= uris and (also is None or any((p.uri, p.version) == also for p in fresh)):
                return order
            await asyncio.sleep(0.05)

    return await asyncio.wait_for(all_in(), TIMEOUT * 6)


async def test_every_document_of_a_bulk_open_publishes_once_with_its_findings(
    client: RecordingClient, tmp_path: Any
) -> None:
    uris = [manifest_uri(tmp_path, f"svc{i:02d}") for i in range(DOCUMENTS)]
    since = len(client.publishes)
    for index, uri in enumerate(uris):
        open_without_waiting(client, uri, large_manifest(f"svc{index:02d}"))
    order = await published(client, set(uris), since)
    assert len(order) == DOCUMENTS  # each document published once, as it finished
    for uri in uris:
        last = next(p for p in reversed(client.publishes) if p.uri == uri)
        assert any("bogus" in d.message for d in last.diagnostics)


async def test_a_change_during_a_bulk_open_publishes_its_new_version_last(
    client: RecordingClient, tmp_path: Any
) -> None:
    uris = [manifest_uri(tmp_path, f"doc{i:02d}") for i in range(DOCUMENTS)]
    typed_in = uris[2]
    since = len(client.publishes)
    for index, uri in enumerate(uris):
        open_without_waiting(client, uri, large_manifest(f"doc{index:02d}"))
    change(client, typed_in, 2, full(large_manifest("doc02").replace("bogus: 1\n", "")))
    order = await published(client, set(uris), since, also=(typed_in, 2))
    typed = next(p for p in client.publishes[since:] if p.uri == typed_in and p.version == 2)
    after = client.publishes[client.publishes.index(typed) :]
    assert [p.version for p in after if p.uri == typed_in] == [2]  # version 1 is never published over it
    assert not [d for d in typed.diagnostics if "bogus" in d.message]
    assert set(order) == set(uris)
