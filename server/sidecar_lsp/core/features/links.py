"""Document links: the files and folders a manifest names, as Copilot resolves them.

``image.build`` (a Dockerfile path, or ``dockerfile`` and ``context`` in its map) and ``env_file``,
of the main container and of each sidecar, in the base and in every override. Copilot resolves them
relative to the workspace root (the folder holding ``copilot/``). Pure: the tree in, the written
paths and their spans out; the shell resolves them and keeps those that exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sidecar_lsp.core.manifest.merge import layers
from sidecar_lsp.core.manifest.references import SIDECARS
from sidecar_lsp.core.model import Span
from sidecar_lsp.core.yaml.tree import Mapping, Node, ParsedDocument, Scalar, own_entries

MAX_LINKS = 500
"""More than any manifest names; a generated file stops here."""


@dataclass(frozen=True)
class LinkTarget:
    span: Span
    """The path as written (the value's span)."""
    path: str
    """As written: relative to the workspace root, or absolute."""
    folder: bool
    """A folder (a build ``context``), else a file."""
    what: str
    """What it is, for the tooltip (``Dockerfile of sidecar nginx``)."""


def link_targets(document: ParsedDocument) -> list[LinkTarget]:
    """Each path the manifest names, in document order."""
    root = document.root
    if not isinstance(root, Mapping):
        return []
    found: list[LinkTarget] = []
    for _env, layer in layers(root):
        containers: list[tuple[str, Node | None]] = [("the main container", layer)]
        containers += [(f"sidecar {entry.name}", entry.value) for entry in own_entries(layer.get(SIDECARS))]
        for owner, config in containers:
            if isinstance(config, Mapping):
                found.extend(_container_targets(config, owner))
            if len(found) >= MAX_LINKS:
                break
    return sorted(found[:MAX_LINKS], key=lambda target: target.span.start)


def _container_targets(config: Mapping, owner: str) -> Iterator[LinkTarget]:
    image = config.get("image")
    build = image.get("build") if isinstance(image, Mapping) else None
    if isinstance(build, Mapping):
        yield from _target(build.get("dockerfile"), False, f"Dockerfile of {owner}")
        yield from _target(build.get("context"), True, f"build context of {owner}")
    else:
        yield from _target(build, False, f"Dockerfile of {owner}")
    yield from _target(config.get("env_file"), False, f"env_file of {owner}")


def _target(node: Node | None, folder: bool, what: str) -> Iterator[LinkTarget]:
    if not isinstance(node, Scalar) or not isinstance(node.value, str) or not node.value.strip():
        return
    if "${" in node.value or node.span.start.line != node.span.end.line:
        return  # substituted at deploy time, or a block scalar: no one place to link
    yield LinkTarget(node.span, node.value.strip(), folder, what)
