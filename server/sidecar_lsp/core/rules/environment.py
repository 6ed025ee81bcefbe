"""Environment manifest checks of the network (``validate_env.go``): VPC import or adjustment, subnets,
and security group rules (E1-E5). The load balancers (their certificates, ingress and subnets) and the
CDN are in :mod:`environment_http`."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sidecar_lsp.core.decoding.kinds import ENVIRONMENT
from sidecar_lsp.core.model import Finding, Severity, Span
from sidecar_lsp.core.rules.base import Workload, is_set, rule, text_of
from sidecar_lsp.core.rules.formats import decoded_items, literal_text
from sidecar_lsp.core.yaml.tree import Mapping, Node, Scalar, mapping

ENV = frozenset({ENVIRONMENT})
_PORT_RANGE = re.compile(r"^(\d+)-(\d+)$")


def vpc_of(workload: Workload) -> Mapping | None:
    return mapping(workload.get("network", "vpc"))


def filled(node: Node | None) -> bool:
    """``aws.StringValue(p) != ""``: set and not the empty string."""
    return bool(text_of(node))


def subnets_of(workload: Workload, side: str) -> list[tuple[int, Mapping | None, Node]]:
    vpc = vpc_of(workload)
    subnets = mapping(vpc.get("subnets")) if vpc else None
    items = decoded_items(subnets.get(side)) if subnets else []
    return [(index, mapping(item), item) for index, item in enumerate(items)]


def _first_key(node: Node) -> Span:
    """Where to point for a field missing from a list item: its first key, else the item."""
    if isinstance(node, Mapping) and node.entries:
        return node.entries[0].key.span
    return node.span


@rule("E1", Severity.ERROR, "VPC: import (id) or adjust (cidr), not both", kinds=ENV)
def import_or_adjust(workload: Workload) -> Iterator[Finding]:
    vpc = vpc_of(workload)
    if vpc is not None and filled(vpc.get("id")) and filled(vpc.get("cidr")):
        cidr = vpc.entry("cidr")
        assert cidr is not None
        yield workload.finding(
            "E1",
            'validate "network": validate "vpc": cannot import VPC resources (with "id" fields) and customize VPC '
            'resources (with "cidr" and "az" fields) at the same time; remove network.vpc.cidr to import the VPC, '
            "or network.vpc.id to let Copilot create it",
            cidr.value,
            related=workload.related(vpc.get("id"), "the imported VPC"),
        )


@rule("E2", Severity.ERROR, "Subnet: id and cidr/az are exclusive", kinds=ENV)
def subnet_id_or_cidr(workload: Workload) -> Iterator[Finding]:
    for side in ("public", "private"):
        for index, subnet, _ in subnets_of(workload, side):
            if subnet is None or not is_set(subnet.get("id")):
                continue
            for other in ("cidr", "az"):
                entry = subnet.entry(other)
                if entry is not None and is_set(entry.value):
                    yield workload.finding(
                        "E2",
                        f'validate "network": validate "vpc": validate "subnets": validate "{side}[{index}]": '
                        f'must specify one, not both, of "id" and "{other}"; an imported subnet (id) has its '
                        f"own {other}: remove {other}",
                        entry.key,
                    )
                    break


@rule("E3", Severity.ERROR, "Imported VPC: subnet ids and at least two subnets", kinds=ENV)
def imported_vpc_subnets(workload: Workload) -> Iterator[Finding]:
    vpc = vpc_of(workload)
    if vpc is None or not filled(vpc.get("id")):
        return
    prefix = 'validate "network": validate "vpc": validate "subnets" for an imported VPC: '
    sides = {side: subnets_of(workload, side) for side in ("public", "private")}
    for side, subnets in sides.items():
        for index, subnet, item in subnets:
            if subnet is None or not filled(subnet.get("id")):
                yield workload.finding(
                    "E3",
                    f'{prefix}validate {side}[{index}]: "id" must be specified; give the id of the subnet to '
                    "import",
                    _first_key(item),
                )
    public, private = sides["public"], sides["private"]
    id_entry = vpc.entry("id")
    assert id_entry is not None
    subnets_map = mapping(vpc.get("subnets"))
    if not public and not private:
        yield workload.finding(
            "E3",
            f"{prefix}VPC must have subnets in order to proceed with environment creation; list the subnets "
            "to import under network.vpc.subnets.public and .private",
            id_entry.value,
        )
    elif len(public) == 1:
        where = subnets_map.entry("public") if subnets_map else None
        yield workload.finding(
            "E3",
            f'{prefix}validate "public": at least two public subnets must be imported to enable Load Balancing; '
            "add a second public subnet (in another availability zone)",
            where.key if where else id_entry.value,
        )
    elif len(private) == 1:
        where = subnets_map.entry("private") if subnets_map else None
        yield workload.finding(
            "E3",
            f'{prefix}validate "private": at least two private subnets must be imported; add a second private '
            "subnet (in another availability zone)",
            where.key if where else id_entry.value,
        )


@rule("E4", Severity.ERROR, "Adjusted VPC: subnet cidrs and availability zones", kinds=ENV)
def adjusted_vpc_subnets(workload: Workload) -> Iterator[Finding]:
    vpc = vpc_of(workload)
    if vpc is None or not filled(vpc.get("cidr")):
        return
    prefix = 'validate "network": validate "vpc": validate "subnets" for an adjusted VPC: '
    cidrs: dict[str, set[str]] = {"public": set(), "private": set()}
    zones: dict[str, set[str]] = {"public": set(), "private": set()}
    missing = False
    for side in ("public", "private"):
        for index, subnet, item in subnets_of(workload, side):
            cidr = text_of(subnet.get("cidr")) if subnet else None
            if not cidr:
                missing = True
                yield workload.finding(
                    "E4",
                    f'{prefix}validate {side}[{index}]: "cidr" must be specified; give each subnet of a VPC '
                    "Copilot creates a cidr (and az), or import the VPC with network.vpc.id",
                    _first_key(item),
                )
                continue
            cidrs[side].add(cidr)
            zone = text_of(subnet.get("az")) if subnet else None
            if zone:
                zones[side].add(zone)
    if missing:
        return
    subnets_entry = vpc.entry("subnets")
    at: Node | Span = subnets_entry.key if subnets_entry else vpc.span
    if zones["public"] != zones["private"]:
        yield workload.finding(
            "E4",
            f"{prefix}public subnets and private subnets do not span the same availability zones; give the "
            "public and the private subnets the same set of az values",
            at,
        )
        return
    count = len(zones["public"])
    if count == 0:
        return
    if count < 2:
        yield workload.finding(
            "E4", f"{prefix}require at least 2 availability zones; spread the subnets over two or more az", at
        )
        return
    for side in ("public", "private"):
        if len(cidrs[side]) != count:
            yield workload.finding(
                "E4",
                f'{prefix}validate "{side}": number of {side} subnet CIDRs ({len(cidrs[side])}) does not match '
                f"number of AZs ({count}); give one {side} subnet per availability zone",
                at,
            )
            return


@rule("E5", Severity.ERROR, "Security group rule: cidr, ip_protocol and ports", kinds=ENV)
def security_group_rules(workload: Workload) -> Iterator[Finding]:
    vpc = vpc_of(workload)
    group = mapping(vpc.get("security_group")) if vpc else None
    if group is None:
        return
    for direction in ("ingress", "egress"):
        for index, item in enumerate(decoded_items(group.get(direction))):
            rule_map = mapping(item)
            if rule_map is None:
                continue  # a rule that is no map fails to decode (schema-type, X-json-array)
            for field in ("cidr", "ip_protocol", "ports"):
                value = rule_map.get(field) if rule_map else None
                missing = not is_set(value) if field == "ports" else not text_of(value)
                if missing:
                    yield workload.finding(
                        "E5",
                        f'validate "security_group": validate {direction}[{index}]: "{field}" must be specified; '
                        "a security group rule needs cidr, ip_protocol and ports",
                        _first_key(item),
                    )
                    break
            ports = rule_map.get("ports") if rule_map else None
            bounds = _PORT_RANGE.match(literal_text(ports) or "") if isinstance(ports, Scalar) else None
            if ports is not None and bounds and int(bounds.group(1)) > int(bounds.group(2)):
                low, high = int(bounds.group(1)), int(bounds.group(2))
                yield workload.finding(
                    "E5",
                    f'validate "security_group": validate {direction}[{index}]: min value {low} cannot be greater '
                    f"than max value {high}; write the range from the lower port: {high}-{low}",
                    ports,
                )
