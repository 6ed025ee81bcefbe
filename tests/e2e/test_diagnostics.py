"""Diagnostics over the wire: open, change (full and incremental), debounce, versions, close, settings."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import pytest_lsp
from e2e_helpers import (
    CLIENTS,
    CONFIG,
    RecordingClient,
    change,
    edit,
    full,
    manifest_uri,
    next_publish,
    open_doc,
    start,
)
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")

MANIFEST = """name: api
type: Backend Service
image:
  location: nginx
  port: 8080
sidecars:
  nginx:
    image: public.ecr.aws/nginx/nginx:latest
    port: 80
    bogus_key: 1
"""
UNKNOWN_LINE = 9


async def test_open_publishes_with_version_and_source(client: RecordingClient, tmp_path: Any) -> None:
    uri = manifest_uri(tmp_path)
    params = await open_doc(client, uri, MANIFEST, version=7)
    assert params.version == 7
    unknown = [d for d in params.diagnostics if d.range.start.line == UNKNOWN_LINE]
    assert unknown, params.diagnostics
    diagnostic = unknown[0]
    assert diagnostic.source == "sidecar-lsp"
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert isinstance(diagnostic.code, str) and diagnostic.code
    assert (diagnostic.range.start.character, diagnostic.range.end.character) == (4, 13)
    assert diagnostic.data["path"] == ["sidecars", "nginx", "bogus_key"]


async def test_syntax_error_at_its_position_while_typing(client: RecordingClient, tmp_path: Any) -> None:
    uri = manifest_uri(tmp_path)
    await open_doc(client, uri, MANIFEST)
    # type a stray quote into the port value: broken YAML mid-edit
    params = await next_publish(client, uri, lambda: change(client, uri, 2, edit(8, 10, 8, 10, '"')))
    assert params.version == 2
    syntax = [d for d in params.diagnostics if d.code == "yaml-syntax"]
    assert syntax, params.diagnostics
    assert syntax[0].severity == types.DiagnosticSeverity.Error
    assert syntax[0].range.start.line >= 8


async def test_incremental_and_full_changes(client: RecordingClient, tmp_path: Any) -> None:
    uri = manifest_uri(tmp_path)
    await open_doc(client, uri, MANIFEST)
    # incremental: delete the unknown key line
    params = await next_publish(
        client, uri, lambda: change(client, uri, 2, edit(UNKNOWN_LINE, 0, UNKNOWN_LINE + 1, 0, ""))
    )
    assert params.version == 2
    assert not [d for d in params.diagnostics if d.range.start.line == UNKNOWN_LINE]
    # full: put it back, one line lower
    text = MANIFEST.replace("    port: 80\n", "    port: 80\n    essential: true\n")
    params = await next_publish(client, uri, lambda: change(client, uri, 3, full(text)))
    assert params.version == 3
    assert [d.range.start.line for d in params.diagnostics if d.data["path"][-1:] == ["bogus_key"]] == [10]


async def test_rapid_changes_coalesce_and_never_go_back(client: RecordingClient, tmp_path: Any) -> None:
    uri = manifest_uri(tmp_path)
    await open_doc(client, uri, MANIFEST)
    client.publishes.clear()
    last = 12

    def send() -> None:
        for version in range(2, last + 1):
            # append one character per version to a value, like typing
            change(client, uri, version, edit(7, 37 + version - 2, 7, 37 + version - 2, "x"))

    params = await next_publish(client, uri, send)
    while params.version != last:
        params = await next_publish(client, uri, lambda: None)
    await asyncio.sleep(0.5)  # nothing older may arrive afterwards
    versions = [p.version for p in client.publishes if p.uri == uri]
    assert versions == sorted(versions)
    assert versions[-1] == last
    assert len(versions) < last - 1  # typing was debounced


async def test_close_clears(client: RecordingClient, tmp_path: Any) -> None:
    uri = manifest_uri(tmp_path)
    params = await open_doc(client, uri, MANIFEST)
    assert params.diagnostics
    params = await next_publish(
        client,
        uri,
        lambda: client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        ),
    )
    assert list(params.diagnostics) == []


WORKFLOW = """name: ci
on: [push]
on: [pull_request]
jobs:
  build:
    runs-on: ubuntu-latest
"""
KUBERNETES = """apiVersion: v1
kind: Pod
metadata:
  name: x
spec:
  containers:
    - name: a
      image: nginx
      image: again
"""


@pytest.mark.parametrize("path,text", [(".github/workflows/ci.yml", WORKFLOW), ("k8s/pod.yaml", KUBERNETES)])
async def test_other_yaml_gets_nothing(client: RecordingClient, tmp_path: Any, path: str, text: str) -> None:
    uri = (tmp_path / path).as_uri()
    params = await open_doc(client, uri, text)
    assert list(params.diagnostics) == []
    result = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=5, character=4)
        )
    )
    items = result.items if isinstance(result, types.CompletionList) else (result or [])
    assert items == []


async def test_yaml_declaring_a_copilot_type_is_served_anywhere(
    client: RecordingClient, tmp_path: Any
) -> None:
    uri = (tmp_path / "deploy" / "api.yml").as_uri()
    params = await open_doc(client, uri, MANIFEST)
    assert [d for d in params.diagnostics if d.range.start.line == UNKNOWN_LINE]


async def test_related_information_and_fixes_travel_in_diagnostics(
    client: RecordingClient, tmp_path: Any
) -> None:
    uri = manifest_uri(tmp_path)
    text = MANIFEST.replace("    port: 80\n    bogus_key: 1\n", "    port: 8080\n")
    params = await open_doc(client, uri, text)
    with_related = [d for d in params.diagnostics if d.related_information]
    assert with_related, [d.message for d in params.diagnostics]
    for diagnostic in with_related:
        for info in diagnostic.related_information or []:
            assert info.location.uri == uri
            assert 0 <= info.location.range.start.line < text.count("\n") + 1


# --- settings -------------------------------------------------------------------------------------

NO_UNKNOWN = {"diagnostics": {"unknownKeys": False}}


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS, loop_scope="module")
async def client_init_options(lsp_client: RecordingClient, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    await start(lsp_client, request.param, init_options={"sidecarLsp": NO_UNKNOWN})
    yield
    await lsp_client.shutdown_session()


async def test_initialization_options_turn_off_unknown_keys(
    client_init_options: RecordingClient, tmp_path: Any
) -> None:
    client = client_init_options
    uri = manifest_uri(tmp_path)
    params = await open_doc(client, uri, MANIFEST)
    assert not [d for d in params.diagnostics if d.range.start.line == UNKNOWN_LINE]


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS, loop_scope="module")
async def client_configured(lsp_client: RecordingClient, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    await start(lsp_client, request.param, settings={"sidecarLsp": NO_UNKNOWN})
    yield
    await lsp_client.shutdown_session()


async def _until(client: RecordingClient, uri: str, predicate: Any) -> types.PublishDiagnosticsParams:
    params = None
    for _ in range(5):
        latest = [p for p in client.publishes if p.uri == uri]
        if latest and predicate(latest[-1]):
            return latest[-1]
        params = await next_publish(client, uri, lambda: None)
        if predicate(params):
            return params
    raise AssertionError(f"no matching publish; last {params}")


async def test_workspace_configuration_is_pulled(client_configured: RecordingClient, tmp_path: Any) -> None:
    client = client_configured
    uri = manifest_uri(tmp_path)
    await open_doc(client, uri, MANIFEST)
    await _until(client, uri, lambda p: not [d for d in p.diagnostics if d.range.start.line == UNKNOWN_LINE])


async def test_did_change_configuration_re_reads_settings(
    fresh_client: RecordingClient, tmp_path: Any
) -> None:
    client = fresh_client
    uri = manifest_uri(tmp_path)
    params = await open_doc(client, uri, MANIFEST)
    assert [d for d in params.diagnostics if d.range.start.line == UNKNOWN_LINE]
    client.set_configuration({"sidecarLsp": NO_UNKNOWN})
    await next_publish(
        client,
        uri,
        lambda: client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None)),
    )
    await _until(client, uri, lambda p: not [d for d in p.diagnostics if d.range.start.line == UNKNOWN_LINE])
    # and back on, pushed in the notification itself
    client.set_configuration({"sidecarLsp": {"diagnostics": {"unknownKeys": True}}})
    await next_publish(
        client,
        uri,
        lambda: client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(
                settings={"sidecarLsp": {"diagnostics": {"unknownKeys": True}}}
            )
        ),
    )
    await _until(
        client, uri, lambda p: bool([d for d in p.diagnostics if d.range.start.line == UNKNOWN_LINE])
    )


async def test_a_raw_push_is_not_judged_when_the_settings_can_be_pulled(
    fresh_client: RecordingClient, tmp_path: Any
) -> None:
    """VS Code's language client pushes its raw section (``schemaDiagnostics: "auto"``) when settings
    change and answers ``workspace/configuration`` with the extension's normalized object (``true``): the
    server reads the answer, so the raw value never reaches the user as an invalid setting."""
    client = fresh_client
    uri = manifest_uri(tmp_path)
    params = await open_doc(client, uri, MANIFEST)
    assert [d for d in params.diagnostics if d.range.start.line == UNKNOWN_LINE]
    client.set_configuration({"sidecarLsp": {"schemaDiagnostics": True, **NO_UNKNOWN}})
    raw = {"sidecarLsp": {"schemaDiagnostics": "auto", **NO_UNKNOWN}}
    await next_publish(
        client,
        uri,
        lambda: client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=raw)),
    )
    await _until(client, uri, lambda p: not [d for d in p.diagnostics if d.range.start.line == UNKNOWN_LINE])
    assert [m.message for m in client.messages if "schemaDiagnostics" in m.message] == []


async def test_cross_field_setting(fresh_client: RecordingClient, tmp_path: Any) -> None:
    client = fresh_client
    uri = manifest_uri(tmp_path)
    text = MANIFEST.replace("    port: 80\n    bogus_key: 1\n", "    port: 8080\n")
    params = await open_doc(client, uri, text)
    rule_codes = {d.code for d in params.diagnostics if d.related_information}
    assert rule_codes
    client.set_configuration({"sidecarLsp": {"diagnostics": {"crossField": False}}})
    await next_publish(
        client,
        uri,
        lambda: client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None)),
    )
    await _until(client, uri, lambda p: not {d.code for d in p.diagnostics} & rule_codes)


async def test_dynamic_registration_follows_capabilities(client: RecordingClient, tmp_path: Any) -> None:
    await open_doc(client, manifest_uri(tmp_path), MANIFEST)  # the session is up and initialized ran
    caps = client.capabilities
    dynamic = bool(
        caps and caps.workspace and caps.workspace.did_change_configuration
        and caps.workspace.did_change_configuration.dynamic_registration
    )  # fmt: skip
    methods = [r.method for r in client.registrations]
    assert (types.WORKSPACE_DID_CHANGE_CONFIGURATION in methods) == dynamic


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS, loop_scope="module")
async def client_without_schema(lsp_client: RecordingClient, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """What the VS Code extension sends when the Red Hat YAML extension validates the schema."""
    await start(lsp_client, request.param, init_options={"sidecarLsp": {"schemaDiagnostics": False}})
    yield
    await lsp_client.shutdown_session()


async def test_schema_diagnostics_off_leaves_cross_field_findings(
    client_without_schema: RecordingClient, tmp_path: Any
) -> None:
    client = client_without_schema
    text = MANIFEST.replace("    port: 80\n    bogus_key: 1\n", "    port: 8080\n    bogus_key: 1\n")
    params = await open_doc(client, manifest_uri(tmp_path), text)
    codes = {str(d.code) for d in params.diagnostics}
    assert codes, "cross-field findings still come"
    assert not {c for c in codes if c.startswith(("schema-", "yaml-"))}
