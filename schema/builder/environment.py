"""The environment manifest (``type: Environment``).

Sources: Copilot's ``internal/pkg/manifest/env.go`` and ``validate_env.go`` (aws/copilot-cli v1.34.1).
"""

from __future__ import annotations

from typing import Any

from .common import (
    L_ENV,
    b_like,
    bool_or_obj,
    doc,
    integer,
    obj,
    ref,
    refused,
    s_like,
    str_list,
    with_var,
)
from .workloads import TYPE_DOCS


def environment_def() -> dict[str, Any]:
    el = L_ENV
    subnet = obj(
        {
            "id": s_like("ID of an existing subnet.", f"{el}#network-vpc-subnets"),
            "cidr": s_like("CIDR block of a new subnet.", f"{el}#network-vpc-subnets"),
            "az": s_like("Availability zone of a new subnet.", f"{el}#network-vpc-subnets"),
        }
    )
    subnet_list = {"type": "array", "items": subnet}
    sg_rule = obj(
        {
            "cidr": s_like("CIDR range of the rule.", f"{el}#network-vpc-security-group"),
            # Copilot decodes a number into its int first (yaml.v3 truncates 3.5 to 3) and only other
            # scalars as the range text, so a quoted "80" is a range without its dash.
            "ports": doc(
                "A port, or a range `from-to`.",
                f"{el}#network-vpc-security-group",
                {"type": ["number", "string"], "pattern": with_var(r"^\d+-\d+$"), "examples": ["8000-8080"]},
            ),
            "ip_protocol": s_like("IP protocol, e.g. `tcp`.", f"{el}#network-vpc-security-group"),
        }
    )
    sg_rules = {"type": "array", "items": sg_rule}
    vpc = doc(
        "VPC of the environment: import one with `id` and subnet IDs, or configure Copilot's with `cidr` "
        "and subnets.",
        f"{el}#network-vpc",
        obj(
            {
                "id": s_like("ID of an existing VPC to import.", f"{el}#network-vpc-id"),
                "cidr": s_like("CIDR block of the Copilot-managed VPC.", f"{el}#network-vpc-cidr"),
                "subnets": doc(
                    "Public and private subnets.",
                    f"{el}#network-vpc-subnets",
                    obj(
                        {
                            "public": doc("Public subnets.", f"{el}#network-vpc-subnets", subnet_list),
                            "private": doc("Private subnets.", f"{el}#network-vpc-subnets", subnet_list),
                        }
                    ),
                ),
                "security_group": doc(
                    "Rules of the environment security group.",
                    f"{el}#network-vpc-security-group",
                    obj(
                        {
                            "ingress": doc("Ingress rules.", f"{el}#network-vpc-security-group", sg_rules),
                            "egress": doc("Egress rules.", f"{el}#network-vpc-security-group", sg_rules),
                        }
                    ),
                ),
                "flow_logs": bool_or_obj(
                    "Whether VPC flow logs are enabled, or a map with their `retention` in days.",
                    f"{el}#network-vpc-flow-logs",
                    {
                        "retention": integer(
                            "Retention of the flow logs in days (default 14).", f"{el}#network-vpc-flow-logs"
                        )
                    },
                ),
            }
        ),
    )
    # Copilot's RestrictiveIngress, in the deprecated security_groups.ingress of either load balancer.
    restrict_to = doc(
        "DEPRECATED. Use `http.public.ingress.cdn` and `http.public.ingress.source_ips`.",
        f"{el}#http-public",
        obj(
            {
                "cdn": b_like("DEPRECATED. Only allow ingress from CloudFront.", f"{el}#http-public"),
                "source_ips": str_list(
                    "DEPRECATED. CIDR blocks allowed to reach the load balancer.", f"{el}#http-public"
                ),
            }
        ),
    )
    private_restrict_to = refused(
        restrict_to,
        "Not for the internal load balancer",
        "an internal load balancer cannot have restrictive ingress fields",
        f"{el}#http-private",
    )
    deprecated_sg_public = doc(
        "DEPRECATED. Use `ingress`. Ingress restrictions of the public load balancer's security group.",
        f"{el}#http-public",
        obj(
            {
                "ingress": doc(
                    "DEPRECATED. Ingress restrictions.",
                    f"{el}#http-public",
                    obj(
                        {
                            "restrict_to": restrict_to,
                            "from_vpc": b_like(
                                "DEPRECATED. Allow ingress from the VPC.", f"{el}#http-public"
                            ),
                        }
                    ),
                )
            }
        ),
    )
    deprecated_sg_private = doc(
        "DEPRECATED. Use `ingress`. Ingress of the internal load balancer's security group.",
        f"{el}#http-private",
        obj(
            {
                "ingress": doc(
                    "DEPRECATED. Ingress settings.",
                    f"{el}#http-private",
                    obj(
                        {
                            "from_vpc": b_like(
                                "DEPRECATED. Use `http.private.ingress.vpc`.", f"{el}#http-private"
                            ),
                            "restrict_to": private_restrict_to,
                        }
                    ),
                )
            }
        ),
    )
    certs = str_list("ARNs of ACM certificates for the load balancer's HTTPS listener.", f"{el}#http")
    http = doc(
        "Load balancer configuration of the environment.",
        f"{el}#http",
        obj(
            {
                "public": doc(
                    "Public Application Load Balancer.",
                    f"{el}#http-public",
                    obj(
                        {
                            "certificates": certs,
                            "access_logs": bool_or_obj(
                                "Whether ALB access logs are enabled, or a map with `bucket_name` and "
                                "`prefix`.",
                                f"{el}#http-public-access-logs",
                                {
                                    "bucket_name": s_like(
                                        "Existing S3 bucket for access logs.", f"{el}#http-public-access-logs"
                                    ),
                                    "prefix": s_like(
                                        "Prefix of the access log objects.", f"{el}#http-public-access-logs"
                                    ),
                                },
                            ),
                            "ingress": doc(
                                "Ingress restrictions of the public load balancer.",
                                f"{el}#http-public-ingress",
                                obj(
                                    {
                                        "cdn": b_like(
                                            "Only allow ingress from CloudFront.", f"{el}#http-public-ingress"
                                        ),
                                        "source_ips": str_list(
                                            "CIDR ranges allowed to reach the load balancer.",
                                            f"{el}#http-public-ingress",
                                        ),
                                    }
                                ),
                            ),
                            "ssl_policy": s_like("SSL policy of the HTTPS listener.", f"{el}#http-public"),
                            "security_groups": deprecated_sg_public,
                        }
                    ),
                ),
                "private": doc(
                    "Internal Application Load Balancer.",
                    f"{el}#http-private",
                    obj(
                        {
                            "subnets": str_list(
                                "Subnet IDs of the internal load balancer (imported VPC).",
                                f"{el}#http-private",
                            ),
                            "certificates": certs,
                            "ingress": doc(
                                "Ingress of the internal load balancer.",
                                f"{el}#http-private",
                                obj({"vpc": b_like("Allow ingress from the VPC.", f"{el}#http-private")}),
                            ),
                            "ssl_policy": s_like("SSL policy of the HTTPS listener.", f"{el}#http-private"),
                            "security_groups": deprecated_sg_private,
                        }
                    ),
                ),
            }
        ),
    )
    cl = f"{el}#cdn"
    cdn = bool_or_obj(
        "Whether a CloudFront distribution fronts the public load balancer, or a map of CDN settings.",
        cl,
        {
            "certificate": s_like("ARN of an ACM certificate in us-east-1.", cl),
            "terminate_tls": b_like("Whether TLS terminates at CloudFront.", cl),
            "static_assets": doc(
                "Static assets served by the distribution from S3.",
                cl,
                obj(
                    {
                        "location": s_like("DNS name of the S3 bucket.", cl),
                        "alias": s_like("Domain alias of the static assets.", cl),
                        "path": s_like("Path pattern of the static assets.", cl),
                    }
                ),
            ),
        },
    )
    return doc(
        f"Environment manifest. {TYPE_DOCS['Environment']}",
        el,
        obj(
            {
                "name": s_like("Name of the environment.", el),
                "type": ref("manifestType"),
                "network": doc(
                    "Network configuration of the environment.", f"{el}#network", obj({"vpc": vpc})
                ),
                "observability": doc(
                    "Observability of the environment.",
                    f"{el}#observability",
                    obj(
                        {
                            "container_insights": b_like(
                                "Whether CloudWatch Container Insights is enabled.", f"{el}#observability"
                            )
                        }
                    ),
                ),
                "http": http,
                "cdn": cdn,
            },
            required=["type"],
        ),
    )
