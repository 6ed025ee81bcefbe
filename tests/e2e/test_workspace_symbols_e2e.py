"""workspace/symbol over the wire: a sidecar, volume, topic or environment of any manifest of the
workspace, found by name from wherever the user is."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from e2e_helpers import TIMEOUT, RecordingClient, change, edit, open_doc
from lsprotocol import types

from manifest_sets import position_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from workspace_support import PUBLISHER, environments, service, write_workspace  # noqa: E402

WORKER = """\
name: worker
type: Worker Service
image:
  location: worker
sidecars:
  otel:
    image: public.ecr.aws/aws-observability/aws-otel-collector
storage:
  volumes: {"🚀": {path: /r}, scratch: {path: /s}}
environments:
  prod:
    sidecars:
      otel-debug:
        image: busybox
"""
FRONT = service("front", "environments:\n  prod:\n    count: 2\n")


async def workspace_with(client: RecordingClient, tmp_path: Path) -> tuple[Path, str]:
    """The workspace written, and one manifest (not the worker's) opened so that it is read."""
    root = write_workspace(
        tmp_path,
        {
            **environments("test", "prod"),
            "api/manifest.yml": PUBLISHER,
            "worker/manifest.yml": WORKER,
            "front/manifest.yml": FRONT,
        },
    )
    front = root / "front" / "manifest.yml"
    await open_doc(client, front.as_uri(), front.read_text())
    return root, front.as_uri()


Found = types.WorkspaceSymbol | types.SymbolInformation
"""On the wire a workspace symbol with a whole location reads as either (the client's converter
picks SymbolInformation)."""


async def symbols(client: RecordingClient, query: str, root: Path) -> list[Found]:
    """The answer to ``query``, keeping the symbols of this test's workspace (the session holds others)."""
    result = await asyncio.wait_for(
        client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query)), TIMEOUT
    )
    assert result is not None
    return [
        s
        for s in result
        if isinstance(s.location, types.Location) and s.location.uri.startswith(root.as_uri())
    ]


def where(symbol: Found) -> tuple[str, int, int, int]:
    assert isinstance(symbol.location, types.Location)
    at = symbol.location.range
    return symbol.location.uri, at.start.line, at.start.character, at.end.character


async def test_a_sidecar_of_a_manifest_that_is_not_open_is_found_by_name(
    client: RecordingClient, tmp_path: Path
) -> None:
    root, _ = await workspace_with(client, tmp_path)
    found = await symbols(client, "otel", root)
    assert [(s.name, s.kind, s.container_name) for s in found] == [
        ("otel", types.SymbolKind.Class, "sidecar of worker"),
        ("otel-debug", types.SymbolKind.Class, "sidecar of worker (in prod)"),
    ]
    line, col = position_of(WORKER, "otel:")
    assert where(found[0]) == ((root / "worker" / "manifest.yml").as_uri(), line, col, col + 4)


async def test_a_kind_word_and_letters_in_order_narrow_the_answer(
    client: RecordingClient, tmp_path: Path
) -> None:
    root, front = await workspace_with(client, tmp_path)
    assert [s.name for s in await symbols(client, "sidecar otl", root)] == ["otel", "otel-debug"]
    prod = await symbols(client, "prod", root)
    assert [(s.name, s.container_name) for s in prod] == [
        ("prod", "environment"),
        ("prod", "prod override of front"),
        ("prod", "prod override of worker"),
    ]
    assert where(prod[0])[0] == (root / "environments" / "prod" / "manifest.yml").as_uri()
    assert where(prod[1])[0] == front
    topics = await symbols(client, "topic", root)  # one word: a name, not a kind
    assert topics == []
    assert [(s.name, s.kind) for s in await symbols(client, "topics ord", root)] == [
        ("orders", types.SymbolKind.Event)
    ]


async def test_every_kind_is_listed_for_an_empty_query(client: RecordingClient, tmp_path: Path) -> None:
    root, _ = await workspace_with(client, tmp_path)
    kinds = {
        s.container_name.split(" ")[0] if s.container_name else "" for s in await symbols(client, "", root)
    }
    assert {"environment", "sidecar", "volume", "topic", "prod", "Backend", "Worker"} <= kinds


async def test_columns_are_in_the_client_s_units(client: RecordingClient, tmp_path: Path) -> None:
    root, _ = await workspace_with(client, tmp_path)
    [scratch] = await symbols(client, "scratch", root)
    line, col = position_of(WORKER, "scratch")
    before = WORKER.splitlines()[line][:col]
    assert where(scratch)[1:] == (line, client.units(before), client.units(before) + len("scratch"))


async def test_an_open_document_counts_with_its_unsaved_text(client: RecordingClient, tmp_path: Path) -> None:
    root, front = await workspace_with(client, tmp_path)
    assert await symbols(client, "jaeger", root) == []
    addition = "sidecars:\n  jaeger:\n    image: jaegertracing/all-in-one\n"
    change(client, front, 2, edit(0, 0, 0, 0, addition))
    [jaeger] = await symbols(client, "jaeger", root)
    assert (jaeger.container_name, where(jaeger)) == ("sidecar of front", (front, 1, 2, 8))
