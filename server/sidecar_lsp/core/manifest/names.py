"""The names a manifest defines (its volumes and containers) as the cursor's environment sees them:
what completion offers for a reference and how it describes each name.

Which keys hold such names is :mod:`.references`; this module reads the definitions, from the
document and, while the document does not parse, from its last version that did.
"""

from __future__ import annotations

from collections.abc import Iterable

from sidecar_lsp.core.decoding.kinds import manifest_kind
from sidecar_lsp.core.manifest.merge import environment_view, split_environment
from sidecar_lsp.core.manifest.references import CONTAINER, NAME, SIDECARS, VOLUME, defined_names, definition
from sidecar_lsp.core.manifest.task import TaskContainer, task_containers
from sidecar_lsp.core.yaml.tree import Mapping, Node, ParsedDocument, Scalar

PathPart = str | int


def name_sources(document: ParsedDocument, previous: ParsedDocument | None) -> list[Node | None]:
    """Where names come from: the document, and the last good version while this one is broken."""
    roots = [document.root]
    if previous is not None and (not document.complete or document.root is None):
        roots.append(previous.root)
    return roots


class ManifestNames:
    """Volumes and containers of the manifest, for the environment the cursor is in."""

    def __init__(self, roots: Iterable[Node | None], path: tuple[PathPart, ...]) -> None:
        self.roots = [r for r in roots if isinstance(r, Mapping)]
        self.path = path
        self.env, self.path_in_layer = split_environment(path)

    def _layers(self) -> list[Mapping]:
        """The manifest as the cursor's environment deploys it (the base outside ``environments``)."""
        return [environment_view(root, self.env) for root in self.roots]

    def volumes(self) -> list[str]:
        return list(dict.fromkeys(name for layer in self._layers() for name in defined_names(layer, VOLUME)))

    def _task(self) -> list[TaskContainer]:
        """The containers ``depends_on`` may name, as task.py answers for the cursor's environment."""
        return [
            container
            for root, view in zip(self.roots, self._layers(), strict=True)
            for container in task_containers(view, manifest_kind(root))
            if container.dependable
        ]

    def containers(self) -> list[str]:
        """The names a reference may use: those written (the main container, the sidecars, also one whose
        map is still being typed), then what Copilot adds to the task (the FireLens router)."""
        written = [name for layer in self._layers() for name in defined_names(layer, CONTAINER)]
        return list(dict.fromkeys([*written, *(container.name for container in self._task())]))

    def owner_container(self) -> str | None:
        """The container whose ``depends_on`` the cursor is in."""
        path = self.path_in_layer
        if len(path) >= 3 and path[0] == SIDECARS and isinstance(path[1], str):
            return path[1]
        if path[:1] == ("image",):
            for root in self.roots:
                name = root.get(NAME)
                if isinstance(name, Scalar):
                    return name.text
        return None

    def _configuration(self, kind: str, name: str) -> Mapping | None:
        """The map that configures sidecar or volume ``name``: from the first layer that has one."""
        for layer in self._layers():
            entry = definition(layer, kind, name)
            if entry is not None and isinstance(entry.value, Mapping):
                return entry.value
        return None

    def volume_doc(self, name: str) -> str:
        volume = self._configuration(VOLUME, name)
        if volume is None:
            return ""
        path = volume.get("path")
        return f"volume `{name}`" + (f" at `{path.text}`" if isinstance(path, Scalar) else "")

    def container_doc(self, name: str) -> str:
        container = next((c for c in self._task() if c.name == name), None)
        if container is None:
            written = any(definition(layer, CONTAINER, name) is not None for layer in self._layers())
            return f"sidecar `{name}`" if written else ""  # its map is still being typed
        if container.role == "firelens":
            return "the FireLens log router Copilot adds when `logging` sets more than `retention`"
        if container.is_main:
            return f"main container `{name}`"
        return f"sidecar `{name}`" + (f", image `{container.image}`" if container.image else "")
