"""completionItem/resolve over stdio: the list is labels and edits, the documentation comes on resolve."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import pytest_lsp
from e2e_helpers import CONFIG, TIMEOUT, RecordingClient, completion_labels, open_doc
from lsprotocol import types
from pytest_lsp import client_capabilities

from manifest_sets import LBWS_BUILT

pytestmark = pytest.mark.asyncio(loop_scope="module")

MANIFEST = (
    LBWS_BUILT
    + """\
storage:
  volumes:
    data:
      path: /data
sidecars:
  nginx:
    image: nginx
    port: 80
{blank}
    mount_points:
      - source_volume: data
        path: /etc/data
""".format(blank="    ")  # a blank line inside the nginx sidecar, where its keys are typed
)
LINES = MANIFEST.split("\n")


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def session(lsp_client: RecordingClient):  # type: ignore[no-untyped-def]
    result = await lsp_client.initialize_session(
        types.InitializeParams(capabilities=client_capabilities("visual-studio-code"))
    )
    lsp_client.encoding = "utf-16"
    provider = result.capabilities.completion_provider
    assert provider is not None and provider.resolve_provider is True
    yield
    await lsp_client.shutdown_session()


async def resolve(client: RecordingClient, item: types.CompletionItem) -> types.CompletionItem:
    return await asyncio.wait_for(client.completion_item_resolve_async(item), TIMEOUT)


async def test_completion_list_has_no_documentation_and_resolve_brings_it(
    session: RecordingClient, tmp_path: Any
) -> None:
    uri = (tmp_path / "copilot" / "api" / "manifest.yml").as_uri()
    await open_doc(session, uri, MANIFEST)
    line = LINES.index("    port: 80") + 1  # the blank line inside the nginx sidecar
    items = await completion_labels(session, uri, line, 4)
    assert items and all(i.documentation is None for i in items)
    essential = next(i for i in items if i.label == "essential")
    assert isinstance(essential.text_edit, types.TextEdit)
    assert essential.text_edit.new_text.startswith("essential:")
    resolved = await resolve(session, essential)
    assert isinstance(resolved.documentation, types.MarkupContent)
    assert resolved.documentation.kind == types.MarkupKind.Markdown
    assert resolved.documentation.value.startswith("**`sidecars.nginx.essential`**")
    assert (resolved.label, resolved.text_edit) == (essential.label, essential.text_edit)


@pytest.mark.parametrize("line_break", ["\r\n", "\r"], ids=["CRLF", "CR"])
async def test_completion_list_is_the_same_whatever_the_line_breaks(
    session: RecordingClient, tmp_path: Any, line_break: str
) -> None:
    """The client's lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r``: the same cursor, the same list."""
    line = LINES.index("    port: 80") + 1  # the blank line inside the nginx sidecar
    with_newlines = (tmp_path / "copilot" / "lf" / "manifest.yml").as_uri()
    rewritten = (tmp_path / "copilot" / "other" / "manifest.yml").as_uri()
    await open_doc(session, with_newlines, MANIFEST)
    await open_doc(session, rewritten, MANIFEST.replace("\n", line_break))
    expected = [(i.label, i.text_edit) for i in await completion_labels(session, with_newlines, line, 4)]
    assert "essential" in [label for label, _edit in expected]
    got = [(i.label, i.text_edit) for i in await completion_labels(session, rewritten, line, 4)]
    assert got == expected


async def test_resolve_describes_a_reference(session: RecordingClient, tmp_path: Any) -> None:
    uri = (tmp_path / "copilot" / "ref" / "manifest.yml").as_uri()
    await open_doc(session, uri, MANIFEST)
    line = LINES.index("      - source_volume: data")
    (data,) = await completion_labels(session, uri, line, len(LINES[line]))
    assert data.documentation is None
    resolved = await resolve(session, data)
    assert isinstance(resolved.documentation, types.MarkupContent)
    assert resolved.documentation.value == "volume `data` at `/data`"


async def test_resolve_of_an_item_it_did_not_make_returns_it_unchanged(session: RecordingClient) -> None:
    item = types.CompletionItem(label="anything", data={"uri": "file:///nowhere.yml", "doc": "field"})
    resolved = await resolve(session, item)
    assert resolved.label == "anything" and resolved.documentation is None
