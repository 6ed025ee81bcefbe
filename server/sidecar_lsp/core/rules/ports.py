"""Exposed ports (P1, P2), health-check ports (H1) and grace periods (H2).

The port walk follows ``validateExposedPorts`` (validate.go:2127-2300) step by step: sidecar ports,
then ALB rules with a ``target_port``, then NLB listeners, then the main ``image.port``. Each port
remembers the container and protocol that exposed it first; a later exposure by another container
(P1) or with another protocol (P2) is the error, reported where the later one is written.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sidecar_lsp.core.decoding.kinds import LOAD_BALANCED
from sidecar_lsp.core.manifest.references import SIDECARS, TARGET_CONTAINER
from sidecar_lsp.core.model import Finding, Severity
from sidecar_lsp.core.rules.base import (
    BACKEND,
    JOB,
    LBWS,
    WORKER,
    Workload,
    int_of,
    is_set,
    per_workload,
    rule,
    sidecar_maps,
    text_of,
)
from sidecar_lsp.core.yaml.remembered import remembered
from sidecar_lsp.core.yaml.tree import Entry, Mapping, Node, Scalar, mapping

TCP, UDP, TLS = "TCP", "UDP", "TLS"
PORT_KINDS = frozenset({LBWS, BACKEND, WORKER, JOB})


@dataclass(frozen=True)
class Exposure:
    container: str
    protocol: str
    node: Node
    """Where the exposure is written (a sidecar port, a target_port, a listener port, image.port)."""


@dataclass(frozen=True)
class Conflict:
    code: str
    message: str
    node: Node
    earlier: Exposure


def parse_port(text: str | None) -> tuple[int, str | None] | None:
    """``ParsePortMapping`` + ``ParseUint(.., 16)``: ``"80/udp"`` -> ``(80, "udp")``; None when invalid
    (the schema reports the syntax)."""
    if text is None:
        return None
    parts = text.split("/")
    if len(parts) > 2 or not parts[0].isdigit():
        return None
    number = int(parts[0])
    if number > 65535:
        return None
    return number, parts[1] if len(parts) == 2 else None


def _listener_port(listener: Mapping) -> tuple[int, str, Node] | None:
    node = listener.get("port")
    parsed = parse_port(text_of(node))
    if parsed is None or node is None:
        return None
    protocol = (parsed[1] or TCP).upper()
    return parsed[0], protocol, node


def _sidecar_exposure(name: str, config: Mapping) -> tuple[int, Exposure] | None:
    """The port the sidecar ``name`` exposes (``port``), remembered with its map (and the next version of
    the text shares the maps of the sidecars an edit left alone)."""

    def compute(_: Node) -> tuple[int, Exposure] | None:
        node = config.get("port")
        parsed = parse_port(text_of(node))
        if parsed is None or node is None:
            return None
        return parsed[0], Exposure(name, (parsed[1] or TCP).upper(), node)

    return remembered(config, (_SIDECAR_EXPOSURE, name), compute)


_SIDECAR_EXPOSURE = "sidecar exposure"


def _placed(exposed: dict[int, Exposure], port: int, exposure: Exposure) -> Conflict | None:
    """``exposure`` of ``port`` added to ``exposed`` (the first exposure of each port), or the conflict with
    the port's first exposure (``validateExposedPorts``: another container P1, another protocol P2)."""
    earlier = exposed.get(port)
    if earlier is None:
        exposed[port] = exposure
        return None
    container, protocol = exposure.container, exposure.protocol
    if earlier.container != container:
        message = (
            f'containers "{container}" and "{earlier.container}" are exposing the same port {port}; '
            "give one of them another port, or point target_container at the one that owns it"
        )
        return Conflict("P1", message, exposure.node, earlier)
    if earlier.protocol != protocol:
        message = (
            f'container "{container}" is exposing the same port {port} with protocol {protocol} and '
            f"{earlier.protocol}; use one protocol per port"
        )
        return Conflict("P2", message, exposure.node, earlier)
    return None


_Exposed = tuple[int, Exposure] | None
_Sidecars = tuple[tuple[Entry, Mapping], ...]


@dataclass(frozen=True)
class _SidecarPorts:
    """The sidecars' step of the port walk: what each sidecar (with a map) exposes, in order, and each
    conflict met, as ``(sidecar's index, port, conflict)`` in order."""

    sidecars: _Sidecars
    exposures: tuple[_Exposed, ...]
    conflicts: tuple[tuple[int, int, Conflict], ...]
    indexes: dict[int, tuple[int, ...]]
    """The indexes of the sidecars that expose each port, in order (the first one owns the port)."""

    def first_exposures(self) -> dict[int, Exposure]:
        """Each port with the exposure that owns it."""
        owners = ((port, self.exposures[found[0]]) for port, found in self.indexes.items())
        return {port: exposure[1] for port, exposure in owners if exposure is not None}


def _walked_sidecars(sidecars: _Sidecars, exposures: list[_Exposed]) -> _SidecarPorts:
    indexes: dict[int, list[int]] = {}
    for index, exposure in enumerate(exposures):
        if exposure is not None:
            indexes.setdefault(exposure[0], []).append(index)
    conflicts = [found for port, now in indexes.items() for found in _port_conflicts(port, now, exposures)]
    conflicts.sort(key=lambda found: found[0])  # in the order of the walk
    frozen = {port: tuple(now) for port, now in indexes.items()}
    return _SidecarPorts(sidecars, tuple(exposures), tuple(conflicts), frozen)


def _port_conflicts(
    port: int, indexes: list[int], exposures: list[_Exposed]
) -> list[tuple[int, int, Conflict]]:
    """The conflicts of the sidecars at ``indexes`` (in order) that expose ``port``, as a walk meets them."""
    first: dict[int, Exposure] = {}
    found: list[tuple[int, int, Conflict]] = []
    for index in indexes:
        exposure = exposures[index]
        assert exposure is not None  # listed as exposing the port
        conflict = _placed(first, port, exposure[1])
        if conflict is not None:
            found.append((index, port, conflict))
    return found


def _sidecar_ports(workload: Workload) -> _SidecarPorts:
    """The sidecars' step, remembered with the ``sidecars`` map. An environment's view shares the maps of the
    sidecars its override leaves alone: its step is the base's with the ports of the sidecars it changes
    walked again, so an override of one sidecar costs about the same whatever the number of sidecars."""
    holder = workload.sidecars_map()
    if holder is None:
        return _walked_sidecars((), [])  # no sidecars: workload.sidecars() is empty
    written = workload.written_hint(SIDECARS)
    base = (
        remembered(
            written, _SIDECAR_PORTS, lambda _: _walked_from(None, tuple(sidecar_maps(written.entries)))
        )
        if isinstance(written, Mapping) and written is not holder
        else None
    )
    return remembered(
        holder, _SIDECAR_PORTS, lambda _: _walked_from(base, tuple(sidecar_maps(holder.entries)))
    )


_SIDECAR_PORTS = "sidecar ports"


def _walked_from(base: _SidecarPorts | None, sidecars: _Sidecars) -> _SidecarPorts:
    """The sidecars' step for ``sidecars``; from ``base``'s (none: walked whole), where the sidecar at each
    place is the same, by name and map, so that only the ports of the others are walked again.

    A port no changed sidecar exposes (before or after) has the same exposures in the same order, so the
    same first one and the same conflicts; a port one does is walked again over the sidecars that now expose it.
    """
    if base is None:
        return _walked_sidecars(
            sidecars, [_sidecar_exposure(entry.name, config) for entry, config in sidecars]
        )
    known = base.sidecars
    changed = [
        index
        for index, (was, now) in enumerate(zip(known, sidecars, strict=False))  # added or gone: below
        if was[1] is not now[1] or was[0].name != now[0].name
    ]
    changed += range(len(known), len(sidecars))
    exposures = list(base.exposures[: len(sidecars)]) + [None] * (len(sidecars) - len(known))
    for index in changed:
        entry, config = sidecars[index]
        exposures[index] = _sidecar_exposure(entry.name, config)
    if 2 * len(changed) > len(sidecars):  # most are new (a view that names the environment in each)
        return _walked_sidecars(sidecars, exposures)
    before = [base.exposures[index] for index in changed if index < len(known)]
    before += base.exposures[len(sidecars) :]  # the places of sidecars the view no longer has
    touched = {exposure[0] for exposure in before if exposure is not None}
    arrived: dict[int, list[int]] = {}  # the changed sidecars that now expose each port
    for index in changed:
        exposure = exposures[index]
        if exposure is not None:
            arrived.setdefault(exposure[0], []).append(index)
    touched |= arrived.keys()
    conflicts = [found for found in base.conflicts if found[1] not in touched]
    indexes = dict(base.indexes)
    moved = set(changed)
    for port in touched:
        now = [index for index in base.indexes.get(port, ()) if index not in moved and index < len(sidecars)]
        now += arrived.get(port, ())
        now.sort()
        conflicts += _port_conflicts(port, now, exposures)
        if now:
            indexes[port] = tuple(now)
        else:
            indexes.pop(port, None)
    conflicts.sort(key=lambda found: found[0])  # in the order of the walk, as a whole walk finds them
    return _SidecarPorts(sidecars, tuple(exposures), tuple(conflicts), indexes)


@per_workload
def expose_ports(workload: Workload) -> tuple[dict[int, Exposure], list[Conflict]]:
    """The exposed-port index and every conflict met while building it."""
    sidecar_ports = _sidecar_ports(workload)
    exposed = sidecar_ports.first_exposures()
    conflicts = [conflict for _index, _port, conflict in sidecar_ports.conflicts]
    main = workload.name or ""

    def add(port: int, protocol: str, container: str, node: Node) -> None:
        conflict = _placed(exposed, port, Exposure(container, protocol.upper(), node))
        if conflict is not None:
            conflicts.append(conflict)

    if workload.kind in (LBWS, BACKEND):
        for _path, routing_rule in workload.http_rules():
            target_port = routing_rule.get("target_port")
            port = int_of(target_port)
            if port is None or target_port is None:
                continue
            container = exposed[port].container if port in exposed else main
            container = text_of(routing_rule.get(TARGET_CONTAINER)) or container
            add(port, TCP, container, target_port)
        for _path, listener in workload.nlb_listeners():
            parsed_listener = _listener_port(listener)
            if parsed_listener is None:
                continue
            port, protocol, node = parsed_listener
            target_port = listener.get("target_port")
            if int_of(target_port) is not None and target_port is not None:
                port, node = int_of(target_port) or 0, target_port
            protocol = TCP if protocol == TLS else protocol  # TLS terminates at the NLB
            container = exposed[port].container if port in exposed else main
            container = text_of(listener.get(TARGET_CONTAINER)) or container
            add(port, protocol, container, node)
        main_port = workload.main_port()
        port = int_of(main_port)
        if port is not None and main_port is not None:
            add(port, exposed[port].protocol if port in exposed else TCP, main, main_port)
    return exposed, conflicts


@rule("P1", Severity.ERROR, "Two containers expose the same port", kinds=PORT_KINDS)
def same_port_two_containers(workload: Workload) -> Iterator[Finding]:
    yield from _conflicts(workload, "P1")


@rule("P2", Severity.ERROR, "One port exposed with two protocols", kinds=PORT_KINDS)
def same_port_two_protocols(workload: Workload) -> Iterator[Finding]:
    yield from _conflicts(workload, "P2")


def _conflicts(workload: Workload, code: str) -> Iterator[Finding]:
    _exposed, conflicts = expose_ports(workload)
    for conflict in conflicts:
        if conflict.code == code:
            earlier = conflict.earlier
            yield workload.finding(
                code,
                conflict.message,
                conflict.node,
                related=workload.related(
                    earlier.node, f'port first exposed here by "{earlier.container}" ({earlier.protocol})'
                ),
            )


@rule("H1", Severity.ERROR, "Health check on a port exposed over UDP", kinds=LOAD_BALANCED)
def health_check_port_protocol(workload: Workload) -> Iterator[Finding]:
    exposed, _conflicts = expose_ports(workload)
    main_port = workload.main_port()
    for port, node in _health_check_ports(workload, main_port):
        exposure = exposed.get(port)
        if exposure is None or exposure.protocol == TCP:
            continue
        yield workload.finding(
            "H1",
            f'container "{exposure.container}" exposes port {port} using protocol {exposure.protocol.lower()} '
            'invalid for health checks. Valid protocol is "TCP"; point healthcheck.port at a TCP port',
            node,
            related=workload.related(exposure.node, f"port {port} is exposed over {exposure.protocol} here"),
        )


def _health_check_ports(workload: Workload, main_port: Scalar | None) -> Iterator[tuple[int, Node]]:
    """``RoutingRule.HealthCheckPort`` and ``NetworkLoadBalancerListener.HealthCheckPort``, with the
    node each port is read from."""
    for _path, routing_rule in workload.http_rules():
        healthcheck = mapping(routing_rule.get("healthcheck"))
        candidates = [
            healthcheck.get("port") if healthcheck else None,
            routing_rule.get("target_port"),
            main_port,
        ]
        for node in candidates:
            if is_set(node) and int_of(node) is not None:
                assert node is not None
                yield int_of(node) or 0, node
                break
    for _path, listener in workload.nlb_listeners():
        healthcheck = mapping(listener.get("healthcheck"))
        for node in (healthcheck.get("port") if healthcheck else None, listener.get("target_port")):
            if is_set(node) and int_of(node) is not None:
                assert node is not None
                yield int_of(node) or 0, node
                break
        else:
            parsed = _listener_port(listener)
            if parsed is not None:
                yield parsed[0], parsed[2]
            elif main_port is not None and int_of(main_port) is not None and not is_set(listener.get("port")):
                yield int_of(main_port) or 0, main_port


@rule("H2", Severity.ERROR, "grace_period only on the main http or nlb health check", kinds=frozenset({LBWS}))
def grace_period_placement(workload: Workload) -> Iterator[Finding]:
    main_grace: dict[str, Node] = {}
    for kind, places in (("http", list(workload.http_rules())), ("nlb", list(workload.nlb_listeners()))):
        for path, place in places:
            healthcheck = mapping(place.get("healthcheck"))
            grace = healthcheck.entry("grace_period") if healthcheck else None
            if grace is None or not is_set(grace.value):
                continue
            if len(path) == 1:
                main_grace[kind] = grace.key
                continue
            index = path[-1]
            where = f"{path[0]}.{path[1]}[{index}]"
            yield workload.finding(
                "H2",
                f'validate "grace_period": "grace_period" specified for "{where}"; specify "grace_period" '
                f'under the top-level "{kind}.healthcheck" instead',
                grace.key,
            )
    if "http" in main_grace and "nlb" in main_grace:
        yield workload.finding(
            "H2",
            'validate "grace_period": must specify one, not both, of "http.healthcheck.grace_period" and '
            '"nlb.healthcheck.grace_period"; "grace_period" is shared by "http" and "nlb", specify it once',
            main_grace["nlb"],
            related=workload.related(main_grace["http"], "http.healthcheck.grace_period is set here"),
        )
