"""JSON-RPC and LSP lifecycle rules pygls leaves out, and the transports (stdio, one TCP client).

* a request with params that cannot be read gets an InvalidParams reply instead of silence;
* before ``initialize`` every request gets ServerNotInitialized (-32002), notifications are dropped;
* after ``shutdown`` every request but ``exit`` gets InvalidRequest (-32600);
* a body that is not JSON gets ParseError (-32700) with a null id;
* error replies carry a message only, never a Python traceback;
* ``exit`` ends the process with 0 after ``shutdown`` and 1 without it (the server's ``exit_code``);
* a message longer than :data:`MAX_MESSAGE_BYTES` is refused with a ParseError and an error in the log;
* the end of the input ends the server at once, with 0 between messages and 1 inside a message or after
  a refused one; a body is read in chunks as it arrives, never by the length its header declares.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidRequest, JsonRpcServerNotInitialized
from pygls.io_ import StdinAsyncReader, StdoutWriter
from pygls.protocol import LanguageServerProtocol

from sidecar_lsp.lsp.documents import ClientWorkspace

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

logger = logging.getLogger(__name__)

_CONTENT_LENGTH = re.compile(rb"^content-length:[ \t]*(\d+)[ \t]*\r?\n?$", re.IGNORECASE)
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
"""The longest body read; a longer one is skipped and answered with a ParseError.

The server does not parse texts over 1,000,000 characters, at most 12 MB even as JSON ``\\u``
escapes, so no useful message comes near 64 MiB: a larger length is a client's bug or a corrupt
stream, and holding it would take the memory of a whole editor.
"""
READ_CHUNK_BYTES = 1024 * 1024
"""A body is read at most this much at a time: memory grows with the bytes that arrive, not with the
length a header declares (pygls' stdin reader, ``BufferedReader.read(n)``, allocates n bytes first)."""
_LONGEST_SKIP = 10**18
"""A larger Content-Length counts as this one (``int`` refuses more than 4,300 digits): skipping
either reads until the input ends all the same."""


@dataclass(frozen=True)
class _Rejected:
    """A request whose params could not be read; answered with an error instead of dropped."""

    id: int | str
    error: JsonRpcException
    jsonrpc: str = "2.0"


class SidecarProtocol(LanguageServerProtocol):
    """pygls' protocol with the lifecycle rules above."""

    initialize_seen = False
    exit_code = 0
    """What the process exits with: set by ``exit``, and to 1 when a message was lost (see :func:`serve`)."""

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if isinstance(data, dict) and "id" in data and "method" in data:
                return _Rejected(data["id"], error)
            raise

    def handle_message(self, message: Any) -> None:
        method = getattr(message, "method", None)
        is_request = method is not None and hasattr(message, "id")
        if isinstance(message, _Rejected):
            self._send_response(message.id, error=message.error.to_response_error())
            return
        if method == types.EXIT:
            self.exit_code = 0 if self._shutdown else 1
            super().handle_message(message)
            return
        if self._shutdown:
            if is_request:
                error = JsonRpcInvalidRequest(message=f"the server is shutting down: {method} refused")
                self._send_response(message.id, error=error.to_response_error())
            return
        if not self.initialize_seen:
            if method == types.INITIALIZE:
                self.initialize_seen = True
            elif is_request:
                refused = JsonRpcServerNotInitialized(message=f"{method} before initialize")
                self._send_response(message.id, error=refused.to_response_error())
                return
            elif method is not None:
                return  # notifications before initialize are dropped (LSP 3.17)
        super().handle_message(message)
        if not is_request and self._request_futures:
            # pygls files the futures of generator handlers (its didOpen, didChange, didClose)
            # under a random id and never removes those of notifications: one per keystroke.
            for key in [key for key, future in self._request_futures.items() if future.done()]:
                del self._request_futures[key]

    def _send_response(
        self, msg_id: Any, result: Any | None = None, error: types.ResponseError | None = None
    ) -> None:
        if error is not None and error.data is not None:
            # pygls puts the traceback of an internal error into `data`; the log has it.
            error = types.ResponseError(code=error.code, message=error.message)
        super()._send_response(msg_id, result, error)

    def lsp_initialize(self, params: types.InitializeParams) -> Any:
        """pygls' initialize, with a workspace whose documents count lines as clients do."""
        steps = super().lsp_initialize(params)
        result: Any = None
        first = True
        while True:
            try:
                step = next(steps) if first else steps.send(result)
            except StopIteration as stop:
                self._use_client_workspace()
                return stop.value
            if first:
                # pygls has created its workspace before the first step (the user handler)
                self._use_client_workspace()
                first = False
            result = yield step

    # pygls registers its built-in handlers by the `method_name` attribute of the functions
    lsp_initialize.method_name = types.INITIALIZE  # type: ignore[attr-defined]

    def _use_client_workspace(self) -> None:
        if self._workspace is not None and type(self._workspace) is not ClientWorkspace:
            self._workspace.__class__ = ClientWorkspace

    def send_parse_error(self, detail: str) -> None:
        self._send_data({"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": detail}})


async def serve(reader: asyncio.StreamReader | Any, protocol: SidecarProtocol, stop: threading.Event) -> None:
    """Read LSP messages until the stream ends; each goes to ``protocol``.

    ``reader`` is pygls' ``StdinAsyncReader`` (whose ``readexactly`` returns fewer bytes at the end
    of the input) or an ``asyncio.StreamReader`` (which raises ``IncompleteReadError`` there).
    When the input ends inside a message, or after a refused one, ``protocol.exit_code`` becomes 1.
    """
    while not stop.is_set():
        declared: bytes | None = None
        header_started = False
        while True:
            header = await reader.readline()
            if not header:
                if header_started:
                    _input_ended_inside_a_message(protocol, "in its header")
                return
            header_started = True
            if header in (b"\r\n", b"\n"):
                break
            match = _CONTENT_LENGTH.match(header)
            if match:
                declared = match.group(1)
        if declared is None:
            protocol.send_parse_error("Parse error: a message without Content-Length")
            continue
        length = _declared_length(declared)
        if length > MAX_MESSAGE_BYTES:
            _refuse(protocol, declared)
            skipped = 0
            async for chunk in _chunks(reader, length):
                skipped += len(chunk)
            if skipped < length:
                _input_ended_inside_a_message(protocol, f"after {skipped:,} bytes of the refused body")
                return
            continue
        body = b"".join([chunk async for chunk in _chunks(reader, length)])
        if len(body) < length:
            _input_ended_inside_a_message(protocol, f"after {len(body):,} of {length:,} bytes")
            return
        try:
            message = json.loads(body, object_hook=protocol.structure_message)
        except (ValueError, UnicodeDecodeError) as error:  # JSONDecodeError is a ValueError
            logger.warning("unreadable message: %s", error)
            protocol.send_parse_error(f"Parse error: {error}")
            continue
        except JsonRpcException as error:
            logger.warning("malformed message: %s", error)
            continue
        try:
            protocol.handle_message(message)
        except Exception:
            logger.exception("handling a message failed")


def _declared_length(digits: bytes) -> int:
    """The Content-Length's value, at most :data:`_LONGEST_SKIP`."""
    significant = digits.lstrip(b"0")
    if len(significant) > len(str(_LONGEST_SKIP)):
        return _LONGEST_SKIP
    return min(int(significant or b"0"), _LONGEST_SKIP)


def _refuse(protocol: SidecarProtocol, declared: bytes) -> None:
    """Log and answer a message over the limit.

    The session then ends with 1 even if the rest is read: the client's message was never applied
    (a lost ``didChange`` leaves the server with other text than the editor's).
    """
    shown = declared.decode("ascii") if len(declared) <= 40 else f"{declared[:40].decode('ascii')}..."
    logger.error(
        "refused a message of Content-Length %s: over the limit of %s bytes; its body is skipped",
        shown,
        f"{MAX_MESSAGE_BYTES:,}",
    )
    protocol.exit_code = 1
    protocol.send_parse_error(f"Parse error: a message of more than {MAX_MESSAGE_BYTES:,} bytes refused")


async def _chunks(reader: asyncio.StreamReader | Any, length: int) -> AsyncIterator[bytes]:
    """The next ``length`` bytes, at most :data:`READ_CHUNK_BYTES` at a time; fewer when the input ends."""
    left = length
    while left > 0:
        wanted = min(left, READ_CHUNK_BYTES)
        try:
            chunk: bytes = await reader.readexactly(wanted)
        except asyncio.IncompleteReadError as ended:
            chunk = ended.partial
        if chunk:
            yield chunk
        if len(chunk) < wanted:
            return
        left -= wanted


def _input_ended_inside_a_message(protocol: SidecarProtocol, where: str) -> None:
    logger.error("the input ended inside a message (%s); stopping with exit status 1", where)
    protocol.exit_code = 1


def start_io(server: LanguageServer) -> None:
    """Serve one client over stdin/stdout until it exits."""
    stop = threading.Event()
    server._stop_event = stop
    reader = StdinAsyncReader(sys.stdin.buffer, server.thread_pool)
    server.protocol.set_writer(StdoutWriter(sys.stdout.buffer))
    assert isinstance(server.protocol, SidecarProtocol)
    try:
        asyncio.run(serve(reader, server.protocol, stop))
    except BrokenPipeError:
        logger.error("the client closed the connection")
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]


def start_tcp(server: LanguageServer, host: str, port: int) -> None:
    """Serve the first client that connects, refuse every other one, and stop when it leaves.

    A second connection must not take the session over: the editor would receive nothing from
    then on, and the newcomer would receive diagnostics quoting the editor's documents.
    """
    stop = threading.Event()
    server._stop_event = stop
    protocol = server.protocol
    assert isinstance(protocol, SidecarProtocol)

    async def main() -> None:
        done = asyncio.get_running_loop().create_future()
        taken = False

        async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            nonlocal taken
            if taken:
                logger.warning("refused a second client from %s", writer.get_extra_info("peername"))
                writer.close()
                return
            taken = True
            logger.info("client connected from %s", writer.get_extra_info("peername"))
            protocol.set_writer(writer)
            try:
                await serve(reader, protocol, stop)
            except (ConnectionError, asyncio.IncompleteReadError):
                logger.info("the client closed the connection")
            finally:
                if not done.done():
                    done.set_result(None)

        listener = await asyncio.start_server(connection, host, port)
        logger.info("listening on %s", ", ".join(str(s.getsockname()) for s in listener.sockets))
        async with listener:
            await done

    try:
        asyncio.run(main())
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        server.shutdown()  # type: ignore[no-untyped-call]
