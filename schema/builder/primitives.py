"""Scalar and shared definitions: string-, boolean- and duration-like values, variables, secrets.

Sources: Copilot's ``internal/pkg/manifest/workload_ecs.go`` (``Variable``, ``Secret``), ``svc.go`` (the
string-or-``from_cfn`` union) and ``interpolate.go`` (aws/copilot-cli v1.34.1).
"""

from __future__ import annotations

from typing import Any

from .common import (
    BOOL_WORDS_RE,
    DURATION_RE,
    L_INTERP,
    L_OVERVIEW,
    L_SECRETS,
    L_SIDECARS,
    L_STORAGE,
    L_VARS,
    PATH_RE,
    VAR,
    ci,
    doc,
    go_unsigned,
    ref,
    s_like,
    with_var,
)


def primitives() -> dict[str, Any]:
    return {
        "stringLike": doc(
            "A value Copilot decodes into a Go string: YAML decodes any scalar (string, number or boolean) "
            "into a string field, so `port: 80` and `DEBUG: true` are accepted.",
            L_OVERVIEW,
            {"type": ["string", "number", "boolean"]},
        ),
        "booleanLike": doc(
            "A boolean. Copilot (yaml.v3) also accepts the YAML 1.1 words "
            "y/Y/yes/Yes/YES/on/On/ON and n/N/no/No/NO/off/Off/OFF, which a YAML 1.2 loader keeps as "
            "strings.",
            L_OVERVIEW,
            {"type": ["boolean", "string"], "pattern": BOOL_WORDS_RE},
        ),
        "interpolatedString": doc(
            "A string containing a `${VAR}` reference. Copilot replaces `${VAR}` with the environment "
            "variable of the shell running `copilot` before it decodes the manifest.",
            L_INTERP,
            {"type": "string", "pattern": VAR},
        ),
        "duration": doc(
            "A Go duration string such as `10s`, `1m30s`, `2.5s` or `500ms` (units ns, us, ms, s, m, h). "
            "A bare number such as `10` is rejected by Copilot.",
            L_OVERVIEW,
            {"type": "string", "pattern": with_var(DURATION_RE)},
            examples=["10s", "1m30s", "500ms"],
            patternErrorMessage="must be a duration such as 10s, 1m30s or 500ms",
        ),
        "uint16": doc(
            "A port number from 0 to 65535.",
            L_OVERVIEW,
            go_unsigned(16),
        ),
        "stringOrStringList": doc(
            "A string (split with shell rules) or a list of strings.",
            L_OVERVIEW,
            # Copilot keeps the list when some items decode and drops the others (a swallowed type error).
            {"type": ["string", "number", "boolean", "array"]},
        ),
        "variableValue": doc(
            "Value of an environment variable: any scalar, or `{from_cfn: <export name>}` to import a "
            "CloudFormation export.",
            L_VARS,
            {
                "type": ["string", "number", "boolean", "object"],
                "properties": {
                    "from_cfn": s_like("Name of a CloudFormation stack export to import.", L_VARS),
                },
                "additionalProperties": False,
            },
        ),
        "variables": doc(
            "Key-value pairs that represent environment variables passed to the container. Values are "
            "scalars or `{from_cfn: <export name>}`.",
            L_VARS,
            {"type": "object", "additionalProperties": ref("variableValue")},
            examples=[{"LOG_LEVEL": "info"}],
        ),
        "secretValue": doc(
            "Value of a secret: an SSM parameter name or ARN, a Secrets Manager ARN, "
            "`{secretsmanager: <name>[:json-key:version-stage:version-id]}` or `{from_cfn: <export name>}`.",
            L_SECRETS,
            {
                "type": ["string", "number", "boolean", "object"],
                "properties": {
                    "secretsmanager": s_like(
                        "Name of a Secrets Manager secret, optionally followed by "
                        "`:json-key:version-stage:version-id`, e.g. `mysql:password::`.",
                        L_SECRETS,
                    ),
                    "from_cfn": s_like(
                        "Name of a CloudFormation stack export holding the secret's ARN or name.",
                        L_SECRETS,
                    ),
                },
                "additionalProperties": False,
            },
        ),
        "secrets": doc(
            "Key-value pairs that represent secret values from AWS Systems Manager Parameter Store or AWS "
            "Secrets Manager, exposed as environment variables.",
            L_SECRETS,
            {"type": "object", "additionalProperties": ref("secretValue")},
            examples=[{"GITHUB_TOKEN": "GITHUB_TOKEN", "DB": {"secretsmanager": "demo/test/mysql"}}],
        ),
        "labels": doc(
            "Docker labels to apply to the container: a map of string values.",
            L_OVERVIEW,
            {"type": "object", "additionalProperties": ref("stringLike")},
        ),
        "envFile": doc(
            "Path to a file with environment variables, relative to the workspace root. The file must have "
            "a `.env` extension; Copilot uploads it to S3 and sets it on the container.",
            L_VARS,
            {"type": "string", "pattern": with_var(r"\.env$")},
            examples=["./app.env"],
            patternErrorMessage="environment file must have a .env file extension",
        ),
        "dependsOnStatus": doc(
            "Condition the dependency must meet: `start`, `complete`, `success` or `healthy` (any case). "
            "Essential containers can only be depended on with `start` or `healthy`.",
            L_SIDECARS,
            {
                "type": "string",
                "pattern": with_var(
                    "^(" + "|".join(ci(w) for w in ["start", "complete", "success", "healthy"]) + ")$"
                ),
            },
            md="Condition the dependency must meet, case-insensitive:\n\n"
            "- `start`: waits until the container has **started**. The only status besides `healthy` that an "
            "essential container may be depended on with.\n"
            "- `complete`: waits until the container has **run to completion and exited** (any exit code). "
            "Not allowed on an essential container: make it `essential: false`.\n"
            "- `success`: waits until the container has **exited with code 0**. Not allowed on an essential "
            "container: make it `essential: false`.\n"
            "- `healthy`: waits until the container's **health check passes**; the container needs a "
            "`healthcheck` (sidecars) or `image.healthcheck` (the main container).\n\n"
            "Essential containers can only be depended on with `start` or `healthy`.",
            examples=["start", "healthy", "complete", "success"],
            patternErrorMessage="container dependency status must be one of START, COMPLETE, SUCCESS or HEALTHY",
        ),
        "dependsOn": doc(
            "Container dependencies to apply to this container (optional). Map of container name (the main "
            "container's `name`, a sidecar name or `firelens_log_router`) to a condition.",
            L_SIDECARS,
            {"type": "object", "additionalProperties": ref("dependsOnStatus")},
            examples=[{"nginx": "start"}],
        ),
        "volumePath": doc(
            "A path that may only contain the characters a-zA-Z0-9.-_/.",
            L_STORAGE,
            {"type": "string", "pattern": with_var(PATH_RE)},
            patternErrorMessage="path can only contain the characters a-zA-Z0-9.-_/",
        ),
    }
