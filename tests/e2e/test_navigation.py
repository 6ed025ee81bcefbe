"""Definition, references, highlights and rename over the wire, against the real server.

The manifest is the one the core's navigation tests read (``manifest_sets.SIDECAR_SERVICE``), so the
server is checked to answer what the core computes; positions are found by their text, not counted.
"""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from e2e_helpers import CONFIG, TIMEOUT, RecordingClient, open_doc, start
from lsprotocol import types

from manifest_sets import SIDECAR_SERVICE, position_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

URI = "file:///work/copilot/api/manifest.yml"
MANIFEST = SIDECAR_SERVICE


def at(needle: str, occurrence: int = 1, inside: int = 0) -> types.Position:
    """The position ``inside`` characters into the ``occurrence``-th ``needle`` (the text is ASCII)."""
    line, col = position_of(MANIFEST, needle, occurrence)
    return types.Position(line=line, character=col + inside)


# Where the sidecar's name is written: the main container's depends_on key (1), http.target_container
# (2), the sidecar's key (3), the prod rule's target_container (5) and the prod override's key (6);
# the 4th ``nginx`` is the image, which is no reference.
NGINX_REFERENCES = (1, 2, 5)
NGINX_DEFINITIONS = (3, 6)


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: RecordingClient):  # type: ignore[no-untyped-def]
    await start(lsp_client, "visual-studio-code")
    await open_doc(lsp_client, URI, MANIFEST)
    yield
    await lsp_client.shutdown_session()


def doc() -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=URI)


def starts(ranges: list[types.Location] | list[types.DocumentHighlight] | None) -> list[types.Position]:
    return sorted((item.range.start for item in ranges or []), key=lambda p: (p.line, p.character))


def nginx_at(*occurrences: int) -> list[types.Position]:
    return [at("nginx", n) for n in occurrences]


async def test_definition_of_target_container(client: RecordingClient) -> None:
    result = await asyncio.wait_for(
        client.text_document_definition_async(
            types.DefinitionParams(text_document=doc(), position=at("nginx", 2, inside=1))
        ),
        TIMEOUT,
    )
    assert isinstance(result, list)
    assert starts(result) == nginx_at(*NGINX_DEFINITIONS)  # the base sidecar, then the prod override


async def test_definition_of_source_volume(client: RecordingClient) -> None:
    result = await asyncio.wait_for(
        client.text_document_definition_async(
            types.DefinitionParams(text_document=doc(), position=at('"data"', inside=2))
        ),
        TIMEOUT,
    )
    assert isinstance(result, list)
    volume = at("data", 2)  # the key under storage.volumes
    assert [(loc.range.start, loc.range.end.character) for loc in result] == [(volume, volume.character + 4)]


async def test_references_and_highlights_of_a_sidecar(client: RecordingClient) -> None:
    refs = await asyncio.wait_for(
        client.text_document_references_async(
            types.ReferenceParams(
                text_document=doc(),
                position=at("nginx", 3, inside=1),
                context=types.ReferenceContext(include_declaration=True),
            )
        ),
        TIMEOUT,
    )
    assert starts(refs) == nginx_at(*sorted(NGINX_REFERENCES + NGINX_DEFINITIONS))
    marks = await asyncio.wait_for(
        client.text_document_document_highlight_async(
            types.DocumentHighlightParams(text_document=doc(), position=at("nginx", 2, inside=2))
        ),
        TIMEOUT,
    )
    assert marks is not None
    kinds = {(m.range.start.line, m.range.start.character, m.kind) for m in marks}
    read, write = types.DocumentHighlightKind.Read, types.DocumentHighlightKind.Write
    assert kinds == {(p.line, p.character, read) for p in nginx_at(*NGINX_REFERENCES)} | {
        (p.line, p.character, write) for p in nginx_at(*NGINX_DEFINITIONS)
    }


async def test_prepare_rename_refuses_the_service_name(client: RecordingClient) -> None:
    refused = await asyncio.wait_for(
        client.text_document_prepare_rename_async(
            types.PrepareRenameParams(text_document=doc(), position=at("api", inside=1))
        ),
        TIMEOUT,
    )
    assert refused is None
    accepted = await asyncio.wait_for(
        client.text_document_prepare_rename_async(
            types.PrepareRenameParams(text_document=doc(), position=at("nginx", 3, inside=2))
        ),
        TIMEOUT,
    )
    assert isinstance(accepted, types.PrepareRenamePlaceholder)
    assert accepted.placeholder == "nginx"
    key = at("nginx", 3)
    assert (accepted.range.start, accepted.range.end.character) == (key, key.character + 5)


async def test_rename_a_sidecar_everywhere(client: RecordingClient) -> None:
    result = await asyncio.wait_for(
        client.text_document_rename_async(
            types.RenameParams(text_document=doc(), position=at("nginx", 3, inside=2), new_name="proxy")
        ),
        TIMEOUT,
    )
    assert result is not None and result.changes is not None
    edits = result.changes[URI]
    assert sorted((e.range.start.line, e.range.start.character, e.new_text) for e in edits) == [
        (p.line, p.character, "proxy") for p in nginx_at(*sorted(NGINX_REFERENCES + NGINX_DEFINITIONS))
    ]
    assert all(e.range.end.character - e.range.start.character == len("nginx") for e in edits)
