"""The container ports of a task as Copilot exposes them (``ExposedPorts()``, ``svc.go``).

Each container's ``PortMappings`` come from its own ``port``, from the load balancers' ``target_port``
(ALB rules, NLB listeners) and from the main ``image.port``, keyed by port number: a later source
for the same number replaces the earlier one, in Copilot's order (sidecars, ALB rules, NLB
listeners, the main container). The port Service Connect would serve gets ``Name: target`` (Copilot names it
whether or not ``network.connect`` is on).
"""

from __future__ import annotations

from dataclasses import dataclass

from sidecar_lsp.core.decoding.kinds import BACKEND, LBWS
from sidecar_lsp.core.manifest.taskdef_values import RefusedError, Values
from sidecar_lsp.core.yaml.tree import Entry, Mapping, Node, Scalar, Sequence, sequence_items


@dataclass(frozen=True)
class ExposedPort:
    port: int
    protocol: str
    container: str
    defined_by_container: bool


def _port_and_protocol(text: str) -> tuple[int, str | None]:
    """``ParsePortMapping``: ``80``, ``80/tcp``; the port as ``strconv.ParseUint(…, 10, 16)`` reads it."""
    port, _, protocol = text.partition("/")
    if not port.isdigit() or int(port) > 65535:
        raise RefusedError(f'strconv.ParseUint: parsing "{port}": invalid syntax')
    return int(port), (protocol if "/" in text else None)


def _uint16(values: Values, node: Node | None) -> int | None:
    value = values.integer(node)
    if value is not None and not 0 <= value <= 65535:
        raise RefusedError(f"cannot unmarshal {value} into a uint16 port")
    return value


def routing_rules(view: Mapping, kind: str | None) -> list[Mapping]:
    """``http`` and its ``additional_rules`` (none when ``http: false`` or not set)."""
    if kind not in (LBWS, BACKEND):
        return []
    http = view.get("http")
    if not isinstance(http, Mapping) or is_empty(http):
        return []
    extra = [rule for rule in sequence_items(http.get("additional_rules")) if isinstance(rule, Mapping)]
    camel = http.entry("targetContainer")
    if kind == LBWS and camel is not None and http.get("target_container") is None:
        # A Load Balanced Web Service's decoder moves the old spelling into target_container.
        renamed = Entry(Scalar(camel.key.span, value="target_container", raw="target_container"), camel.value)
        http = Mapping(http.span, http.tag, http.anchor, [*http.entries, renamed], http.flow)
    return [http, *extra]


def is_empty(node: Node | None) -> bool:
    """Nothing Copilot decodes: nulls, and maps and lists of nothing (yaml.v3 drops null list items)."""
    if isinstance(node, Mapping):
        return all(is_empty(entry.value) for entry in node.entries)
    if isinstance(node, Sequence):
        return all(is_empty(item) for item in node.items)
    return node is None or (isinstance(node, Scalar) and node.value is None)


def nlb_listeners(view: Mapping, kind: str | None) -> list[Mapping]:
    nlb = view.get("nlb") if kind == LBWS else None
    if not isinstance(nlb, Mapping) or not nlb.entries:
        return []
    extra = [item for item in sequence_items(nlb.get("additional_listeners")) if isinstance(item, Mapping)]
    return [nlb, *extra]


def exposed_ports(view: Mapping, kind: str | None, values: Values) -> dict[str, list[ExposedPort]]:
    """The exposed ports of each container, sorted by port number (``prepareParsedExposedPortsMap``)."""
    name = values.text(view.get("name")) or ""
    ports: dict[int, ExposedPort] = {}
    sidecars = view.get("sidecars")
    for entry in sidecars.entries if isinstance(sidecars, Mapping) else []:
        port_text = values.text(entry.value.get("port")) if isinstance(entry.value, Mapping) else None
        if port_text is not None:
            port, protocol = _port_and_protocol(port_text)
            ports[port] = ExposedPort(port, (protocol or "tcp").lower(), entry.name, True)
    for rule in routing_rules(view, kind):
        target_port = _uint16(values, rule.get("target_port"))
        if target_port is not None and target_port not in ports:
            container = values.text(rule.get("target_container")) or name
            ports[target_port] = ExposedPort(target_port, "tcp", container, False)
    for listener in nlb_listeners(view, kind):
        _expose_nlb(ports, listener, name, values)
    image = view.get("image")
    main_port = _uint16(values, image.get("port")) if isinstance(image, Mapping) else None
    if main_port is not None and kind in (LBWS, BACKEND):
        if main_port in ports:
            known = ports[main_port]
            ports[main_port] = ExposedPort(known.port, known.protocol, known.container, True)
        else:
            ports[main_port] = ExposedPort(main_port, "tcp", name, True)
    by_container: dict[str, list[ExposedPort]] = {}
    for port in sorted(ports):
        by_container.setdefault(ports[port].container, []).append(ports[port])
    return by_container


def _expose_nlb(ports: dict[int, ExposedPort], listener: Mapping, name: str, values: Values) -> None:
    port_text = values.text(listener.get("port"))
    if port_text is None:
        return
    port, protocol = _port_and_protocol(port_text)
    target_port = values.integer(listener.get("target_port"))
    target = target_port % 65536 if target_port is not None else port
    target_protocol = "tcp" if protocol is None or protocol.lower() == "tls" else protocol
    target_protocol = target_protocol.lower()
    if any(known.port == target and known.protocol == target_protocol for known in ports.values()):
        return
    container = values.text(listener.get("target_container")) or name
    ports[target] = ExposedPort(target, target_protocol, container, False)


def _defined_port(ports: dict[str, list[ExposedPort]], container: str) -> tuple[str, str]:
    for exposed in ports.get(container, []):
        if exposed.defined_by_container:
            return str(exposed.port), exposed.protocol
    return "", ""


def service_connect_target(
    view: Mapping, kind: str | None, ports: dict[str, list[ExposedPort]], values: Values
) -> tuple[str, int] | None:
    """The container and port Service Connect serves (``ServiceConnectTarget``), when it serves one."""
    if kind not in (LBWS, BACKEND):
        return None
    name = values.text(view.get("name")) or ""
    container = name
    port, protocol = _defined_port(ports, name)
    rules = routing_rules(view, kind)
    if rules:
        target = _rule_target(rules[0], name, ports, values)
        if target is not None:
            container, port, protocol = target[0], target[1], "tcp"
    if protocol.lower() == "udp" or port in ("", "-1"):
        return None
    return container, int(port)


def _rule_target(
    rule: Mapping, name: str, ports: dict[str, list[ExposedPort]], values: Values
) -> tuple[str, str] | None:
    """``exposedContainerAndPort``: both set only when the rule names its target."""
    target_container = values.text(rule.get("target_container"))
    target_port = _uint16(values, rule.get("target_port"))
    if target_container is None and target_port is None:
        return None
    if target_port is None:
        if target_container == name:
            return None
        return str(target_container), _defined_port(ports, str(target_container))[0]
    if target_container is None:
        owner = next(
            (p.container for exposed in ports.values() for p in exposed if p.port == target_port), None
        )
        return (owner, str(target_port)) if owner is not None else None
    return target_container, str(target_port)
