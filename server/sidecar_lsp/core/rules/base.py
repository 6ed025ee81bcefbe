"""What every rule needs: the registry, and a view of one (merged) workload tree.

A rule is a small function ``check(workload) -> Iterable[Finding]`` registered with :func:`rule`
under a stable code. Rules read the tree through :class:`Workload`, which answers the questions
Copilot's validator asks (the main container's name, the sidecars, whether FireLens is on, the
platform, ...) and turns nodes into findings with the right severity and manifest path.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from sidecar_lsp.core.decoding.kinds import BACKEND as BACKEND
from sidecar_lsp.core.decoding.kinds import JOB as JOB
from sidecar_lsp.core.decoding.kinds import LBWS as LBWS
from sidecar_lsp.core.decoding.kinds import RDWS as RDWS
from sidecar_lsp.core.decoding.kinds import STATIC_SITE as STATIC_SITE
from sidecar_lsp.core.decoding.kinds import WORKER as WORKER
from sidecar_lsp.core.decoding.kinds import WORKLOAD_TYPES

# Re-exported for the rule modules: the facts about a task's containers live in ``core/manifest/task.py``.
from sidecar_lsp.core.manifest.references import SIDECARS
from sidecar_lsp.core.manifest.task import FIRELENS_CONTAINER as FIRELENS_CONTAINER
from sidecar_lsp.core.manifest.task import OTEL_CONTAINER as OTEL_CONTAINER
from sidecar_lsp.core.manifest.task import SIDECAR_KINDS as SIDECAR_KINDS
from sidecar_lsp.core.manifest.task import TaskContainer as Container
from sidecar_lsp.core.manifest.task import bool_of as bool_of
from sidecar_lsp.core.manifest.task import firelens_enabled, task_containers
from sidecar_lsp.core.model import Finding, Fix, Pos, Related, Severity, Span, TextEdit
from sidecar_lsp.core.yaml.paths import NodePaths as NodePaths
from sidecar_lsp.core.yaml.tree import (
    Entry,
    Mapping,
    Node,
    Scalar,
    find,
    is_null,
    mapping,
    sequence_items,
)

MAX_RELATED = 10
"""Related places kept per finding: one finding never grows with the size of the manifest."""

ALL_WORKLOADS = frozenset(WORKLOAD_TYPES)


WINDOWS_OS_FAMILIES = frozenset(
    {
        "windows",
        "windows_server_2019_core",
        "windows_server_2019_full",
        "windows_server_2022_core",
        "windows_server_2022_full",
    }
)

Check = Callable[["Workload"], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    title: str
    kinds: frozenset[str]
    """Workload types the rule applies to."""
    copilot: bool
    """True when Copilot itself enforces the rule; False for checks only this server makes."""
    check: Check


RULES: dict[str, Rule] = {}
"""Every rule this package runs, by code (filled in by the rule modules as they are imported)."""

SCHEMA_RULES: dict[str, str] = {
    "S6": "Mount point path characters",
    "S7": "Sidecar port has more than one '/'",
    "S8": "Sidecar port protocol is not tcp or udp",
    "S9": "Sidecar port number is not 0-65535",
    "S11": "Sidecar depends_on status",
    "S12": "Sidecar env_file extension",
    "L1": "Logging env_file extension",
    "D5": "Main image depends_on status",
    "P4": "NLB port syntax and protocol",
    "I4": "Top-level env_file extension",
    "W1": "Platform string format",
    "W2": "Platform string value",
    "V1": "Ephemeral storage size",
    "V8": "EFS root_dir characters",
}
"""Copilot rules that the JSON schema reports exactly (a pattern, enum or range on one value); no rule
here repeats them."""


def rule(
    code: str,
    severity: Severity,
    title: str,
    *,
    kinds: frozenset[str] = SIDECAR_KINDS,
    copilot: bool = True,
) -> Callable[[Check], Check]:
    """Register ``check`` under ``code``."""

    def register(check: Check) -> Check:
        assert code not in RULES, f"duplicate rule code {code}"
        RULES[code] = Rule(code, severity, title, kinds, copilot, check)
        return check

    return register


# --- reading scalars the way Copilot decodes them ---------------------------------------------


def is_set(node: Node | None) -> bool:
    """A pointer field is set when the key is present with a non-null value."""
    return not is_null(node)


def text_of(node: Node | None) -> str | None:
    """The string Copilot reads from a scalar string field, or None when unset or not a scalar."""
    if isinstance(node, Scalar) and node.value is not None:
        return node.text
    return None


def int_of(node: Node | None) -> int | None:
    """An integer field's value (a quoted number is a schema error; read it anyway)."""
    if not isinstance(node, Scalar) or isinstance(node.value, bool):
        return None
    if isinstance(node.value, int):
        return node.value
    if isinstance(node.value, float):
        # yaml.v3 decodes a float into an integer field by truncating it (port: 3.5 is port 3).
        return int(node.value) if math.isfinite(node.value) and abs(node.value) < 2**63 else None
    digits = node.value.strip() if isinstance(node.value, str) else ""
    if digits.isdigit() and len(digits) <= 20:  # longer is no 64-bit number (nor a valid int())
        return int(digits)
    return None


def sidecar_maps(entries: Iterable[Entry]) -> list[tuple[Entry, Mapping]]:
    """The ``sidecars`` entries that hold a configuration map (a container), with that map, in order."""
    return [(entry, entry.value) for entry in entries if isinstance(entry.value, Mapping)]


def key_or_node_span(entry: Entry | None, node: Node) -> Span:
    """Where to point for a missing or empty value: its key when there is one."""
    return entry.key.span if entry is not None else node.span


# --- the workload view ------------------------------------------------------------------------


class Workload:
    """One workload tree as Copilot validates it: the base, or the base merged with one environment."""

    def __init__(
        self,
        root: Mapping,
        kind: str,
        env: str | None,
        paths: NodePaths,
        lines: list[str] | None = None,
        *,
        text: str | None = None,
    ) -> None:
        self.root = root
        self.kind = kind
        self.env = env
        self.paths = paths
        self.lines = lines or []
        self._text = text
        self.facts: dict[Callable[..., Any], Any] = {}
        """Results of :func:`per_workload` functions, computed once for this workload."""

    @property
    def text(self) -> str:
        """The document's text: the parsed document's, or its lines joined when none was given."""
        if self._text is None:
            self._text = "\n".join(self.lines)
        return self._text

    # --- navigation

    def get(self, *path: str | int) -> Node | None:
        return find(self.root, path)

    def written_hint(self, key: str) -> Node | None:
        """The value of the top-level ``key`` as the document writes it (the base's own), not counted as read:
        a place to start a fact from (the base's fact, where this workload shares its values), never something
        a finding may depend on."""
        root = self.paths.root
        return root.get(key) if isinstance(root, Mapping) else None

    def entry(self, *path: str) -> Entry | None:
        parent = self.get(*path[:-1])
        return parent.entry(path[-1]) if isinstance(parent, Mapping) else None

    # --- facts

    @property
    def name_node(self) -> Scalar | None:
        node = self.root.get("name")
        return node if isinstance(node, Scalar) else None

    @property
    def name(self) -> str | None:
        return text_of(self.name_node)

    def sidecars_map(self) -> Mapping | None:
        """The ``sidecars`` map, where the workload's type has sidecars and it is a map."""
        return mapping(self.root.get(SIDECARS)) if self.kind in SIDECAR_KINDS else None

    def sidecar_entries(self) -> list[Entry]:
        """Every ``sidecars.<name>`` entry (including null ones), in document order."""
        sidecars = self.sidecars_map()
        return list(sidecars.entries) if sidecars else []

    def sidecars(self) -> list[tuple[Entry, Mapping]]:
        """Sidecars that have a configuration map."""
        return sidecar_maps(self.sidecar_entries())

    def sidecar(self, name: str) -> Entry | None:
        for entry in self.sidecar_entries():
            if entry.name == name:
                return entry
        return None

    def logging_enabled(self) -> bool:
        """Whether Copilot adds the FireLens container (:func:`task.firelens_enabled`)."""
        return firelens_enabled(self.root, self.kind)

    def tracing_enabled(self) -> bool:
        return is_set(self.get("observability", "tracing"))

    def platform(self) -> tuple[str, str] | None:
        """``(os, arch)`` lower-cased, from the string or the map form; None when unset or unreadable."""
        node = self.root.get("platform")
        if isinstance(node, Scalar) and isinstance(node.value, str):
            parts = node.value.lower().split("/")
            return (parts[0], parts[1]) if len(parts) == 2 else None
        if isinstance(node, Mapping):
            os_family = text_of(node.get("osfamily"))
            arch = text_of(node.get("architecture"))
            if os_family is not None and arch is not None:
                return os_family.lower(), arch.lower()
        return None

    def is_windows(self) -> bool:
        platform = self.platform()
        return platform is not None and platform[0] in WINDOWS_OS_FAMILIES

    def main_image(self) -> Mapping | None:
        return mapping(self.root.get("image"))

    def main_port(self) -> Scalar | None:
        image = self.main_image()
        port = image.get("port") if image else None
        return port if isinstance(port, Scalar) and port.value is not None else None

    def containers(self) -> dict[str, Container]:
        """Copilot's ``containerDependencies``: main, FireLens (when logging is on), then sidecars."""
        return dict(_containers(self))  # a copy: most rules ask, none may change what others see

    def http_rules(self) -> Iterator[tuple[tuple[str | int, ...], Mapping]]:
        """The ALB routing rules (``http`` itself, then each ``additional_rules`` item) with their paths."""
        http = mapping(self.root.get("http"))
        if http is None or self.kind not in (LBWS, BACKEND):
            return
        yield ("http",), http
        for index, item in enumerate(sequence_items(http.get("additional_rules"))):
            if isinstance(item, Mapping):
                yield ("http", "additional_rules", index), item

    def nlb_listeners(self) -> Iterator[tuple[tuple[str | int, ...], Mapping]]:
        nlb = mapping(self.root.get("nlb"))
        if nlb is None or self.kind != LBWS or not nlb.entries:
            return
        yield ("nlb",), nlb
        for index, item in enumerate(sequence_items(nlb.get("additional_listeners"))):
            if isinstance(item, Mapping):
                yield ("nlb", "additional_listeners", index), item

    # --- findings

    def finding(
        self,
        code: str,
        message: str,
        at: Node | Span,
        *,
        related: Iterable[Related] = (),
        fixes: Iterable[Fix] = (),
        path: tuple[str | int, ...] = (),
    ) -> Finding:
        """A finding of rule ``code`` at a node (or span), with the path where that node is written."""
        span = at if isinstance(at, Span) else at.span
        where = path if isinstance(at, Span) else self.paths.of(at, path)
        bounded = tuple(itertools.islice(related, MAX_RELATED))
        return Finding(code, RULES[code].severity, message, span, where, bounded, tuple(fixes))

    def related(self, node: Node | None, message: str) -> tuple[Related, ...]:
        return (Related(node.span, message),) if node is not None else ()

    def delete_entry_fixes(self, entry: Entry, title: str) -> tuple[Fix, ...]:
        """A fix deleting ``key: value`` (whole lines for a block entry), or none when that is unsafe."""
        edit = delete_entry_edit(self.lines, entry)
        return (Fix(title, (edit,), preferred=True),) if edit else ()


def delete_entry_edit(lines: list[str], entry: Entry) -> TextEdit | None:
    """Delete a block mapping entry with its lines (comments on other lines stay untouched).

    Only when the key starts its line and nothing else follows the value on its last line;
    flow maps (``{a: 1, b: 2}``) are left alone rather than risk breaking them.
    """
    start, end = entry.key.span.start, entry.value.span.end
    if start.line >= len(lines) or end.line >= len(lines):
        return None
    if lines[start.line][: start.col].strip(" -"):
        return None
    if lines[start.line][: start.col].strip():
        return None  # the first key of a list item ("- key: v"): deleting it would break the item
    rest = lines[end.line][end.col :].strip()
    if rest and not rest.startswith("#"):
        return None
    if end.line + 1 < len(lines):
        return TextEdit(Span(Pos(start.line, 0), Pos(end.line + 1, 0)), "")
    if start.line == 0:
        return TextEdit(Span(Pos(0, 0), Pos(end.line, len(lines[end.line]))), "")
    # The entry ends the file: take the newline before it instead of one after it.
    previous = start.line - 1
    return TextEdit(Span(Pos(previous, len(lines[previous])), Pos(end.line, len(lines[end.line]))), "")


_Fact = TypeVar("_Fact")


def per_workload(compute: Callable[[Workload], _Fact]) -> Callable[[Workload], _Fact]:
    """Compute a fact several rules read (the exposed ports, the dependency list) once per workload."""

    @functools.wraps(compute)
    def cached(workload: Workload) -> _Fact:
        # A workload that logs its reads (rules/reads.py) charges a cached fact's reads to each reader.
        log = getattr(workload, "read_log", None)
        if compute not in workload.facts:
            if log is not None:
                log.begin()
            try:
                workload.facts[compute] = compute(workload)
            finally:
                if log is not None:
                    workload.fact_reads[compute] = log.end()  # type: ignore[attr-defined]
        elif log is not None:
            log.add(workload.fact_reads[compute])  # type: ignore[attr-defined]
        result: _Fact = workload.facts[compute]
        return result

    return cached


@per_workload
def _containers(workload: Workload) -> dict[str, Container]:
    return {c.name: c for c in task_containers(workload.root, workload.kind) if c.dependable}
