"""Completion, hover and outline over the wire, with Neovim's and VS Code's capabilities."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
import pytest_lsp
from e2e_helpers import (
    CLIENTS,
    CONFIG,
    RecordingClient,
    change,
    completion_labels,
    edit,
    hover_at,
    next_publish,
    open_doc,
    start,
)
from lsprotocol import types

from manifest_sets import LBWS_BUILT

pytestmark = pytest.mark.asyncio(loop_scope="module")

MANIFEST = (
    LBWS_BUILT
    + """\
http:
  path: /
  target_container: nginx
storage:
  volumes:
    data:
      path: /data
      efs: true
sidecars:
  nginx:
    image: public.ecr.aws/nginx/nginx:1
    port: 80
    mount_points:
      - source_volume: data
        path: /etc/data
    depends_on:
      🚀proxy: st
  🚀proxy:
    image: envoy
    port: 9901
environments:
  prod:
    count: 2
"""
)
LINES = MANIFEST.split("\n")
_counter = itertools.count()


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS, scope="module")
async def session(lsp_client: RecordingClient, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    await start(lsp_client, request.param)
    yield
    await lsp_client.shutdown_session()


async def fresh(client: RecordingClient, tmp_path: Any, text: str = MANIFEST) -> str:
    uri = (tmp_path / "copilot" / f"svc{next(_counter)}" / "manifest.yml").as_uri()
    await open_doc(client, uri, text)
    return uri


def snippets_supported(client: RecordingClient) -> bool:
    caps = client.capabilities
    item = (
        caps
        and caps.text_document
        and caps.text_document.completion
        and caps.text_document.completion.completion_item
    )
    return bool(item and item.snippet_support)


async def test_completion_of_a_bare_word_in_a_sidecar(session: RecordingClient, tmp_path: Any) -> None:
    uri = await fresh(session, tmp_path)
    # type "he" on a new line inside the nginx sidecar
    line = LINES.index("    port: 80") + 1
    await next_publish(session, uri, lambda: change(session, uri, 2, edit(line, 0, line, 0, "    he\n")))
    items = await completion_labels(session, uri, line, 6)
    health = next(i for i in items if i.label == "healthcheck")
    assert isinstance(health.text_edit, types.TextEdit)
    assert health.text_edit.range == types.Range(
        start=types.Position(line=line, character=4), end=types.Position(line=line, character=6)
    )
    assert health.text_edit.new_text.startswith("healthcheck:")
    if snippets_supported(session):
        assert health.insert_text_format == types.InsertTextFormat.Snippet
        assert "\n      command:" in health.text_edit.new_text
    else:  # a client without snippets gets plain text: no tab stops to type over
        assert health.insert_text_format != types.InsertTextFormat.Snippet
        assert "$" not in health.text_edit.new_text
    assert health.documentation is None  # it comes through completionItem/resolve
    resolved = await session.completion_item_resolve_async(health)
    assert isinstance(resolved.documentation, types.MarkupContent) and resolved.documentation.value
    assert "image" not in [i.label for i in items]  # already there


async def test_completion_with_broken_yaml_below(session: RecordingClient, tmp_path: Any) -> None:
    text = MANIFEST.replace("    port: 80\n", "    port: 80\n    mo\n") + "oops: [\n  : :\n"
    uri = await fresh(session, tmp_path, text)
    line = text.split("\n").index("    mo")
    labels = [i.label for i in await completion_labels(session, uri, line, 6)]
    assert "mount_points" not in labels  # already present below
    assert "healthcheck" in labels


async def test_completion_of_values_and_names(session: RecordingClient, tmp_path: Any) -> None:
    uri = await fresh(session, tmp_path)
    # empty value of target_container: every container
    line = LINES.index("  target_container: nginx")
    await next_publish(session, uri, lambda: change(session, uri, 2, edit(line, 20, line, 25, "")))
    labels = [i.label for i in await completion_labels(session, uri, line, 20)]
    assert sorted(labels) == sorted(["api", "nginx", "🚀proxy"])
    # source_volume: the volumes
    line = LINES.index("      - source_volume: data")
    labels = [i.label for i in await completion_labels(session, uri, line, len(LINES[line]))]
    assert labels == ["data"]


async def test_completion_after_dash_and_in_overrides(session: RecordingClient, tmp_path: Any) -> None:
    text = MANIFEST.replace("        path: /etc/data\n", "        path: /etc/data\n      - \n").replace(
        "    count: 2\n", "    count: 2\n    \n"
    )
    uri = await fresh(session, tmp_path, text)
    lines = text.split("\n")
    dash = lines.index("      - ")
    labels = [i.label for i in await completion_labels(session, uri, dash, 8)]
    assert sorted(labels) == ["path", "read_only", "source_volume"]
    empty = len(lines) - 2
    labels = [i.label for i in await completion_labels(session, uri, empty, 4)]
    assert "sidecars" in labels and "http" in labels and "count" not in labels and "name" not in labels


async def test_completion_after_an_emoji_uses_client_units(session: RecordingClient, tmp_path: Any) -> None:
    uri = await fresh(session, tmp_path)
    line = LINES.index("      🚀proxy: st")
    text = LINES[line]
    items = await completion_labels(session, uri, line, session.units(text))
    assert sorted(i.label for i in items) == ["complete", "healthy", "start", "success"]
    start = next(i for i in items if i.label == "start")
    assert isinstance(start.text_edit, types.TextEdit)
    value_col = session.units(text[: text.index("st")])
    assert start.text_edit.range.start == types.Position(line=line, character=value_col)
    assert start.text_edit.range.end == types.Position(line=line, character=session.units(text))


async def test_depends_on_keys_exclude_self_and_listed(session: RecordingClient, tmp_path: Any) -> None:
    text = MANIFEST.replace("      🚀proxy: st\n", "      🚀proxy: start\n      \n")
    uri = await fresh(session, tmp_path, text)
    line = text.split("\n").index("      🚀proxy: start") + 1
    labels = [i.label for i in await completion_labels(session, uri, line, 6)]
    assert labels == ["api"]


async def test_hover_on_key_value_and_reference(session: RecordingClient, tmp_path: Any) -> None:
    uri = await fresh(session, tmp_path)
    line = LINES.index("    port: 80")
    result = await hover_at(session, uri, line, 5)
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert result.contents.kind == types.MarkupKind.Markdown
    assert "sidecars.nginx.port" in result.contents.value
    assert "Port of the container to expose" in result.contents.value
    assert result.range == types.Range(
        start=types.Position(line=line, character=4), end=types.Position(line=line, character=8)
    )
    line = LINES.index("      - source_volume: data")
    result = await hover_at(session, uri, line, 25)
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert "volume `data`" in result.contents.value and "/data" in result.contents.value
    line = LINES.index("  target_container: nginx")
    result = await hover_at(session, uri, line, 22)
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    assert "public.ecr.aws/nginx/nginx:1" in result.contents.value and "`80`" in result.contents.value


async def test_hover_after_an_emoji_uses_client_units(session: RecordingClient, tmp_path: Any) -> None:
    uri = await fresh(session, tmp_path)
    line = LINES.index("      🚀proxy: st")
    text = LINES[line]
    # on the value "st" (an unknown status): nothing; on the key: the container it points to
    key = await hover_at(session, uri, line, session.units(text[: text.index("proxy")]))
    assert key is not None and isinstance(key.contents, types.MarkupContent)
    assert "sidecar `🚀proxy`" in key.contents.value and "envoy" in key.contents.value
    assert key.range == types.Range(
        start=types.Position(line=line, character=6),
        end=types.Position(line=line, character=6 + session.units("🚀proxy")),
    )
    line = LINES.index("  🚀proxy:") + 2
    port = await hover_at(session, uri, line, 5)
    assert port is not None and isinstance(port.contents, types.MarkupContent)
    assert "sidecars.🚀proxy.port" in port.contents.value


async def test_document_symbols(session: RecordingClient, tmp_path: Any) -> None:
    uri = await fresh(session, tmp_path)
    result = await session.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert result is not None
    (service,) = result
    assert isinstance(service, types.DocumentSymbol)
    assert service.name == "api"
    names = {c.name: c for c in service.children or []}
    assert set(names) >= {"sidecars", "volumes", "environments"}
    sidecars = [c.name for c in names["sidecars"].children or []]
    assert sidecars == ["nginx", "🚀proxy"]
    proxy = (names["sidecars"].children or [])[1]
    line = LINES.index("  🚀proxy:")
    assert proxy.selection_range == types.Range(
        start=types.Position(line=line, character=2),
        end=types.Position(line=line, character=2 + session.units("🚀proxy")),
    )
    assert [c.name for c in names["volumes"].children or []] == ["data"]
    assert [c.name for c in names["environments"].children or []] == ["prod"]


async def test_unopened_documents_and_positions_out_of_range(session: RecordingClient, tmp_path: Any) -> None:
    ghost = (tmp_path / "copilot" / "ghost" / "manifest.yml").as_uri()
    assert await completion_labels(session, ghost, 0, 0) == []
    assert await hover_at(session, ghost, 0, 0) is None
    uri = await fresh(session, tmp_path)
    for line, col in [(10_000, 0), (0, 10_000), (len(LINES) + 3, 99)]:
        await completion_labels(session, uri, line, col)  # answered: an error reply would raise
        hover = await hover_at(session, uri, line, col)
        # past the last line: nothing; past a line's end: that line's end, as the LSP specification says
        assert (hover is None) == (line >= len(LINES)), (line, col, hover)
    # still serving: the hover on the first key is that key's
    first = await hover_at(session, uri, 0, 1)
    assert first is not None and isinstance(first.contents, types.MarkupContent)
    assert first.contents.value.startswith("**`name`**")
