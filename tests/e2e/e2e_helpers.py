"""Helpers for the end-to-end tests: the recording client, its config and small LSP steps."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

SERVER = [sys.executable, "-m", "sidecar_lsp", "--stdio"]
CLIENTS = ["neovim@v0.11.0", "visual-studio-code"]
TIMEOUT = 10


class RecordingClient(LanguageClient):
    """The pytest-lsp client, also keeping every publish and every dynamic registration."""

    publishes: list[types.PublishDiagnosticsParams]
    registrations: list[types.Registration]
    encoding: str
    """The position encoding the server chose (``utf-16`` unless the client offered another)."""

    def units(self, text: str) -> int:
        """Length of ``text`` in the negotiated position encoding."""
        if self.encoding == "utf-8":
            return len(text.encode("utf-8"))
        if self.encoding == "utf-32":
            return len(text)
        return len(text.encode("utf-16-le")) // 2


def _record_publish(client: RecordingClient, params: types.PublishDiagnosticsParams) -> None:
    client.diagnostics[params.uri] = params.diagnostics
    client.publishes.append(params)


def _register(client: RecordingClient, params: types.RegistrationParams) -> None:
    client.registrations.extend(params.registrations)


def make_client() -> RecordingClient:
    client = RecordingClient(converter_factory=default_converter)
    client.publishes = []
    client.registrations = []
    features: dict[str, Any] = dict(DEFAULT_CLIENT_FEATURES)
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = _record_publish
    features[types.CLIENT_REGISTER_CAPABILITY] = _register
    register_lsp_features(client, features)
    return client


CONFIG = ClientServerConfig(server_command=SERVER, client_factory=make_client)


async def start(client: LanguageClient, spec: str, init_options: Any = None, settings: Any = None) -> None:
    if settings is not None:
        client.set_configuration(settings)
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(spec),
            initialization_options=init_options,
        )
    )
    if isinstance(client, RecordingClient):
        encoding = result.capabilities.position_encoding or "utf-16"
        client.encoding = str(getattr(encoding, "value", encoding))


async def next_publish(
    client: LanguageClient, uri: str, send: Callable[[], None]
) -> types.PublishDiagnosticsParams:
    """Do ``send()`` and return the next publishDiagnostics for ``uri``."""
    future = client.protocol.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    send()
    while True:
        params: types.PublishDiagnosticsParams = await asyncio.wait_for(asyncio.wrap_future(future), TIMEOUT)
        if params.uri == uri:
            return params
        future = client.protocol.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)


async def open_doc(
    client: LanguageClient, uri: str, text: str, version: int = 1
) -> types.PublishDiagnosticsParams:
    """didOpen and wait for its diagnostics."""
    return await next_publish(
        client,
        uri,
        lambda: client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=version, text=text)
            )
        ),
    )


def change(
    client: LanguageClient, uri: str, version: int, *changes: types.TextDocumentContentChangeEvent
) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=list(changes),
        )
    )


def full(text: str) -> types.TextDocumentContentChangeWholeDocument:
    return types.TextDocumentContentChangeWholeDocument(text=text)


def edit(
    line: int, col: int, end_line: int, end_col: int, text: str
) -> types.TextDocumentContentChangePartial:
    return types.TextDocumentContentChangePartial(
        range=types.Range(
            start=types.Position(line=line, character=col),
            end=types.Position(line=end_line, character=end_col),
        ),
        text=text,
    )


async def completion_labels(
    client: LanguageClient, uri: str, line: int, col: int
) -> list[types.CompletionItem]:
    result = await asyncio.wait_for(
        client.text_document_completion_async(
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=line, character=col),
            )
        ),
        TIMEOUT,
    )
    if result is None:
        return []
    return list(result.items if isinstance(result, types.CompletionList) else result)


async def hover_at(client: LanguageClient, uri: str, line: int, col: int) -> types.Hover | None:
    return await asyncio.wait_for(
        client.text_document_hover_async(
            types.HoverParams(
                text_document=types.TextDocumentIdentifier(uri=uri),
                position=types.Position(line=line, character=col),
            )
        ),
        TIMEOUT,
    )


def manifest_uri(tmp_path: Any, name: str = "api") -> str:
    path = tmp_path / "copilot" / name / "manifest.yml"
    return str(path.as_uri())
