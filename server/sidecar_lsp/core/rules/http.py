"""The load balancers of a service (``validate.go``: ``HTTP``, ``RoutingRule``, ``Alias``,
``NetworkLoadBalancerConfiguration``): A1-A7 for ``http``, N1-N2 for ``nlb``."""

from __future__ import annotations

from collections.abc import Iterator

from sidecar_lsp.core.decoding.interpolation import json_array_items
from sidecar_lsp.core.decoding.kinds import LOAD_BALANCED
from sidecar_lsp.core.manifest.references import TARGET_CONTAINER
from sidecar_lsp.core.model import Finding, Severity
from sidecar_lsp.core.rules.base import LBWS, Workload, bool_of, is_set, rule, text_of
from sidecar_lsp.core.rules.formats import (
    cidr_error,
    decoded_items,
    dropped_note,
    dropped_shape,
    template_text,
)
from sidecar_lsp.core.yaml.tree import Entry, Mapping, Node, Scalar, Sequence, mapping

_RULE_FIELDS = (
    "path",
    "version",
    "healthcheck",
    "stickiness",
    "deregistration_delay",
    TARGET_CONTAINER,
    "target_port",
    "allowed_source_ips",
    "hosted_zone",
    "redirect_to_https",
)
_LISTENER_FIELDS = (
    "port",
    TARGET_CONTAINER,
    "target_port",
    "ssl_policy",
    "stickiness",
    "deregistration_delay",
)


def alias_set(node: Node | None) -> bool:
    """``!Alias.IsEmpty()``: a string (even ``''``), or a list with at least one item (yaml.v3 leaves out
    a null item, and a list it cannot read as a name)."""
    if isinstance(node, Sequence):
        return any(not isinstance(item, Sequence) for item in decoded_items(node))
    return is_set(node)


def _has_structs(node: Node | None) -> bool:
    """A list of structs with an item: yaml.v3 leaves out a null item and one that is no map."""
    return any(isinstance(item, Mapping) for item in decoded_items(node))


def rule_set(rule_map: Mapping) -> bool:
    """``!RoutingRule.IsEmpty()``."""
    return alias_set(rule_map.get("alias")) or any(is_set(rule_map.get(f)) for f in _RULE_FIELDS)


def http_set(http: Mapping) -> bool:
    """``!HTTP.IsEmpty()``: the main rule, ``targetContainer``, an additional rule or (since v1.34,
    aws/copilot-cli#5490) an imported ``alb`` is set."""
    return (
        rule_set(http)
        or is_set(http.get("targetContainer"))
        or is_set(http.get("alb"))
        or _has_structs(http.get("additional_rules"))
    )


def http_disabled(workload: Workload) -> bool:
    return bool_of(workload.root.get("http")) is False


def nlb_set(nlb: Mapping | None) -> bool:
    """``!NetworkLoadBalancerConfiguration.IsEmpty()``."""
    if nlb is None:
        return False
    return (
        alias_set(nlb.get("alias"))
        or any(is_set(nlb.get(f)) for f in _LISTENER_FIELDS)
        or _nlb_healthcheck_set(nlb.get("healthcheck"))
        or _has_structs(nlb.get("additional_listeners"))
    )


_NLB_HEALTHCHECK_FIELDS = ("port", "healthy_threshold", "unhealthy_threshold", "timeout", "interval")


def _nlb_healthcheck_set(node: Node | None) -> bool:
    """``!NLBHealthCheckArgs.isEmpty()``: one of these is set (``grace_period`` does not count)."""
    if isinstance(node, Mapping):
        return any(is_set(node.get(f)) for f in _NLB_HEALTHCHECK_FIELDS)
    return is_set(node)


def _routing_rules(workload: Workload) -> Iterator[tuple[str, Mapping]]:
    """Each ALB rule Copilot validates, with the prefix of its messages."""
    http = mapping(workload.root.get("http"))
    if http is None or workload.kind not in LOAD_BALANCED or not http_set(http):
        return
    yield 'validate "http": ', http
    for index, item in enumerate(decoded_items(http.get("additional_rules"))):
        if isinstance(item, Mapping):
            yield f'validate "http": validate "additional_rules[{index}]": ', item


@rule("A1", Severity.ERROR, "A Load Balanced Web Service needs http", kinds=frozenset({LBWS}))
def lbws_needs_http(workload: Workload) -> Iterator[Finding]:
    entry = workload.root.entry("http")
    node = entry.value if entry else None
    if bool_of(node) is not None:
        return
    http = mapping(node)
    if http is not None and http_set(http):
        return
    if isinstance(node, Scalar) and node.value is not None:
        return  # a string or a number does not decode: the schema says so
    if http is not None and http.entries:
        return  # a map in which nothing decodes does not decode either (reported by the schema)
    at = entry.key if entry else workload.root.entry("type")
    if at is None:
        return
    yield workload.finding(
        "A1",
        '"http" must be specified; give http.path (for example "/"), or write http: false for a service '
        "behind a Network Load Balancer only",
        at if isinstance(at, Scalar) else at.key,
    )


@rule("A2", Severity.ERROR, "http: false needs an nlb", kinds=frozenset({LBWS}))
def http_or_nlb(workload: Workload) -> Iterator[Finding]:
    if not http_disabled(workload) or nlb_set(mapping(workload.root.get("nlb"))):
        return
    http = workload.root.entry("http")
    assert http is not None
    yield workload.finding(
        "A2",
        'must specify at least one of "http" or "nlb"; configure an nlb (nlb.port), or remove http: false',
        http.value,
    )


@rule("A3", Severity.ERROR, "http.path is required", kinds=LOAD_BALANCED)
def http_path_required(workload: Workload) -> Iterator[Finding]:
    for prefix, rule_map in _routing_rules(workload):
        if prefix == 'validate "http": ' and not is_set(rule_map.get("path")):
            http = workload.root.entry("http")
            assert http is not None
            yield workload.finding(
                "A3",
                'validate "http": "path" must be specified; add http.path, for example path: / for every request',
                http.key,
            )
        # additional_rules[].path: the schema requires it


@rule("A4", Severity.ERROR, "hosted_zone needs alias", kinds=LOAD_BALANCED)
def hosted_zone_needs_alias(workload: Workload) -> Iterator[Finding]:
    for prefix, rule_map in _routing_rules(workload):
        zone = rule_map.entry("hosted_zone")
        if zone is not None and is_set(zone.value) and not alias_set(rule_map.get("alias")):
            yield workload.finding(
                "A4",
                f'{prefix}"alias" must be specified if "hosted_zone" is specified; add the alias (domain name) '
                "to create in the hosted zone, or remove hosted_zone",
                zone.key,
            )


@rule("A5", Severity.ERROR, "allowed_source_ips must be CIDR blocks", kinds=LOAD_BALANCED)
def allowed_source_ips(workload: Workload) -> Iterator[Finding]:
    for prefix, rule_map in _routing_rules(workload):
        for index, item in enumerate(decoded_items(rule_map.get("allowed_source_ips"))):
            text = template_text(item)
            error = cidr_error(text) if text is not None else None
            if error:
                yield workload.finding(
                    "A5",
                    f'{prefix}validate "allowed_source_ips[{index}]": parse IPNet {text}: {error}; write a CIDR '
                    "block such as 10.0.0.0/24 (a single address is 10.0.0.1/32)",
                    item,
                )


def alias_names(node: Node | None) -> list[str]:
    """``Alias.ToStringSlice``: the names of the advanced form, else the string or the strings."""
    if isinstance(node, Sequence):
        advanced = [mapping(item) for item in node.items if isinstance(item, Mapping)]
        if advanced:
            return [text_of(item.get("name")) or "" for item in advanced if item is not None]
        return [text_of(item) or "" for item in node.items]
    items = json_array_items(node)
    if items is not None:
        return items  # a JSON-array string is the list of names it spells
    text = text_of(node)
    return [text] if text is not None else []


def _word_series(words: list[str]) -> str:
    """go-humanize's ``english.WordSeries(words, "and")``."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


@rule("A6", Severity.ERROR, "At most four alias and allowed_source_ips values per rule", kinds=LOAD_BALANCED)
def conditions_per_rule(workload: Workload) -> Iterator[Finding]:
    for prefix, rule_map in _routing_rules(workload):
        aliases = alias_names(rule_map.get("alias"))
        ips = [text_of(item) or "" for item in decoded_items(rule_map.get("allowed_source_ips"))]
        if len(aliases) + len(ips) < 5:
            continue
        entry = rule_map.entry("alias") or rule_map.entry("allowed_source_ips")
        assert entry is not None
        yield workload.finding(
            "A6",
            f"{prefix}validate condition values per listener rule: listener rule has more than five conditions "
            f"{_word_series(aliases)} {_word_series(ips)}; a listener rule takes at most 4 alias and "
            "allowed_source_ips values together: split them over additional_rules with the same path",
            entry.key,
        )


def _nameless_aliases(alias: Node | None) -> Iterator[Mapping]:
    for item in decoded_items(alias):
        if isinstance(item, Mapping) and not is_set(item.get("name")):
            yield item


@rule("A7", Severity.ERROR, "An alias map needs a name", kinds=LOAD_BALANCED)
def alias_needs_name(workload: Workload) -> Iterator[Finding]:
    places: list[tuple[str, Node | None]] = [
        (f'{prefix}validate "alias": ', rule_map.get("alias"))
        for prefix, rule_map in _routing_rules(workload)
    ]
    nlb = mapping(workload.root.get("nlb"))
    if workload.kind == LBWS and nlb_set(nlb):
        assert nlb is not None
        places.append(('validate "nlb": validate "alias": ', nlb.get("alias")))
    for prefix, alias in places:
        for item in _nameless_aliases(alias):
            yield workload.finding(
                "A7",
                f'{prefix}"name" must be specified; give each alias in map form its domain name: - name: '
                "example.com",
                item.entries[0].key if item.entries else item,
            )


@rule("N1", Severity.ERROR, "nlb.port is required", kinds=frozenset({LBWS}))
def nlb_port_required(workload: Workload) -> Iterator[Finding]:
    entry = workload.root.entry("nlb")
    if entry is None or not nlb_set(mapping(entry.value)):
        return
    nlb = mapping(entry.value)
    assert nlb is not None
    if not text_of(nlb.get("port")):
        yield workload.finding(
            "N1",
            'validate "nlb": "port" must be specified; add nlb.port, for example port: 443/tls',
            entry.key,
        )


@rule("N2", Severity.ERROR, "nlb alias: no hosted_zone", kinds=frozenset({LBWS}))
def nlb_alias_hosted_zone(workload: Workload) -> Iterator[Finding]:
    nlb = mapping(workload.root.get("nlb"))
    if not nlb_set(nlb):
        return
    assert nlb is not None
    alias = nlb.get("alias")
    advanced = [item for item in decoded_items(alias) if isinstance(item, Mapping)]
    for item in advanced:
        zone: Entry | None = item.entry("hosted_zone")
        if zone is not None and is_set(zone.value):
            yield workload.finding(
                "N2",
                'validate "nlb": "hosted_zone" is not supported for Network Load Balancer; remove hosted_zone '
                "(Copilot creates the alias in the environment's hosted zone)",
                zone.key,
            )


@rule("A8", Severity.ERROR, "http.version dropped by the http map reads as empty", kinds=LOAD_BALANCED)
def dropped_http_version(workload: Workload) -> Iterator[Finding]:
    for prefix, rule_map in _routing_rules(workload):
        version = rule_map.get("version")
        if version is not None and dropped_shape(version):
            yield workload.finding(
                "A8",
                f"{prefix}\"version\" field value '' must be one of GRPC, HTTP1 or HTTP2{dropped_note(version)}: "
                "write one of them (any case)",
                version,
            )
