"""Which kind of Copilot manifest a document is."""

from __future__ import annotations

from sidecar_lsp.core.yaml.tree import Mapping, Node, Scalar

WORKLOAD_TYPES = (
    "Load Balanced Web Service",
    "Backend Service",
    "Worker Service",
    "Request-Driven Web Service",
    "Static Site",
    "Scheduled Job",
)
ENVIRONMENT = "Environment"
PIPELINE = "Pipeline"
"""Pipeline manifests have no ``type``; they are known by ``version`` and ``stages``/``source``."""


def manifest_kind(root: Node | None) -> str | None:
    """The workload type, ``Environment``, ``Pipeline``, or None when the YAML is no Copilot manifest."""
    if not isinstance(root, Mapping):
        return None
    type_node = root.get("type")
    if isinstance(type_node, Scalar) and isinstance(type_node.value, str):
        if type_node.value in WORKLOAD_TYPES or type_node.value == ENVIRONMENT:
            return type_node.value
        return None
    if root.get("version") is not None and (root.get("stages") is not None or root.get("source") is not None):
        return PIPELINE
    return None


def declares_copilot_type(root: Node | None) -> bool:
    """Whether the top-level ``type`` names a Copilot kind (served even outside ``copilot/``)."""
    return manifest_kind(root) not in (None, PIPELINE)


def is_manifest_path(path: str) -> bool:
    """``copilot/**/manifest.yml`` (also ``.yaml``), the files Copilot itself reads."""
    parts = path.replace("\\", "/").split("/")
    return len(parts) >= 2 and parts[-1] in ("manifest.yml", "manifest.yaml") and "copilot" in parts[:-1]
