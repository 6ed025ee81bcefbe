"""``exec``, ``taskdef_overrides``, ``deployment`` and ``observability``.

Sources: Copilot's ``internal/pkg/manifest/workload_ecs.go`` (``ExecuteCommand``, ``DeploymentConfig``),
``workload.go``, ``rd_web_svc.go`` and ``validate.go`` (aws/copilot-cli v1.34.1).
"""

from __future__ import annotations

from typing import Any

from .common import L_LBWS, L_RDWS, b_like, bool_or_obj, ci, doc, integer, obj, patterned, ref, s_like


def misc_defs() -> dict[str, Any]:
    dl = f"{L_LBWS}#deployment"

    def deployment(worker: bool) -> dict[str, Any]:
        alarm_props: dict[str, Any] = {
            "cpu_utilization": doc(
                "CPU utilization percentage that triggers a rollback.", dl, {"type": "number"}
            ),
            "memory_utilization": doc(
                "Memory utilization percentage that triggers a rollback.", dl, {"type": "number"}
            ),
        }
        if worker:
            alarm_props["messages_delayed"] = integer(
                "Number of delayed messages that triggers a rollback.", dl
            )
        return doc(
            "Deployment strategy and rollback alarms.",
            dl,
            obj(
                {
                    "rolling": patterned(
                        "Rolling deployment strategy: `default` (new tasks before stopping old ones) or "
                        "`recreate` (stop all old tasks first).",
                        dl,
                        "^(default|recreate)$",
                        examples=["default", "recreate"],
                    ),
                    "rollback_alarms": doc(
                        "Alarms that roll the deployment back: a list of existing alarm names, or a map of "
                        "thresholds.",
                        dl,
                        {
                            "type": ["array", "object"],
                            "items": ref("stringLike"),
                            "properties": alarm_props,
                            "additionalProperties": False,
                        },
                    ),
                }
            ),
        )

    el = f"{L_LBWS}#exec"
    tl = f"{L_LBWS}#taskdef-overrides"
    return {
        "exec": bool_or_obj(
            "Whether ECS Exec is enabled (`copilot svc exec`), or a map `{enable}`.",
            el,
            {"enable": b_like("Whether ECS Exec is enabled.", el)},
            default=False,
        ),
        "taskdefOverrides": doc(
            "Overrides of the generated ECS task definition: `path` into the CloudFormation "
            "TaskDefinition properties and the `value` to set.",
            tl,
            {
                "type": "array",
                "items": obj(
                    {
                        "path": s_like(
                            "Path to override, e.g. `ContainerDefinitions[0].Ulimits[-].Name`.", tl
                        ),
                        "value": doc("Value to set (any YAML value).", tl, {}),
                    },
                ),
            },
        ),
        "deployment": deployment(False),
        "workerDeployment": deployment(True),
        "requestDrivenWebServiceObservability": doc(
            "Observability configuration. A Request-Driven Web Service checks the vendor word.",
            f"{L_RDWS}#observability",
            obj(
                {
                    "tracing": patterned(
                        "Tracing vendor: `awsxray` (any case).",
                        f"{L_RDWS}#observability",
                        "^" + ci("awsxray") + "$",
                        examples=["awsxray"],
                        patternErrorMessage="invalid tracing vendor: the valid vendor is awsxray",
                    )
                }
            ),
        ),
        "observability": doc(
            "Observability configuration.",
            f"{L_LBWS}#observability",
            obj(
                {
                    "tracing": s_like(
                        "Tracing vendor: `awsxray`. Adds the `aws-otel-collector` sidecar. (Copilot checks the "
                        "word only for a Request-Driven Web Service: another value turns tracing off.)",
                        f"{L_LBWS}#observability",
                        examples=["awsxray"],
                    )
                }
            ),
        ),
    }
