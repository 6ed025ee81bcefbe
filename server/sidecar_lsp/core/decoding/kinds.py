"""Which kind of Copilot manifest a document is."""

from __future__ import annotations

from sidecar_lsp.core.yaml.tree import Mapping, Node, Scalar

LBWS = "Load Balanced Web Service"
BACKEND = "Backend Service"
WORKER = "Worker Service"
RDWS = "Request-Driven Web Service"
STATIC_SITE = "Static Site"
JOB = "Scheduled Job"
WORKLOAD_TYPES = (LBWS, BACKEND, WORKER, RDWS, STATIC_SITE, JOB)
"""The values of ``type`` that name a workload, in the order of Copilot's documentation."""
LOAD_BALANCED = frozenset({LBWS, BACKEND})
"""The services whose ``http`` is an Application Load Balancer (public, or internal for a Backend Service)."""
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


MANIFEST_FILE = "manifest.yml"
"""The one file name Copilot reads in a workspace (``copilot/<name>/manifest.yml``)."""
MANIFEST_FILE_NAMES = (MANIFEST_FILE, "manifest.yaml")
"""The names checked as manifests: Copilot's, and the ``.yaml`` spelling users also write."""


def is_manifest_path(path: str) -> bool:
    """``copilot/**/manifest.yml`` (also ``.yaml``): served and checked whatever its ``type`` says."""
    parts = path.replace("\\", "/").split("/")
    return len(parts) >= 2 and parts[-1] in MANIFEST_FILE_NAMES and "copilot" in parts[:-1]
