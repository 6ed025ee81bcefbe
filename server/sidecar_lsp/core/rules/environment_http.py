"""Environment manifest checks of the load balancers and the CDN (``validate_env.go``): certificate ARNs,
ingress (the deprecated and the current fields), the CDN's certificate, static assets and TLS, and the
internal load balancer's subnets (E6-E15)."""

from __future__ import annotations

from collections.abc import Iterator

from sidecar_lsp.core.decoding.interpolation import variables_in
from sidecar_lsp.core.model import Finding, Severity
from sidecar_lsp.core.rules.base import Workload, bool_of, is_set, rule, text_of
from sidecar_lsp.core.rules.environment import ENV, filled, subnets_of, vpc_of
from sidecar_lsp.core.rules.formats import (
    CLOUDFRONT_REGION,
    arn_error,
    arn_region,
    cidr_error,
    decoded_items,
    dropped_note,
    dropped_or_template_text,
    template_text,
)
from sidecar_lsp.core.yaml.tree import Mapping, Node, Sequence, mapping


def _certificates(workload: Workload, side: str) -> Iterator[tuple[int, Node, str]]:
    for index, item in enumerate(decoded_items(workload.get("http", side, "certificates"))):
        text = template_text(item)
        if text is not None:
            yield index, item, text


@rule("E6", Severity.ERROR, "Load balancer certificate ARN does not parse", kinds=ENV)
def certificate_arns(workload: Workload) -> Iterator[Finding]:
    for side in ("public", "private"):
        for index, item, text in _certificates(workload, side):
            error = arn_error(text)
            if error:
                yield workload.finding(
                    "E6",
                    f'validate "http config": validate "{side}": parse "certificates[{index}]": {error}; give the '
                    "certificate's ARN (arn:aws:acm:<region>:<account>:certificate/<id>)",
                    item,
                )


def _ingress_set(ingress: Mapping | None, fields: tuple[str, ...]) -> bool:
    if ingress is None:
        return False
    for field in fields:
        value = ingress.get(field)
        if isinstance(value, Sequence) and not value.items:
            continue
        if is_set(value):
            return True
    return False


def _deprecated_ingress(workload: Workload, side: str) -> Mapping | None:
    return mapping(workload.get("http", side, "security_groups", "ingress"))


def _deprecated_set(workload: Workload, side: str) -> bool:
    deprecated = _deprecated_ingress(workload, side)
    if deprecated is None:
        return False
    return is_set(deprecated.get("from_vpc")) or _ingress_set(
        mapping(deprecated.get("restrict_to")), ("cdn", "source_ips")
    )


@rule("E7", Severity.ERROR, "Both the deprecated security_groups.ingress and ingress", kinds=ENV)
def both_ingress_fields(workload: Workload) -> Iterator[Finding]:
    for side, fields in (("public", ("cdn", "source_ips")), ("private", ("vpc",))):
        ingress_entry = workload.entry("http", side, "ingress")
        if ingress_entry is None or not _ingress_set(mapping(ingress_entry.value), fields):
            continue
        if _deprecated_set(workload, side):
            groups = workload.entry("http", side, "security_groups")
            assert groups is not None
            yield workload.finding(
                "E7",
                f'validate "http config": validate "{side}": must specify one, not both, of '
                f'"{side}.http.security_groups.ingress" and "{side}.http.ingress"; security_groups.ingress is '
                f"deprecated: move its settings to http.{side}.ingress",
                groups.key,
                related=workload.related(ingress_entry.key, f"http.{side}.ingress"),
            )


@rule("E8", Severity.ERROR, "Public load balancer: from_vpc is not allowed", kinds=ENV)
def public_from_vpc(workload: Workload) -> Iterator[Finding]:
    deprecated = _deprecated_ingress(workload, "public")
    entry = deprecated.entry("from_vpc") if deprecated else None
    if entry is not None and is_set(entry.value):
        yield workload.finding(
            "E8",
            'validate "http config": validate "public": a public load balancer already allows vpc ingress; remove '
            "http.public.security_groups.ingress.from_vpc",
            entry.key,
        )


@rule("E9", Severity.ERROR, "Internal load balancer: no restrictive ingress", kinds=ENV)
def private_restrictive_ingress(workload: Workload) -> Iterator[Finding]:
    deprecated = _deprecated_ingress(workload, "private")
    entry = deprecated.entry("restrict_to") if deprecated else None
    if entry is not None and _ingress_set(mapping(entry.value), ("cdn", "source_ips")):
        yield workload.finding(
            "E9",
            'validate "http config": validate "private": an internal load balancer cannot have restrictive '
            "ingress fields; remove http.private.security_groups.ingress.restrict_to",
            entry.key,
        )


@rule("E10", Severity.ERROR, "Ingress source_ips must be CIDR blocks", kinds=ENV)
def source_ip_cidrs(workload: Workload) -> Iterator[Finding]:
    places = [
        workload.get("http", "public", "ingress", "source_ips"),
        workload.get("http", "public", "security_groups", "ingress", "restrict_to", "source_ips"),
    ]
    for place in places:
        for item in decoded_items(place):
            text = template_text(item)
            error = cidr_error(text) if text is not None else None
            if error:
                yield workload.finding(
                    "E10",
                    f'validate "http config": validate "public": parse IPNet {text}: {error}; write a CIDR block '
                    "such as 10.0.0.0/24 (a single address is 10.0.0.1/32)",
                    item,
                )


def _cdn(workload: Workload) -> Mapping | None:
    return mapping(workload.get("cdn"))


def _cdn_advanced(workload: Workload) -> bool:
    """``!CDNConfig.Config.isEmpty()``: certificate or terminate_tls set, or a static asset field filled."""
    cdn = _cdn(workload)
    if cdn is None:
        return False
    static = mapping(cdn.get("static_assets"))
    static_set = static is not None and any(filled(static.get(f)) for f in ("location", "alias", "path"))
    return is_set(cdn.get("certificate")) or is_set(cdn.get("terminate_tls")) or static_set


def _cdn_enabled(workload: Workload) -> bool:
    return _cdn_advanced(workload) or bool_of(workload.get("cdn")) is True


@rule("E11", Severity.ERROR, "CDN certificate: an ARN in us-east-1", kinds=ENV)
def cdn_certificate(workload: Workload) -> Iterator[Finding]:
    if not _cdn_advanced(workload):
        return
    cdn = _cdn(workload)
    certificate = cdn.get("certificate") if cdn else None
    text = dropped_or_template_text(certificate)
    if certificate is None or text is None:
        return
    error = arn_error(text)
    if error:
        message = (
            f"parse cdn certificate: {error}{dropped_note(certificate)}; give the ARN of an ACM certificate "
            "in us-east-1"
        )
    elif not variables_in(text) and arn_region(text) != CLOUDFRONT_REGION:
        message = (
            "cdn certificate must be in region us-east-1; CloudFront only takes certificates from us-east-1: "
            "import or request one there"
        )
    else:
        return
    yield workload.finding("E11", f'validate "cdn": {message}', certificate)


@rule("E12", Severity.ERROR, "CDN static_assets: alias, location and path", kinds=ENV)
def cdn_static_assets(workload: Workload) -> Iterator[Finding]:
    if not _cdn_advanced(workload):
        return
    cdn = _cdn(workload)
    static_entry = cdn.entry("static_assets") if cdn else None
    static = mapping(static_entry.value) if static_entry else None
    if static_entry is None or static is None:
        return
    # Inside the cdn map a value that is no string is dropped, which leaves the field empty.
    texts = {field: dropped_or_template_text(static.get(field)) for field in ("alias", "location", "path")}
    if not any(texts.values()):
        return
    for field, text in texts.items():
        if not text:
            yield workload.finding(
                "E12",
                f'validate "cdn": validate "static_assets": "{field}" must be specified; static assets need '
                "location, alias and path",
                static_entry.key,
            )
            return


def _restricted_to_cdn(workload: Workload) -> Node | None:
    """``IsPublicLBIngressRestrictedToCDN``: the node that says ``cdn: true``, or None."""
    ingress = mapping(workload.get("http", "public", "ingress"))
    if _ingress_set(ingress, ("cdn", "source_ips")):
        assert ingress is not None
        node = ingress.get("cdn")
        return node if bool_of(node) is True else None
    node = workload.get("http", "public", "security_groups", "ingress", "restrict_to", "cdn")
    return node if bool_of(node) is True else None


@rule("E13", Severity.ERROR, "Ingress restricted to the CDN needs the CDN", kinds=ENV)
def cdn_ingress_needs_cdn(workload: Workload) -> Iterator[Finding]:
    node = _restricted_to_cdn(workload)
    if node is not None and not _cdn_enabled(workload):
        yield workload.finding(
            "E13",
            "CDN must be enabled to limit security group ingress to CloudFront; add cdn: true, or remove the "
            "ingress restriction",
            node,
        )


@rule("E14", Severity.ERROR, "CDN certificate and the load balancer's certificates", kinds=ENV)
def cdn_tls(workload: Workload) -> Iterator[Finding]:
    if not _cdn_enabled(workload):
        return
    cdn = _cdn(workload)
    certificate = cdn.get("certificate") if cdn else None
    public_certificates = workload.entry("http", "public", "certificates")
    if public_certificates is None or not is_set(public_certificates.value):
        if is_set(certificate) and bool_of(cdn.get("terminate_tls") if cdn else None) is not True:
            assert certificate is not None
            yield workload.finding(
                "E14",
                '"cdn.terminate_tls" must be true if "cdn.certificate" is set without "http.public.certificates"; '
                "add cdn.terminate_tls: true, or import the load balancer's certificates",
                certificate,
            )
    elif not is_set(certificate):
        cdn_entry = workload.root.entry("cdn")
        assert cdn_entry is not None
        yield workload.finding(
            "E14",
            '"cdn.certificate" must be specified if "http.public.certificates" and "cdn" are specified; add the '
            "ARN of a us-east-1 certificate as cdn.certificate",
            cdn_entry.key,
            related=workload.related(public_certificates.key, "the load balancer's certificates"),
        )


@rule("E15", Severity.ERROR, "Internal load balancer subnets must be imported", kinds=ENV)
def internal_albsubnets_of(workload: Workload) -> Iterator[Finding]:
    entry = workload.entry("http", "private", "subnets")
    if entry is None or not is_set(entry.value):
        return
    vpc = vpc_of(workload)
    if vpc is None or not filled(vpc.get("id")):
        yield workload.finding(
            "E15",
            "in order to specify internal ALB subnet placement, subnets must be imported; import the VPC and its "
            "subnets with network.vpc.id and network.vpc.subnets, or remove http.private.subnets",
            entry.key,
        )
        return
    imported = {
        text_of(subnet.get("id")) or "" if subnet is not None else ""
        for side in ("public", "private")
        for _, subnet, _ in subnets_of(workload, side)
    }
    placements = [(item, text_of(item) or "") for item in decoded_items(entry.value)]
    if any(variables_in(text) for _, text in placements):
        return
    matched = {text for _, text in placements if text in imported}
    if len(matched) != len(placements):
        unknown = [(item, text) for item, text in placements if text not in imported]
        if not unknown:
            fix = "list each subnet once"
        elif len(unknown[0][1].split()) > 1 and all(part in imported for part in unknown[0][1].split()):
            fix = f"'{unknown[0][1]}' is one string: separate the subnet ids with commas"
        else:
            fix = "name only subnets listed under network.vpc.subnets"
        yield workload.finding(
            "E15",
            f"subnet(s) specified for internal ALB placement not imported; {fix}",
            unknown[0][0] if unknown else entry.key,
        )
