"""``sidecars`` and ``logging`` (FireLens).

Sources: Copilot's ``internal/pkg/manifest/workload_ecs.go`` (``SidecarConfig``, ``Logging``) and
``validate.go`` (aws/copilot-cli v1.34.1); the wording of the original fields follows the project's seed spec
(``sidecars-seed.md``), and fields the spec lacks say so.
"""

from __future__ import annotations

from typing import Any

from .common import L_FIRELENS, L_SIDECARS, UINT16, b_like, ci, doc, integer, obj, ref, s_like, with_var


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
                    "v1.34.1 reads a string: a number such as `80` or `<port>/<protocol>` such as "
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
                    "Copilot v1.34.1 reads it as a string: a number such as `80`, or `<port>/<protocol>` such "
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
        "Copilot v1.34.1: sidecar images may be built from a Dockerfile (`image.build`), sidecars accept "
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
