"""The "task definition" code lens over the wire: beside "show merged" on each environment, it opens the
task definition that environment deploys, read-only, through the same command and request as the merged
view, and its text is what ``sidecar-lsp render --task-definition`` prints for the same text."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
import pytest_lsp
from e2e_helpers import CONFIG, TIMEOUT, RecordingClient, change, full, open_doc, start
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from workspace_support import environments, service, write_workspace  # noqa: E402

from sidecar_lsp.lsp.handlers.renderings import TASK_DEFINITION, Target, merged_uri, parse_target  # noqa: E402

API = service(
    "api",
    """
    logging:
      destination:
        Name: cloudwatch
        region: us-west-2
    sidecars:
      proxy:
        image: envoy:1
        port: 9000
    environments:
      prod:
        cpu: 512
        memory: 1024
        sidecars:
          proxy:
            image: envoy:2
      test:
        count: 1
    """,
)


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: RecordingClient):  # type: ignore[no-untyped-def]
    """One session (VS Code's capabilities: it shows documents); each test has a workspace of its own."""
    await start(lsp_client, "visual-studio-code")
    yield
    await lsp_client.shutdown_session()


def _cli(manifest: Path, env: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        "-m",
        "sidecar_lsp",
        "render",
        "--task-definition",
        "--env",
        env,
        str(manifest),
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=60)


async def _open(client: RecordingClient, tmp_path: Path, text: str = API) -> tuple[Path, str]:
    root = write_workspace(tmp_path, {**environments("prod", "test"), "api/manifest.yml": text}, app="shop")
    manifest = root / "api" / "manifest.yml"
    uri = manifest.as_uri()
    await open_doc(client, uri, manifest.read_text())
    return manifest, uri


async def _lenses(client: RecordingClient, uri: str) -> list[types.CodeLens]:
    params = types.CodeLensParams(text_document=types.TextDocumentIdentifier(uri=uri))
    return await asyncio.wait_for(client.text_document_code_lens_async(params), TIMEOUT) or []


async def _run(client: RecordingClient, command: types.Command) -> Any:
    params = types.ExecuteCommandParams(command=command.command, arguments=command.arguments)
    return await asyncio.wait_for(client.workspace_execute_command_async(params), TIMEOUT)


async def _served(client: RecordingClient, uri: str) -> str:
    served: Any = await asyncio.wait_for(
        client.protocol.send_request_async("sidecarLsp/merged", {"uri": uri}), TIMEOUT
    )
    return str(served["text"] if isinstance(served, dict) else served.text)


async def test_each_environment_has_a_task_definition_lens_beside_show_merged(
    client: RecordingClient, tmp_path: Path
) -> None:
    _, uri = await _open(client, tmp_path)
    lenses = await _lenses(client, uri)
    lines = API.split("\n")
    shown = [(lens.range.start.line, lens.command.title) for lens in lenses if lens.command]
    assert shown == [
        (lines.index("  prod:"), "prod · 3 overrides · show merged"),
        (lines.index("  prod:"), "task definition"),
        (lines.index("  test:"), "test · 1 override · show merged"),
        (lines.index("  test:"), "task definition"),
    ]
    task_lenses = [
        lens.command for lens in lenses if lens.command and lens.command.title == "task definition"
    ]
    assert [list(c.arguments or []) for c in task_lenses if c] == [
        [uri, "prod", TASK_DEFINITION],
        [uri, "test", TASK_DEFINITION],
    ]


async def test_the_lens_opens_the_task_definition_the_command_line_prints(
    client: RecordingClient, tmp_path: Path
) -> None:
    manifest, uri = await _open(client, tmp_path)
    lens = next(
        lens
        for lens in await _lenses(client, uri)
        if lens.command and lens.command.title == "task definition"
    )
    assert lens.command is not None
    before = len(client.shown_documents)
    result = await _run(client, lens.command)
    assert result["uri"].startswith("sidecar-lsp-merged:") and result["uri"].endswith(
        "?env=prod&view=task-definition"
    )
    assert unquote(result["uri"]).startswith(f"sidecar-lsp-merged://{manifest} (prod task definition)?")
    assert [shown.uri for shown in client.shown_documents[before:]] == [result["uri"]]
    printed = _cli(manifest, "prod")
    assert printed.returncode == 0, printed.stderr
    assert result["text"] == printed.stdout
    definition = json.loads(result["text"])
    assert definition["family"] == "shop-prod-api" and (definition["cpu"], definition["memory"]) == (
        "512",
        "1024",
    )
    containers = {c["name"]: c for c in definition["containerDefinitions"]}
    assert list(containers) == ["api", "firelens_log_router", "proxy"]
    assert containers["proxy"]["image"] == "envoy:2"
    assert await _served(client, result["uri"]) == result["text"]


async def test_the_task_definition_follows_unsaved_edits(client: RecordingClient, tmp_path: Path) -> None:
    _, uri = await _open(client, tmp_path)
    edited = API.replace("    cpu: 512\n", "    cpu: 1024\n").replace(
        "    memory: 1024\n", "    memory: 2048\n"
    )
    change(client, uri, 2, full(edited))  # a notification: the server reads it before the next request
    task_uri = merged_uri(uri, "prod", TASK_DEFINITION)
    definition = json.loads(await _served(client, task_uri))
    assert (definition["cpu"], definition["memory"]) == ("1024", "2048")
    test_definition = json.loads(await _served(client, merged_uri(uri, "test", TASK_DEFINITION)))
    assert test_definition["family"] == "shop-test-api" and test_definition["cpu"] == "256"


async def test_a_task_definition_copilot_refuses_shows_its_message(
    client: RecordingClient, tmp_path: Path
) -> None:
    text = API.replace("location: nginx", "location: nginx:${TAG}")
    manifest, uri = await _open(client, tmp_path, text)
    shown = json.loads(await _served(client, merged_uri(uri, "prod", TASK_DEFINITION)))
    printed = _cli(manifest, "prod")
    assert printed.returncode == 1 and printed.stdout == ""
    assert 'environment variable "TAG" is not defined' in shown["problem"]
    assert shown["problem"].split(": ", 1)[1] in printed.stderr


async def test_definition_in_a_task_definition_answers_nothing_and_the_merged_view_still_works(
    client: RecordingClient, tmp_path: Path
) -> None:
    _, uri = await _open(client, tmp_path)
    params = types.DefinitionParams(
        text_document=types.TextDocumentIdentifier(uri=merged_uri(uri, "prod", TASK_DEFINITION)),
        position=types.Position(line=3, character=4),
    )
    assert await asyncio.wait_for(client.text_document_definition_async(params), TIMEOUT) in (None, [])
    merged = await _served(client, merged_uri(uri, "prod"))
    assert merged.startswith("# copilot/api/manifest.yml as environment 'prod'")


async def test_task_definition_uris_name_source_environment_and_view() -> None:
    source = "file:///work/copilot/api/manifest.yml"
    uri = merged_uri(source, "prod", TASK_DEFINITION)
    assert parse_target(uri) == Target(source, "prod", TASK_DEFINITION)
    # VS Code sends the query percent-encoded.
    assert parse_target(uri.replace("?env=prod&view=", "?env%3Dprod%26view%3D")) == Target(
        source, "prod", TASK_DEFINITION
    )
    assert parse_target(merged_uri(source, "prod")) == Target(source, "prod")
