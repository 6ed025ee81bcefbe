"""Container dependencies (``image.depends_on``, ``sidecars.<name>.depends_on``): D1-D4 and the
LSP-only check of ``healthy`` dependencies on containers without a health check."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator

from sidecar_lsp.core.decoding.interpolation import can_become_one_of, variables_in
from sidecar_lsp.core.manifest.task import TaskContainer as Container
from sidecar_lsp.core.model import Finding, Related, Severity
from sidecar_lsp.core.rules.base import FIRELENS_CONTAINER, MAX_RELATED, Workload, per_workload, rule, text_of
from sidecar_lsp.core.yaml.tree import Entry

_MAX_NAMES = 20
"""Container names listed in one message; a task of a thousand sidecars gets "and N more"."""


def _listed(names: Iterable[str], separator: str) -> str:
    names = list(names)
    if len(names) <= _MAX_NAMES:
        return separator.join(names)
    return separator.join(names[:_MAX_NAMES]) + f"{separator}... ({len(names) - _MAX_NAMES} more)"


_VALID_STATUSES = ("START", "COMPLETE", "SUCCESS", "HEALTHY")
_ESSENTIAL_STATUSES = ("START", "HEALTHY")


@per_workload
def _dependencies(workload: Workload) -> list[tuple[Container, Entry, str]]:
    """Every ``depends_on`` entry: the depending container, the entry and its status, upper-cased."""
    return [
        (container, entry, (text_of(entry.value) or "").upper())
        for container in workload.containers().values()
        if (depends_on := container.depends_on()) is not None
        for entry in depends_on.entries
    ]


def _defined_here(workload: Workload, container: Container | None) -> tuple[Related, ...]:
    if container is None:
        return ()
    if container.definition is None:
        logging = workload.root.entry("logging")
        return workload.related(
            logging.key if logging else None, "logging adds the firelens_log_router container"
        )
    what = "the main container" if container.is_main else f"sidecar '{container.name}'"
    return workload.related(container.definition, f"{what} is defined here")


@rule("D1", Severity.ERROR, "Dependency on a container that does not exist")
def dependency_exists(workload: Workload) -> Iterator[Finding]:
    containers = workload.containers()
    missing = [
        entry for _container, entry, _status in _dependencies(workload) if entry.name not in containers
    ]
    if not missing:
        return
    names = _listed(sorted(containers), ", ") or "none"
    # The same few definitions for every finding, built once (a manifest with a thousand broken
    # dependencies must not build a million related places).
    defined = tuple(
        itertools.islice(
            (related for other in containers.values() for related in _defined_here(workload, other)),
            MAX_RELATED,
        )
    )
    for entry in missing:
        hint = ""
        if entry.name == FIRELENS_CONTAINER:
            hint = " (firelens_log_router exists only when 'logging' sets more than retention)"
        yield workload.finding(
            "D1",
            f"container {entry.name} does not exist; depend on one of the task's containers: {names}{hint}",
            entry.key,
            related=defined,
        )


@rule("D6", Severity.ERROR, "A dependency status with ${VAR} that no value can make valid")
def interpolated_dependency_status(workload: Workload) -> Iterator[Finding]:
    # A literal status is the schema's to check (schema-format); the schema accepts any ${VAR}.
    for _container, entry, status in _dependencies(workload):
        if variables_in(status) and not can_become_one_of(status, _VALID_STATUSES):
            yield workload.finding(
                "D6",
                "container dependency status must be one of START, COMPLETE, SUCCESS or HEALTHY; whatever "
                f"the variables hold, '{text_of(entry.value)}' is none of them: write the status itself "
                "(start, complete, success or healthy) or a variable alone",
                entry.value,
            )


def _can_only_be_non_essential(status: str) -> bool:
    """A valid status other than START or HEALTHY, whatever its ``${VAR}``s hold (``${X}S`` is SUCCESS)."""
    if variables_in(status):
        return can_become_one_of(status, _VALID_STATUSES) and not can_become_one_of(
            status, _ESSENTIAL_STATUSES
        )
    return status in _VALID_STATUSES and status not in _ESSENTIAL_STATUSES


@rule("D2", Severity.ERROR, "Essential containers can only be depended on with start or healthy")
def essential_dependency_status(workload: Workload) -> Iterator[Finding]:
    containers = workload.containers()
    for container, entry, status in _dependencies(workload):
        target = containers.get(entry.name)
        if target is None or not target.essential_for_dependencies:
            continue
        if _can_only_be_non_essential(status):
            fix = "use start or healthy"
            if not target.is_main:
                fix += f", or set sidecars.{target.name}.essential: false"
            yield workload.finding(
                "D2",
                f"validate {container.name} container dependencies status: essential container {target.name} "
                f"can only have status START or HEALTHY; {fix}",
                entry.value,
                related=_defined_here(workload, target),
            )


@rule("D3", Severity.ERROR, "A container cannot depend on itself")
def self_dependency(workload: Workload) -> Iterator[Finding]:
    containers = workload.containers()
    for container, entry, _status in _dependencies(workload):
        if entry.name == container.name and entry.name in containers:
            yield workload.finding(
                "D3",
                f"container {container.name} cannot depend on itself; remove this dependency",
                entry.key,
            )


@rule("D4", Severity.ERROR, "Circular container dependencies")
def dependency_cycle(workload: Workload) -> Iterator[Finding]:
    containers = workload.containers()
    edges: dict[str, list[Entry]] = {}
    for container, entry, _status in _dependencies(workload):
        if entry.name in containers and entry.name != container.name:
            edges.setdefault(container.name, []).append(entry)
    for component in _cycles(edges):
        members = sorted(component)
        cycle_edges = [entry for name in members for entry in edges.get(name, []) if entry.name in component]
        message = (
            f"circular container dependency chain includes the following containers: [{_listed(members, ' ')}]; "
            "remove one of these depends_on entries"
        )
        for entry in cycle_edges:
            yield workload.finding(
                "D4",
                message,
                entry.key,
                related=(
                    Related(other.key.span, "part of the same dependency cycle")
                    for other in itertools.islice(cycle_edges, MAX_RELATED + 1)
                    if other is not entry
                ),
            )


def _cycles(edges: dict[str, list[Entry]]) -> list[set[str]]:
    """Strongly connected components with more than one container (Tarjan, iteratively)."""
    graph = {name: [entry.name for entry in entries] for name, entries in edges.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[set[str]] = []
    counter = 0
    for start in graph:
        if start in index:
            continue
        work: list[tuple[str, int]] = [(start, 0)]
        while work:
            node, child_index = work.pop()
            if child_index == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = graph.get(node, [])
            if child_index < len(children):
                work.append((node, child_index + 1))
                child = children[child_index]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            for child in children:
                if child in on_stack:
                    low[node] = min(low[node], low[child])
            if low[node] == index[node]:
                component: set[str] = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(component)
    return components


@rule(
    "X-healthy-without-healthcheck",
    Severity.WARNING,
    "healthy dependency on a container without a health check",
    copilot=False,
)
def healthy_needs_healthcheck(workload: Workload) -> Iterator[Finding]:
    containers = workload.containers()
    for _container, entry, status in _dependencies(workload):
        target = containers.get(entry.name)
        if status != "HEALTHY" or target is None or target.has_healthcheck():
            continue
        where = "image.healthcheck" if target.is_main else f"sidecars.{target.name}.healthcheck"
        if target.name == FIRELENS_CONTAINER:
            where = "a health check, which Copilot's FireLens container does not have; use start"
        yield workload.finding(
            "X-healthy-without-healthcheck",
            f"container {target.name} has no health check, so a HEALTHY dependency on it can never be met "
            f"and the task does not start (not checked by Copilot); add {where}",
            entry.value,
            related=_defined_here(workload, target),
        )
