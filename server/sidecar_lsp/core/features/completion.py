"""Completion: keys, values and names valid at the cursor, from the schema and the document.

Pure: text and a code-point position in, :class:`Candidate` data out. The cursor context comes
from :mod:`.recover` (works on half-typed YAML); the field facts from :mod:`sidecar_lsp.core.schema.index`;
names (volumes, containers) from the parsed document, or from the last version that parsed
when the current one is broken.

A candidate carries no documentation, only ``data`` that says which documentation it has:
:func:`describe` renders it when the client asks (``completionItem/resolve``), so a list of
fifty keys does not carry fifty pages of markdown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sidecar_lsp.core.features.hover import field_markdown, instance_kind, plain_of
from sidecar_lsp.core.features.recover import Context, context_at
from sidecar_lsp.core.features.snippets import choice_text, escape_text, from_default_snippet
from sidecar_lsp.core.features.workspace_names import WorkspaceNames, names_at
from sidecar_lsp.core.lines import split_lines
from sidecar_lsp.core.manifest.names import ManifestNames, name_sources
from sidecar_lsp.core.manifest.references import CONTAINER, VOLUME, keyed_reference_in, reference_at
from sidecar_lsp.core.model import Pos, Span
from sidecar_lsp.core.schema.index import FieldInfo, SchemaIndex, value_text
from sidecar_lsp.core.yaml.tree import Mapping as YamlMapping
from sidecar_lsp.core.yaml.tree import ParsedDocument, parse

PathPart = str | int

_SCALAR_TYPES = ("string", "integer", "number", "boolean", "null")


@dataclass(frozen=True)
class Candidate:
    """One completion: what to show and what to insert in place of ``replace``."""

    label: str
    kind: str
    """``property``, ``value``, ``enum``, ``reference`` or ``keyword``."""
    insert_text: str
    replace: Span
    snippet: str | None = None
    """The same insertion in LSP snippet syntax, with placeholders; None when plain text is all."""
    detail: str = ""
    data: Mapping[str, Any] | None = None
    """JSON data for :func:`describe`: ``{"doc": "field"|"enum"|"volume"|"container",
    "path": [...], "name": ...}``; None when the candidate has no documentation."""
    filter_text: str = ""
    preselect: bool = False


def complete(
    text: str,
    pos: Pos,
    schema: SchemaIndex | Mapping[str, Any],
    document: ParsedDocument | None = None,
    previous: ParsedDocument | None = None,
    workspace: WorkspaceNames | None = None,
) -> list[Candidate]:
    """Candidates at ``pos`` (0-based line, code-point column).

    Parameters
    ----------
    document:
        ``parse(text)``, when the caller already has it (the server caches it per version).
    previous:
        The last version of the document that parsed completely; supplies names defined
        below a syntax error while the user types.
    workspace:
        The names of the rest of the workspace (environments, topics, publishers), when there is one.
    """
    index = schema if isinstance(schema, SchemaIndex) else SchemaIndex(schema)
    # The client's lines (``\n``, ``\r\n`` or a lone ``\r``): ``pos.line`` counts them.
    lines = split_lines(text)
    ctx = context_at(lines, pos)
    if ctx is None:
        return []
    if workspace is not None:
        found = names_at(ctx.role, ctx.path, ctx.siblings, workspace)
        if found:
            key = ctx.role == "key" and not ctx.has_colon
            return [
                Candidate(
                    name, "reference", f"{_key_text(name)}:" if key else name, ctx.replace, detail=detail
                )
                for name, detail in found
            ]
    document = document if document is not None else parse(text)
    instance = _instance(document, previous)
    names = ManifestNames(name_sources(document, previous), ctx.path)
    if ctx.role == "value":
        return _values(index, ctx, instance, names)
    if ctx.role == "item":
        item = index.at(ctx.path, instance)
        if not index.properties(item) and item:
            return _values(index, ctx, instance, names)
    if keyed_reference_in(ctx.path) is not None:
        return _dependency_keys(index, ctx, instance, names)
    return _keys(index, ctx, instance, _indent_unit(lines))


def describe(
    data: Mapping[str, Any],
    schema: SchemaIndex | Mapping[str, Any],
    document: ParsedDocument,
    previous: ParsedDocument | None = None,
) -> str:
    """Markdown documentation of the candidate whose :attr:`Candidate.data` is ``data``.

    ``document`` and ``previous`` are those :func:`complete` was given (the manifest's type and
    shape pick the schema's branches, its names describe references). Data this module did not
    make (a client may send anything back) describes nothing: the result is ``""``.
    """
    kind, name, raw_path = data.get("doc"), data.get("name"), data.get("path")
    if not isinstance(name, str) or not isinstance(raw_path, list):
        return ""
    if not all(isinstance(p, (str, int)) and not isinstance(p, bool) for p in raw_path):
        return ""
    path: tuple[PathPart, ...] = tuple(raw_path)
    index = schema if isinstance(schema, SchemaIndex) else SchemaIndex(schema)
    instance = _instance(document, previous)
    if kind == "field":
        subs = index.properties(index.at(path, instance)).get(name, [])
        info = index.field(name, [s for sub in subs for s in index.expand(sub)])
        return field_markdown(info, path + (name,), instance_kind(instance))
    if kind == "enum":
        return dict(index.field_at(path, instance).enum_docs).get(name, "")
    names = ManifestNames(name_sources(document, previous), path)
    if kind == "volume":
        return names.volume_doc(name)
    if kind == "container":
        return names.container_doc(name)
    return ""


def _doc_data(kind: str, path: tuple[PathPart, ...], name: str) -> dict[str, Any]:
    return {"doc": kind, "path": list(path), "name": name}


def _instance(document: ParsedDocument, previous: ParsedDocument | None) -> Any:
    """The document as plain data (selects the schema's per-type branch); the last good one lacks nothing."""
    current = plain_of(document)
    if isinstance(current, Mapping) and "type" in current:
        return current
    if (
        previous is not None
        and isinstance(previous.root, YamlMapping)
        and previous.root.get("type") is not None
    ):
        return previous.to_plain()
    return current


# --- keys


def _keys(index: SchemaIndex, ctx: Context, instance: Any, unit: int) -> list[Candidate]:
    schemas = index.at(ctx.path, instance)
    out: list[Candidate] = []
    for name, subs in index.properties(schemas).items():
        if name in ctx.siblings:
            continue
        expanded = [s for sub in subs for s in index.expand(sub)]
        info = index.field(name, expanded)
        if ctx.has_colon:
            plain, snippet = name, None
        else:
            plain, snippet = _key_insertion(name, info, ctx.indent, unit, _child_info(index, expanded))
        out.append(
            Candidate(
                label=name,
                kind="property",
                insert_text=plain,
                replace=ctx.replace,
                snippet=snippet,
                detail=_type_summary(info),
                data=_doc_data("field", ctx.path, name),
                filter_text=name,
            )
        )
    out.sort(key=lambda c: (c.label not in _required(index, schemas), 0))
    return out


def _required(index: SchemaIndex, schemas: list[Any]) -> set[str]:
    required: set[str] = set()
    for s in schemas:
        if isinstance(s.get("required"), list):
            required.update(r for r in s["required"] if isinstance(r, str))
    return required


def _child_info(index: SchemaIndex, schemas: list[Any]) -> Callable[[str], FieldInfo]:
    def info(name: str) -> FieldInfo:
        subs = index.child(schemas, name)
        return index.field(name, [s for sub in subs for s in index.expand(sub)])

    return info


def _key_insertion(
    name: str, info: FieldInfo, col: int, unit: int, child_info: Callable[[str], FieldInfo] | None = None
) -> tuple[str, str | None]:
    """Plain text and snippet for a key at column ``col``; later lines carry absolute indentation."""
    child = " " * (col + unit)
    types = set(info.types)
    if info.snippets:
        snippet = from_default_snippet(name, info.snippets[0], col + unit)
        if snippet is not None:
            plain = f"{name}:\n{child}" if "\n" in snippet else f"{name}: "
            return plain, snippet
    scalar = bool(types & set(_SCALAR_TYPES)) or bool(info.enum) or not types
    if scalar:
        if info.enum:
            choices = ",".join(choice_text(value_text(v)) for v in _default_first(info.enum, info))
            return f"{name}: ", f"{name}: ${{1|{choices}|}}"
        if _is_boolean(info):
            values = ("true", "false") if info.default is not False else ("false", "true")
            return f"{name}: ", f"{name}: ${{1|{values[0]},{values[1]}|}}"
        if info.has_default and not isinstance(info.default, (dict, list)):
            return f"{name}: ", f"{name}: ${{1:{escape_text(value_text(info.default))}}}"
        return f"{name}: ", f"{name}: $1"
    if "array" in types:
        if info.item_properties:
            required = list(info.item_required) or [info.item_properties[0]]
            body = [f"{child}- {required[0]}: $1"]
            body += [f"{child}  {key}: ${i + 2}" for i, key in enumerate(required[1:])]
            return f"{name}:\n{child}- ", f"{name}:\n" + "\n".join(body)
        if (
            isinstance(info.default, list)
            and info.default
            and not any(isinstance(v, (dict, list)) for v in info.default)
        ):
            items = ", ".join(
                f'"${{{i + 1}:{escape_text(value_text(v))}}}"' for i, v in enumerate(info.default)
            )
            return f"{name}: ", f"{name}: [{items}]"
        return f"{name}:\n{child}- ", f"{name}:\n{child}- $1"
    required = list(info.required)
    if required:
        body = [f"{child}{key}: ${i + 1}" for i, key in enumerate(required)]
        return f"{name}:\n{child}", f"{name}:\n" + "\n".join(body)
    if info.properties and child_info is not None:
        first = info.properties[0]
        _plain, inner = _key_insertion(first, child_info(first), col + unit, unit)
        if inner is not None:
            return f"{name}:\n{child}", f"{name}:\n{child}{inner}"
    return f"{name}:\n{child}", f"{name}:\n{child}$1"


def _is_boolean(info: FieldInfo) -> bool:
    """A yes/no field (not a string field that merely accepts booleans, like ``stringLike``)."""
    types = set(info.types)
    return "boolean" in types and not types & {"number", "integer", "object", "array"}


def _default_first(values: tuple[Any, ...], info: FieldInfo) -> list[Any]:
    ordered = list(values)
    if info.has_default and info.default in ordered:
        ordered.remove(info.default)
        ordered.insert(0, info.default)
    return ordered


def _type_summary(info: FieldInfo) -> str:
    names = {"object": "map", "array": "list"}
    return " | ".join(names.get(t, t) for t in info.types)


def _indent_unit(lines: list[str]) -> int:
    previous_indent = 0
    for line in lines[:400]:
        stripped = line.lstrip(" ")
        if not stripped.strip() or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        if indent > previous_indent:
            return indent - previous_indent
        previous_indent = indent
    return 2


# --- values


def _values(index: SchemaIndex, ctx: Context, instance: Any, names: ManifestNames) -> list[Candidate]:
    reference = reference_at(ctx.path, on_key=False)
    if reference is not None and reference.kind == VOLUME:
        return [
            Candidate(v, "reference", v, ctx.replace, detail="volume", data=_doc_data("volume", ctx.path, v))
            for v in names.volumes()
        ]
    if reference is not None and reference.kind == CONTAINER:
        return [
            Candidate(
                c, "reference", c, ctx.replace, detail="container", data=_doc_data("container", ctx.path, c)
            )
            for c in names.containers()
        ]
    info = index.field_at(ctx.path, instance)
    values: list[Any] = list(info.enum or info.words)
    docs = dict(info.enum_docs)
    if not values and _is_boolean(info):
        values = [True, False]
    out = []
    for value in values:
        label = value_text(value)
        is_default = info.has_default and info.default == value
        out.append(
            Candidate(
                label,
                "enum" if info.enum or info.words else "value",
                label,
                ctx.replace,
                detail="default" if is_default else "",
                data=_doc_data("enum", ctx.path, label) if docs.get(label) else None,
                preselect=is_default,
            )
        )
    return out


def _dependency_keys(
    index: SchemaIndex, ctx: Context, instance: Any, names: ManifestNames
) -> list[Candidate]:
    me = names.owner_container()
    condition = index.field_at(ctx.path + ("*",), instance)
    conditions = [value_text(v) for v in condition.enum or condition.words]
    choices = ",".join(choice_text(c) for c in conditions)
    out = []
    for name in names.containers():
        if name == me or name in ctx.siblings:
            continue
        plain = name if ctx.has_colon else f"{name}: "
        snippet = None if ctx.has_colon else f"{_key_text(name)}: ${{1|{choices}|}}"
        out.append(
            Candidate(
                name,
                "reference",
                plain,
                ctx.replace,
                snippet=snippet,
                detail="container",
                data=_doc_data("container", ctx.path, name),
            )
        )
    return out


def _key_text(name: str) -> str:
    return name if re.fullmatch(r"[\w./-]+", name) else json.dumps(name)
