"""Hover's answer to "what does each environment get?": tables of the base and every environment.

A field's effective value in the base and in each environment (the workspace's and those the manifest
overrides), each linked to the line that set it; a sidecar's container in each environment. The values
come from :func:`.merge.environment_view` (Copilot's merge), whose nodes keep the spans they are
written at, so "the line that set it" is the node's own line.
"""

from __future__ import annotations

from collections.abc import Sequence

from sidecar_lsp.core.features.inlay_hints import short
from sidecar_lsp.core.manifest.merge import environment_names, environment_view
from sidecar_lsp.core.manifest.task import TaskContainer, mounts, task_containers
from sidecar_lsp.core.yaml.tree import Mapping, Node, find, is_null

BASE = "base"
_SECTIONS = frozenset({"name", "type", "environments"})
"""Top-level keys no environment changes (Copilot drops them from an override)."""


def environments(root: Mapping, workspace: Sequence[str] = ()) -> list[tuple[str, bool]]:
    """Each environment with whether the manifest overrides it: the workspace's, then those only overrides name."""
    overridden = environment_names(root)
    return [(env, env in overridden) for env in dict.fromkeys([*workspace, *overridden])]


def line_link(node: Node, uri: str) -> str:
    """``line N`` as a Markdown link to that line of the document (plain text without a URI)."""
    line = node.span.start.line + 1
    return f"[line {line}]({uri}#L{line})" if uri else f"line {line}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("`", "'")


def value_table(
    root: Mapping, path: tuple[str | int, ...], workspace: Sequence[str] = (), uri: str = ""
) -> str:
    """The effective value at ``path`` (a path inside a layer) in the base and each environment;
    "" when there is no environment, or the path is one no environment changes."""
    names = environments(root, workspace)
    if not names or not path or path[0] in _SECTIONS:
        return ""
    rows = ["| | value | set at |", "|---|---|---|"]
    for title, env in [
        (BASE, None),
        *((f"{name}" + ("" if own else " (no override)"), name) for name, own in names),
    ]:
        node = find(environment_view(root, env), path)
        if node is None or is_null(node):
            rows.append(f"| {title} | not set | — |")
        else:
            rows.append(f"| {title} | `{_cell(short(node))}` | {line_link(node, uri)} |")
    return "**In each environment**\n\n" + "\n".join(rows)


def sidecar_table(
    root: Mapping, kind: str | None, name: str, workspace: Sequence[str] = (), uri: str = ""
) -> str:
    """The container ``name`` as the base and each environment run it: image, port, essential,
    ``depends_on``, mounts and health check."""
    header = "| | image | port | essential | depends on | mounts | health check |"
    rows = [header, "|---|---|---|---|---|---|---|"]
    for title, env in [
        (BASE, None),
        *((n if own else f"{n} (no override)", n) for n, own in environments(root, workspace)),
    ]:
        view = environment_view(root, env)
        container = next((c for c in task_containers(view, kind) if c.name == name), None)
        rows.append(
            f"| {title} | "
            + (
                _container_cells(view, container, uri)
                if container
                else " | ".join(["not in the task"] * 6) + " |"
            )
        )
    return f"**`{name}` in each environment**\n\n" + "\n".join(rows)


def _container_cells(view: Mapping, container: TaskContainer, uri: str) -> str:
    image = container.image or "not set"
    config = container.config
    image_node = config.get("image") if config is not None else None
    where = f" ({line_link(image_node, uri)})" if image_node is not None and not is_null(image_node) else ""
    ports = ", ".join(container.ports()) or "—"
    depends = ", ".join(f"{dep}: {condition.lower()}" for dep, condition in container.dependencies()) or "—"
    volumes = ", ".join(mounts(view, container)) or "—"
    health = config.get("healthcheck") if config is not None else None
    check = f"`{_cell(short(health, 30))}`" if health is not None and not is_null(health) else "none"
    cells = [
        f"`{_cell(image)}`{where}",
        ports,
        "yes" if container.essential else "no",
        depends,
        volumes,
        check,
    ]
    return " | ".join(_cell(cell) if not cell.startswith("`") else cell for cell in cells) + " |"
