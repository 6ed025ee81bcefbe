"""How Copilot reads the values a task definition is made of, and how its template writes them back.

Copilot substitutes ``${VAR}``s in every string scalar before decoding (``interpolate.go``), decodes
into Go types (strings keep their written text, durations go through ``time.ParseDuration``, shell
strings through ``shlex.Split``), and its CloudFormation template then writes many of those values
*unquoted* (``- {{$part}}``, ``ValueFrom: {{$secret.ValueFrom}}``), so that YAML reads them again:
``80`` becomes a number, ``yes`` stays a string (yaml.v3). :func:`reread` gives that second reading,
so the task definition holds exactly what Copilot's template holds.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from sidecar_lsp.core.decoding.interpolation import VARIABLE, becomes_list
from sidecar_lsp.core.yaml.tree import (
    Mapping,
    Node,
    Scalar,
    Sequence,
    iter_nodes,
    parse,
    resolve_plain,
    to_plain,
)


class RefusedError(Exception):
    """Copilot would not render this manifest; the message says why, in Copilot's words where it has them."""


_SAFE_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./@+=$:-]*")
"""Text that YAML reads as one plain scalar exactly as written (then typed by :func:`resolve_plain`)."""


def reread(text: str) -> Any:
    """What YAML reads where Copilot's template writes ``text`` unquoted after a key."""
    if not text:
        return None
    if _SAFE_PLAIN.fullmatch(text) and ": " not in text and not text.endswith(":"):
        return resolve_plain(text)
    document = parse(f"k: {text}\n")
    if document.findings or not document.complete or not isinstance(document.root, Mapping):
        raise RefusedError(
            f"Copilot's template cannot write {text!r} unquoted (YAML reads it as something else)"
        )
    value = document.root.get("k")
    if not isinstance(value, Scalar) or len(document.root.entries) != 1:
        raise RefusedError(
            f"Copilot's template cannot write {text!r} unquoted (YAML reads it as something else)"
        )
    return to_plain(value)


def go_json(value: dict[str, str]) -> str:
    """``json.Marshal`` of a string map: sorted keys, no spaces, ``<``, ``>``, ``&`` escaped as Go does."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026")):
        text = text.replace(char, escaped)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


_DURATION_PART = re.compile(r"(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_SECONDS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "μs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}
_UNIT_NANOS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9}


def duration_seconds(text: str) -> int:
    """``int64(d.Seconds())`` of Go's ``time.ParseDuration(text)`` (truncated toward zero)."""
    body = text.strip() if text == text.strip() else "!"
    sign = -1 if body.startswith("-") else 1
    body = body[1:] if body[:1] in "+-" else body
    if body == "0":
        return 0
    nanos, position = 0, 0
    for match in _DURATION_PART.finditer(body):
        if match.start() != position:
            break
        whole, _, fraction = match.group(1).partition(".")
        scale = _UNIT_NANOS.get(match.group(2), 3600 * 10**9)
        nanos += int(whole or "0") * scale + (int(fraction) * scale // 10 ** len(fraction) if fraction else 0)
        position = match.end()
    if not body or position != len(body):
        raise RefusedError(f'time: invalid duration "{text}"')
    return sign * (nanos // 10**9)


def shell_split(text: str) -> list[str]:
    """``shlex.Split`` (github.com/google/shlex): words, quotes, backslashes, ``#`` comments."""
    lexer = shlex.shlex(text, posix=True)
    lexer.whitespace_split = True
    lexer.commenters = "#"
    try:
        return list(lexer)
    except ValueError as error:
        raise RefusedError(f"convert string into tokens using shell-style rules: {error}") from None


class Values:
    """Reads a merged manifest's nodes as Copilot decodes them, ``${VAR}``s substituted."""

    def __init__(self, variables: dict[str, str]) -> None:
        self.variables = variables

    def check_defined(self, root: Node) -> None:
        """Copilot fails on an undefined ``${VAR}`` anywhere in the file, any environment included."""
        for _path, node in iter_nodes(root):
            if isinstance(node, Scalar) and isinstance(node.value, str):
                for match in VARIABLE.finditer(node.value):
                    if not match.group(1) and match.group(2) not in self.variables:
                        raise RefusedError(
                            f'interpolate: environment variable "{match.group(2)}" is not defined'
                        )

    def substituted(self, text: str) -> str:
        return VARIABLE.sub(lambda m: m.group(0)[1:] if m.group(1) else self.variables[m.group(2)], text)

    def text(self, node: Node | None) -> str | None:
        """A string field (``*string``): the written text, substituted; None when unset or null."""
        if not isinstance(node, Scalar) or node.value is None:
            if isinstance(node, (Mapping, Sequence)):
                raise RefusedError(
                    f"cannot decode a {'map' if isinstance(node, Mapping) else 'list'} into a string"
                )
            return None
        if isinstance(node.value, str):
            value = self.substituted(node.value)
            if node.style != "|" and becomes_list(value):
                raise RefusedError(f"cannot decode the list {value!r} into a string")
            return value
        return node.raw

    def strings(self, node: Node | None) -> list[str] | None:
        """A ``[]string`` field: a list (or a JSON-array string Copilot turns into one)."""
        if isinstance(node, Sequence):
            return [self.text(item) or "" for item in node.items]
        if isinstance(node, Scalar) and isinstance(node.value, str) and node.style != "|":
            value = self.substituted(node.value)
            if becomes_list(value):
                return [str(item) for item in json.loads(value)]
        if node is None or (isinstance(node, Scalar) and node.value is None):
            return None
        raise RefusedError("cannot decode this value into a list of strings")

    def shell_words(self, node: Node | None) -> list[str] | None:
        """``command``/``entrypoint``: a list as written, or a string split by shell rules."""
        if isinstance(node, Sequence) or (
            isinstance(node, Scalar) and isinstance(node.value, str) and node.style != "|"
            and becomes_list(self.substituted(node.value))
        ):  # fmt: skip
            return self.strings(node)
        value = self.text(node)
        return None if value is None else shell_split(value)

    def boolean(self, node: Node | None) -> bool | None:
        if not isinstance(node, Scalar) or node.value is None:
            return None
        if isinstance(node.value, bool):
            return node.value
        if node.style is None and node.raw in ("y", "Y", "yes", "Yes", "YES", "on", "On", "ON"):
            return True
        if node.style is None and node.raw in ("n", "N", "no", "No", "NO", "off", "Off", "OFF"):
            return False
        raise RefusedError(f"cannot unmarshal {node.raw!r} into a bool")

    def integer(self, node: Node | None) -> int | None:
        if not isinstance(node, Scalar) or node.value is None:
            return None
        if isinstance(node.value, int) and not isinstance(node.value, bool):
            return node.value
        raise RefusedError(f"cannot unmarshal {node.raw!r} into an int")

    def duration(self, node: Node | None) -> int | None:
        value = self.text(node)
        if value is None:
            return None
        if isinstance(node, Scalar) and not isinstance(node.value, str):
            raise RefusedError(f"cannot unmarshal !!int `{value}` into time.Duration")
        return duration_seconds(value)
