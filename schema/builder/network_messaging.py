"""``network`` (VPC placement, security groups, Service Connect) and ``publish``/``subscribe``.

Sources: Copilot's ``internal/pkg/manifest/workload.go`` (``NetworkConfig``), ``svc.go``,
``worker_svc.go`` (``SubscribeConfig``, ``SQSQueue``) and ``validate.go`` (aws/copilot-cli v1.34.1).
"""

from __future__ import annotations

from typing import Any

from .common import (
    L_LBWS,
    L_RDWS,
    L_WORKER,
    b_like,
    bool_or_obj,
    doc,
    dur,
    integer,
    obj,
    patterned,
    ref,
    s_like,
    with_var,
)


def network_defs() -> dict[str, Any]:
    link = f"{L_LBWS}#network"
    placement = doc(
        "Subnets of the tasks: `public` or `private`, or a map `{subnets}` with subnet IDs or `{from_tags}`.",
        f"{link}-vpc-placement",
        {
            "type": ["string", "object"],
            "pattern": with_var("^(public|private)$"),
            "properties": {
                "subnets": doc(
                    "Subnet IDs, or `{from_tags: {<tag>: <value or values>}}` to select subnets by tag.",
                    f"{link}-vpc-placement",
                    {
                        "type": ["array", "object"],
                        "items": ref("stringLike"),
                        "properties": {
                            "from_tags": doc(
                                "Tags to select subnets by: values are strings or lists of strings.",
                                f"{link}-vpc-placement",
                                {"type": "object", "additionalProperties": ref("stringOrStringList")},
                            )
                        },
                        "additionalProperties": False,
                    },
                )
            },
            "additionalProperties": False,
        },
        examples=["public", "private"],
    )
    sg_item = {
        "type": ["string", "number", "boolean", "object"],
        "properties": {"from_cfn": s_like("Name of a CloudFormation export with a security group ID.", link)},
        "additionalProperties": False,
    }
    security_groups = doc(
        "Additional security groups: a list of IDs (or `{from_cfn}`), or a map `{groups, deny_default}`.",
        f"{link}-vpc-security-groups",
        {
            "type": ["array", "object"],
            "items": sg_item,
            "properties": {
                "groups": doc(
                    "Security group IDs (or `{from_cfn}`).",
                    f"{link}-vpc-security-groups",
                    {"type": "array", "items": sg_item},
                ),
                "deny_default": b_like(
                    "Whether to remove the environment's default security group ingress.",
                    f"{link}-vpc-security-groups",
                ),
            },
            "additionalProperties": False,
        },
    )
    connect = bool_or_obj(
        "Service Connect: `true` to enable it, or a map with the `alias` to register.",
        f"{link}-connect",
        {"alias": s_like("Service Connect alias of the service.", f"{link}-connect")},
    )
    vpc = doc(
        "VPC placement and security groups of the tasks.",
        f"{link}-vpc",
        obj({"placement": placement, "security_groups": security_groups}),
    )
    network = doc("Networking configuration of the tasks.", link, obj({"vpc": vpc, "connect": connect}))
    rd_link = f"{L_RDWS}#network"
    rdws_network = doc(
        "Networking of the App Runner service: only `vpc.placement` (`private`, or `{subnets}`).",
        rd_link,
        obj({"vpc": doc("VPC connector configuration.", rd_link, obj({"placement": placement}))}),
    )
    return {"network": network, "requestDrivenWebServiceNetwork": rdws_network}


def messaging_defs() -> dict[str, Any]:
    pl = f"{L_LBWS}#publish"
    sl = f"{L_WORKER}#subscribe"
    fifo_topic = bool_or_obj(
        "Whether the SNS topic is FIFO, or a map with `content_based_deduplication`.",
        pl,
        {"content_based_deduplication": b_like("Whether content-based deduplication is enabled.", pl)},
    )
    publish = doc(
        "SNS topics that the service publishes to.",
        pl,
        obj(
            {
                "topics": doc(
                    "SNS topics to create.",
                    pl,
                    {
                        "type": "array",
                        "items": obj(
                            {
                                "name": patterned(
                                    "Name of the topic: letters, numbers, underscores and hyphens.",
                                    pl,
                                    "^[a-zA-Z0-9_-]*$",
                                ),
                                "fifo": fifo_topic,
                            },
                            required=["name"],
                        ),
                    },
                )
            }
        ),
    )
    fifo_queue = bool_or_obj(
        "Whether the SQS queue is FIFO, or a map of FIFO settings.",
        f"{sl}-queue-fifo",
        {
            "content_based_deduplication": b_like("Whether content-based deduplication is enabled.", sl),
            "deduplication_scope": patterned(
                "Deduplication scope: `messageGroup` or `queue`.",
                sl,
                "^(messageGroup|queue)$",
                examples=["messageGroup", "queue"],
            ),
            "throughput_limit": patterned(
                "FIFO throughput limit: `perMessageGroupId` or `perQueue`.",
                sl,
                "^(perMessageGroupId|perQueue)$",
                examples=["perMessageGroupId", "perQueue"],
            ),
            "high_throughput": b_like("Whether high-throughput FIFO is enabled.", sl),
        },
    )
    queue_props = {
        "retention": dur("How long a message is kept in the queue (default 4 days).", sl),
        "delay": dur("Delivery delay of new messages.", sl),
        "timeout": dur("Visibility timeout of received messages.", sl),
        "dead_letter": doc(
            "Dead-letter queue settings.",
            sl,
            obj(
                {"tries": integer("Receives before a message moves to the dead-letter queue.", sl, minimum=0)}
            ),
        ),
        "fifo": fifo_queue,
    }
    queue = doc("The service's SQS queue.", sl, obj(queue_props))
    topic_queue = bool_or_obj(
        "`true` for a dedicated queue for this topic, or a map of queue settings.", sl, queue_props
    )
    subscribe = doc(
        "SNS topics that the worker subscribes to, and its SQS queue.",
        sl,
        obj(
            {
                "topics": doc(
                    "Topics to subscribe to.",
                    sl,
                    {
                        "type": "array",
                        "items": obj(
                            {
                                "name": patterned("Name of the topic.", sl, "^[a-zA-Z0-9_-]*$"),
                                "service": s_like("Name of the service that publishes the topic.", sl),
                                "filter_policy": doc(
                                    "SNS subscription filter policy (free-form).", sl, {"type": "object"}
                                ),
                                "queue": topic_queue,
                            },
                            required=["name", "service"],
                        ),
                    },
                ),
                "queue": queue,
            }
        ),
    )
    return {"publish": publish, "subscribe": subscribe}
