"""Inlay hints over the wire: each environment's value at the base, the base's at an override, and the
settings that turn each kind off."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from e2e_helpers import TIMEOUT, RecordingClient, manifest_uri, next_publish, open_doc
from lsprotocol import types

from manifest_sets import LBWS, position_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

MANIFEST = (
    LBWS.replace("  port: 80\n", "  port: 80\n  depends_on:\n    nginx: start\n")
    + """\
count: 2
sidecars:
  nginx:
    image: nginx:1
environments:
  prod:
    count: 4
  staging:
    count: 3
    sidecars:
      nginx:
        image: nginx:2
"""
)


async def hints_in(client: RecordingClient, uri: str, first: int, last: int) -> list[tuple[int, str]]:
    result = await asyncio.wait_for(
        client.text_document_inlay_hint_async(
            types.InlayHintParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(
                    start=types.Position(line=first, character=0), end=types.Position(line=last, character=0)
                ),
            )
        ),
        TIMEOUT,
    )
    return [(hint.position.line, str(hint.label)) for hint in result or []]


async def test_hints_at_the_base_and_at_each_override(client: RecordingClient, tmp_path: Any) -> None:
    uri = manifest_uri(tmp_path)
    await open_doc(client, uri, MANIFEST)
    last = MANIFEST.count("\n")
    found = await hints_in(client, uri, 0, last)
    line = {
        needle: position_of(MANIFEST, needle)[0]
        for needle in ("count: 2", "count: 4", "count: 3", "  nginx:\n")
    }
    assert (line["count: 2"], "prod: 4 · staging: 3") in found
    assert (line["count: 4"], "base: 2") in found
    assert (line["count: 3"], "base: 2") in found
    assert (line["  nginx:\n"], "essential: true (default)") in found
    # only the lines asked for
    assert await hints_in(client, uri, line["count: 4"], line["count: 4"]) == [(line["count: 4"], "base: 2")]


async def test_a_hint_is_placed_after_its_value_in_the_clients_units(
    client: RecordingClient, tmp_path: Any
) -> None:
    text = MANIFEST.replace("image: nginx:2", "image: nginx:🚀")
    uri = manifest_uri(tmp_path)
    await open_doc(client, uri, text)
    line, col = position_of(text, "image: nginx:1")
    result = await client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(
                start=types.Position(line=line, character=0), end=types.Position(line=line + 1, character=0)
            ),
        )
    )
    assert result is not None
    (hint,) = [h for h in result if h.position.line == line]
    assert hint.label == "staging: nginx:🚀"
    assert hint.position.character == col + len("image: nginx:1")
    assert hint.padding_left


async def test_settings_turn_each_kind_off(fresh_client: RecordingClient, tmp_path: Any) -> None:
    client = fresh_client
    refreshed: list[None] = []

    @client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
    def inlay_hint_refresh(params: None) -> None:
        refreshed.append(params)

    uri = manifest_uri(tmp_path)
    await open_doc(client, uri, MANIFEST)
    last = MANIFEST.count("\n")
    assert any(label.startswith("base:") for _, label in await hints_in(client, uri, 0, last))
    off = {"inlayHints": {"baseValues": False, "defaults": False}}
    client.set_configuration({"sidecarLsp": off})
    await next_publish(
        client,
        uri,
        lambda: client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"sidecarLsp": off})
        ),
    )
    labels = [label for _, label in await hints_in(client, uri, 0, last)]
    assert labels == ["prod: 4 · staging: 3", "staging: nginx:2"]
    caps = client.capabilities.workspace if client.capabilities else None
    if caps is not None and caps.inlay_hint is not None and caps.inlay_hint.refresh_support:
        assert refreshed  # the client was asked to request the hints again
