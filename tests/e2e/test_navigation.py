"""Definition, references, highlights and rename over the wire, against the real server."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from e2e_helpers import CONFIG, TIMEOUT, RecordingClient, open_doc, start
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")

URI = "file:///work/copilot/api/manifest.yml"
MANIFEST = """name: api
type: Load Balanced Web Service
image:
  location: app
  port: 80
http:
  path: /
  target_container: nginx
sidecars:
  nginx:  # the proxy
    image: nginx
    port: 8080
    mount_points:
      - source_volume: data
        path: /d
storage:
  volumes:
    data:
      path: /data
environments:
  prod:
    sidecars:
      nginx:
        port: 8081
"""


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: RecordingClient):  # type: ignore[no-untyped-def]
    await start(lsp_client, "visual-studio-code")
    await open_doc(lsp_client, URI, MANIFEST)
    yield
    await lsp_client.shutdown_session()


def doc() -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=URI)


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


def lines_of(ranges: list[types.Location] | list[types.DocumentHighlight] | None) -> list[tuple[int, int]]:
    return sorted((item.range.start.line, item.range.start.character) for item in ranges or [])


async def test_definition_of_target_container(client: RecordingClient) -> None:
    result = await asyncio.wait_for(
        client.text_document_definition_async(
            types.DefinitionParams(text_document=doc(), position=pos(7, 21))
        ),
        TIMEOUT,
    )
    assert isinstance(result, list)
    assert lines_of(result) == [(9, 2), (22, 6)]  # the base sidecar, then the prod override


async def test_definition_of_source_volume(client: RecordingClient) -> None:
    result = await asyncio.wait_for(
        client.text_document_definition_async(
            types.DefinitionParams(text_document=doc(), position=pos(13, 24))
        ),
        TIMEOUT,
    )
    assert isinstance(result, list)
    assert [(loc.range.start.line, loc.range.start.character, loc.range.end.character) for loc in result] == [
        (17, 4, 8)
    ]


async def test_references_and_highlights_of_a_sidecar(client: RecordingClient) -> None:
    refs = await asyncio.wait_for(
        client.text_document_references_async(
            types.ReferenceParams(
                text_document=doc(),
                position=pos(9, 3),
                context=types.ReferenceContext(include_declaration=True),
            )
        ),
        TIMEOUT,
    )
    assert lines_of(refs) == [(7, 20), (9, 2), (22, 6)]
    marks = await asyncio.wait_for(
        client.text_document_document_highlight_async(
            types.DocumentHighlightParams(text_document=doc(), position=pos(7, 22))
        ),
        TIMEOUT,
    )
    assert marks is not None
    kinds = {(m.range.start.line, m.kind) for m in marks}
    assert kinds == {
        (7, types.DocumentHighlightKind.Read),
        (9, types.DocumentHighlightKind.Write),
        (22, types.DocumentHighlightKind.Write),
    }


async def test_prepare_rename_refuses_the_service_name(client: RecordingClient) -> None:
    refused = await asyncio.wait_for(
        client.text_document_prepare_rename_async(
            types.PrepareRenameParams(text_document=doc(), position=pos(0, 7))
        ),
        TIMEOUT,
    )
    assert refused is None
    accepted = await asyncio.wait_for(
        client.text_document_prepare_rename_async(
            types.PrepareRenameParams(text_document=doc(), position=pos(9, 4))
        ),
        TIMEOUT,
    )
    assert isinstance(accepted, types.PrepareRenamePlaceholder)
    assert accepted.placeholder == "nginx"
    assert (accepted.range.start.character, accepted.range.end.character) == (2, 7)


async def test_rename_a_sidecar_everywhere(client: RecordingClient) -> None:
    result = await asyncio.wait_for(
        client.text_document_rename_async(
            types.RenameParams(text_document=doc(), position=pos(9, 4), new_name="proxy")
        ),
        TIMEOUT,
    )
    assert result is not None and result.changes is not None
    edits = result.changes[URI]
    assert sorted((e.range.start.line, e.range.start.character, e.new_text) for e in edits) == [
        (7, 20, "proxy"),
        (9, 2, "proxy"),
        (22, 6, "proxy"),
    ]
