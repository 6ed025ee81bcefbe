"""``http`` (Application Load Balancer, Request-Driven and Static Site variants) and ``nlb``.

Sources: Copilot's ``internal/pkg/manifest/http.go``, ``svc.go`` (health checks), ``lb_web_svc.go``,
``rd_web_svc.go``, ``static_site.go`` and ``validate.go`` (aws/copilot-cli v1.34.1).
"""

from __future__ import annotations

from typing import Any

from .common import (
    BOOL_WORDS_RE,
    L_BACKEND,
    L_LBWS,
    L_RDWS,
    L_STATIC,
    b_like,
    bool_or_obj,
    ci,
    doc,
    dur,
    integer,
    obj,
    patterned,
    ref,
    s_like,
    with_var,
)


def http_defs() -> dict[str, Any]:
    link = f"{L_LBWS}#http"
    hc_link = f"{L_LBWS}#http-healthcheck"
    alias = doc(
        "HTTPS domain alias(es) of the service: a string, a list of strings, or a list of "
        "`{name, hosted_zone}` maps.",
        f"{L_LBWS}#http-alias",
        {
            "type": ["string", "number", "boolean", "array"],
            "items": {
                "type": ["string", "number", "boolean", "object"],
                "properties": {
                    "name": s_like("Domain name of the alias.", f"{L_LBWS}#http-alias"),
                    "hosted_zone": s_like(
                        "ID of the hosted zone in which to insert the A record of this alias.",
                        f"{L_LBWS}#http-alias",
                    ),
                },
                "additionalProperties": False,
            },
        },
        examples=["example.com", ["example.com", "v1.example.com"]],
    )
    http_hc = doc(
        "Target group health check: a path string such as `/health`, or a map with `path`, `port`, "
        "`success_codes`, `healthy_threshold`, `unhealthy_threshold`, `interval`, `timeout` and "
        "`grace_period`.",
        hc_link,
        {
            "type": ["string", "number", "boolean", "object"],
            "minLength": 1,
            "properties": {
                "path": s_like(
                    "Destination of the health check requests (default `/`).", hc_link, default="/"
                ),
                "port": doc(
                    "Port of the health check requests (default: the traffic port). A Go int: Copilot does "
                    "not check its range.",
                    hc_link,
                    {"type": "integer"},
                ),
                "success_codes": s_like(
                    "HTTP status codes a healthy target returns, e.g. `200` or `200,301` (default `200`).",
                    hc_link,
                    default="200",
                ),
                "healthy_threshold": integer(
                    "Consecutive successes before an unhealthy target is considered healthy (default 5).",
                    hc_link,
                    default=5,
                ),
                "unhealthy_threshold": integer(
                    "Consecutive failures before a target is considered unhealthy (default 2).",
                    hc_link,
                    default=2,
                ),
                "interval": dur("Time between health checks (default 30s).", hc_link, default="30s"),
                "timeout": dur(
                    "Time without a response that means a failed check (default 5s).", hc_link, default="5s"
                ),
                "grace_period": dur(
                    "Time to ignore failing health checks after a task starts (default 60s).",
                    hc_link,
                    default="60s",
                ),
            },
            "additionalProperties": False,
        },
        examples=["/health"],
    )

    def rule_props(*, main: bool) -> dict[str, Any]:
        props: dict[str, Any] = {
            "path": s_like(
                "Requests to this path are forwarded to the service. An empty string or `/` routes all "
                "traffic.",
                link,
                examples=["/", "api"],
            ),
            "version": patterned(
                "HTTP version of the target group: `grpc`, `http1` or `http2` (any case).",
                f"{L_LBWS}#http-version",
                "^(" + "|".join(ci(w) for w in ["grpc", "http1", "http2"]) + ")$",
                examples=["grpc", "http1", "http2"],
            ),
            "healthcheck": ref("httpHealthcheck"),
            "stickiness": b_like("Whether sticky sessions are enabled (default false).", link),
            "alias": ref("alias"),
            "deregistration_delay": dur(
                "How long to wait for targets to drain before deregistering them (default 60s).",
                link,
                default="60s",
            ),
            "target_container": s_like(
                "Container that receives the traffic: the main container's `name` (default) or a sidecar "
                "with a `port`.",
                link,
            ),
            "target_port": doc(
                "Container port that receives the traffic (an integer; the docs say String). Defaults to "
                "`image.port` or the target sidecar's port.",
                link,
                ref("uint16"),
            ),
            "allowed_source_ips": doc(
                "CIDR ranges allowed to reach this path.",
                link,
                {"type": "array", "items": ref("stringLike")},
                examples=[["10.24.34.0/23"]],
            ),
            "hosted_zone": s_like("ID of the hosted zone for the `alias` A records.", link),
            "redirect_to_https": b_like(
                "Whether HTTP requests are redirected to HTTPS when an alias is set (default true).",
                link,
                default=True,
            ),
        }
        if main:
            props["alb"] = s_like(
                "ARN or name of an existing Application Load Balancer to import (v1.32+).", link
            )
            props["targetContainer"] = s_like(
                "DEPRECATED. Use `target_container`. Camel-case alias kept for backwards compatibility; "
                "setting both is an error, and Backend Services ignore it.",
                link,
                deprecationMessage="Deprecated: use `target_container` instead.",
            )
            props["additional_rules"] = doc(
                "Additional listener rules, each with its own `path` and routing settings.",
                f"{L_LBWS}#http-additional-rules",
                {"type": "array", "items": ref("routingRule")},
            )
        return props

    routing_rule = doc(
        "An additional listener rule of the Application Load Balancer.",
        f"{L_LBWS}#http-additional-rules",
        obj(rule_props(main=False), required=["path"]),
    )
    lbws_http = doc(
        "Configuration of the Application Load Balancer. `false` disables it (e.g. for an NLB-only service).",
        link,
        {
            "type": ["boolean", "string", "object"],
            "pattern": BOOL_WORDS_RE,
            "properties": rule_props(main=True),
            "additionalProperties": False,
        },
        examples=[{"path": "/", "healthcheck": "/health"}, False],
    )
    backend_http = doc(
        "Configuration of an internal Application Load Balancer for the Backend Service (requires an "
        "environment with private HTTP configured). `targetContainer` is decoded but ignored here.",
        f"{L_BACKEND}#http",
        obj(rule_props(main=True)),
    )
    rd = f"{L_RDWS}#http"
    rdws_http = doc(
        "Configuration of the App Runner service's HTTP endpoint.",
        rd,
        obj(
            {
                "healthcheck": doc(
                    "App Runner health check: a path string or a map with `path`, `healthy_threshold`, "
                    "`unhealthy_threshold`, `interval` and `timeout`.",
                    f"{L_RDWS}#http-healthcheck",
                    ref("httpHealthcheck"),
                ),
                "alias": s_like("A domain alias for the service.", f"{L_RDWS}#http-alias"),
                "private": bool_or_obj(
                    "Whether the service is only reachable from the environment's VPC, or a map with the "
                    "`endpoint` (VPC endpoint ID) to use.",
                    f"{L_RDWS}#http-private",
                    {
                        "endpoint": s_like(
                            "ID of an existing VPC interface endpoint to App Runner.",
                            f"{L_RDWS}#http-private",
                        )
                    },
                ),
            }
        ),
    )
    ss = f"{L_STATIC}#http"
    static_http = doc(
        "HTTP configuration of the static site.",
        ss,
        obj(
            {
                "alias": s_like("Domain alias of the static site.", ss),
                "certificate": s_like("ARN of an ACM certificate in us-east-1 for the alias.", ss),
            }
        ),
    )
    return {
        "alias": alias,
        "httpHealthcheck": http_hc,
        "routingRule": routing_rule,
        "loadBalancedWebServiceHttp": lbws_http,
        "backendServiceHttp": backend_http,
        "requestDrivenWebServiceHttp": rdws_http,
        "staticSiteHttp": static_http,
    }


def nlb_defs() -> dict[str, Any]:
    link = f"{L_LBWS}#nlb"
    hc = doc(
        "Network Load Balancer target health check.",
        f"{L_LBWS}#nlb-healthcheck",
        obj(
            {
                "port": doc(
                    "Port of the health check requests (default: the traffic port). A Go int: Copilot does "
                    "not check its range.",
                    link,
                    {"type": "integer"},
                ),
                "healthy_threshold": integer(
                    "Consecutive successes before a target is healthy (default 3).", link, default=3
                ),
                "unhealthy_threshold": integer(
                    "Consecutive failures before a target is unhealthy (default 3).", link, default=3
                ),
                "timeout": dur(
                    "Time without a response that means a failed check (default 10s).", link, default="10s"
                ),
                "interval": dur("Time between health checks (default 10s).", link, default="10s"),
                "grace_period": dur(
                    "Time to ignore failing health checks after a task starts (default 60s).",
                    link,
                    default="60s",
                ),
            }
        ),
    )

    def listener_props() -> dict[str, Any]:
        return {
            "port": doc(
                "Listener port and protocol: `<port>[/<tcp|udp|tls>]`, protocol in any case (default tcp).",
                link,
                {
                    "type": ["integer", "string"],
                    "minimum": 0,
                    "maximum": 65535,
                    "pattern": with_var(rf"^\d+(/({ci('tcp')}|{ci('udp')}|{ci('tls')}))?$"),
                },
                examples=["443/tls", "8080/udp", 80],
                patternErrorMessage="must be a port number with an optional /tcp, /udp or /tls, such as 443/tls",
            ),
            "healthcheck": ref("nlbHealthcheck"),
            "target_container": s_like(
                "Container that receives the traffic (snake_case only): the main container (default) or a "
                "sidecar.",
                link,
            ),
            "target_port": doc(
                "Container port that receives the traffic (default: the listener port). A Go int: Copilot "
                "does not check its range.",
                link,
                {"type": "integer"},
            ),
            "ssl_policy": s_like("Security policy of a TLS listener.", link),
            "stickiness": b_like("Whether client IP stickiness is enabled.", link),
            "deregistration_delay": dur(
                "How long to wait for targets to drain (default 60s).", link, default="60s"
            ),
        }

    listener = doc(
        "An additional Network Load Balancer listener.",
        f"{L_LBWS}#nlb-additional-listeners",
        obj(listener_props(), required=["port"]),
    )
    props = listener_props()
    props["alias"] = doc(
        "Domain alias(es) of the Network Load Balancer (`hosted_zone` is not supported).",
        link,
        ref("alias"),
    )
    props["additional_listeners"] = doc(
        "Additional listeners of the Network Load Balancer.",
        f"{L_LBWS}#nlb-additional-listeners",
        {"type": "array", "items": ref("nlbListener")},
    )
    nlb = doc("Configuration of a Network Load Balancer for the service.", link, obj(props))
    return {"nlbHealthcheck": hc, "nlbListener": listener, "nlb": nlb}
