"""The pygls 2 server: its state, the lifecycle handlers, and the one place the components meet.

The shell, by responsibility:

* :mod:`.protocol` -- JSON-RPC and lifecycle rules, the stdio and TCP transports;
* :mod:`.documents` -- the client's text (lines as clients count them), snapshots, bounded caches;
* :mod:`.diagnostics` -- debounce, the worker thread, publishing;
* :mod:`.handlers` -- request handlers, a few lines each: :mod:`.handlers.editing`,
  :mod:`.handlers.navigation` and :mod:`.handlers.workspace` each have a ``register`` function;
* :mod:`.ports` -- the narrow interfaces the components read; this server implements them, and no
  component imports this module;
* :mod:`.convert` -- core results to LSP types, the only place positions change units.

Everything on :class:`SidecarLanguageServer` is touched by the event loop only.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import PositionCodec

from sidecar_lsp import __version__
from sidecar_lsp.core.check.analyze import safe_parse
from sidecar_lsp.core.decoding import kinds
from sidecar_lsp.core.schema.index import SchemaIndex
from sidecar_lsp.core.schema.store import load_schema
from sidecar_lsp.core.yaml.tree import ParsedDocument, parse
from sidecar_lsp.lsp.diagnostics import Diagnostics
from sidecar_lsp.lsp.documents import Checked, DocumentCaches, Parsed, Snapshot
from sidecar_lsp.lsp.handlers import editing, inline, navigation, symbols
from sidecar_lsp.lsp.handlers import workspace as workspace_handlers
from sidecar_lsp.lsp.handlers.workspace import WorkspaceFeatures
from sidecar_lsp.lsp.ports import Handler
from sidecar_lsp.lsp.protocol import SidecarProtocol
from sidecar_lsp.lsp.settings import SECTION, Settings

logger = logging.getLogger(__name__)


class SidecarLanguageServer(LanguageServer):
    """Settings, the schema, the open documents' caches, the diagnostics worker and the workspaces.

    It is the one object behind the interfaces of :mod:`.ports` the handlers read (``Host``,
    ``Requests``, ``Documents``, ``Client``).
    """

    def __init__(self, schema: SchemaIndex, settings: Settings | None = None) -> None:
        super().__init__(
            "sidecar-lsp",
            __version__,
            protocol_cls=SidecarProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.schema = schema
        self.settings = settings or Settings()
        self.caches = DocumentCaches()
        self.cross_file = WorkspaceFeatures(self, self, self.republish)
        """The Copilot workspaces of the open documents (read on its reader thread)."""
        self.diagnostics = Diagnostics(
            self, self.caches, self.text_document_publish_diagnostics, self.cross_file
        )
        self._reported_settings: set[str] = set()

    def feature(self, feature_name: str, options: Any | None = None) -> Callable[[Handler], Handler]:
        """pygls' decorator; a ``textDocument/*`` handler that raises is logged and answers null.

        An empty answer is valid for every such request, and an editor shows nothing for it,
        where an error reply (-32603) pops up or blanks a feature; the log has the traceback.
        """
        register = super().feature(feature_name, options)
        if not feature_name.startswith("textDocument/"):
            return register

        def decorator(handler: Handler) -> Handler:
            if asyncio.iscoroutinefunction(handler):

                @functools.wraps(handler)
                async def guarded_async(*args: Any) -> Any:
                    try:
                        return await handler(*args)
                    except Exception:
                        logger.exception("%s failed", feature_name)
                        return None

                register(guarded_async)
            else:

                @functools.wraps(handler)
                def guarded(*args: Any) -> Any:
                    try:
                        return handler(*args)
                    except Exception:
                        logger.exception("%s failed", feature_name)
                        return None

                register(guarded)
            return handler

        return decorator

    @property
    def exit_code(self) -> int:
        """0 when the client sent ``shutdown`` before ``exit``, or its input ended between messages
        without ``exit``; 1 after ``exit`` without ``shutdown``, or when the input ended inside a
        message or after a message refused for its length."""
        protocol = self.protocol
        return protocol.exit_code if isinstance(protocol, SidecarProtocol) else 0

    # --- documents (ports.Documents and ports.Requests: read by the handlers and the diagnostics)

    def open_document(self, uri: str) -> TextDocument | None:
        """The open document, or None (requests for unopened documents get empty answers)."""
        try:
            documents = self.workspace.text_documents
        except RuntimeError:  # before initialize
            return None
        document: TextDocument | None = documents.get(unquote(uri))
        return document

    def open_uris(self) -> list[str]:
        return list(self.workspace.text_documents)

    @property
    def position_codec(self) -> PositionCodec:
        return self.workspace.position_codec

    def snapshot(self, uri: str) -> Snapshot | None:
        """The open document's current version and text with the current settings."""
        doc = self.open_document(uri)
        if doc is None:
            return None
        return Snapshot(uri, doc.version, doc.source, self.settings, kinds.is_manifest_path(doc.path or uri))

    def is_current(self, snapshot: Snapshot) -> bool:
        """Whether the document is still open with exactly this version, text and settings."""
        doc = self.open_document(snapshot.uri)
        return (
            doc is not None
            and doc.version == snapshot.version
            and doc.source is snapshot.text
            and self.settings == snapshot.settings
        )

    def parsed_for(self, uri: str) -> Parsed | None:
        """The current text's tree and whether the document is served, without waiting for checks.

        Completion, hover and the outline need only the tree; the schema and rule checks of a
        large manifest take longer than a keystroke and run on the worker meanwhile.
        """
        snapshot = self.snapshot(uri)
        if snapshot is None:
            return None
        checked = self.caches.checked(snapshot)
        if checked is not None:
            return Parsed(checked.analysis.document, checked.served)
        if not snapshot.may_be_manifest():
            return Parsed(parse(""), False)
        document = self.caches.parsed(uri, snapshot.text)
        if document is None:
            document = safe_parse(snapshot.text, self.caches.earlier(uri).tree)
        served = snapshot.served(document)
        self.caches.store_parsed(uri, snapshot.text, document, served)
        return Parsed(document, served)

    async def cached_async(self, uri: str) -> Checked | None:
        """The checked current version of ``uri`` (computed on the worker when needed).

        After the await the document may have changed: compare ``result.version`` (or call
        :meth:`is_current` with ``result.snapshot``) before answering with positions.
        """
        snapshot = self.snapshot(uri)
        return None if snapshot is None else await self.diagnostics.checked(snapshot)

    def previous_complete(self, uri: str) -> ParsedDocument | None:
        """The newest tree of ``uri`` without a syntax error (names for completion while typing)."""
        return self.caches.last_complete(uri)

    def republish(self, uri: str) -> None:
        """Publish the open document's diagnostics again (another file changed a fact it reads)."""
        self.diagnostics.schedule(uri, debounce=False)

    def forget(self, uri: str) -> None:
        """A closed document: its workspace reads the disk's text again, its caches go."""
        self.cross_file.closed(uri)
        self.diagnostics.forget(uri)
        self.caches.forget(uri)

    # --- settings

    def apply_settings(self, value: Any) -> None:
        settings, problems = Settings.read(value, self.settings)
        self._report_settings(problems)
        if settings != self.settings:
            logger.info("settings: %s", settings)
            hints_changed = _hint_settings(settings) != _hint_settings(self.settings)
            self.settings = settings
            for uri in self.open_uris():
                self.diagnostics.schedule(uri, debounce=False)
            if hints_changed:
                self._refresh_inlay_hints()

    def _refresh_inlay_hints(self) -> None:
        """Ask the client to request inlay hints again (the settings choose them), when it can."""
        caps = self.client_capabilities.workspace
        hints = caps.inlay_hint if caps is not None else None
        if hints is not None and hints.refresh_support:
            self.workspace_inlay_hint_refresh(None)

    def _report_settings(self, problems: list[str]) -> None:
        """Tell the user about each invalid setting once (the log has every occurrence)."""
        for problem in problems:
            if problem not in self._reported_settings:
                self._reported_settings.add(problem)
                self.window_show_message(
                    types.ShowMessageParams(type=types.MessageType.Warning, message=problem)
                )

    def can_pull_settings(self) -> bool:
        """Whether the client answers ``workspace/configuration``."""
        caps = self.client_capabilities.workspace
        return caps is not None and bool(caps.configuration)

    async def pull_settings(self) -> None:
        """Ask the client for the ``sidecarLsp`` section (``workspace/configuration``)."""
        if not self.can_pull_settings():
            return
        try:
            result = await asyncio.wait_for(
                self.workspace_configuration_async(
                    types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
                ),
                5,
            )
        except Exception as error:  # a client that fails the request keeps the current settings
            logger.warning("workspace/configuration failed: %s", error)
            return
        if result:
            self.apply_settings(result[0])


def _hint_settings(settings: Settings) -> tuple[bool, bool, bool]:
    return (
        settings.inlay_hints_environment_values,
        settings.inlay_hints_base_values,
        settings.inlay_hints_defaults,
    )


def make_server(schema: SchemaIndex | None = None, settings: Settings | None = None) -> SidecarLanguageServer:
    """Build the server with its lifecycle handlers and the handler modules'."""
    server = SidecarLanguageServer(schema or SchemaIndex(load_schema()), settings)

    @server.feature(types.INITIALIZE)
    def initialize(ls: SidecarLanguageServer, params: types.InitializeParams) -> None:
        """initialize: settings from ``initializationOptions``."""
        ls.settings, problems = Settings.read(params.initialization_options, ls.settings)
        ls._report_settings(problems)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: SidecarLanguageServer, params: types.InitializedParams) -> None:
        """initialized: warm the checker up, register for configuration changes, pull the settings."""
        ls.diagnostics.warm_up()
        caps = ls.client_capabilities.workspace
        dynamic = caps.did_change_configuration if caps else None
        if dynamic is not None and dynamic.dynamic_registration:
            try:
                await ls.client_register_capability_async(
                    types.RegistrationParams(
                        registrations=[
                            types.Registration(
                                id="sidecar-lsp-configuration",
                                method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                                register_options={"section": SECTION},
                            )
                        ]
                    )
                )
            except Exception as error:
                logger.warning("client/registerCapability failed: %s", error)
        await ls.pull_settings()

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(
        ls: SidecarLanguageServer, params: types.DidChangeConfigurationParams
    ) -> None:
        """workspace/didChangeConfiguration: re-read the settings; take pushed ones only from a client
        that cannot be asked (VS Code's client pushes its raw section, and answers the pull normalized)."""
        if not ls.can_pull_settings() and isinstance(params.settings, dict) and SECTION in params.settings:
            ls.apply_settings(params.settings[SECTION])
        await ls.pull_settings()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SidecarLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        """textDocument/didOpen: check now (a reopened document starts from nothing)."""
        ls.caches.forget(params.text_document.uri)
        ls.diagnostics.schedule(params.text_document.uri, debounce=False, opened=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SidecarLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        """textDocument/didChange: check after a short pause in typing."""
        ls.diagnostics.schedule(params.text_document.uri, debounce=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SidecarLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        """textDocument/didClose: forget the document and clear its diagnostics."""
        ls.forget(params.text_document.uri)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    editing.register(server, server.cross_file)
    inline.register(server, server.cross_file)
    navigation.register(server, server.cross_file)
    symbols.register(server, server.cross_file)
    workspace_handlers.register(server, server.cross_file)
    return server
