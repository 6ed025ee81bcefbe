"""Manifests rich in what a task definition carries: sidecars, FireLens logging, EFS and bind volumes,
``depends_on``, health checks, secrets, ``env_file``, platforms, entrypoints and commands, labels,
published topics and per-environment overrides. Seeded, so case ``i`` of seed ``s`` is always the same.

The manifests are meant to be mostly valid (the comparison is about what Copilot renders), with a few
values Copilot refuses, so that the refusals are compared too.
"""

from __future__ import annotations

import json
import random
from typing import Any

KINDS = ("Load Balanced Web Service", "Backend Service", "Worker Service", "Scheduled Job")
ENVIRONMENTS = ("test", "prod")
SIZES = ((256, 512), (512, 1024), (1024, 2048), (2048, 4096))
PLATFORMS: tuple[Any, ...] = (
    "linux/amd64", "linux/arm64", "linux/x86_64", {"osfamily": "linux", "architecture": "arm64"},
    "windows/x86_64", {"osfamily": "windows_server_2022_core", "architecture": "x86_64"},
)  # fmt: skip
WORDS = ("api", "8080", "yes", "on", "debug", "true", "1.5", "a b", "x=y", "${COPILOT_ENVIRONMENT_NAME}", "")
COMMANDS: tuple[Any, ...] = (
    "nginx -g 'daemon off;'", ["echo", "80"], "./run --port 8080", ["sh", "-c", "echo $HOME"], "sleep 10 # wait",
    ["python", "app.py", "yes"], "'quoted arg' plain",
)  # fmt: skip
SIDECAR_NAMES = ("nginx", "envoy", "datadog", "otel-agent", "proxy_2", "log_shipper")
IMAGES = (
    "nginx:latest",
    "public.ecr.aws/datadog/agent:7",
    "123456789012.dkr.ecr.us-west-2.amazonaws.com/proxy:v1",
)


def _secret(rng: random.Random) -> Any:
    return rng.choice((
        "/copilot/app/env/secrets/DB", "GITHUB_TOKEN", {"secretsmanager": "demo/db"},
        {"secretsmanager": "demo/db:password::"}, {"from_cfn": "stack-Secret"},
        "arn:aws:ssm:us-west-2:123456789012:parameter/x",
    ))  # fmt: skip


def _variables(rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for index in range(rng.randint(1, 3)):
        out[rng.choice(("LOG_LEVEL", "PORT", "FEATURE", "DB_NAME", "Z_LAST")) + str(index)] = (
            {"from_cfn": "stack-Export"} if rng.random() < 0.15 else rng.choice(WORDS)
        )
    return out


def _healthcheck(rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if rng.random() < 0.6:
        out["command"] = rng.choice((["CMD-SHELL", "curl -f http://localhost/ || exit 1"], ["CMD", "true"]))
    for key, choices in (
        ("interval", ("5s", "30s", "1m", "1m30s")),
        ("timeout", ("2s", "10s", "1.5s")),
        ("start_period", ("0s", "45s", "2m")),
        ("retries", (1, 3, 10)),
    ):
        if rng.random() < 0.4:
            out[key] = rng.choice(choices)
    return out or {"retries": 3}


def _sidecar(rng: random.Random, volumes: list[str], others: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"image": rng.choice(IMAGES)}
    if rng.random() < 0.1:
        out["image"] = {"location": rng.choice(IMAGES)}
    if rng.random() < 0.4:
        out["port"] = rng.choice((8080, 9090, "8126/udp", "2000/tcp", 4317))
    if rng.random() < 0.3:
        out["essential"] = rng.choice((True, False))
    if rng.random() < 0.4:
        out["variables"] = _variables(rng)
    if rng.random() < 0.3:
        out["secrets"] = {"API_KEY": _secret(rng), "TOKEN": _secret(rng)}
    if rng.random() < 0.2:
        out["env_file"] = "sidecar.env"
    if volumes and rng.random() < 0.4:
        out["mount_points"] = [
            {"source_volume": rng.choice(volumes), "path": "/mnt/" + rng.choice(("data", "cache")),
             **({"read_only": rng.choice((True, False))} if rng.random() < 0.5 else {})}
        ]  # fmt: skip
    if others and rng.random() < 0.4:
        out["depends_on"] = {rng.choice(others): rng.choice(("start", "healthy", "complete", "success"))}
    if rng.random() < 0.3:
        out["healthcheck"] = _healthcheck(rng)
    if rng.random() < 0.25:
        out["command"] = rng.choice(COMMANDS)
    if rng.random() < 0.15:
        out["entrypoint"] = rng.choice(COMMANDS)
    if rng.random() < 0.15:
        out["labels"] = {"com.example.team": rng.choice(WORDS) or "x", "tier": "web"}
    if rng.random() < 0.1:
        out["credentialsParameter"] = "arn:aws:secretsmanager:us-west-2:123456789012:secret:creds"
    return out


def _logging(rng: random.Random) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if rng.random() < 0.7:
        out["destination"] = {"Name": rng.choice(("cloudwatch", "datadog", "firehose")), "region": "us-west-2",
                              "log_stream_prefix": "copilot/"}  # fmt: skip
    for key, value in (("image", "public.ecr.aws/aws-observability/aws-for-fluent-bit:2.31.0"),
                       ("enableMetadata", rng.choice((True, False))), ("configFilePath", "/fluent-bit/etc/x.conf"),
                       ("env_file", "logging.env")):  # fmt: skip
        if rng.random() < 0.25:
            out[key] = value
    if rng.random() < 0.3:
        out["secretOptions"] = {"apikey": _secret(rng)}
    if rng.random() < 0.3:
        out["variables"] = _variables(rng)
    if rng.random() < 0.2:
        out["secrets"] = {"LOG_TOKEN": _secret(rng)}
    if rng.random() < 0.2:
        out["retention"] = 14
    return out or {"retention": 7}


def _storage(rng: random.Random) -> tuple[dict[str, Any], list[str]]:
    volumes: dict[str, Any] = {}
    for name in rng.sample(("scratch", "data", "shared"), rng.randint(1, 2)):
        volume: dict[str, Any] = {"path": f"/var/{name}"}
        if rng.random() < 0.4:
            volume["read_only"] = rng.choice((True, False))
        efs = rng.random()
        if efs < 0.3:
            volume["efs"] = {"id": rng.choice(("fs-12345678", {"from_cfn": "stack-FS"})),
                             **({"root_dir": "/data"} if rng.random() < 0.5 else {}),
                             **({"auth": {"iam": rng.choice((True, False)), "access_point_id": "fsap-1234"}}
                                if rng.random() < 0.5 else {})}  # fmt: skip
        elif efs < 0.4:
            volume["efs"] = True
        elif efs < 0.45:
            volume["efs"] = {"uid": 1000, "gid": 1000}
        volumes[name] = volume
    storage: dict[str, Any] = {"volumes": volumes}
    if rng.random() < 0.3:
        storage["ephemeral"] = rng.choice((20, 50, 100))
    if rng.random() < 0.3:
        storage["readonly_fs"] = rng.choice((True, False))
    return storage, list(volumes)


def manifest(seed: int, index: int) -> dict[str, Any]:
    """Case ``index`` of ``seed``: a manifest as plain data."""
    rng = random.Random(f"{seed}/{index}")
    kind = rng.choice(KINDS)
    name = rng.choice(("api", "web", "worker", "job", "frontend"))
    out: dict[str, Any] = {"name": name, "type": kind}
    image: dict[str, Any] = {"location": "nginx:1.25"} if rng.random() < 0.6 else {"build": "Dockerfile"}
    if kind in KINDS[:2]:
        image["port"] = rng.choice((80, 8080, 3000)) if kind == KINDS[0] or rng.random() < 0.7 else None
        if image["port"] is None:
            del image["port"]
    if kind == KINDS[0]:
        out["http"] = {"path": "/"}
    if kind == KINDS[3]:
        out["on"] = {"schedule": "@daily"}
    size = rng.choice(SIZES)
    out["cpu"], out["memory"] = size
    if rng.random() < 0.3:
        out["platform"] = rng.choice(PLATFORMS)
        if "windows" in json.dumps(out["platform"]):
            out["cpu"], out["memory"] = 1024, 2048
    volumes: list[str] = []
    if rng.random() < 0.5:
        out["storage"], volumes = _storage(rng)
    sidecars = rng.sample(SIDECAR_NAMES, rng.randint(0, 3))
    if sidecars:
        out["sidecars"] = {}
        for position, sidecar in enumerate(sidecars):
            out["sidecars"][sidecar] = _sidecar(rng, volumes, sidecars[:position])
    if rng.random() < 0.5:
        out["logging"] = _logging(rng)
    if rng.random() < 0.15:
        out["observability"] = {"tracing": "awsxray"}
    if sidecars and rng.random() < 0.4:
        image["depends_on"] = {rng.choice(sidecars): rng.choice(("start", "healthy", "success"))}
    if rng.random() < 0.35:
        image["healthcheck"] = _healthcheck(rng)
    if rng.random() < 0.15:
        image["labels"] = {"owner": "team-a"}
    if rng.random() < 0.1:
        image["credentials"] = "arn:aws:secretsmanager:us-west-2:123456789012:secret:main-creds"
    out["image"] = image
    if rng.random() < 0.5:
        out["variables"] = _variables(rng)
    if rng.random() < 0.4:
        out["secrets"] = {"DB_PASSWORD": _secret(rng), "API": _secret(rng)}
    if rng.random() < 0.2:
        out["env_file"] = "main.env"
    if rng.random() < 0.2:
        out["command"] = rng.choice(COMMANDS)
    if rng.random() < 0.1:
        out["entrypoint"] = rng.choice(COMMANDS)
    if kind != KINDS[3] and rng.random() < 0.2:
        out["publish"] = {
            "topics": [{"name": "orders"}, {"name": "events", "fifo": True}][: rng.randint(1, 2)]
        }
    if rng.random() < 0.5:
        out["environments"] = _overrides(rng, out, sidecars, volumes)
    return out


def _overrides(
    rng: random.Random, base: dict[str, Any], sidecars: list[str], volumes: list[str]
) -> dict[str, Any]:
    environments: dict[str, Any] = {}
    for env in rng.sample(ENVIRONMENTS, rng.randint(1, 2)):
        override: dict[str, Any] = {}
        if rng.random() < 0.4:
            override["variables"] = _variables(rng)
        if sidecars and rng.random() < 0.4:
            override["sidecars"] = {rng.choice(sidecars): {"image": rng.choice(IMAGES)}}
        if rng.random() < 0.3:
            override["logging"] = _logging(rng)
        if rng.random() < 0.3:
            override["cpu"], override["memory"] = 1024, 2048
        if rng.random() < 0.2:
            override["image"] = {"healthcheck": _healthcheck(rng)}
        if "storage" in base and rng.random() < 0.3:
            override["storage"] = {"readonly_fs": True}
        environments[env] = override or {"count": 2}
    return environments


def to_yaml(value: Any, indent: int = 0) -> str:
    """Block YAML of plain data; scalars as JSON (a YAML flow scalar), keys plain."""
    pad = " " * indent
    if isinstance(value, dict):
        lines = []
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f"{pad}{key}:\n{to_yaml(item, indent + 2)}")
            else:
                lines.append(f"{pad}{key}: {_scalar(item)}")
        return "\n".join(lines)
    if isinstance(value, list):
        lines = []
        for item in value:
            if isinstance(item, dict) and item:
                body = to_yaml(item, indent + 2)
                lines.append(f"{pad}- {body.lstrip()}")
            else:
                lines.append(f"{pad}- {_scalar(item)}")
        return "\n".join(lines)
    return pad + _scalar(value)


def _scalar(value: Any) -> str:
    if (
        isinstance(value, str)
        and value
        and value.replace("-", "").replace("/", "").replace(".", "").isalnum()
    ):
        return value if not value[0].isdigit() and value not in ("yes", "on", "true") else json.dumps(value)
    return json.dumps(value)


def manifests(seed: int, count: int) -> list[tuple[str, str]]:
    """``(id, text)`` of ``count`` generated manifests."""
    return [(f"generated/{seed}/{index}", to_yaml(manifest(seed, index)) + "\n") for index in range(count)]
