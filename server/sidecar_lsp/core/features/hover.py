"""Hover: what a key means (from the schema) and what a reference value points to.

Pure: a parsed document and a code-point position in, :class:`HoverInfo` (markdown) out.
"""

from __future__ import annotations

import re
from collections import abc
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sidecar_lsp.core.decoding.kinds import (
    BACKEND,
    ENVIRONMENT,
    JOB,
    LBWS,
    PIPELINE,
    RDWS,
    STATIC_SITE,
    WORKER,
    manifest_kind,
)
from sidecar_lsp.core.features.per_environment import sidecar_table, value_table
from sidecar_lsp.core.manifest.merge import environment_names, environment_view, split_environment
from sidecar_lsp.core.manifest.references import CONTAINER, SIDECARS, VOLUME, definition, reference_at
from sidecar_lsp.core.manifest.task import FIRELENS_CONTAINER, TaskContainer, describe_task, task_containers
from sidecar_lsp.core.model import Pos, Span, dotted
from sidecar_lsp.core.schema.facts import user_keyed_maps
from sidecar_lsp.core.schema.index import MISSING, FieldInfo, SchemaIndex, value_text
from sidecar_lsp.core.schema.words import field_type_words
from sidecar_lsp.core.yaml.tree import Entry, Node, ParsedDocument, Scalar, Sequence, node_at
from sidecar_lsp.core.yaml.tree import Mapping as YamlMapping

PathPart = str | int


DOCS_BASE = "https://aws.github.io/copilot-cli/docs"
_PAGES = {
    LBWS: "manifest/lb-web-service",
    BACKEND: "manifest/backend-service",
    WORKER: "manifest/worker-service",
    RDWS: "manifest/rd-web-service",
    STATIC_SITE: "manifest/static-site",
    JOB: "manifest/scheduled-job",
    ENVIRONMENT: "manifest/environment",
    PIPELINE: "manifest/pipeline",
}
_PLACEHOLDERS = {"volumes": "volume"}
"""How the documentation's anchors write the user's name under a map keyed by names (most leave it out)."""


@dataclass(frozen=True)
class HoverInfo:
    markdown: str
    span: Span
    """The key or value the hover is about."""


def docs_url(path: tuple[PathPart, ...], kind: str | None) -> str | None:
    """The Copilot documentation page (and anchor) for a manifest path."""
    parts = [p for p in split_environment(path)[1] if isinstance(p, str)]
    if parts[:1] == [SIDECARS]:
        return f"{DOCS_BASE}/developing/sidecars/"
    page = _PAGES.get(kind or "")
    if page is None:
        return None
    anchor: list[str] = []
    skip_next = False
    for part in parts:
        if skip_next:
            skip_next = False
            continue
        anchor.append(part.replace("_", "-").lower())
        if part in user_keyed_maps():
            placeholder = _PLACEHOLDERS.get(part)
            if placeholder:
                anchor.append(placeholder)
            skip_next = True
    return f"{DOCS_BASE}/{page}/" + ("#" + "-".join(anchor) if anchor else "")


def field_markdown(info: FieldInfo, path: tuple[PathPart, ...], kind: str | None) -> str:
    """Markdown for a field: its text, type, default, allowed values, an example and a docs link."""
    lines: list[str] = []
    title = f"**`{dotted(path)}`**" if path else "**manifest**"
    kinds = field_type_words(info.types, info.patterns, info.description, info.properties, info.item_types)
    lines.append(title + (f" · *{kinds}*" if kinds else ""))
    if info.deprecated:
        lines += ["", f"⚠ {info.deprecated}"]
    if info.doc:
        lines += ["", markdown_links(info.doc.strip())]
    facts: list[str] = []
    if info.has_default:
        facts.append(f"Default: `{_inline(info.default)}`")
    if info.enum:
        facts.append("Allowed values: " + ", ".join(f"`{value_text(v)}`" for v in info.enum))
    if facts:
        lines += [""] + ["  \n".join(facts)]
    if info.examples:
        name = next((p for p in reversed(path) if isinstance(p, str)), "key")
        lines += ["", "Example:", "```yaml", _yaml_pair(name, info.examples[0]), "```"]
    url = docs_url(path, kind)
    if url and url.split("#")[0] not in info.doc:
        lines += ["", f"[Copilot manifest docs]({url})"]
    return "\n".join(lines)


_BARE_URL = re.compile(r"^(https?://\S+?)/?$", re.MULTILINE)


def markdown_links(text: str) -> str:
    """A documentation link on a line of its own, as a Markdown link named by the page it opens."""

    def link(match: re.Match[str]) -> str:
        url = match.group(0)
        page = [part for part in match.group(1).split("#")[0].split("/") if part][-1]
        anchor = url.split("#", 1)[1] if "#" in url else ""
        name = page.replace("-", " ") + (f" › {anchor.replace('-', ' ')}" if anchor else "")
        return f"[Copilot docs: {name}]({url})"

    return _BARE_URL.sub(link, text)


def hover(
    document: ParsedDocument,
    pos: Pos,
    schema: SchemaIndex | Mapping[str, Any],
    environments: abc.Sequence[str] = (),
    uri: str = "",
) -> HoverInfo | None:
    """What to show at ``pos``; None between nodes or where nothing is known.

    ``environments`` are the workspace's (empty for a lone file): hover on ``sidecars`` shows the
    task's containers in each of them, hover on a field its value in each, hover on a sidecar's name
    its container in each. ``uri`` is the document's, for links to the line that set each value.
    """
    index = schema if isinstance(schema, SchemaIndex) else SchemaIndex(schema)
    root = document.root
    if root is None:
        return None
    location = node_at(root, pos)
    path = location.path
    if not path or location.node is None:
        return None
    instance = plain_of(document)
    kind = instance_kind(instance)
    key = next((p for p in reversed(path) if isinstance(p, str)), "")
    names = _Containers(root, path)
    # A ``depends_on`` entry: its key names a container, its value is the condition.
    in_dependencies = reference_at(path, on_key=True) is not None
    if location.role == "key":
        assert location.entry is not None
        span = location.entry.key.span
        if in_dependencies:
            return HoverInfo(names.describe(key), span)
        info = index.field_at(path, instance)
        if not info.known:
            return None
        markdown = field_markdown(info, path, kind)
        if key == SIDECARS and len(path) in (1, 3) and isinstance(root, YamlMapping):
            markdown += "\n\n" + containers_markdown(root, kind, environments)
        in_layer = split_environment(path)[1]
        if isinstance(root, YamlMapping) and len(in_layer) == 2 and in_layer[0] == SIDECARS:
            markdown += "\n\n" + sidecar_table(root, kind, str(in_layer[1]), environments, uri)
        return HoverInfo(_with_values(markdown, root, path, environments, uri), span)
    node = location.node
    if not isinstance(node, Scalar):
        return None
    span = node.span
    if in_dependencies:
        info = index.field_at(path, instance)
        condition = node.text.lower()
        text = info.enum_docs.get(condition) or info.enum_docs.get(node.text)
        if text is None:
            return None
        body = f"**`{condition}`** on `{key}`: {text}"
        if condition == "healthy" and not names.has_healthcheck(key):
            body += f"\n\n⚠ `{key}` defines no health check, so it never becomes healthy."
        return HoverInfo(body + "\n\n" + names.describe(key), span)
    reference = reference_at(path, on_key=False)
    if reference is not None and reference.kind == VOLUME:
        return HoverInfo(names.describe_volume(node.text), span)
    if reference is not None and reference.kind == CONTAINER:
        return HoverInfo(names.describe(node.text), span)
    info = index.field_at(path, instance)
    if not info.known:
        return None
    doc = info.enum_docs.get(node.text)
    if doc:
        return HoverInfo(
            _with_values(f"**`{node.text}`** ({dotted(path)})\n\n{doc}", root, path, environments, uri), span
        )
    return HoverInfo(_with_values(field_markdown(info, path, kind), root, path, environments, uri), span)


def _with_values(
    markdown: str, root: Node, path: tuple[PathPart, ...], environments: abc.Sequence[str], uri: str
) -> str:
    """The field's documentation, then its value in the base and each environment (when it has any)."""
    if not isinstance(root, YamlMapping):
        return markdown
    layer_path = split_environment(path)[1]
    if (
        layer_path
        and isinstance(layer_path[-1], int)
        or layer_path[:1] == (SIDECARS,)
        and len(layer_path) == 2
    ):
        return markdown  # a list item, or a sidecar's name (its table is the container's)
    table = value_table(root, layer_path, environments, uri)
    return markdown + "\n\n" + table if table else markdown


def containers_markdown(root: YamlMapping, kind: str | None, environments: abc.Sequence[str] = ()) -> str:
    """The task's containers in each environment: the workspace's, then those only overrides name."""
    overridden = environment_names(root)
    names = list(dict.fromkeys([*environments, *overridden]))
    sections: list[tuple[str, str | None]] = []
    if not environments:
        sections.append(("every environment without an override", None))
    for env in names:
        suffix = "" if env in overridden else " (no override: the base)"
        sections.append((f"environment `{env}`{suffix}", env))
    parts = ["**The task's containers**"]
    for title, name in sections:
        parts += ["", f"*In {title}:*", "", describe_task(environment_view(root, name), kind)]
    return "\n".join(parts)


def plain_of(document: ParsedDocument) -> Any:
    """The document as plain data for the schema walker (MISSING when it is no map)."""
    return document.to_plain() if isinstance(document.root, YamlMapping) else MISSING


def instance_kind(instance: Any) -> str | None:
    """The ``type`` of a manifest given as plain data."""
    if isinstance(instance, Mapping) and isinstance(instance.get("type"), str):
        return str(instance["type"])
    return None


def _inline(value: Any) -> str:
    if isinstance(value, (dict, list)):
        import json

        return json.dumps(value)
    return value_text(value)


def _yaml_pair(name: str, value: Any, indent: int = 0) -> str:
    pad = " " * indent
    if isinstance(value, Mapping):
        inner = "\n".join(_yaml_pair(str(k), v, indent + 2) for k, v in value.items())
        return f"{pad}{name}:\n{inner}" if inner else f"{pad}{name}: {{}}"
    if isinstance(value, list):
        if all(not isinstance(v, (Mapping, list)) for v in value):
            return f"{pad}{name}: [" + ", ".join(_scalar(v) for v in value) + "]"
        items = []
        for item in value:
            text = _yaml_pair("x", item, indent + 2).split("\n")
            first = text[0].lstrip()[3:] if text and text[0].lstrip().startswith("x:") else text[0]
            items.append(f"{pad}  - {first.strip()}" + "".join("\n" + line for line in text[1:]))
        return f"{pad}{name}:\n" + "\n".join(items)
    return f"{pad}{name}: {_scalar(value)}"


def _scalar(value: Any) -> str:
    if isinstance(value, str) and (value == "" or ": " in value or value[0] in "[]{},&*!|>'\"%@`#"):
        import json

        return json.dumps(value)
    return value_text(value)


class _Containers:
    """Containers and volumes of the manifest as seen from one environment (or the base)."""

    def __init__(self, root: Node, path: tuple[PathPart, ...]) -> None:
        env_name, _path_in_layer = split_environment(path)
        self.kind = manifest_kind(root)
        self.view = environment_view(root, env_name) if isinstance(root, YamlMapping) else None
        """The manifest as that environment deploys it: hover reads no other layer."""

    def _entry(self, kind: str, name: str) -> Entry | None:
        return definition(self.view, kind, name) if self.view is not None else None

    def _container(self, name: str) -> TaskContainer | None:
        """The container ``name`` of the task as this environment deploys it (task.py's one answer)."""
        if self.view is None:
            return None
        return next((c for c in task_containers(self.view, self.kind) if c.name == name), None)

    def has_healthcheck(self, name: str) -> bool:
        container = self._container(name)
        return container is not None and container.has_healthcheck()

    def describe(self, name: str) -> str:
        """A container's image and port, or that it does not exist."""
        container = self._container(name)
        if container is None:
            entry = self._entry(CONTAINER, name)
            if entry is not None:  # a sidecar whose map is not written yet: not in the task
                return f"**sidecar `{name}`** (line {entry.key.span.start.line + 1})"
            if name == FIRELENS_CONTAINER:
                return ("⚠ no container named `firelens_log_router`: Copilot adds the FireLens router only when "
                        "`logging` sets more than `retention`")  # fmt: skip
            return f"⚠ no container named `{name}` in this manifest"
        image = f"- image: `{container.image}`" if container.image else "- image: not set"
        ports = container.ports()
        port = f"- port: `{ports[0]}`" if ports else "- port: none exposed"
        if container.role == "main":
            return "\n".join([f"**main container `{name}`**", image, port])
        if container.role == "firelens":
            return "\n".join(
                [
                    "**`firelens_log_router`**: the FireLens (Fluent Bit) log router Copilot adds because "
                    "`logging` sets more than `retention`",
                    image,
                ]  # fmt: skip
            )
        if container.role == "xray":
            return ("**`aws-otel-collector`**: the X-Ray collector Copilot adds for `observability.tracing: "
                    "awsxray`; `depends_on` cannot name it (Copilot rejects it)")  # fmt: skip
        line = container.definition.span.start.line + 1 if container.definition is not None else 0
        lines = [f"**sidecar `{name}`** (line {line})", image, port]
        essential = container.config.get("essential") if container.config is not None else None
        if isinstance(essential, Scalar):
            lines.append(f"- essential: `{essential.text}`")
        return "\n".join(lines)

    def describe_volume(self, name: str) -> str:
        entry = self._entry(VOLUME, name)
        if entry is None:
            return f"⚠ no volume named `{name}` under `storage.volumes`"
        value = entry.value
        lines = [f"**volume `{name}`** (line {entry.key.span.start.line + 1})"]
        if isinstance(value, YamlMapping):
            path = value.get("path")
            lines.append(f"- path: `{path.text}`" if isinstance(path, Scalar) else "- path: not set")
            read_only = value.get("read_only")
            if isinstance(read_only, Scalar):
                lines.append(f"- read_only: `{read_only.text}`")
            efs = value.get("efs")
            if isinstance(efs, Scalar):
                lines.append(f"- efs: `{efs.text}`")
            elif isinstance(efs, YamlMapping):
                settings = ", ".join(f"{e.name}: `{_short(e.value)}`" for e in efs.entries)
                lines.append(f"- efs: {settings}")
            else:
                lines.append("- efs: none (a task-local scratch volume)")
        return "\n".join(lines)


def _short(node: Node) -> str:
    if isinstance(node, Scalar):
        return node.text
    if isinstance(node, YamlMapping):
        return "{" + ", ".join(f"{e.name}: {_short(e.value)}" for e in node.entries) + "}"
    if isinstance(node, Sequence):
        return "[" + ", ".join(_short(i) for i in node.items) + "]"
    return "?"
