"""The narrow interfaces between the language server and its components.

The server (:mod:`.server`) builds the components and is the one class behind :class:`Registry`,
:class:`Client` and :class:`Requests`; the workspace features (:mod:`.handlers.workspace`) are the
one behind :class:`CrossFile`. A component names only the interfaces it reads, never the server
class, so no module but the server (and ``__main__``) imports :mod:`.server`, and there is no import
cycle. Everything behind these interfaces is touched on the event loop only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

if TYPE_CHECKING:
    from pathlib import Path

    from lsprotocol import types
    from pygls.workspace import TextDocument
    from pygls.workspace.position_codec import PositionCodec

    from sidecar_lsp.core.model import Finding
    from sidecar_lsp.core.schema.index import SchemaIndex
    from sidecar_lsp.core.workspace.model import Workspace
    from sidecar_lsp.core.yaml.tree import ParsedDocument
    from sidecar_lsp.lsp.documents import Checked, Parsed, Snapshot
    from sidecar_lsp.lsp.settings import Settings

Handler = TypeVar("Handler", bound=Callable[..., Any])
T = TypeVar("T")


class Registry(Protocol):
    """Where a handler module adds its handlers: one per LSP method (a second one is refused), a
    ``textDocument/*`` handler that raises is logged and answers null; nothing else writes into
    pygls' feature table."""

    def feature(self, feature_name: str, options: Any | None = None) -> Callable[[Handler], Handler]: ...

    def command(self, command_name: str) -> Callable[[Handler], Handler]: ...


class Client(Protocol):
    """What the components ask of the client."""

    @property
    def client_capabilities(self) -> types.ClientCapabilities: ...

    async def client_register_capability_async(self, params: types.RegistrationParams) -> None: ...

    async def window_show_document_async(
        self, params: types.ShowDocumentParams
    ) -> types.ShowDocumentResult: ...


class Documents(Protocol):
    """The open documents, and the settings they are checked with."""

    @property
    def settings(self) -> Settings: ...

    @property
    def position_codec(self) -> PositionCodec:
        """The client's position encoding (for a document that is not open)."""
        ...

    def open_document(self, uri: str) -> TextDocument | None:
        """The open document, or None (requests for unopened documents get empty answers)."""
        ...

    def open_uris(self) -> list[str]: ...

    def snapshot(self, uri: str) -> Snapshot | None:
        """The open document's current version and text with the current settings."""
        ...

    def is_current(self, snapshot: Snapshot) -> bool:
        """Whether the document is still open with exactly this version, text and settings."""
        ...

    def parsed_for(self, uri: str) -> Parsed | None:
        """The current text's tree and whether the document is served, without waiting for checks."""
        ...


class Requests(Documents, Client, Protocol):
    """What request handlers read: the documents, their trees and analyses, the schema, the client."""

    @property
    def schema(self) -> SchemaIndex: ...

    def previous_complete(self, uri: str) -> ParsedDocument | None:
        """The newest tree of ``uri`` without a syntax error (names for completion while typing)."""
        ...

    async def cached_async(self, uri: str) -> Checked | None:
        """The checked current version of ``uri``: compare ``result.snapshot`` (``is_current``) after
        the await before answering with positions."""
        ...


class Host(Registry, Requests, Protocol):
    """What a handler module's ``register`` is given: where to add handlers and what they read."""


class CrossFile(Protocol):
    """The Copilot workspaces of the open documents, as publishing and the request handlers ask them."""

    async def load(self, uri: str) -> None:
        """Before a publish: the document's workspace is in memory (read off the event loop the
        first time); returns at once for a lone file or a workspace already read."""
        ...

    def take(self, uri: str, doc: TextDocument, tree: ParsedDocument | None) -> None:
        """Publishing only: the workspace takes the document's text (and re-publishes what reads it);
        ``tree``, its parse when there is one."""
        ...

    def findings(
        self, uri: str, doc: TextDocument, tree: ParsedDocument | None, findings: list[Finding]
    ) -> list[Finding]:
        """The document's ``findings`` judged in its workspace, plus the cross-file ones; changes nothing."""
        ...

    def environments(self, uri: str) -> list[str]:
        """The environments of the document's workspace (none before a publish has read it)."""
        ...

    def workspace_of(self, uri: str) -> Workspace | None:
        """The workspace held in memory that holds ``uri`` (None for a lone file, or before a publish)."""
        ...

    def held(self) -> list[Workspace]:
        """Every workspace read so far."""
        ...

    async def existing(self, base: Path, targets: list[tuple[str, bool]]) -> list[str | None]:
        """Each ``(path, folder)`` resolved against ``base``: its absolute path when it exists, else None
        (read off the event loop, like every disk read)."""
        ...

    async def off_loop(self, work: Callable[..., T], *args: Any) -> T:
        """``work(*args)``, a pure function such as a parse of many texts, off the event loop (on the
        thread that reads workspaces, which parses their facts too)."""
        ...

    def renders(self, uri: str) -> bool:
        """Whether ``uri`` names a rendering (a ``sidecar-lsp-merged:`` document)."""
        ...

    async def definition(self, merged: str, line: int) -> list[types.Location] | None:
        """Where the value on ``line`` of a rendering was set."""
        ...
