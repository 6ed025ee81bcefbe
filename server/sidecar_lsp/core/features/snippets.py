"""Snippet text for completion: a schema's ``defaultSnippets`` entry rendered as YAML, and the escapes of
LSP snippet syntax (``$``, ``}``, ``\\``, and in a choice ``,`` and ``|``)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from sidecar_lsp.core.schema.index import value_text


def choice_text(text: str) -> str:
    """``text`` escaped for a snippet choice ``${1|a,b|}``."""
    return re.sub(r"([,|\\$}])", r"\\\1", text)


def escape_text(text: str) -> str:
    """``text`` escaped for snippet text outside a placeholder."""
    return re.sub(r"([\\$}])", r"\\\1", text)


def from_default_snippet(name: str, snippet: Mapping[str, Any], child_col: int) -> str | None:
    """A ``defaultSnippets`` entry rendered as YAML under ``name:`` at ``child_col``."""
    if isinstance(snippet.get("bodyText"), str):
        body_text: str = snippet["bodyText"]
        if "\n" in body_text or body_text.endswith(":"):
            pad = " " * child_col
            return f"{name}:\n" + "\n".join(pad + line for line in body_text.split("\n"))
        return f"{name}: {body_text}"
    if "body" not in snippet:
        return None
    body = snippet["body"]
    if isinstance(body, Mapping):
        return f"{name}:\n" + "\n".join(_render_map(body, child_col))
    if isinstance(body, list):
        return f"{name}:\n" + "\n".join(_render_list(body, child_col))
    return f"{name}: {_render_scalar(body)}"


def _render_map(body: Mapping[str, Any], col: int) -> list[str]:
    pad = " " * col
    out: list[str] = []
    for key, value in body.items():
        if isinstance(value, Mapping):
            out.append(f"{pad}{key}:")
            out.extend(_render_map(value, col + 2))
        elif isinstance(value, list) and any(isinstance(v, (Mapping, list)) for v in value):
            out.append(f"{pad}{key}:")
            out.extend(_render_list(value, col + 2))
        elif isinstance(value, list):
            out.append(f"{pad}{key}: [" + ", ".join(_render_flow(v) for v in value) + "]")
        else:
            out.append(f"{pad}{key}: {_render_scalar(value)}")
    return out


def _render_list(body: list[Any], col: int) -> list[str]:
    pad = " " * col
    out: list[str] = []
    for value in body:
        if isinstance(value, Mapping) and value:
            inner = _render_map(value, col + 2)
            out.append(f"{pad}- {inner[0].lstrip()}")
            out.extend(inner[1:])
        elif isinstance(value, list):
            out.append(f"{pad}- [" + ", ".join(_render_flow(v) for v in value) + "]")
        else:
            out.append(f"{pad}- {_render_scalar(value)}")
    return out


def _render_scalar(value: Any) -> str:
    if isinstance(value, str):
        if value.startswith("^"):
            return value[1:]
        if value == "" or re.search(r":\s|\s#|^[\[\]{},&*!|>'\"%@`]", value):
            return json.dumps(value, ensure_ascii=False)
        return value
    return value_text(value)


def _render_flow(value: Any) -> str:
    if isinstance(value, str):
        return value[1:] if value.startswith("^") else json.dumps(value, ensure_ascii=False)
    return value_text(value)
