"""The containers of a task: one answer, for hover, completion, the rules and ``render --containers``.

A workload's ECS task runs the main container, every sidecar, and what Copilot adds from other
sections: the FireLens log router ``firelens_log_router`` when ``logging`` sets anything but
``retention`` (Copilot's ``!Logging.IsEmpty()``), and the X-Ray collector ``aws-otel-collector``
when ``observability.tracing`` is ``awsxray`` (the template's ``sidecars.yml`` partial). Copilot's
dependency check (``containerDependencies``) knows the main container, FireLens and the sidecars,
not the collector: ``depends_on: {aws-otel-collector: start}`` is rejected, so the collector is
``dependable=False`` here.

Every function reads one environment's view of the manifest (:func:`.merge.environment_view`),
never the layers one by one.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sidecar_lsp.core.decoding.kinds import BACKEND, JOB, LBWS, STATIC_SITE, WORKER, WORKLOAD_TYPES
from sidecar_lsp.core.manifest.merge import (
    environment_view as environment_view,  # re-exported for the readers of these facts
)
from sidecar_lsp.core.manifest.references import DEPENDS_ON, MOUNT_POINTS, SIDECARS, SOURCE_VOLUME
from sidecar_lsp.core.schema.store import load_schema
from sidecar_lsp.core.yaml.tree import Mapping, Node, Scalar, Sequence, is_null, mapping, sequence_items

FIRELENS_CONTAINER = "firelens_log_router"
OTEL_CONTAINER = "aws-otel-collector"
OTEL_IMAGE = "public.ecr.aws/aws-observability/aws-otel-collector:v0.17.0"
"""The collector image written in Copilot's ``sidecars.yml`` template partial."""

SIDECAR_KINDS = frozenset({LBWS, BACKEND, WORKER, JOB})
"""Workload types with ``sidecars``, ``logging``, ``storage`` and container dependencies."""


@functools.cache
def _logging_properties() -> dict[str, Any]:
    """The schema's ``logging`` fields: exactly the keys of Copilot's ``Logging`` struct."""
    properties: dict[str, Any] = load_schema()["definitions"]["logging"]["properties"]
    return properties


def _firelens_fields() -> tuple[str, ...]:
    """``Logging.IsEmpty()`` reads every field but ``retention``, which configures the log group only."""
    return tuple(name for name in _logging_properties() if name != "retention")


def _fluent_bit_image() -> str:
    """The image of the FireLens router when ``logging.image`` is not set (the schema's default)."""
    return str(_logging_properties()["image"]["default"])


_YAML11_TRUE = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON"}
_YAML11_FALSE = {"n", "N", "no", "No", "NO", "off", "Off", "OFF"}


@dataclass(frozen=True)
class TaskContainer:
    """One container of the task as one environment deploys it."""

    name: str
    role: str
    """``main``, ``sidecar``, ``firelens`` (Copilot adds it for ``logging``) or ``xray`` (for tracing)."""
    definition: Node | None
    """Where the name is written: the ``name`` value or the sidecar key (None for what Copilot adds)."""
    config: Mapping | None
    """The sidecar's map, or the main ``image`` map (None for what Copilot adds)."""
    essential: bool
    dependable: bool = True
    """Whether ``depends_on`` may name it (Copilot's ``containerDependencies`` knows it)."""
    image: str = ""
    """What runs: the image URI, ``build <context>``, or "" when not set."""

    @property
    def is_main(self) -> bool:
        return self.role == "main"

    @property
    def essential_for_dependencies(self) -> bool:
        """Copilot's dependency check counts FireLens as not essential (any status may wait for it),
        though ECS runs it as essential (the template leaves ``Essential`` out)."""
        return self.essential and self.role != "firelens"

    def depends_on(self) -> Mapping | None:
        return mapping(self.config.get(DEPENDS_ON)) if self.config else None

    def has_healthcheck(self) -> bool:
        return self.config is not None and not is_null(self.config.get("healthcheck"))

    def dependencies(self) -> list[tuple[str, str]]:
        """``(container, condition)`` pairs of ``depends_on``, conditions upper-cased as ECS reads them."""
        depends_on = self.depends_on()
        if depends_on is None:
            return []
        return [(entry.name, _text(entry.value).upper()) for entry in depends_on.entries]

    def ports(self) -> list[str]:
        port = self.config.get("port") if self.config else None
        return [_text(port)] if isinstance(port, Scalar) and port.value is not None else []


def firelens_enabled(view: Mapping, kind: str | None) -> bool:
    """Copilot's ``!Logging.IsEmpty()``: any ``logging`` field but ``retention`` adds the FireLens router."""
    logging = mapping(view.get("logging"))
    if logging is None or kind not in SIDECAR_KINDS:
        return False
    return any(not is_null(logging.get(field)) for field in _firelens_fields())


def xray_enabled(view: Mapping, kind: str | None) -> bool:
    """``observability.tracing: awsxray`` (any case) adds the collector container; a Scheduled Job has
    no ``observability`` (Copilot ignores the key there), so never a collector."""
    observability = mapping(view.get("observability"))
    tracing = observability.get("tracing") if observability else None
    return kind in SIDECAR_KINDS and kind != JOB and _text(tracing).lower() == "awsxray"


def task_containers(view: Mapping, kind: str | None) -> list[TaskContainer]:
    """Main, FireLens, the collector, then the sidecars in document order."""
    if kind not in WORKLOAD_TYPES or kind == STATIC_SITE:
        return []
    containers: list[TaskContainer] = []
    name = view.get("name")
    if isinstance(name, Scalar) and name.value is not None:
        image = view.get("image")
        config = image if isinstance(image, Mapping) else None
        containers.append(TaskContainer(name.text, "main", name, config, True, True, _image_text(image)))
    if firelens_enabled(view, kind):
        logging = mapping(view.get("logging"))
        image = logging.get("image") if logging else None
        containers.append(
            TaskContainer(
                FIRELENS_CONTAINER, "firelens", None, None, True, True, _text(image) or _fluent_bit_image()
            )
        )
    if xray_enabled(view, kind):
        containers.append(TaskContainer(OTEL_CONTAINER, "xray", None, None, True, False, OTEL_IMAGE))
    if kind in SIDECAR_KINDS:
        sidecars = mapping(view.get(SIDECARS))
        for entry in sidecars.entries if sidecars else []:
            if isinstance(entry.value, Mapping):
                essential = bool_of(entry.value.get("essential"))
                containers.append(
                    TaskContainer(
                        entry.name,
                        "sidecar",
                        entry.key,
                        entry.value,
                        essential is None or essential,
                        True,
                        _image_text(entry.value.get("image")),
                    )
                )
    return containers


def mounts(view: Mapping, container: TaskContainer) -> list[str]:
    """``volume -> path`` of each mount: every volume with a ``path`` for main, ``mount_points`` for a sidecar."""
    out: list[str] = []
    if container.role == "main":
        storage = mapping(view.get("storage"))
        volumes = mapping(storage.get("volumes")) if storage else None
        for entry in volumes.entries if volumes else []:
            volume = mapping(entry.value)
            path = volume.get("path") if volume else None
            if volume is not None and not is_null(path):
                out.append(f"{entry.name} → {_text(path)}" + _read_only(volume))
    elif container.config is not None:
        for item in sequence_items(container.config.get(MOUNT_POINTS)):
            if isinstance(item, Mapping):
                out.append(f"{_text(item.get(SOURCE_VOLUME))} → {_text(item.get('path'))}" + _read_only(item))
    return out


def start_order(containers: Iterable[TaskContainer]) -> tuple[list[list[str]], list[str]]:
    """The containers by start wave (each waits for the waves before it), and those in a cycle."""
    pending = {c.name: {d for d, _ in c.dependencies()} for c in containers}
    known = set(pending)
    for name in pending:
        pending[name] &= known  # a dependency on nothing that runs is an error of its own (D1)
    waves: list[list[str]] = []
    started: set[str] = set()
    while pending:
        ready = sorted(name for name, needs in pending.items() if needs <= started)
        if not ready:
            break
        waves.append(ready)
        started.update(ready)
        for name in ready:
            del pending[name]
    return waves, sorted(pending)


def describe_task(view: Mapping, kind: str | None) -> str:
    """A markdown table of the containers and a text diagram of the start order."""
    containers = task_containers(view, kind)
    if not containers:
        return "no containers (this workload type runs none that the manifest configures)"
    rows = ["| container | image | ports | essential | mounts | depends on |", "|---|---|---|---|---|---|"]
    for container in containers:
        added = {"firelens": " (added for logging)", "xray": " (added for tracing)"}.get(container.role, "")
        what = f"{container.name}{' (main)' if container.is_main else added}"
        depends = ", ".join(f"{name}: {condition.lower()}" for name, condition in container.dependencies())
        rows.append(
            f"| `{what}` | {_cell(container.image) or 'not set'} | {', '.join(container.ports()) or '—'} "
            f"| {'yes' if container.essential else 'no'} | {_cell(', '.join(mounts(view, container))) or '—'} "
            f"| {depends or '—'} |"
        )
    waves, cycle = start_order(containers)
    diagram = ["```text"]
    for number, wave in enumerate(waves, 1):
        arrow = "" if number == 1 else "  ← after " + ", ".join(waves[number - 2])
        diagram.append(f"{number}. {', '.join(wave)}{arrow}")
    if cycle:
        diagram.append(f"never: {', '.join(cycle)} wait for each other (a cycle; Copilot rejects it)")
    diagram.append("```")
    return "\n".join([*rows, "", "Start order (from `depends_on`):", *diagram])


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _read_only(config: Mapping) -> str:
    return " (read-only)" if bool_of(config.get("read_only")) else ""


def _text(node: Node | None) -> str:
    return node.text if isinstance(node, Scalar) and node.value is not None else ""


def bool_of(node: Node | None) -> bool | None:
    """A ``*bool`` field's value; yaml.v3 also accepts the YAML 1.1 words (``yes``, ``on``, ...)."""
    if not isinstance(node, Scalar):
        return None
    if isinstance(node.value, bool):
        return node.value
    if node.style is None and node.raw in _YAML11_TRUE:
        return True
    if node.style is None and node.raw in _YAML11_FALSE:
        return False
    return None


def _image_text(image: Node | None) -> str:
    if isinstance(image, Scalar):
        return _text(image)
    if isinstance(image, Mapping):
        location = _text(image.get("location"))
        if location:
            return location
        build = image.get("build")
        if isinstance(build, Scalar) and build.value is not None:
            return f"build {build.text}"
        if isinstance(build, Mapping):
            return f"build {_text(build.get('context')) or _text(build.get('dockerfile'))}".strip()
    if isinstance(image, Sequence):
        return ""
    return ""
