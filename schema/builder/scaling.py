"""``count``: a number of tasks or an autoscaling map (``range``, metrics, ``spot``).

Sources: Copilot's ``internal/pkg/manifest/svc.go`` (``Count``, ``AdvancedCount``, ``ScalingConfigOrT``)
and ``validate.go`` (aws/copilot-cli v1.34.1).
"""

from __future__ import annotations

from typing import Any

from .common import DURATION_RE, L_JOB, L_LBWS, L_WORKER, doc, dur, integer, obj, ref, refused, with_var


def count_defs() -> dict[str, Any]:
    link = f"{L_LBWS}#count"
    cooldown = doc(
        "Cooldown periods of the scaling policy.",
        f"{link}-cooldown",
        obj(
            {
                "in": dur("Cooldown after scaling in.", f"{link}-cooldown"),
                "out": dur("Cooldown after scaling out.", f"{link}-cooldown"),
            }
        ),
    )

    def metric(text: str, value_schema: dict[str, Any], scalar_types: list[str]) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": [*scalar_types, "object"],
            "properties": {
                "value": doc("Target value of the metric.", link, value_schema),
                "cooldown": ref("scalingCooldown"),
            },
            "additionalProperties": False,
        }
        for k, v in value_schema.items():
            if k not in ("type", "$ref"):
                schema[k] = v
        return doc(text, link, schema)

    pct = {"type": "integer", "minimum": 0, "maximum": 100}
    common: dict[str, Any] = {
        "range": doc(
            "Minimum and maximum task count: a string `min-max` or a map `{min, max, spot_from}`.",
            f"{link}-range",
            {
                "type": ["string", "object"],
                "pattern": with_var(r"^\d+-\d+$"),
                # Go ints: a negative number decodes, and C4 refuses it ("must all be positive").
                "properties": {
                    "min": integer("Minimum number of tasks.", f"{link}-range"),
                    "max": integer("Maximum number of tasks.", f"{link}-range"),
                    "spot_from": integer(
                        "Task count from which additional tasks run on Fargate Spot.",
                        f"{link}-range",
                    ),
                },
                "additionalProperties": False,
            },
            examples=["1-10", {"min": 1, "max": 10, "spot_from": 3}],
        ),
        "cooldown": ref("scalingCooldown"),
        "cpu_percentage": metric(
            "Scale to keep the average CPU utilization at this percentage.", pct, ["integer"]
        ),
        "memory_percentage": metric(
            "Scale to keep the average memory utilization at this percentage.", pct, ["integer"]
        ),
        "spot": integer("Number of tasks to run on Fargate Spot (no autoscaling).", link),
    }
    service = dict(common)
    service["requests"] = metric(
        "Scale to keep this many requests per task.", {"type": "integer"}, ["integer"]
    )
    service["response_time"] = metric(
        "Scale to keep this average response time.",
        {"type": "string", "pattern": with_var(DURATION_RE)},
        ["string"],
    )
    worker = dict(common)
    wl = f"{L_WORKER}#count-queue-delay"
    worker["queue_delay"] = doc(
        "Scale on the SQS backlog per task.",
        wl,
        obj(
            {
                "acceptable_latency": dur("Acceptable time for a message to wait in the queue.", wl),
                "msg_processing_time": dur("Average time to process a message.", wl),
                "cooldown": ref("scalingCooldown"),
            }
        ),
    )
    # Copilot's AdvancedCount has every metric, for every workload type: a metric another type scales on
    # decodes as it does there (and so may make the map an autoscaling map), then Validate() refuses it.
    every_field = {**common, **service, "queue_delay": worker["queue_delay"]}
    job = {
        key: refused(
            schema,
            "Not for a Scheduled Job, which runs `count` tasks per invocation and does not scale",
            "cannot have autoscaling options for workloads of type 'Scheduled Job'",
            f"{L_JOB}#count",
        )
        for key, schema in every_field.items()
    }
    for key in ("requests", "response_time"):
        worker[key] = refused(
            service[key],
            "Not a scaling metric of a Worker Service",
            f'autoscaling field "{key}" is invalid for a Worker Service',
            f"{L_WORKER}#count",
        )
    service["queue_delay"] = refused(
        worker["queue_delay"],
        "Not a scaling metric of a Load Balanced Web Service or a Backend Service",
        'autoscaling field "queue_delay" is invalid for a Load Balanced Web Service or a Backend Service',
        link,
    )
    int_count = {"type": ["integer", "object"], "additionalProperties": False}
    return {
        "scalingCooldown": cooldown,
        "serviceCount": doc(
            "Number of tasks (default 1), or an autoscaling map with `range` and scaling metrics, or `spot`.",
            link,
            {**int_count, "properties": service},
            examples=[1, {"range": "1-10", "cpu_percentage": 70}],
        ),
        "jobCount": doc(
            "Number of tasks to run per invocation (default 1). A Scheduled Job does not scale: Copilot decodes "
            "an autoscaling map and refuses it.",
            f"{L_JOB}#count",
            {**int_count, "properties": job},
            examples=[1],
        ),
        "workerCount": doc(
            "Number of tasks (default 1), or an autoscaling map with `range`, `queue_delay` and other "
            "metrics, or `spot`.",
            f"{L_WORKER}#count",
            {**int_count, "properties": worker},
            examples=[
                1,
                {
                    "range": "1-10",
                    "queue_delay": {"acceptable_latency": "1m", "msg_processing_time": "250ms"},
                },
            ],
        ),
    }
