"""The main container: ``image`` (``build``/``location``), ``healthcheck`` and ``platform``.

Sources: Copilot's ``internal/pkg/manifest/workload.go`` (``Image``, ``DockerBuildArgs``,
``PlatformArgsOrString``), ``workload_ecs.go`` (``ContainerHealthCheck``, platforms) and ``validate.go``
(aws/copilot-cli v1.34.1).
"""

from __future__ import annotations

from typing import Any

from .common import (
    DOCS,
    L_LBWS,
    L_RDWS,
    L_SIDECARS,
    ci,
    doc,
    dur,
    integer,
    obj,
    patterned,
    ref,
    s_like,
    str_list,
    with_var,
)


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
