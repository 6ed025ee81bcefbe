"""The six workload types: their top-level keys and their per-environment overrides.

Sources: Copilot's ``internal/pkg/manifest/lb_web_svc.go``, ``backend_svc.go``, ``worker_svc.go``,
``rd_web_svc.go``, ``static_site.go``, ``job.go`` and the override merge in ``transform.go``
(aws/copilot-cli v1.34.1).
"""

from __future__ import annotations

from typing import Any

from .common import (
    DOCS,
    L_BACKEND,
    L_JOB,
    L_LBWS,
    L_OVERVIEW,
    L_RDWS,
    L_STATIC,
    L_WORKER,
    b_like,
    doc,
    integer,
    obj,
    ref,
    s_like,
)

TYPES = {
    "Load Balanced Web Service": ("loadBalancedWebService", L_LBWS),
    "Backend Service": ("backendService", L_BACKEND),
    "Worker Service": ("workerService", L_WORKER),
    "Request-Driven Web Service": ("requestDrivenWebService", L_RDWS),
    "Static Site": ("staticSite", L_STATIC),
    "Scheduled Job": ("scheduledJob", L_JOB),
}
TYPE_DOCS = {
    "Load Balanced Web Service": "An ECS service on Fargate behind an Application and/or Network Load "
    "Balancer.",
    "Backend Service": "An ECS service on Fargate reachable only inside the environment (optionally behind "
    "an internal load balancer).",
    "Worker Service": "An ECS service on Fargate that processes messages from SNS topics through an SQS "
    "queue.",
    "Request-Driven Web Service": "An AWS App Runner service.",
    "Static Site": "Static files served from S3 through CloudFront.",
    "Scheduled Job": "An ECS task on Fargate triggered by a schedule.",
    "Environment": "An environment manifest (`copilot/environments/<name>/manifest.yml`).",
}


def workload_props(type_name: str) -> dict[str, Any]:
    """Top-level properties of a workload type, in Copilot's struct order."""
    _, link = TYPES[type_name]
    p: dict[str, Any] = {
        "name": s_like(
            "Name of the workload; also the name of the main container.", link, examples=["frontend"]
        ),
        "type": ref("manifestType"),
    }
    ecs = type_name in ("Load Balanced Web Service", "Backend Service", "Worker Service", "Scheduled Job")
    if type_name in ("Load Balanced Web Service", "Backend Service"):
        p["image"] = ref("imageWithPortAndHealthcheck")
    elif type_name in ("Worker Service", "Scheduled Job"):
        p["image"] = ref("imageWithHealthcheck")
    elif type_name == "Request-Driven Web Service":
        p["image"] = ref("imageWithPort")
    if ecs:
        p["entrypoint"] = doc(
            "Override the default entrypoint of the main container.", link, ref("stringOrStringList")
        )
        p["command"] = doc(
            "Override the default command of the main container.", link, ref("stringOrStringList")
        )
    if type_name == "Request-Driven Web Service":
        p["command"] = s_like("Start command of the App Runner service (a string only).", link)
    if type_name == "Scheduled Job":
        p["on"] = doc(
            "Events that trigger the job.",
            f"{L_JOB}#on",
            obj(
                {
                    "schedule": s_like(
                        "Schedule: a cron expression, `@every <duration>`, or a preset such as `@daily`, "
                        "`@hourly`, `@weekly`, `@monthly`, `@yearly`, `none`.",
                        f"{L_JOB}#on-schedule",
                        examples=["@daily", "@every 5h", "0 */2 * * *"],
                    )
                },
                required=["schedule"],
            ),
        )
        p["retries"] = integer("Number of times to retry the job before failing.", f"{L_JOB}#retries")
        p["timeout"] = s_like(
            "Time after which to stop the job if it is still running, a Go duration such as `1h30m`. Copilot "
            "reads it as a string and parses it only when it renders the template at deploy time (where `3600` "
            "fails: the checker's X-job-timeout).",
            f"{L_JOB}#timeout",
            examples=["1h30m"],
        )
    if type_name == "Load Balanced Web Service":
        p["http"] = ref("loadBalancedWebServiceHttp")
        p["nlb"] = ref("nlb")
    elif type_name == "Backend Service":
        p["http"] = ref("backendServiceHttp")
    elif type_name == "Request-Driven Web Service":
        p["http"] = ref("requestDrivenWebServiceHttp")
    elif type_name == "Static Site":
        p["http"] = ref("staticSiteHttp")
    if type_name != "Static Site":
        p["cpu"] = integer(
            "Number of CPU units for the task (default 256; 1024 for Request-Driven Web Services).",
            link,
            examples=[256, 512, 1024],
        )
        p["memory"] = integer(
            "Amount of memory in MiB used by the task (default 512; 2048 for Request-Driven Web Services).",
            link,
            examples=[512, 1024, 2048],
        )
        p["platform"] = ref("platform")
    if type_name in ("Load Balanced Web Service", "Backend Service"):
        p["count"] = ref("serviceCount")
    elif type_name == "Worker Service":
        p["count"] = ref("workerCount")
    elif type_name == "Scheduled Job":
        p["count"] = ref("jobCount")
    elif type_name == "Request-Driven Web Service":
        p["count"] = s_like(
            "Name of an App Runner auto scaling configuration, e.g. `high-availability/3`.",
            f"{L_RDWS}#count",
            examples=["high-availability/3"],
        )
    if ecs:
        p["exec"] = ref("exec")
    if type_name != "Static Site":
        p["variables"] = ref("variables")
        p["secrets"] = ref("secrets")
    if ecs:
        p["env_file"] = doc(
            "Path to a `.env` file with environment variables for the main container, relative to the "
            "workspace root.",
            link,
            ref("envFile"),
        )
        p["storage"] = ref("storage")
        p["logging"] = ref("logging")
        p["sidecars"] = ref("sidecars")
        p["network"] = ref("network")
    if type_name == "Request-Driven Web Service":
        p["network"] = ref("requestDrivenWebServiceNetwork")
    if type_name != "Static Site":
        p["publish"] = ref("publish")
    if type_name == "Worker Service":
        p["subscribe"] = ref("subscribe")
    if ecs:
        p["taskdef_overrides"] = ref("taskdefOverrides")
    if type_name in ("Load Balanced Web Service", "Backend Service"):
        p["deployment"] = ref("deployment")
    elif type_name == "Worker Service":
        p["deployment"] = ref("workerDeployment")
    if type_name in (
        "Load Balanced Web Service",
        "Backend Service",
        "Worker Service",
    ):
        p["observability"] = ref("observability")
    if type_name == "Request-Driven Web Service":
        p["observability"] = ref("requestDrivenWebServiceObservability")
    if type_name == "Request-Driven Web Service":
        p["tags"] = doc(
            "AWS resource tags for the App Runner service.",
            link,
            {"type": "object", "additionalProperties": ref("stringLike")},
        )
    if type_name == "Static Site":
        fl = f"{L_STATIC}#files"
        p["files"] = doc(
            "Files to upload to the site's S3 bucket.",
            fl,
            {
                "type": "array",
                "items": obj(
                    {
                        "source": s_like("Path of a file or directory, relative to the workspace root.", fl),
                        "destination": s_like("Destination path in the bucket.", fl),
                        "recursive": b_like("Whether to upload a directory recursively.", fl),
                        "exclude": doc("Glob pattern(s) of files to exclude.", fl, ref("stringOrStringList")),
                        "reinclude": doc(
                            "Glob pattern(s) of excluded files to include again.",
                            fl,
                            ref("stringOrStringList"),
                        ),
                    },
                    required=["source"],
                )
                # Source is a Go string that Copilot checks against "": an empty one is not set either (this
                # stands for the "not null" branch every required key gets).
                | {
                    "allOf": [
                        {"$comment": "not null", "properties": {"source": {"not": {"enum": [None, ""]}}}}
                    ]
                },
            },
        )
    return p


def _merged_over_base(schema: Any) -> Any:
    """The schema of an override's value: a key required in a map may come from the base.

    Copilot merges an override's maps over the base's field by field, so ``on: {}`` in an override
    keeps the base's ``on.schedule``; list items replace the base's whole and keep their required keys.
    """
    if not isinstance(schema, dict) or "required" not in schema and "properties" not in schema:
        return schema
    out = {k: v for k, v in schema.items() if k not in ("required",)}
    if "properties" in out:
        out["properties"] = {k: _merged_over_base(v) for k, v in out["properties"].items()}
    return out


def workload_defs() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for type_name, (def_name, link) in TYPES.items():
        props = workload_props(type_name)
        override_props = {k: _merged_over_base(v) for k, v in props.items() if k not in ("name", "type")}
        out[f"{def_name}Override"] = doc(
            f"Overrides of the {type_name} manifest for one environment: the same keys as the top level "
            "except `name`, `type` and `environments`, none required. `null` means no override. Copilot "
            "validates the manifest merged with each environment's overrides.",
            f"{DOCS}/manifest/overview/#environment-overrides",
            obj(override_props, nullable=True),
        )
        props["environments"] = doc(
            "Per-environment overrides, keyed by environment name.",
            f"{DOCS}/manifest/overview/#environment-overrides",
            {"type": "object", "additionalProperties": ref(f"{def_name}Override")},
        )
        out[def_name] = doc(
            f"{type_name} manifest. {TYPE_DOCS[type_name]}",
            link,
            obj(props, required=["name", "type"]),
        )
    return out


def sidecar_image_without_overrides() -> dict[str, Any]:
    """Copilot refuses a sidecar without an image. In a manifest where no ``environments.<env>.sidecars``
    could give one, the schema says so on its own (yaml-language-server); elsewhere only the merge can.

    A branch of the root's ``allOf``, beside the per-type definitions: sidecar-lsp validates a manifest
    against its type's definition alone, piece by piece, and says this in rule S1's words, per environment."""
    sidecar_types = [name for name in TYPES if "sidecars" in workload_props(name)]
    override_with_sidecars = {
        "type": "object",
        "required": ["sidecars"],
        "properties": {"sidecars": {"type": "object"}},
    }
    return {
        "$comment": "A sidecar needs an image (rule S1); only an override's sidecars map could supply one.",
        "if": {
            "properties": {"type": {"enum": sidecar_types}},
            "required": ["type"],
            "not": {
                "required": ["environments"],
                "properties": {
                    # Some override has a sidecars map: {"not": {"additionalProperties": {"not": X}}} reads
                    # "some value is an X" in draft-07, which has no "contains" for maps.
                    "environments": {
                        "type": "object",
                        "not": {"additionalProperties": {"not": override_with_sidecars}},
                    }
                },
            },
        },
        # allow_null adds the "not null" branch of the required image: image: ~ is no image for Copilot.
        "then": {
            "properties": {
                "sidecars": {
                    "type": "object",
                    "additionalProperties": {
                        "type": "object",
                        "required": ["image"],
                        "properties": {"image": True},
                    },
                }
            }
        },
    }


def manifest_type() -> dict[str, Any]:
    values = [*TYPES.keys(), "Environment"]
    return doc(
        "Type of the manifest. Exact and case-sensitive.",
        L_OVERVIEW,
        {"type": "string", "enum": values},
        enumDescriptions=[TYPE_DOCS[v] for v in values],
        markdownEnumDescriptions=[TYPE_DOCS[v] for v in values],
    )
