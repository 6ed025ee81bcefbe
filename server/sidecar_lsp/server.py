"""The pygls 2 shell: converts and routes only; every answer comes from the pure core.

State lives on :class:`SidecarLanguageServer`: settings, the schema index, and one cached
:class:`~sidecar_lsp.core.analyze.Analysis` per open document and version, so a document is
parsed and checked once per version whichever of diagnostics, completion, hover or outline
asks first.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import importlib
import logging
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.workspace import TextDocument

from . import __version__, lsp_convert
from .core import kinds
from .core.analyze import Analysis, analyze_document
from .core.schema_index import SchemaIndex
from .core.schema_store import load_schema
from .core.yaml_map import ParsedDocument, parse
from .settings import SECTION, Settings

if TYPE_CHECKING:
    from .core.model import Finding
    from .workspace_features import WorkspaceFeatures

logger = logging.getLogger(__name__)

TRIGGER_CHARACTERS = [":", " ", "-"]
_TYPE_LINE = re.compile(
    r"^type[ \t]*:[ \t]*[\"']?("
    + "|".join(re.escape(k) for k in (*kinds.WORKLOAD_TYPES, kinds.ENVIRONMENT))
    + r")\b",
    re.MULTILINE,
)


@dataclass
class _Cached:
    version: int | None
    source: str
    settings: Settings
    analysis: Analysis
    served: bool


@dataclass(frozen=True)
class _Rejected:
    """A request whose params could not be read; answered with an error instead of dropped."""

    id: int | str
    error: JsonRpcException
    jsonrpc: str = "2.0"


class SidecarProtocol(LanguageServerProtocol):
    """pygls' protocol, except that a request with malformed params gets an error reply."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if isinstance(data, dict) and "id" in data and "method" in data:
                return _Rejected(data["id"], error)
            raise

    def handle_message(self, message: Any) -> None:
        if isinstance(message, _Rejected):
            self._send_response(message.id, error=message.error.to_response_error())
            return
        super().handle_message(message)


class SidecarLanguageServer(LanguageServer):
    """Holds settings, the schema and the per-document analysis cache."""

    def __init__(self, schema: SchemaIndex, settings: Settings | None = None) -> None:
        super().__init__(
            "sidecar-lsp",
            __version__,
            protocol_cls=SidecarProtocol,
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
        )
        self.schema = schema
        self.settings = settings or Settings()
        self._cache: dict[str, _Cached] = {}
        self._pending: dict[str, tuple[int | None, str, Settings, asyncio.Future[_Cached]]] = {}
        self._last_complete: dict[str, ParsedDocument] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._last_change: dict[str, float] = {}
        self._parsed: dict[str, tuple[str, ParsedDocument]] = {}
        self._executor = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="analyze")
        self.workspace_features: WorkspaceFeatures | None = None
        """The Copilot workspaces of the open documents (``workspace_features``), when installed."""

    # --- documents and analyses

    def open_document(self, uri: str) -> TextDocument | None:
        """The open document, or None (requests for unopened documents get empty answers)."""
        document: TextDocument | None = self.workspace.text_documents.get(uri)
        return document

    def _fresh(self, uri: str, doc: TextDocument) -> _Cached | None:
        cached = self._cache.get(uri)
        if (
            cached is not None
            and cached.version == doc.version
            and cached.source is doc.source
            and cached.settings == self.settings
        ):
            return cached
        return None

    def _compute(self, uri: str, doc: TextDocument, source: str, settings: Settings) -> _Cached:
        served_path = kinds.is_manifest_path(doc.path or uri)
        if not served_path and not _TYPE_LINE.search(source):
            # most YAML (workflows, Kubernetes) is ruled out without parsing it
            empty = analyze_document(parse(""), settings.to_options())
            return _Cached(doc.version, source, settings, empty, False)
        options = dataclasses.replace(settings.to_options(), assume_manifest=served_path)
        analysis = analyze_document(self._parse(uri, source), options)
        served = served_path or kinds.declares_copilot_type(analysis.document.root)
        return _Cached(doc.version, source, settings, analysis, served)

    def _parse(self, uri: str, source: str) -> ParsedDocument:
        """The parse of exactly ``source``, shared by completion (now) and diagnostics (on the worker)."""
        known = self._parsed.get(uri)
        if known is not None and known[0] is source:
            return known[1]
        document = parse(source)
        self._parsed[uri] = (source, document)
        return document

    def parsed_for(self, uri: str) -> tuple[ParsedDocument, bool] | None:
        """The current text's tree and whether the document is served, without waiting for checks.

        Completion, hover and the outline need only the tree; the schema and rule checks of a
        large manifest take longer than a keystroke and run on the worker meanwhile.
        """
        doc = self.open_document(uri)
        if doc is None:
            return None
        cached = self._fresh(uri, doc)
        if cached is not None:
            return cached.analysis.document, cached.served
        source = doc.source
        served_path = kinds.is_manifest_path(doc.path or uri)
        if not served_path and not _TYPE_LINE.search(source):
            return parse(""), False
        document = self._parse(uri, source)
        served = served_path or kinds.declares_copilot_type(document.root)
        if served and document.complete:
            self._last_complete[uri] = document
        return document, served

    def _store(self, uri: str, cached: _Cached) -> None:
        doc = self.open_document(uri)
        if doc is None or doc.source is not cached.source:
            return
        self._cache[uri] = cached
        if cached.served and cached.analysis.document.complete:
            self._last_complete[uri] = cached.analysis.document

    def cached_for(self, uri: str) -> _Cached | None:
        """The current version's analysis, computed now (on this thread) when not cached."""
        doc = self.open_document(uri)
        if doc is None:
            return None
        cached = self._fresh(uri, doc)
        if cached is None:
            cached = self._compute(uri, doc, doc.source, self.settings)
            self._store(uri, cached)
        return cached

    def analysis_for(self, uri: str) -> Analysis | None:
        """The cached analysis of the open document's current version; None when not served."""
        cached = self.cached_for(uri)
        return cached.analysis if cached is not None and cached.served else None

    async def cached_async(self, uri: str) -> _Cached | None:
        """Like :meth:`cached_for`, but runs the analysis on the worker thread and shares it."""
        doc = self.open_document(uri)
        if doc is None:
            return None
        cached = self._fresh(uri, doc)
        if cached is not None:
            return cached
        source, version, settings = doc.source, doc.version, self.settings
        pending = self._pending.get(uri)
        if pending is None or pending[0] != version or pending[1] is not source or pending[2] != settings:
            loop = asyncio.get_running_loop()
            future = asyncio.ensure_future(
                loop.run_in_executor(self._executor, self._compute, uri, doc, source, settings)
            )
            pending = (version, source, settings, future)
            self._pending[uri] = pending
        result = await asyncio.shield(pending[3])
        if self._pending.get(uri) is pending:
            del self._pending[uri]
        if result.settings == self.settings:
            self._store(uri, result)
        return result

    def warm_up(self) -> None:
        """Load the checks (jsonschema, the rules) on the worker now, not on the first didOpen.

        They are left out of start-up so that ``initialize`` is answered sooner; the worker runs
        one job at a time, so a document opened meanwhile is checked right after this.
        """
        self._executor.submit(_warm_up)

    def previous_complete(self, uri: str) -> ParsedDocument | None:
        return self._last_complete.get(uri)

    # --- diagnostics

    def schedule_diagnostics(self, uri: str, *, debounce: bool) -> None:
        """(Re)start the publishing task of ``uri``; rapid changes are coalesced."""
        task = self._tasks.pop(uri, None)
        if task is not None:
            task.cancel()
        now = time.monotonic()
        delay = self.settings.debounce_ms / 1000
        recent = now - self._last_change.get(uri, -1e9) < delay
        self._last_change[uri] = now
        wait = delay if debounce and recent else 0.0
        self._tasks[uri] = asyncio.get_running_loop().create_task(self._publish_later(uri, wait))

    async def _publish_later(self, uri: str, wait: float) -> None:
        if wait:
            await asyncio.sleep(wait)
        doc = self.open_document(uri)
        if doc is None:
            return
        version = doc.version
        cached = await self.cached_async(uri)
        doc = self.open_document(uri)
        if cached is None or doc is None or doc.version != version or cached.version != version:
            return  # a newer version is on its way; never publish an older result over it
        if cached.settings != self.settings:
            return  # settings changed meanwhile; the check they scheduled publishes instead
        diagnostics: list[types.Diagnostic] = []
        if cached.served and self.settings.diagnostics_enable:
            lines = lsp_convert.lines_of(doc)
            findings = self.findings_for(uri, doc, cached.analysis)
            diagnostics = [lsp_convert.to_diagnostic(doc, f, lines) for f in findings]
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
        )

    def findings_for(self, uri: str, doc: TextDocument, analysis: Analysis) -> list[Finding]:
        """What to show for a served document: its findings, judged in its Copilot workspace if any."""
        if self.workspace_features is None:
            return analysis.findings
        return self.workspace_features.findings(uri, doc, analysis)

    def forget(self, uri: str) -> None:
        if self.workspace_features is not None:
            self.workspace_features.closed(uri)
        task = self._tasks.pop(uri, None)
        if task is not None:
            task.cancel()
        for table in (self._cache, self._pending, self._last_complete, self._last_change, self._parsed):
            table.pop(uri, None)

    # --- settings

    def apply_settings(self, value: Any) -> None:
        settings = Settings.from_wire(value, self.settings)
        if settings != self.settings:
            logger.info("settings: %s", settings)
            self.settings = settings
            for uri in list(self.workspace.text_documents):
                self.schedule_diagnostics(uri, debounce=False)

    async def pull_settings(self) -> None:
        """Ask the client for the ``sidecarLsp`` section (``workspace/configuration``)."""
        caps = self.client_capabilities.workspace
        if caps is None or not caps.configuration:
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


def make_server(schema: SchemaIndex | None = None, settings: Settings | None = None) -> SidecarLanguageServer:
    """Build the server with its handlers (and the navigation ones, when installed)."""
    server = SidecarLanguageServer(schema or SchemaIndex(load_schema()), settings)

    @server.feature(types.INITIALIZE)
    def initialize(ls: SidecarLanguageServer, params: types.InitializeParams) -> None:
        """initialize: settings from ``initializationOptions``."""
        ls.settings = Settings.from_wire(params.initialization_options, ls.settings)

    @server.feature(types.INITIALIZED)
    async def initialized(ls: SidecarLanguageServer, params: types.InitializedParams) -> None:
        """initialized: warm the checker up, register for configuration changes, pull the settings."""
        ls.warm_up()
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
        """workspace/didChangeConfiguration: take pushed settings, then re-read them."""
        if isinstance(params.settings, dict) and SECTION in params.settings:
            ls.apply_settings(params.settings[SECTION])
        await ls.pull_settings()

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: SidecarLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
        """textDocument/didOpen: check now."""
        ls.schedule_diagnostics(params.text_document.uri, debounce=False)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: SidecarLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
        """textDocument/didChange: check after a short pause in typing."""
        ls.schedule_diagnostics(params.text_document.uri, debounce=True)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: SidecarLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
        """textDocument/didClose: forget the document and clear its diagnostics."""
        ls.forget(params.text_document.uri)
        ls.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[])
        )

    @server.feature(
        types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=TRIGGER_CHARACTERS)
    )
    async def completion(
        ls: SidecarLanguageServer, params: types.CompletionParams
    ) -> types.CompletionList | None:
        """textDocument/completion: keys, values and names at the cursor."""
        uri = params.text_document.uri
        parsed = ls.parsed_for(uri)
        doc = ls.open_document(uri)
        if parsed is None or doc is None or not parsed[1] or not ls.settings.completion_enable:
            return None
        from .core.completion import complete  # loaded on first use, not at start-up

        pos = lsp_convert.from_lsp_position(doc, params.position)
        candidates = complete(parsed[0].text, pos, ls.schema, parsed[0], ls.previous_complete(uri))
        snippets = ls.settings.completion_snippets and _snippet_support(ls)
        lines = lsp_convert.lines_of(doc)
        items = [
            lsp_convert.to_completion_item(doc, c, snippets=snippets, index=i, lines=lines)
            for i, c in enumerate(candidates)
        ]
        return types.CompletionList(is_incomplete=False, items=items)

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    async def hover_(ls: SidecarLanguageServer, params: types.HoverParams) -> types.Hover | None:
        """textDocument/hover: the field's documentation, or what a reference points to."""
        uri = params.text_document.uri
        parsed = ls.parsed_for(uri)
        doc = ls.open_document(uri)
        if parsed is None or doc is None or not parsed[1] or not ls.settings.hover_enable:
            return None
        from .core.hover import hover  # loaded on first use, not at start-up

        environments = ls.workspace_features.environments(uri) if ls.workspace_features else []
        info = hover(parsed[0], lsp_convert.from_lsp_position(doc, params.position), ls.schema, environments)
        return lsp_convert.to_hover(doc, info) if info else None

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbol(
        ls: SidecarLanguageServer, params: types.DocumentSymbolParams
    ) -> list[types.DocumentSymbol] | None:
        """textDocument/documentSymbol: the service, sidecars, volumes and environments."""
        uri = params.text_document.uri
        parsed = ls.parsed_for(uri)
        doc = ls.open_document(uri)
        if parsed is None or doc is None or not parsed[1]:
            return None
        from .core.symbols import document_symbols  # loaded on first use, not at start-up

        lines = lsp_convert.lines_of(doc)
        return [lsp_convert.to_document_symbol(doc, s, lines) for s in document_symbols(parsed[0])]

    _register_navigation(server)
    _register_navigation(server, "workspace_features")  # after navigation: it extends definition
    return server


def _warm_up() -> None:
    """Load the checks and the feature modules (see :meth:`SidecarLanguageServer.warm_up`)."""
    analyze_document(parse("name: warm-up\ntype: Backend Service\n"))
    for feature in ("completion", "hover", "symbols"):
        importlib.import_module(f"{__package__}.core.{feature}")


def _register_navigation(server: SidecarLanguageServer, module_name: str = "navigation_features") -> None:
    """Add the navigation and code-action handlers (issue 4), or another feature module, when installed."""
    name = f"{__package__}.{module_name}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name != name:
            raise
        return
    module.register(server)


def _snippet_support(ls: SidecarLanguageServer) -> bool:
    text = ls.client_capabilities.text_document
    item = text.completion.completion_item if text and text.completion else None
    return bool(item and item.snippet_support)
