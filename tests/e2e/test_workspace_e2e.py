"""The workspace over the wire: one file's change re-publishes another's diagnostics; code lens and renderings."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from e2e_helpers import (
    CONFIG,
    TIMEOUT,
    RecordingClient,
    change,
    full,
    hover_at,
    next_publish,
    open_doc,
    start,
)
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from workspace_support import PUBLISHER, environments, service, subscriber, write_workspace  # noqa: E402

from sidecar_lsp.lsp.handlers.workspace import merged_uri  # noqa: E402

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
    client: RecordingClient, uri: str, send: Callable[[], None], mark: int | None = None
) -> types.PublishDiagnosticsParams:
    """Do ``send()`` and return the first publish for ``uri`` after it (or after the ``mark``-th
    publish), from the recorded publishes.

    (Waiting for one notification after another can miss a publish that arrives right after
    another document's: here the other document's publish and this one come together.)
    """
    mark = len(client.publishes) if mark is None else mark
    send()
    deadline = asyncio.get_running_loop().time() + TIMEOUT
    while asyncio.get_running_loop().time() < deadline:
        for params in client.publishes[mark:]:
            if params.uri == uri:
                return params
        await asyncio.sleep(0.02)
    raise AssertionError(f"no diagnostics published for {uri} within {TIMEOUT}s")


@pytest_lsp.fixture(config=CONFIG, loop_scope="module")
async def configured_client(lsp_client: RecordingClient, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A session of the test's own, started with the settings (``sidecarLsp``) the test names."""
    await start(lsp_client, "visual-studio-code", init_options={"sidecarLsp": request.param})
    yield
    await lsp_client.shutdown_session()


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
        (lines.index("  prod:"), "task definition"),
        (lines.index("  test:"), "test · 1 override · show merged"),
        (lines.index("  test:"), "task definition"),
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


async def test_definition_in_a_merged_view_that_cannot_be_rendered_answers_null(
    client: RecordingClient, tmp_path: Path
) -> None:
    """A textDocument/* handler that raises answers null, the merged view's definition included:
    here reading the source raises (it is not UTF-8 on disk, and not open)."""
    root = write_workspace(tmp_path, {**environments("prod"), "api/manifest.yml": LENSES})
    source = root / "api" / "manifest.yml"
    source.write_bytes(source.read_bytes() + b"# caf\xe9 (Latin-1)\n")
    result = await asyncio.wait_for(
        client.text_document_definition_async(
            types.DefinitionParams(
                text_document=types.TextDocumentIdentifier(uri=merged_uri(uri_of(source), "prod")),
                position=types.Position(line=1, character=0),
            )
        ),
        TIMEOUT,
    )
    assert result is None


def received_since(client: RecordingClient, mark: tuple[int, int]) -> tuple[list[str], list[str]]:
    """The publishes (their URIs) and registrations (their methods) since ``mark`` (``mark_of``)."""
    return (
        [p.uri for p in client.publishes[mark[0] :]],
        [r.method for r in client.registrations[mark[1] :]],
    )


def mark_of(client: RecordingClient) -> tuple[int, int]:
    return len(client.publishes), len(client.registrations)


async def quick_fixes(client: RecordingClient, uri: str, line: int, character: int) -> list[str]:
    position = types.Position(line=line, character=character)
    actions = await asyncio.wait_for(
        client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                range=types.Range(start=position, end=position),
                context=types.CodeActionContext(diagnostics=[]),
            )
        ),
        TIMEOUT,
    )
    return [a.title for a in actions or [] if isinstance(a, types.CodeAction)]


@pytest.mark.parametrize("configured_client", [{"diagnostics": {"debounceMs": 5000}}], indirect=True)
async def test_code_actions_before_an_edit_is_published_change_nothing(
    configured_client: RecordingClient, tmp_path: Path
) -> None:
    """Quick fixes for a text whose diagnostics are still to come are judged in the workspace as it
    is with that text, yet nothing is published or registered because of them; the workspace takes
    the text when the edit's own diagnostics are published."""
    client = configured_client
    root = write_workspace(
        tmp_path,
        {**environments("prod"), "api/manifest.yml": PUBLISHER, "orders-worker/manifest.yml": WORKER},
    )
    api, worker = uri_of(root / "api" / "manifest.yml"), uri_of(root / "orders-worker" / "manifest.yml")
    await open_doc(client, worker, WORKER)
    await open_doc(client, api, PUBLISHER)
    edited = PUBLISHER + "environments:\n  prd:\n    count: 2\n"  # a new fact of api: worker reads api's
    mark = mark_of(client)
    change(client, api, 2, full(edited))  # within 5 s of the open: published only after 5 s
    titles = await quick_fixes(client, api, edited.split("\n").index("  prd:"), 3)
    assert titles == ["Change the environment to 'prod'"]
    await asyncio.sleep(1.0)
    assert received_since(client, mark) == ([], [])
    published = await publish_after(client, api, lambda: None)  # after the 5 s pause
    assert published.version == 2 and "X-unknown-environment" in codes(published)


@pytest.mark.parametrize("configured_client", [{"diagnostics": {"enable": False}}], indirect=True)
async def test_code_actions_with_diagnostics_off_change_nothing(
    configured_client: RecordingClient, tmp_path: Path
) -> None:
    """With diagnostics off no publish looks for the workspace, and a code action does not either:
    it reads no workspace from disk, registers no file watchers and re-publishes no other document
    (here the unsaved rename of a topic that orders-worker subscribes to); its fixes are the file's own."""
    client = configured_client
    root = write_workspace(tmp_path, {"api/manifest.yml": PUBLISHER, "orders-worker/manifest.yml": WORKER})
    api, worker = uri_of(root / "api" / "manifest.yml"), uri_of(root / "orders-worker" / "manifest.yml")
    unsaved = PUBLISHER.replace("name: orders", "name: payments") + "cout: 2\n"
    assert not (await open_doc(client, worker, WORKER)).diagnostics
    assert not (await open_doc(client, api, unsaved)).diagnostics
    mark = mark_of(client)
    titles = await quick_fixes(client, api, unsaved.split("\n").index("cout: 2"), 1)
    assert titles == ["Rename to 'count'"]
    await asyncio.sleep(1.0)
    assert received_since(client, mark) == ([], [])


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


async def test_documents_opened_together_are_judged_in_their_workspace_read_once(
    client: RecordingClient, tmp_path: Path
) -> None:
    """The first publishes in a workspace wait for it to be read (off the event loop, once for both
    documents) and carry the cross-file findings; a hover sent meanwhile is answered."""
    worker_text = subscriber(topic="payments")
    root = write_workspace(
        tmp_path,
        {**environments("prod"), "api/manifest.yml": API_PRD, "orders-worker/manifest.yml": worker_text},
    )
    api, worker = uri_of(root / "api" / "manifest.yml"), uri_of(root / "orders-worker" / "manifest.yml")
    mark = len(client.publishes)
    for uri, text in ((api, API_PRD), (worker, worker_text)):
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)
            )
        )
    hover = await hover_at(client, api, API_PRD.split("\n").index("image:"), 1)
    assert hover is not None
    first_api = await publish_after(client, api, lambda: None, mark)
    first_worker = await publish_after(client, worker, lambda: None, mark)
    assert "X-unknown-environment" in codes(first_api)
    assert "X-unknown-topic" in codes(first_worker)


async def test_a_document_reopened_before_the_disk_is_read_again_keeps_the_editor_s_text(
    client: RecordingClient, tmp_path: Path
) -> None:
    """Closing a document reads its file again on the reader thread; when the editor opens it again
    first, its text counts, whenever the disk's text arrives."""
    root = write_workspace(tmp_path, {"api/manifest.yml": PUBLISHER, "orders-worker/manifest.yml": WORKER})
    api, worker = uri_of(root / "api" / "manifest.yml"), uri_of(root / "orders-worker" / "manifest.yml")
    await open_doc(client, worker, WORKER)
    await open_doc(client, api, PUBLISHER)
    renamed = PUBLISHER.replace("name: orders", "name: payments")
    edited = await publish_after(client, worker, lambda: change(client, api, 2, full(renamed)))
    assert "X-unknown-topic" in codes(edited)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=api))
    )
    await open_doc(client, api, renamed)
    await asyncio.sleep(0.5)  # the disk's text, read after the close, has arrived by now
    last = [p for p in client.publishes if p.uri == worker][-1]
    assert "X-unknown-topic" in codes(last)
