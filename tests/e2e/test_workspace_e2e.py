"""The workspace over the wire: one file's change re-publishes another's diagnostics; code lens and renderings."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from e2e_helpers import CONFIG, TIMEOUT, RecordingClient, change, full, next_publish, open_doc, start
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from workspace_support import PUBLISHER, environments, service, subscriber, write_workspace  # noqa: E402

API_PRD = service("api", "environments:\n  prd:\n    count: 2\n")
WORKER = subscriber()
LENSES = service(
    "api",
    """
    variables:
      STAGE: ${COPILOT_ENVIRONMENT_NAME}
    environments:
      prod:
        count: 3
        variables:
          STAGE: production
          EXTRA: "1"
      test:
        cpu: 512
    """,
)


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: RecordingClient):  # type: ignore[no-untyped-def]
    """One session for the module: each test has a workspace of its own (under ``tmp_path``)."""
    await start(lsp_client, "visual-studio-code")
    yield
    await lsp_client.shutdown_session()


async def publish_after(
    client: RecordingClient, uri: str, send: Callable[[], None]
) -> types.PublishDiagnosticsParams:
    """Do ``send()`` and return the first publish for ``uri`` after it, from the recorded publishes.

    (Waiting for one notification after another can miss a publish that arrives right after
    another document's: here the other document's publish and this one come together.)
    """
    mark = len(client.publishes)
    send()
    deadline = asyncio.get_running_loop().time() + TIMEOUT
    while asyncio.get_running_loop().time() < deadline:
        for params in client.publishes[mark:]:
            if params.uri == uri:
                return params
        await asyncio.sleep(0.02)
    raise AssertionError(f"no diagnostics published for {uri} within {TIMEOUT}s")


def codes(params: types.PublishDiagnosticsParams) -> list[str]:
    return sorted(str(d.code) for d in params.diagnostics)


def uri_of(path: Path) -> str:
    return path.as_uri()


async def test_renaming_an_environment_folder_changes_a_service_s_diagnostics(
    client: RecordingClient, tmp_path: Path
) -> None:
    root = write_workspace(tmp_path, {**environments("prod"), "api/manifest.yml": API_PRD})
    api = uri_of(root / "api" / "manifest.yml")
    first = await open_doc(client, api, API_PRD)
    assert "X-unknown-environment" in codes(first)
    await asyncio.sleep(0.1)
    assert any(r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES for r in client.registrations)
    old, new = root / "environments" / "prod", root / "environments" / "prd"
    old.rename(new)
    (new / "manifest.yml").write_text("name: prd\ntype: Environment\n")
    events = [
        types.FileEvent(uri=uri_of(old / "manifest.yml"), type=types.FileChangeType.Deleted),
        types.FileEvent(uri=uri_of(new / "manifest.yml"), type=types.FileChangeType.Created),
    ]
    after = await next_publish(
        client,
        api,
        lambda: client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=events)),
    )
    assert "X-unknown-environment" not in codes(after)


async def test_an_unsaved_edit_of_one_manifest_changes_another_s_diagnostics(
    client: RecordingClient, tmp_path: Path
) -> None:
    root = write_workspace(tmp_path, {"api/manifest.yml": PUBLISHER, "orders-worker/manifest.yml": WORKER})
    api, worker = uri_of(root / "api" / "manifest.yml"), uri_of(root / "orders-worker" / "manifest.yml")
    assert "X-unknown-topic" not in codes(await open_doc(client, worker, WORKER))
    await open_doc(client, api, PUBLISHER)
    renamed = PUBLISHER.replace("name: orders", "name: payments")
    after = await publish_after(client, worker, lambda: change(client, api, 2, full(renamed)))
    [diagnostic] = [d for d in after.diagnostics if d.code == "X-unknown-topic"]
    assert diagnostic.message.startswith(
        "service 'api' publishes no topic 'orders' (its publish.topics: payments)"
    )
    assert diagnostic.range.start.line == WORKER.split("\n").index("    - name: orders")
    back = await publish_after(client, worker, lambda: change(client, api, 3, full(PUBLISHER)))
    assert "X-unknown-topic" not in codes(back)


async def test_closing_an_edited_manifest_brings_back_the_disk_s_text(
    client: RecordingClient, tmp_path: Path
) -> None:
    root = write_workspace(tmp_path, {"api/manifest.yml": PUBLISHER, "orders-worker/manifest.yml": WORKER})
    api, worker = uri_of(root / "api" / "manifest.yml"), uri_of(root / "orders-worker" / "manifest.yml")
    await open_doc(client, worker, WORKER)
    await open_doc(client, api, PUBLISHER)
    renamed = PUBLISHER.replace("name: orders", "name: payments")
    edited = await publish_after(client, worker, lambda: change(client, api, 2, full(renamed)))
    assert "X-unknown-topic" in codes(edited)
    close = types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=api))
    closed = await publish_after(client, worker, lambda: client.text_document_did_close(close))
    assert "X-unknown-topic" not in codes(closed)  # the unsaved rename was dropped with the editor


async def test_editing_an_override_key_fixes_it_and_offers_the_rename(
    client: RecordingClient, tmp_path: Path
) -> None:
    root = write_workspace(tmp_path, {**environments("prod"), "api/manifest.yml": API_PRD})
    api = uri_of(root / "api" / "manifest.yml")
    first = await open_doc(client, api, API_PRD)
    [diagnostic] = [d for d in first.diagnostics if d.code == "X-unknown-environment"]
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=api),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
    )
    titles = [a.title for a in actions or [] if isinstance(a, types.CodeAction)]
    assert "Change the environment to 'prod'" in titles
    fixed = await next_publish(
        client, api, lambda: change(client, api, 2, full(API_PRD.replace("prd:", "prod:")))
    )
    assert "X-unknown-environment" not in codes(fixed)


async def test_code_lens_command_rendering_and_definition(client: RecordingClient, tmp_path: Path) -> None:
    root = write_workspace(tmp_path, {**environments("prod", "test"), "api/manifest.yml": LENSES}, app="shop")
    api = uri_of(root / "api" / "manifest.yml")
    await open_doc(client, api, LENSES)
    lenses = await client.text_document_code_lens_async(
        types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=api))
    )
    assert lenses is not None
    titles = [(lens.range.start.line, lens.command.title) for lens in lenses if lens.command]
    lines = LENSES.split("\n")
    assert titles == [
        (lines.index("  prod:"), "prod · 3 overrides · show merged"),
        (lines.index("  test:"), "test · 1 override · show merged"),
    ]
    command = lenses[0].command
    assert command is not None
    result: Any = await asyncio.wait_for(
        client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command.command, arguments=command.arguments)
        ),
        TIMEOUT,
    )
    assert result["uri"].startswith("sidecar-lsp-merged:") and result["uri"].endswith("?env=prod")
    assert [shown.uri for shown in client.shown_documents] == [
        result["uri"]
    ]  # the client is asked to show it
    text: str = result["text"]
    assert "  STAGE: production  # environments.prod, line " in text and '  EXTRA: "1"' in text
    assert "application 'shop'" in text.split("\n")[0]
    served: Any = await asyncio.wait_for(
        client.protocol.send_request_async("sidecarLsp/merged", {"uri": result["uri"]}), TIMEOUT
    )
    served_text = served["text"] if isinstance(served, dict) else served.text
    assert served_text == text
    rendered_line = next(i for i, line in enumerate(text.split("\n")) if line.startswith("count:"))
    locations = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=result["uri"]),
            position=types.Position(line=rendered_line, character=3),
        )
    )
    assert isinstance(locations, list) and len(locations) == 1
    assert locations[0].uri == api and locations[0].range.start.line == lines.index("    count: 3")


async def test_hover_on_sidecars_lists_every_environment_of_the_workspace(
    client: RecordingClient, tmp_path: Path
) -> None:
    text = service("api", "sidecars:\n  proxy:\n    image: envoy\n")
    root = write_workspace(tmp_path, {**environments("prod", "staging"), "api/manifest.yml": text})
    api = uri_of(root / "api" / "manifest.yml")
    await open_doc(client, api, text)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=api),
            position=types.Position(line=text.split("\n").index("sidecars:"), character=2),
        )
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert "*In environment `prod` (no override: the base):*" in hover.contents.value
    assert "*In environment `staging` (no override: the base):*" in hover.contents.value
