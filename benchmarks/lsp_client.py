"""A small synchronous LSP client over stdio (standard library only), for benchmarks and stress tests.

It answers the requests servers send (``workspace/configuration`` from a dict of sections,
``client/registerCapability`` and anything else with ``null``), records every notification,
and can send raw bytes (malformed JSON-RPC).
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time
from collections.abc import Callable
from typing import Any


class LspError(Exception):
    def __init__(self, error: dict[str, Any]) -> None:
        super().__init__(error.get("message"))
        self.error = error


class LspProcess:
    def __init__(
        self,
        cmd: list[str],
        config: dict[str, Any] | None = None,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=cwd,
            env={**os.environ, **(env or {})},
        )
        self.config = config or {}
        self._next = 0
        self._lock = threading.Lock()
        self._cond = threading.Condition()
        self._responses: dict[int, dict[str, Any]] = {}
        self.notifications: list[tuple[float, str, Any]] = []
        self.server_requests: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # --- wire

    def _write(self, payload: dict[str, Any]) -> None:
        self.send_raw(json.dumps(payload).encode("utf-8"))

    def send_raw(self, body: bytes, header: bytes | None = None) -> None:
        assert self.proc.stdin is not None
        with self._lock:
            self.proc.stdin.write(header if header is not None else b"Content-Length: %d\r\n\r\n" % len(body))
            self.proc.stdin.write(body)
            self.proc.stdin.flush()

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    with self._cond:
                        self._cond.notify_all()
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if length is None:
                continue
            message = json.loads(stream.read(length))
            now = time.perf_counter()
            if "method" in message and "id" in message:
                self.server_requests.append(message["method"])
                self._answer(message)
            elif "method" in message:
                with self._cond:
                    self.notifications.append((now, message["method"], message.get("params")))
                    self._cond.notify_all()
            else:
                with self._cond:
                    message["_time"] = now
                    self._responses[message["id"]] = message
                    self._cond.notify_all()

    def _answer(self, message: dict[str, Any]) -> None:
        result: Any = None
        if message["method"] == "workspace/configuration":
            result = [self.config.get(item.get("section", "")) for item in message["params"]["items"]]
        self._write({"jsonrpc": "2.0", "id": message["id"], "result": result})

    # --- API

    def send(self, method: str, params: Any) -> int:
        self._next += 1
        self._write({"jsonrpc": "2.0", "id": self._next, "method": method, "params": params})
        return self._next

    def response(self, ident: int, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while ident not in self._responses:
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise TimeoutError(f"no response to request {ident}")
                self._cond.wait(left)
            return self._responses.pop(ident)

    def request(self, method: str, params: Any, timeout: float = 30) -> Any:
        reply = self.response(self.send(method, params), timeout)
        if "error" in reply:
            raise LspError(reply["error"])
        return reply.get("result")

    def notify(self, method: str, params: Any) -> None:
        self._write({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_notification(
        self,
        method: str,
        predicate: Callable[[Any], bool] = lambda _: True,
        after: int = 0,
        timeout: float = 30,
    ) -> tuple[int, float, Any]:
        """The first notification at index >= ``after`` matching; returns (index, time, params)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            index = after
            while True:
                while index < len(self.notifications):
                    when, name, params = self.notifications[index]
                    if name == method and predicate(params):
                        return index, when, params
                    index += 1
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise TimeoutError(f"no {method} notification")
                self._cond.wait(left)

    def initialize(
        self, capabilities: dict[str, Any] | None = None, root_uri: str | None = None, **extra: Any
    ) -> Any:
        result = self.request(
            "initialize",
            {"processId": os.getpid(), "rootUri": root_uri, "capabilities": capabilities or {}, **extra},
        )
        self.notify("initialized", {})
        return result

    def close(self) -> None:
        try:
            if self.proc.poll() is None:
                self.request("shutdown", None, timeout=5)
                self.notify("exit", None)
                self.proc.wait(5)
        except Exception:
            pass
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


def peak_rss_kb(pid: int) -> int:
    """VmHWM (peak resident set size) of a live process, Linux only; 0 elsewhere."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
