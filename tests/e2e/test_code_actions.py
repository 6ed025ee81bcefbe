"""Quick fixes over the wire: the code actions of the diagnostics under the cursor."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from e2e_helpers import CONFIG, TIMEOUT, RecordingClient, open_doc, start
from lsprotocol import types

from manifest_sets import LBWS

pytestmark = pytest.mark.asyncio(loop_scope="module")

URI = "file:///ws/copilot/web/manifest.yml"
MANIFEST = (
    LBWS.replace("name: api", "name: web")
    + """\
  targetContainer: web   # old spelling
sidecars:
  nginx:
    image: nginx
    credentails: arn
    mount_points:
      - source_volume: cache
        path: /c
"""
)


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: RecordingClient):  # type: ignore[no-untyped-def]
    await start(lsp_client, "visual-studio-code")
    published = await open_doc(lsp_client, URI, MANIFEST)
    lsp_client.published = published  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def actions_at(client: RecordingClient, line: int, character: int) -> list[types.CodeAction]:
    position = types.Position(line=line, character=character)
    diagnostics = [d for d in client.published.diagnostics if d.range.start.line == line]  # type: ignore[attr-defined]
    result = await asyncio.wait_for(
        client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=URI),
                range=types.Range(start=position, end=position),
                context=types.CodeActionContext(diagnostics=diagnostics),
            )
        ),
        TIMEOUT,
    )
    return [item for item in result or [] if isinstance(item, types.CodeAction)]


def only_edit(action: types.CodeAction) -> list[types.TextEdit]:
    """The edits of the fix, which VS Code (documentChanges support) gets for version 1 only."""
    assert action.edit is not None and action.edit.document_changes is not None
    assert action.edit.changes is None
    (change,) = action.edit.document_changes
    assert isinstance(change, types.TextDocumentEdit)
    assert (change.text_document.uri, change.text_document.version) == (URI, 1)
    return [edit for edit in change.edits if isinstance(edit, types.TextEdit)]


async def test_camel_case_target_container_is_renamed(client: RecordingClient) -> None:
    (action,) = await actions_at(client, 7, 4)
    assert action.title == "Rename to target_container"
    assert action.kind == types.CodeActionKind.QuickFix
    assert action.diagnostics and action.diagnostics[0].code == "X-target-container-camel"
    (edit,) = only_edit(action)
    assert (edit.range.start.line, edit.range.start.character, edit.range.end.character) == (7, 2, 17)
    assert edit.new_text == "target_container"


async def test_unknown_key_is_renamed_to_the_suggestion(client: RecordingClient) -> None:
    actions = await actions_at(client, 11, 6)
    assert [a.title for a in actions] == ["Rename to 'credentialsParameter'"]
    assert only_edit(actions[0])[0].new_text == "credentialsParameter"


async def test_missing_volume_gets_a_stub(client: RecordingClient) -> None:
    actions = await actions_at(client, 13, 24)
    assert [a.title for a in actions] == ["Add volume 'cache' to storage.volumes"]
    (edit,) = only_edit(actions[0])
    assert edit.new_text == "storage:\n  volumes:\n    cache:\n      path: /mnt/cache\n"
    assert (edit.range.start.line, edit.range.start.character) == (15, 0)


async def test_no_action_where_nothing_is_wrong(client: RecordingClient) -> None:
    assert await actions_at(client, 0, 2) == []
