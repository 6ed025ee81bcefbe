"""Generate ``schema/copilot-manifest.schema.json`` (the JSON Schema for AWS Copilot v1.33 manifests).

The JSON file is the artifact that editors, SchemaStore and the language server read; this script is its
source. Run ``python schema/build_schema.py`` after editing, and commit both files
(``tests/schema/test_schema.py`` fails when they disagree).

Conventions (see ``docs/manifest-reference.md`` and the test suite):

* draft-07, ``definitions``; the workload type is selected by ``allOf`` of ``if``/``then`` on ``type``.
* Field facts come from ``/work/shared/reference/copilot-manifest-rules.md`` (Copilot v1.33.x) and the
  ``sidecars``/``logging`` wording from the project's seed spec.
* No ``anyOf``/``oneOf``: unions of different JSON types are written as ``"type": [...]`` plus
  type-specific keywords, so every violation yields exactly one error at the offending location.
* Strings that Copilot checks with a pattern or a fixed set of words also accept any string containing
  ``${VAR}`` (Copilot interpolates before decoding): the regex is
  ``<pattern>|\\$\\{[_a-zA-Z][_a-zA-Z0-9]*\\}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).resolve().parent / "copilot-manifest.schema.json"
# A name, not an address: the schema is installed with the package (`sidecar-lsp schema` prints its
# path); the SchemaStore copy gets SchemaStore's address once it is published there (schemastore/sync.py).
SCHEMA_ID = "urn:sidecar-lsp:copilot-manifest.schema.json"

DOCS = "https://aws.github.io/copilot-cli/docs"
L_SIDECARS = f"{DOCS}/developing/sidecars/"
L_FIRELENS = f"{DOCS}/developing/sidecars/#sidecar-patterns"
L_STORAGE = f"{DOCS}/developing/storage/"
L_VARS = f"{DOCS}/developing/environment-variables/"
L_SECRETS = f"{DOCS}/developing/secrets/"
L_INTERP = f"{DOCS}/developing/manifest-env-var/"
L_OVERVIEW = f"{DOCS}/manifest/overview/"
L_LBWS = f"{DOCS}/manifest/lb-web-service/"
L_BACKEND = f"{DOCS}/manifest/backend-service/"
L_WORKER = f"{DOCS}/manifest/worker-service/"
L_RDWS = f"{DOCS}/manifest/rd-web-service/"
L_STATIC = f"{DOCS}/manifest/static-site/"
L_JOB = f"{DOCS}/manifest/scheduled-job/"
L_ENV = f"{DOCS}/manifest/environment/"
L_PIPELINE = f"{DOCS}/manifest/pipeline/"

# ${VAR} as recognised by Copilot's interpolation (internal/pkg/manifest/interpolate.go:26).
# Not after a backslash: Copilot leaves an escaped \${X} as the text ${X}.
VAR = r"(^|[^\\])\$\{[_a-zA-Z][_a-zA-Z0-9]*\}"
# Go time.ParseDuration syntax (reference §1.4); written without (?i) or \_ so that Ajv's unicode
# regexps and Python's re agree.
_DUR_UNIT = "(ns|us|µs|μs|ms|s|m|h)"
_DUR_NUM = r"(\d+(\.\d*)?|\.\d+)"
DURATION_RE = rf"^([-+]?{_DUR_NUM}{_DUR_UNIT}({_DUR_NUM}{_DUR_UNIT})*|0)$"
BOOL_WORDS = [
    "y",
    "Y",
    "yes",
    "Yes",
    "YES",
    "on",
    "On",
    "ON",
    "n",
    "N",
    "no",
    "No",
    "NO",
    "off",
    "Off",
    "OFF",
]
BOOL_WORDS_RE = "^(" + "|".join(BOOL_WORDS) + ")$"
UINT16 = r"0*(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})"
# Copilot's ^[a-zA-Z0-9\-\.\_/]+$ written portably; Copilot checks it only on a path that is set, so "" passes.
PATH_RE = r"^[a-zA-Z0-9._/-]*$"


def ci(word: str) -> str:
    """Return a portable case-insensitive regex fragment for ``word`` (no inline flags)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word)


def with_var(pattern: str) -> str:
    """Accept ``pattern`` or any string containing ``${VAR}``."""
    return f"{pattern}|{VAR}"


def ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/definitions/{name}"}


def doc(
    text: str,
    link: str,
    schema: dict[str, Any] | None = None,
    md: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """Build a schema with ``description`` and ``markdownDescription`` ending with the doc link."""
    out: dict[str, Any] = {"description": f"{text}\n{link}", "markdownDescription": f"{md or text}\n\n{link}"}
    out.update(schema or {})
    out.update(extra)
    return out


def obj(
    props: dict[str, Any], *, required: list[str] | None = None, nullable: bool = False
) -> dict[str, Any]:
    """A closed object."""
    out: dict[str, Any] = {"type": ["object", "null"] if nullable else "object"}
    out["properties"] = props
    out["additionalProperties"] = False
    if required:
        out["required"] = required
    return out


def s_like(text: str, link: str, md: str | None = None, **extra: Any) -> dict[str, Any]:
    """A Go string field: any scalar."""
    return doc(text, link, ref("stringLike"), md, **extra)


def b_like(text: str, link: str, md: str | None = None, **extra: Any) -> dict[str, Any]:
    return doc(text, link, ref("booleanLike"), md, **extra)


def integer(text: str, link: str, md: str | None = None, **extra: Any) -> dict[str, Any]:
    return doc(text, link, {"type": "integer"}, md, **extra)


def dur(text: str, link: str, md: str | None = None, **extra: Any) -> dict[str, Any]:
    return doc(text, link, ref("duration"), md, **extra)


def str_list(text: str, link: str, md: str | None = None, **extra: Any) -> dict[str, Any]:
    return doc(text, link, {"type": "array", "items": ref("stringLike")}, md, **extra)


def patterned(text: str, link: str, pattern: str, md: str | None = None, **extra: Any) -> dict[str, Any]:
    """A string with a pattern; ``${VAR}`` strings are accepted too."""
    return doc(text, link, {"type": "string", "pattern": with_var(pattern)}, md, **extra)


def bool_or_obj(
    text: str, link: str, props: dict[str, Any], md: str | None = None, **extra: Any
) -> dict[str, Any]:
    """Copilot's "bool or map" unions (YAML 1.1 boolean words included)."""
    return doc(
        text,
        link,
        {
            "type": ["boolean", "string", "object"],
            "pattern": BOOL_WORDS_RE,
            "properties": props,
            "additionalProperties": False,
        },
        md,
        **extra,
    )


# ----------------------------------------------------------------------------------------------------------
# Primitive and shared definitions
# ----------------------------------------------------------------------------------------------------------


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
            {"type": "integer", "minimum": 0, "maximum": 65535},
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


def image_build() -> dict[str, Any]:
    link = f"{DOCS}/manifest/lb-web-service/#image-build"
    return doc(
        "Build a container from a Dockerfile: a path to the Dockerfile (its directory is the context), or a "
        "map with `context`, `dockerfile`, `args`, `target` and `cache_from`. Paths are relative to the "
        "workspace root.",
        link,
        {
            "type": ["string", "number", "boolean", "object"],
            "properties": {
                "context": s_like("Path to the Docker build context.", link),
                "dockerfile": s_like("Path to the Dockerfile (default `<context>/Dockerfile`).", link),
                "args": doc(
                    "Build arguments passed to `docker build --build-arg`: a map of string values.",
                    link,
                    {"type": "object", "additionalProperties": ref("stringLike")},
                ),
                "target": s_like("Build stage to target (`docker build --target`).", link),
                "cache_from": str_list("Images to consider as cache sources (`--cache-from`).", link),
            },
            "additionalProperties": False,
        },
        examples=["backend/Dockerfile", {"context": ".", "dockerfile": "Dockerfile"}],
    )


def container_healthcheck() -> dict[str, Any]:
    link = f"{L_SIDECARS}#sidecar-config"
    return doc(
        "Optional configuration for container health checks. If any field is set, the others take their "
        "defaults (command `CMD-SHELL curl -f http://localhost/ || exit 1`, interval 10s, retries 2, "
        "timeout 5s, start_period 0s).",
        link,
        obj(
            {
                "command": doc(
                    "The command to run to determine if the container is healthy. The string array can "
                    "start with CMD to execute the command arguments directly, or CMD-SHELL to run the "
                    "command with the container's default shell.",
                    link,
                    {"type": "array", "items": ref("stringLike")},
                    default=["CMD-SHELL", "curl -f http://localhost/ || exit 1"],
                    examples=[["CMD-SHELL", "curl -f http://localhost:8080 || exit 1"]],
                ),
                "interval": dur(
                    "Time period between health checks, in seconds. Default is 10s.", link, default="10s"
                ),
                "retries": integer(
                    "Number of times to retry before container is deemed unhealthy. Default is 2.",
                    link,
                    default=2,
                ),
                "timeout": dur(
                    "How long to wait before considering the health check failed, in seconds. Default is 5s.",
                    link,
                    default="5s",
                ),
                "start_period": dur(
                    "Length of grace period for containers to bootstrap before failed health checks count "
                    "towards the maximum number of retries. Default is 0s.",
                    link,
                    default="0s",
                ),
            }
        ),
        defaultSnippets=[
            {
                "label": "healthcheck",
                "description": "Container health check with Copilot's defaults",
                "body": {
                    "command": ["CMD-SHELL", "${1:curl -f http://localhost/ || exit 1}"],
                    "interval": "${2:10s}",
                    "retries": 2,
                    "timeout": "${3:5s}",
                    "start_period": "${4:0s}",
                },
            }
        ],
    )


def mount_point() -> dict[str, Any]:
    link = f"{L_SIDECARS}#sidecar-config"
    return doc(
        "A volume from `storage.volumes` to mount in this sidecar.",
        link,
        obj(
            {
                "source_volume": s_like("Source volume to mount in this sidecar (required).", link),
                "path": doc(
                    "The path inside the sidecar container at which to mount the volume (required). Only "
                    "the characters a-zA-Z0-9.-_/ are allowed.",
                    link,
                    ref("volumePath"),
                ),
                "read_only": b_like(
                    "Whether to allow the sidecar read-only access to the volume (default true).",
                    link,
                    default=True,
                ),
            },
            required=["source_volume", "path"],
        ),
        defaultSnippets=[
            {
                "label": "mount point",
                "description": "Mount a storage volume in the sidecar",
                "body": {"source_volume": "${1:myEFSVolume}", "path": "${2:/etc/mount1}", "read_only": True},
            }
        ],
    )


def sidecar() -> dict[str, Any]:
    link = f"{L_SIDECARS}#sidecar-config"
    image_link = f"{L_SIDECARS}#image"
    return doc(
        "A general sidecar container. You'll need to provide the URL for the sidecar image. Optionally, "
        "you can specify the port you'd like to expose and the credential parameter for private registry. "
        "The map key is the ECS container name.",
        L_SIDECARS,
        obj(
            {
                "port": doc(
                    "Port of the container to expose (optional). The docs type it as Integer, but Copilot "
                    "v1.33 reads a string: a number such as `80` or `<port>/<protocol>` such as "
                    "`2000/udp`, protocol `tcp` or `udp` in any case (default `tcp`). Needed when the "
                    "sidecar is a `target_container`.",
                    link,
                    {
                        "type": ["integer", "string"],
                        "minimum": 0,
                        "maximum": 65535,
                        "pattern": with_var(rf"^{UINT16}(/({ci('tcp')}|{ci('udp')}))?$"),
                    },
                    md="Port of the container to expose (optional).\n\n"
                    "Copilot v1.33 reads it as a string: a number such as `80`, or `<port>/<protocol>` such "
                    "as `2000/udp`. The protocol is `tcp` or `udp` in any case (default `tcp`). Needed when "
                    "the sidecar is a `target_container`.",
                    examples=[80, "2000/udp"],
                    patternErrorMessage="must be a port number with an optional /tcp or /udp, such as 80 or 2000/udp",
                ),
                "image": doc(
                    "Image URL for the sidecar container (required). Since v1.27 the image may also be a "
                    "map with exactly one of `build` (a Dockerfile path or build arguments; Copilot builds "
                    "and pushes the image) and `location` (an image URI). Copilot checks that it is set on "
                    "the environment-merged manifest.",
                    image_link,
                    {
                        "type": ["string", "number", "boolean", "object"],
                        "properties": {
                            "build": ref("imageBuild"),
                            "location": s_like(
                                "URI of an existing image. Mutually exclusive with `build`.", image_link
                            ),
                        },
                        "additionalProperties": False,
                    },
                    examples=["public.ecr.aws/nginx/nginx:latest", {"build": "nginx/Dockerfile"}],
                ),
                "essential": b_like(
                    "Whether the sidecar container is an essential container (optional, default true).",
                    link,
                    default=True,
                ),
                "credentialsParameter": s_like(
                    "ARN of the secret containing the private repository credentials (optional). (The main "
                    "container's equivalent is `image.credentials`.)",
                    link,
                ),
                "variables": doc(
                    "Environment variables for the sidecar container (optional). Values are scalars or "
                    "`{from_cfn: <export name>}`.",
                    link,
                    ref("variables"),
                ),
                "env_file": doc(
                    "Path to a `.env` file, relative to the workspace root, with environment variables for "
                    "the sidecar container (optional; added in v1.27, not in the original sidecar spec).",
                    link,
                    ref("envFile"),
                ),
                "secrets": doc(
                    "Secrets to expose to the sidecar container (optional). Values are SSM parameter "
                    "names/ARNs, `{secretsmanager: <name>}` or `{from_cfn: <export name>}`.",
                    link,
                    ref("secrets"),
                ),
                "mount_points": doc(
                    "Mount paths for EFS volumes specified at the service level (optional). Any volume "
                    "under `storage.volumes`, including an empty scratch volume, can be mounted.",
                    link,
                    {"type": "array", "items": ref("mountPoint")},
                ),
                "labels": doc("Docker labels to apply to this container (optional).", link, ref("labels")),
                "depends_on": doc(
                    "Container dependencies to apply to this container (optional).", link, ref("dependsOn")
                ),
                "entrypoint": doc(
                    "Override the default entrypoint in the sidecar: a string, or an array of strings.",
                    link,
                    ref("stringOrStringList"),
                    md="Override the default entrypoint in the sidecar.\n\n```yaml\n# String version.\n"
                    'entrypoint: "/bin/entrypoint --p1 --p2"\n# Alteratively, as an array of strings.\n'
                    'entrypoint: ["/bin/entrypoint", "--p1", "--p2"]\n```',
                ),
                "command": doc(
                    "Override the default command in the sidecar: a string, or an array of strings.",
                    link,
                    ref("stringOrStringList"),
                    md="Override the default command in the sidecar.\n\n```yaml\n# String version.\n"
                    'command: ps au\n# Alteratively, as an array of strings.\ncommand: ["ps", "au"]\n```',
                ),
                "healthcheck": doc(
                    "Optional configuration for sidecar container health checks.",
                    link,
                    ref("containerHealthcheck"),
                ),
            }
        ),
        defaultSnippets=[
            {
                "label": "sidecar",
                "description": "A sidecar container with an image and a port",
                "body": {"image": "${1:public.ecr.aws/nginx/nginx:latest}", "port": "${2:80}"},
            }
        ],
    )


def sidecars() -> dict[str, Any]:
    return doc(
        "Sidecars are additional containers that run along side the main container. They are usually used "
        "to perform peripheral tasks such as logging, configuration, or proxying requests. Sidecars are not "
        "supported for Request-Driven Web Services. If your main container is using a Windows image, "
        "FireLens, AWS X-Ray, and AWS App Mesh are not supported. Sidecars always log to the service's "
        "CloudWatch log group (awslogs).",
        L_SIDECARS,
        {"type": "object", "additionalProperties": ref("sidecar")},
        md="Sidecars are additional containers that run along side the main container. They are usually "
        "used to perform peripheral tasks such as logging, configuration, or proxying requests.\n\n"
        "Sidecars are not supported for Request-Driven Web Services. If your main container is using a "
        "Windows image, FireLens, AWS X-Ray, and AWS App Mesh are not supported.\n\n"
        "If you have defined an EFS volume for your main container through the `storage` field, you can "
        "also mount that volume in any sidecar container. Each key is the sidecar's container name.\n\n"
        "Copilot v1.33: sidecar images may be built from a Dockerfile (`image.build`), sidecars accept "
        "`env_file`, and `port` accepts `<port>/<protocol>`.",
    )


def logging_def() -> dict[str, Any]:
    link = L_FIRELENS
    return doc(
        "Sidecar patterns are predefined Copilot sidecar configurations. For now, the only supported "
        "pattern is FireLens: any field other than `retention` adds a `firelens_log_router` Fluent Bit "
        "container and routes the main container's logs through the FireLens log driver. Since the FireLens "
        "log driver can route your main container's logs to various destinations, the svc logs command can "
        "track them only when they are sent to the log group we create for your Copilot service in "
        "CloudWatch.",
        link,
        obj(
            {
                "retention": integer(
                    "Number of days to keep the log events of the service's CloudWatch log group (default "
                    "30). Must be a CloudWatch Logs retention value (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, "
                    "180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653). Setting only "
                    "`retention` does not enable FireLens. (Not in the original sidecar spec.)",
                    link,
                    default=30,
                    examples=[7, 30, 365],
                ),
                "image": s_like(
                    "The Fluent Bit image. (Optional, we'll use "
                    '"public.ecr.aws/aws-observability/aws-for-fluent-bit:stable" by default; the original '
                    'spec quoted "amazon/aws-for-fluent-bit:latest", which Copilot stopped using in v1.14.)',
                    link,
                    default="public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
                    examples=["public.ecr.aws/aws-observability/aws-for-fluent-bit:stable"],
                ),
                "destination": doc(
                    "The configuration options to send to the FireLens log driver. (Optional) A flat map "
                    "of string values, e.g. `Name: cloudwatch`.",
                    link,
                    {"type": "object", "additionalProperties": ref("stringLike")},
                    examples=[
                        {
                            "Name": "cloudwatch",
                            "region": "us-west-2",
                            "log_group_name": "/copilot/sidecar-test-hello",
                            "log_stream_prefix": "copilot/",
                        }
                    ],
                ),
                "enableMetadata": b_like(
                    "Whether to include ECS metadata in logs. (Optional, default to true)", link, default=True
                ),
                "secretOptions": doc(
                    "Secret to pass to the log configuration. (Optional) Same value forms as `secrets`.",
                    link,
                    ref("secrets"),
                ),
                "configFilePath": s_like(
                    "The full config file path in your custom Fluent Bit image. (Optional)", link
                ),
                "variables": doc(
                    "Environment variables for the sidecar container. (Optional) They are set on the "
                    "`firelens_log_router` container.",
                    link,
                    ref("variables"),
                ),
                "secrets": doc(
                    "Secrets to expose to the sidecar container. (Optional) They are set on the "
                    "`firelens_log_router` container.",
                    link,
                    ref("secrets"),
                ),
                "env_file": doc(
                    "Path to a `.env` file, relative to the workspace root, with environment variables for "
                    "the Fluent Bit container. (Optional; not in the original sidecar spec.)",
                    link,
                    ref("envFile"),
                ),
            }
        ),
        defaultSnippets=[
            {
                "label": "logging (FireLens to CloudWatch)",
                "description": "Route the main container's logs with FireLens",
                "body": {
                    "destination": {
                        "Name": "cloudwatch",
                        "region": "${1:us-west-2}",
                        "log_group_name": "${2:/copilot/my-log-group}",
                        "log_stream_prefix": "copilot/",
                    },
                    "enableMetadata": True,
                },
            }
        ],
    )


def storage_defs() -> dict[str, Any]:
    link = L_STORAGE
    ml = f"{L_LBWS}#storage"
    efs = doc(
        "Whether to mount an EFS file system: `true` for a Copilot-managed file system, a map "
        "`{uid, gid}` for a managed file system with POSIX ids, or `{id, root_dir, auth}` to bring your "
        "own file system. Omit it (or `false`) for an empty task-scratch volume.",
        ml,
        {
            "type": ["boolean", "string", "object"],
            "pattern": BOOL_WORDS_RE,
            "properties": {
                "id": doc(
                    "ID of an existing EFS file system, or `{from_cfn: <export name>}`.",
                    ml,
                    {
                        "type": ["string", "number", "boolean", "object"],
                        "properties": {"from_cfn": s_like("Name of a CloudFormation stack export.", ml)},
                        "additionalProperties": False,
                    },
                ),
                "root_dir": doc(
                    "Directory of the file system to mount as the root of the volume (default `/`). Only "
                    "the characters a-zA-Z0-9.-_/ are allowed.",
                    ml,
                    ref("volumePath"),
                ),
                "auth": doc(
                    "Authorization configuration for the file system.",
                    ml,
                    obj(
                        {
                            "iam": b_like(
                                "Whether to use IAM authorization. The docs say it defaults to true; Copilot "
                                "renders `DISABLED` unless it is set to true.",
                                ml,
                            ),
                            "access_point_id": s_like(
                                "ID of the EFS access point to connect to. Requires `iam: true` and an empty "
                                "or `/` `root_dir`.",
                                ml,
                            ),
                        }
                    ),
                ),
                "uid": doc(
                    "POSIX user ID for a Copilot-managed file system (requires `gid`; not 0).",
                    ml,
                    {"type": "integer", "minimum": 0, "maximum": 4294967295},
                ),
                "gid": doc(
                    "POSIX group ID for a Copilot-managed file system (requires `uid`).",
                    ml,
                    {"type": "integer", "minimum": 0, "maximum": 4294967295},
                ),
            },
            "additionalProperties": False,
            # uid/gid cannot be combined with id/root_dir/auth (decode-time error in Copilot).
            "if": {
                "properties": {"uid": True, "gid": True},
                "anyOf": [
                    {"properties": {"uid": True}, "required": ["uid"]},
                    {"properties": {"gid": True}, "required": ["gid"]},
                ],
            },
            # ``{"not": {}}`` rather than ``false``: jsonschema reports a ``false`` property schema at the
            # parent object's path.
            "then": {"properties": {"id": {"not": {}}, "root_dir": {"not": {}}, "auth": {"not": {}}}},
        },
        examples=[True, {"id": "fs-1234567"}],
    )
    volume = doc(
        "A volume that the main container (and sidecars through `mount_points`) can mount.",
        ml,
        obj(
            {
                "path": doc(
                    "Path inside the main container at which to mount the volume (required). Only the "
                    "characters a-zA-Z0-9.-_/ are allowed.",
                    ml,
                    ref("volumePath"),
                ),
                "read_only": b_like(
                    "Whether the main container has read-only access to the volume (default true).",
                    ml,
                    default=True,
                ),
                "efs": efs,
            }
        ),
    )
    storage = doc(
        "Storage configuration: ephemeral task storage, a read-only root file system and volumes.",
        link,
        obj(
            {
                "ephemeral": doc(
                    "Size in GiB of the task's ephemeral storage, from 20 (the default) to 200.",
                    ml,
                    {"type": "integer", "minimum": 20, "maximum": 200},
                    default=20,
                ),
                "readonly_fs": b_like(
                    "Whether to mount the main container's root file system as read-only (not allowed on "
                    "Windows).",
                    ml,
                ),
                "volumes": doc(
                    "Volumes to mount, keyed by volume name (referenced by sidecars' "
                    "`mount_points[].source_volume`).",
                    ml,
                    {"type": "object", "additionalProperties": ref("volume")},
                ),
            }
        ),
    )
    return {"storage": storage, "volume": volume}


def platform_def() -> dict[str, Any]:
    link = f"{L_LBWS}#platform"
    os_re = (
        "^("
        + "|".join(
            ci(w)
            for w in [
                "linux",
                "windows",
                "windows_server_2019_core",
                "windows_server_2019_full",
                "windows_server_2022_core",
                "windows_server_2022_full",
            ]
        )
        + ")$"
    )
    arch_re = "^(" + "|".join(ci(w) for w in ["x86_64", "amd64", "arm", "arm64"]) + ")$"
    short = (
        "^("
        + ci("linux")
        + "/("
        + "|".join(ci(w) for w in ["amd64", "x86_64", "arm", "arm64"])
        + ")|"
        + ci("windows")
        + "/("
        + ci("amd64")
        + "|"
        + ci("x86_64")
        + "))$"
    )
    return doc(
        "Operating system and architecture of the task: a string `<os>/<arch>` (linux/amd64, "
        "linux/x86_64, linux/arm, linux/arm64, windows/amd64, windows/x86_64; compared case-insensitively) "
        "or a map `{osfamily, architecture}`.",
        link,
        {
            "type": ["string", "object"],
            "pattern": with_var(short),
            "properties": {
                "osfamily": patterned(
                    "Operating system family: linux, windows, windows_server_2019_core, "
                    "windows_server_2019_full, windows_server_2022_core or windows_server_2022_full.",
                    link,
                    os_re,
                    examples=["linux", "windows_server_2019_core"],
                ),
                "architecture": patterned(
                    "CPU architecture: x86_64, amd64, arm or arm64 (Windows: x86_64 or amd64 only).",
                    link,
                    arch_re,
                    examples=["x86_64", "arm64"],
                ),
            },
            "additionalProperties": False,
        },
        examples=[
            "linux/x86_64",
            "linux/arm64",
            "windows/x86_64",
            {"osfamily": "windows_server_2022_core", "architecture": "x86_64"},
        ],
        patternErrorMessage="platform is invalid; valid platforms are: linux/amd64, linux/x86_64, linux/arm, "
        "linux/arm64, windows/amd64 and windows/x86_64",
    )


# ----------------------------------------------------------------------------------------------------------
# Workload building blocks
# ----------------------------------------------------------------------------------------------------------


def image_defs() -> dict[str, Any]:
    link = f"{L_LBWS}#image"

    def image(text: str, *, port: bool, healthcheck: bool, port_link: str = link) -> dict[str, Any]:
        props: dict[str, Any] = {
            "build": ref("imageBuild"),
            "location": s_like(
                "Instead of building a container from a Dockerfile, you can specify an existing image "
                "name. Mutually exclusive with `build`.",
                link,
                examples=["amazon/aws-for-fluent-bit:latest"],
            ),
            "credentials": s_like(
                "ARN of a Secrets Manager secret with the private registry credentials of the main "
                "container image. (Sidecars use `credentialsParameter` instead.)",
                link,
            ),
            "labels": doc("Docker labels to apply to the main container.", link, ref("labels")),
            "depends_on": doc(
                "Container dependencies of the main container: map of container name to condition.",
                link,
                ref("dependsOn"),
            ),
        }
        if port:
            props["port"] = doc(
                "The port exposed by the main container (an integer, no protocol). Routes traffic from the "
                "load balancer or service discovery.",
                port_link,
                ref("uint16"),
                examples=[80, 8080],
            )
        if healthcheck:
            props["healthcheck"] = doc(
                "Optional configuration for the main container's health check.",
                link,
                ref("containerHealthcheck"),
            )
        out = doc(
            text,
            link,
            obj(props),
        )
        # Copilot fails at decode time when both are present (Image.UnmarshalYAML).
        out["not"] = {"properties": {"build": True, "location": True}, "required": ["build", "location"]}
        return out

    return {
        "imageWithPortAndHealthcheck": image(
            "The main container image: exactly one of `build` or `location`, plus optional `port`, "
            "`healthcheck`, `credentials`, `labels` and `depends_on`. (Load Balanced Web Service and Backend "
            "Service; `port` is required for Load Balanced Web Services after environment overrides.)",
            port=True,
            healthcheck=True,
        ),
        "imageWithHealthcheck": image(
            "The main container image: exactly one of `build` or `location`, plus optional `healthcheck`, "
            "`credentials`, `labels` and `depends_on`. (Worker Service and Scheduled Job: no `port`.)",
            port=False,
            healthcheck=True,
        ),
        "imageWithPort": image(
            "The main container image: exactly one of `build` or `location`, plus `port` (required after "
            "environment overrides). (Request-Driven Web Service: no container `healthcheck`.)",
            port=True,
            healthcheck=False,
            port_link=f"{L_RDWS}#image-port",
        ),
    }


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
                    "Port of the health check requests (default: the traffic port).", hc_link, ref("uint16")
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
                "properties": {
                    "min": integer("Minimum number of tasks.", f"{link}-range", minimum=0),
                    "max": integer("Maximum number of tasks.", f"{link}-range", minimum=0),
                    "spot_from": integer(
                        "Task count from which additional tasks run on Fargate Spot.",
                        f"{link}-range",
                        minimum=0,
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
    int_count = {"type": ["integer", "object"], "additionalProperties": False}
    return {
        "scalingCooldown": cooldown,
        "serviceCount": doc(
            "Number of tasks (default 1), or an autoscaling map with `range` and scaling metrics, or `spot`.",
            link,
            {**int_count, "properties": service},
            examples=[1, {"range": "1-10", "cpu_percentage": 70}],
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


# ----------------------------------------------------------------------------------------------------------
# Per-type definitions
# ----------------------------------------------------------------------------------------------------------

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
        p["count"] = integer("Number of tasks to run per invocation (no autoscaling).", link, minimum=0)
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
                ),
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


# ----------------------------------------------------------------------------------------------------------
# Environment and pipeline manifests
# ----------------------------------------------------------------------------------------------------------


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
            "ports": doc(
                "A port, or a range `from-to`.",
                f"{el}#network-vpc-security-group",
                {"type": ["integer", "string"], "pattern": with_var(r"^\d+(-\d+)?$")},
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
                            "restrict_to": doc(
                                "DEPRECATED. Use `http.public.ingress.cdn`.",
                                f"{el}#http-public",
                                obj(
                                    {
                                        "cdn": b_like(
                                            "DEPRECATED. Only allow ingress from CloudFront.",
                                            f"{el}#http-public",
                                        )
                                    }
                                ),
                            ),
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
                            )
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


def pipeline_def() -> dict[str, Any]:
    pl = L_PIPELINE
    dep_on = str_list("Names of deployments in this stage that must finish first.", f"{pl}#stages")
    deployment = doc(
        "A deployment of the stage (`null` uses the defaults).",
        f"{pl}#stages-deployments",
        obj(
            {
                "stack_name": s_like("Name of the CloudFormation stack.", f"{pl}#stages-deployments"),
                "template_path": s_like(
                    "Path of the CloudFormation template in the build output.", f"{pl}#stages-deployments"
                ),
                "template_config": s_like(
                    "Path of the template configuration file.", f"{pl}#stages-deployments"
                ),
                "depends_on": dep_on,
            },
            nullable=True,
        ),
    )
    action = doc(
        "A pre- or post-deployment action.",
        f"{pl}#stages-predeployments",
        obj(
            {
                "buildspec": s_like("Path of the buildspec of the action.", f"{pl}#stages-predeployments"),
                "depends_on": dep_on,
            },
            nullable=True,
        ),
    )
    stage = obj(
        {
            "name": s_like("Name of the environment of the stage.", f"{pl}#stages-name"),
            "requires_approval": b_like(
                "Whether a manual approval is required before deploying.", f"{pl}#stages-requires-approval"
            ),
            "test_commands": str_list("Commands run after the deployment.", f"{pl}#stages-test-commands"),
            "deployments": doc(
                "Deployments of the stage, keyed by name.",
                f"{pl}#stages-deployments",
                {"type": "object", "additionalProperties": deployment},
            ),
            "pre_deployments": doc(
                "Actions before the deployments.",
                f"{pl}#stages-predeployments",
                {"type": "object", "additionalProperties": action},
            ),
            "post_deployments": doc(
                "Actions after the deployments.",
                f"{pl}#stages-postdeployments",
                {"type": "object", "additionalProperties": action},
            ),
        },
    )
    providers = ["GitHub", "GitHubV1", "CodeCommit", "Bitbucket"]
    return doc(
        "Pipeline manifest (`copilot/pipelines/<name>/manifest.yml`): no `type`, `version: 1`.",
        pl,
        obj(
            {
                "name": s_like("Name of the pipeline (at most 100 characters).", pl),
                "version": doc(
                    "Schema version of the pipeline manifest; must be 1.", pl, {"enum": [1]}, default=1
                ),
                "source": doc(
                    "Source repository of the pipeline.",
                    f"{pl}#source",
                    obj(
                        {
                            "provider": s_like(
                                "Source provider: `GitHub` (through a CodeStar connection), `GitHubV1` (a "
                                "personal access token, legacy), `CodeCommit` or `Bitbucket`. Copilot checks the "
                                "word only when it deploys the pipeline (the checker's X-pipeline-provider).",
                                f"{pl}#source-provider",
                                examples=providers,
                            ),
                            "properties": doc(
                                "Provider properties such as `repository`, `branch`, `connection_name`, "
                                "`access_token_secret`, `output_artifact_format` (free-form).",
                                f"{pl}#source-properties",
                                {
                                    "type": "object",
                                    "properties": {
                                        "repository": doc("URL or name of the repository.", f"{pl}#source"),
                                        "branch": doc("Branch to track.", f"{pl}#source"),
                                    },
                                },
                            ),
                        }
                    ),
                ),
                "build": doc(
                    "CodeBuild project of the pipeline's build stage.",
                    f"{pl}#build",
                    obj(
                        {
                            "image": s_like("CodeBuild image.", f"{pl}#build-image"),
                            "buildspec": s_like("Path of a custom buildspec.", f"{pl}#build-buildspec"),
                            "additional_policy": doc(
                                "Additional IAM policy for the build role.",
                                f"{pl}#build-additional-policy",
                                obj(
                                    {
                                        "PolicyDocument": doc(
                                            "An IAM policy document (any YAML value: Copilot passes it on).",
                                            f"{pl}#build-additional-policy",
                                            {},
                                        )
                                    }
                                ),
                            ),
                        }
                    ),
                ),
                "stages": doc(
                    "Ordered stages (environments) of the pipeline.",
                    f"{pl}#stages",
                    {"type": "array", "items": stage},
                ),
            },
            required=["version"],
        ),
    )


# ----------------------------------------------------------------------------------------------------------
# Root
# ----------------------------------------------------------------------------------------------------------


def manifest_type() -> dict[str, Any]:
    values = [*TYPES.keys(), "Environment"]
    return doc(
        "Type of the manifest. Exact and case-sensitive.",
        L_OVERVIEW,
        {"type": "string", "enum": values},
        enumDescriptions=[TYPE_DOCS[v] for v in values],
        markdownEnumDescriptions=[TYPE_DOCS[v] for v in values],
    )


def build() -> dict[str, Any]:
    definitions: dict[str, Any] = {}
    definitions["manifestType"] = manifest_type()
    definitions.update(primitives())
    definitions["imageBuild"] = image_build()
    definitions["containerHealthcheck"] = container_healthcheck()
    definitions["mountPoint"] = mount_point()
    definitions["sidecar"] = sidecar()
    definitions["sidecars"] = sidecars()
    definitions["logging"] = logging_def()
    definitions.update(storage_defs())
    definitions["platform"] = platform_def()
    definitions.update(image_defs())
    definitions.update(http_defs())
    definitions.update(nlb_defs())
    definitions.update(count_defs())
    definitions.update(network_defs())
    definitions.update(messaging_defs())
    definitions.update(misc_defs())
    definitions.update(workload_defs())
    definitions["environmentManifest"] = environment_def()
    definitions["pipelineManifest"] = pipeline_def()

    branches: list[dict[str, Any]] = [
        {
            "if": {"properties": {"type": {"const": type_name}}, "required": ["type"]},
            "then": ref(def_name),
        }
        for type_name, (def_name, _) in TYPES.items()
    ]
    branches.append(
        {
            "if": {"properties": {"type": {"const": "Environment"}}, "required": ["type"]},
            "then": ref("environmentManifest"),
        }
    )
    branches.append(
        {
            "if": {
                "properties": {"version": True},
                "required": ["version"],
                "not": {"properties": {"type": True}, "required": ["type"]},
            },
            "then": ref("pipelineManifest"),
        }
    )
    branches.append(
        {
            "if": {"not": {"properties": {"version": True}, "required": ["version"]}},
            "then": {"properties": {"type": True}, "required": ["type"]},
        }
    )
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID,
        "$comment": f"Generated by schema/build_schema.py for AWS Copilot v1.33 manifests. {L_OVERVIEW}",
        "title": "AWS Copilot manifest",
        "description": "AWS Copilot CLI manifest (v1.33): a workload (Load Balanced Web Service, Backend "
        "Service, Worker Service, Request-Driven Web Service, Static Site, Scheduled Job), an environment "
        f"or a pipeline manifest.\n{L_OVERVIEW}",
        "markdownDescription": "AWS Copilot CLI manifest (v1.33): a workload, an environment or a pipeline "
        f"manifest. The `type` field selects the set of keys.\n\n{L_OVERVIEW}",
        "type": "object",
        "properties": {"type": ref("manifestType")},
        "allOf": branches,
        "definitions": definitions,
    }


MANIFEST_DEFINITIONS = frozenset(
    {*(def_name for def_name, _ in TYPES.values()), "environmentManifest", "pipelineManifest"}
)
_SUBSCHEMA_MAPS = ("properties", "patternProperties", "definitions")
_SUBSCHEMA_ONE = ("additionalProperties", "items", "if", "then", "else", "not")


def allow_null(schema: Any, *, top: bool = False) -> None:
    """Let every value be YAML null, in place: yaml.v3 decodes null into the zero value of any field
    (``secrets:`` with only comments below it is not set), so Copilot never rejects it while decoding.

    A manifest as a whole (the root and each per-kind definition's top level) stays a map. Fields that
    Copilot requires after decoding are checked by the rules, which read null as "not set".
    """
    if not isinstance(schema, dict):
        return
    if not top:
        kinds = schema.get("type")
        if isinstance(kinds, str) and kinds != "null":
            schema["type"] = [kinds, "null"]
        elif isinstance(kinds, list) and "null" not in kinds:
            kinds.append("null")
        elif kinds is None and "enum" in schema and None not in schema["enum"]:
            schema["enum"] = [*schema["enum"], None]
    required = [k for k in schema.get("required", []) if k in (schema.get("properties") or {})]
    if not top and required and "not null" not in str(schema.get("allOf", "")):
        # Copilot's "must be specified" reads a null value as missing: a required key must not be null.
        schema.setdefault("allOf", []).append(
            {"$comment": "not null", "properties": {k: {"not": {"type": "null"}} for k in required}}
        )
    negated = schema.get("not")
    if isinstance(negated, dict) and "required" in negated and "type" not in negated:
        # "not both keys": a null (or any non-map) value has neither, so it must pass.
        negated["type"] = "object"
    for key in _SUBSCHEMA_MAPS:
        for name, sub in (schema.get(key) or {}).items():
            allow_null(sub, top=key == "definitions" and name in MANIFEST_DEFINITIONS)
    for key in _SUBSCHEMA_ONE:
        if key in ("if", "not"):
            continue  # conditions select branches; they must not start matching null
        allow_null(schema.get(key))
    for branch in schema.get("allOf", []):
        if isinstance(branch, dict):
            allow_null(branch.get("then"))
            allow_null(branch.get("else"))


# Copilot's scalar-or-map fields (a custom UnmarshalYAML) and its message when a map decodes to nothing.
# Keys are the place in the schema: a definition, then properties (``items`` for list items).
UNION_MESSAGES = {
    "variableValue": "cannot unmarshal field to a string or into a map",
    "secretValue": 'cannot marshal "secret" field to a string or "secretsmanager" object',
    "imageBuild": "unable to unmarshal build field into string or compose-style map",
    "sidecar/image": "the image is neither a string nor a map with build or location",
    "volume/efs": 'cannot unmarshal "efs" field into bool or map',
    "volume/efs/id": "cannot unmarshal field to a string or into a map",
    "platform": "unable to unmarshal platform field into string or compose-style map",
    "httpHealthcheck": "the health check is neither a path nor a map of health check settings",
    "loadBalancedWebServiceHttp": 'cannot marshal "http" field into bool or map',
    "requestDrivenWebServiceHttp/private": "private is neither a boolean nor a map with endpoint",
    "serviceCount": 'unable to unmarshal "count" field to an integer or autoscaling configuration',
    "workerCount": 'unable to unmarshal "count" field to an integer or autoscaling configuration',
    "serviceCount/range": 'unable to unmarshal "range" field',
    "workerCount/range": 'unable to unmarshal "range" field',
    "network/vpc/placement": "unable to unmarshal placement field into string or compose-style map",
    "requestDrivenWebServiceNetwork/vpc/placement": "unable to unmarshal placement field into string or compose-style map",
    "network/vpc/placement/subnets": "unable to unmarshal subnets field into string slice or compose-style map",
    "requestDrivenWebServiceNetwork/vpc/placement/subnets": "unable to unmarshal subnets field into string slice or compose-style map",
    "network/vpc/security_groups/items": "cannot unmarshal field to a string or into a map",
    "network/vpc/security_groups/groups/items": "cannot unmarshal field to a string or into a map",
    "network/vpc/security_groups": 'unable to unmarshal "security_groups" field into slice of strings or compose-style map',
    "network/connect": 'unable to unmarshal "connect" field into boolean or compose-style map',
    "publish/topics/items/fifo": 'unable to unmarshal "fifo" field into boolean or compose-style map',
    "subscribe/topics/items/queue": 'cannot unmarshal "queue" field into bool or map',
    "subscribe/topics/items/queue/fifo": 'unable to unmarshal "fifo" field into boolean or compose-style map',
    "subscribe/queue/fifo": 'unable to unmarshal "fifo" field into boolean or compose-style map',
    "exec": 'unable to unmarshal "exec" field into boolean or exec configuration',
    "deployment/rollback_alarms": "rollback_alarms is neither a list of alarm names nor a map of alarm thresholds",
    "workerDeployment/rollback_alarms": "rollback_alarms is neither a list of alarm names nor a map of alarm thresholds",
    "environmentManifest/network/vpc/flow_logs": "flow_logs is neither a boolean nor a map with retention",
    "environmentManifest/http/public/access_logs": "unable to unmarshal access_logs field into bool or ELB Access logs config",
    "environmentManifest/cdn": "unable to unmarshal cdn field into bool or composite-style map",
}
for _name in ("serviceCount", "workerCount"):
    for _key in ("cpu_percentage", "memory_percentage", "requests", "response_time", "queue_delay"):
        UNION_MESSAGES[f"{_name}/{_key}"] = "unable to unmarshal into int or composite-style map"
STRICT_UNIONS = frozenset(
    {
        "sidecar/image", "httpHealthcheck", "requestDrivenWebServiceHttp/private",
        "deployment/rollback_alarms", "workerDeployment/rollback_alarms", "environmentManifest/network/vpc/flow_logs",
    }
)  # fmt: skip
"""Copilot's generic ``Union`` type: a map with any key of the wrong type is rejected, not half decoded."""
DECODE_ESCAPE = "decode-escape: Copilot drops a value of the wrong type when another key of the map is set"
_DECODE_ONLY = ("booleanLike", "duration", "stringLike", "uint16")
"""Definitions whose every failure is a decoding error (yaml.v3 TypeError), never a Validate() check."""


def _schema_types(schema: dict[str, Any], definitions: dict[str, Any]) -> list[str]:
    target = _resolve(schema, definitions)
    kinds = target.get("type", [])
    return [k for k in ([kinds] if isinstance(kinds, str) else kinds) if k != "null"]


def _resolve(schema: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    for _ in range(20):
        if not isinstance(schema, dict) or "$ref" not in schema:
            break
        schema = definitions[schema["$ref"].rsplit("/", 1)[-1]]
    return schema if isinstance(schema, dict) else {}


def _is_union(schema: dict[str, Any], definitions: dict[str, Any]) -> bool:
    kinds = set(_schema_types(schema, definitions))
    return (
        "object" in kinds
        and bool(kinds - {"object"})
        and bool(_resolve(schema, definitions).get("properties"))
    )


def _counts(key: str, schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """When ``key`` makes the map "set" for Copilot: a pointer field whenever it is not null (yaml.v3
    allocates the pointer before it fails to decode a wrong value), a list or map only when it has items."""
    kinds = set(_schema_types(schema, definitions))
    if _is_union(schema, definitions):
        # Set unless null or an empty map; a nested map that decodes to nothing fails on its own.
        condition: dict[str, Any] = {"not": {"type": ["null", "object"], "maxProperties": 0}}
    elif kinds == {"array"}:
        condition = {"type": "array", "minItems": 1}
    elif kinds == {"object"}:
        # A struct is set when one of its own keys is (unknown keys and nulls leave it empty).
        inner = _resolve(schema, definitions).get("properties") or {}
        condition = (
            {
                "type": "object",
                "anyOf": [{"required": [k], "properties": {k: {"not": {"type": "null"}}}} for k in inner],
            }
            if inner
            else {"type": "object", "minProperties": 1}
        )
    else:
        condition = {"not": {"type": "null"}}
    return {"required": [key], "properties": {key: condition}}


CUSTOM_DECODERS = frozenset(
    {
        "alias", "entrypoint", "command", "variables", "secrets", "healthcheck", "placement", "subnets",
        "security_groups", "connect", "exec", "platform", "count", "range", "efs", "build", "image", "fifo",
        "queue", "cdn", "access_logs", "flow_logs", "private", "rollback_alarms", "cpu_percentage",
        "memory_percentage", "requests", "response_time", "id",
    }
)  # fmt: skip
"""Keys whose Go type decodes itself: its failure is Copilot's own error, which no map swallows."""


PLAIN_HERE = {"network/connect": ("alias",)}
"""Keys named like a self-decoding field that are plain strings in this union (connect.alias)."""


def _lenient(
    key: str, schema: dict[str, Any], definitions: dict[str, Any], place: str = ""
) -> dict[str, Any]:
    """``schema`` for the values yaml.v3 decodes; any other value passes (a type error that the union map
    swallows). Written as if/then so that an error keeps its exact place (no anyOf)."""
    name = schema.get("$ref", "").rsplit("/", 1)[-1]
    target = _resolve(schema, definitions)
    kinds = _schema_types(schema, definitions)
    if target.get("pattern") in (with_var(DURATION_RE), BOOL_WORDS_RE):
        name = "duration"  # written inline, still a time.Duration or a bool for yaml.v3
    if (
        (key in CUSTOM_DECODERS and key not in PLAIN_HERE.get(place, ()))
        or _is_union(schema, definitions)
        or not kinds
    ):
        return schema  # a nested union's error is not a type error: Copilot fails on it
    extra = target.get("additionalProperties")
    if (
        name in _DECODE_ONLY
        or set(kinds) <= {"integer", "number", "boolean"}
        or (
            set(kinds) <= {"array"} and set(_schema_types(target.get("items", {}), definitions)) != {"object"}
        )
        or (
            kinds == ["object"]
            and not target.get("properties")
            and isinstance(extra, dict)
            and extra.get("$ref", "").rsplit("/", 1)[-1] in _DECODE_ONLY
        )
    ):
        decodes: dict[str, Any] = {"not": {}}  # every failure is a decoding error: nothing is checked
    elif "string" in kinds:
        decodes = {"type": ["string", "number", "boolean"]}  # yaml.v3 reads any scalar into a string
    else:
        decodes = {"type": kinds}
    annotations = {k: target[k] for k in ("description", "markdownDescription") if k in target}
    annotations.update({k: schema[k] for k in ("description", "markdownDescription") if k in schema})
    return {
        "$comment": DECODE_ESCAPE,
        **annotations,
        "if": decodes,
        "then": _lenient_inside(schema, definitions),
    }


def _lenient_inside(schema: dict[str, Any], definitions: dict[str, Any]) -> dict[str, Any]:
    """A plain struct (or a list of them) inside a union map: its own type errors are swallowed too, as
    yaml.v3 collects them into the one TypeError the union ignores."""
    target = _resolve(schema, definitions)
    kinds = _schema_types(schema, definitions)
    if kinds == ["array"] and isinstance(target.get("items"), dict):
        items = _resolve(target["items"], definitions)
        if _schema_types(items, definitions) == ["object"] and items.get("properties"):
            # An item that is no map is dropped too (one more swallowed type error).
            inside = {"if": {"type": "object"}, "then": _lenient_inside(items, definitions)}
            return {**target, "items": inside}
        return schema
    if kinds == ["object"] and target.get("properties") and not _is_union(target, definitions):
        properties = {k: _lenient(k, sub, definitions) for k, sub in target["properties"].items()}
        copy = {**target, "properties": properties}
        if "$ref" in schema:
            copy["$comment"] = schema[
                "$ref"
            ]  # the definition this is a copy of, with its type errors let through
        return copy
    return schema


def scalar_or_map_unions(schema: dict[str, Any]) -> None:
    """Give every scalar-or-map field Copilot's decoding, in place.

    Copilot decodes the map form first; when at least one key is set the map wins and a value of the
    wrong type in another key is silently dropped (a yaml.v3 TypeError, swallowed); when no key is set
    it decodes the scalar form, which fails for a map. So: ``if`` a key is set, the map's values only need
    to decode as far as Copilot checks them; ``else`` a map is an error, in Copilot's words.
    """
    definitions = schema["definitions"]

    def visit(node: Any, place: str) -> None:
        if not isinstance(node, dict):
            return
        if place in UNION_MESSAGES and _is_union(node, definitions):
            properties = node["properties"]
            # In allOf: the field may have an if/then of its own (EFS: uid/gid against id).
            node.setdefault("allOf", []).append(
                {
                    "if": {
                        "type": "object",
                        "anyOf": [_counts(key, sub, definitions) for key, sub in properties.items()],
                    },
                    "else": {"not": {"type": "object"}, "errorMessage": UNION_MESSAGES[place]},
                }
            )
            if place not in STRICT_UNIONS:
                node["properties"] = {
                    key: _lenient(key, sub, definitions, place) for key, sub in properties.items()
                }
        for key in ("properties", "patternProperties"):
            for name, sub in list((node.get(key) or {}).items()):
                if key == "properties" and isinstance(sub, dict) and sub.get("$comment") == DECODE_ESCAPE:
                    sub = sub["then"]
                visit(sub, f"{place}/{name}")
        if isinstance(node.get("items"), dict):
            visit(node["items"], f"{place}/items")

    for name, definition in definitions.items():
        visit(definition, name)
    # http.alias: Copilot keeps the list when some of it decodes (its own decoder swallows type errors).
    alias_items = definitions["alias"]["items"]
    alias_items["type"] = (
        [*alias_items["type"], "array"] if "array" not in alias_items["type"] else alias_items["type"]
    )
    alias_items["properties"] = {
        key: _lenient(key, sub, definitions) for key, sub in alias_items["properties"].items()
    }


def yaml_numbers(schema: Any) -> None:
    """Let integer fields take any number, in place: yaml.v3 decodes ``3.5`` into an int field as 3."""
    if isinstance(schema, dict):
        kinds = schema.get("type")
        if kinds == "integer":
            schema["type"] = "number"
        elif isinstance(kinds, list) and "integer" in kinds:
            schema["type"] = [
                "number" if k == "integer" else k for k in kinds if k != "number" or "integer" not in kinds
            ]
        for value in schema.values():
            yaml_numbers(value)
    elif isinstance(schema, list):
        for value in schema:
            yaml_numbers(value)


def render() -> str:
    schema = build()
    yaml_numbers(schema)
    allow_null(schema, top=True)
    scalar_or_map_unions(schema)
    # Copilot reads the pipeline's version before anything else and refuses 0, which null decodes to.
    schema["definitions"]["pipelineManifest"]["properties"]["version"]["enum"] = [1]
    # A null depends_on condition is the empty word, which Copilot's check refuses.
    schema["definitions"]["dependsOnStatus"]["type"] = "string"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    if "--check" in argv:
        return 0 if SCHEMA_PATH.read_text(encoding="utf-8") == text else 1
    SCHEMA_PATH.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
