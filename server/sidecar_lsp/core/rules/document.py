"""Checks that read the whole document once, environment overrides included: keys a Request-Driven
Web Service or Static Site ignores, ``${VAR}`` in number or boolean fields, and strings Copilot turns
into lists."""

from __future__ import annotations

from collections.abc import Iterator

from ..interpolation import json_array_items, variables_in
from ..kinds import ENVIRONMENT
from ..merge import ENVIRONMENTS_KEY, layers
from ..model import Finding, Severity
from ..yaml_map import Scalar, iter_nodes, own_entries
from .base import ALL_WORKLOADS, RDWS, STATIC_SITE, Workload, rule

DOCUMENT_RULES = frozenset({"X-ignored-key", "X-interpolation-type", "X-json-array", "X-null-override"})

RDWS_IGNORED: tuple[str, ...] = (
    "sidecars", "logging", "storage", "entrypoint", "exec", "taskdef_overrides", "nlb", "deployment", "env_file",
)  # fmt: skip
STATIC_SITE_IGNORED = RDWS_IGNORED + (
    "image", "command", "cpu", "memory", "count", "platform", "variables", "secrets", "network", "publish",
    "observability", "subscribe", "on", "timeout", "retries", "tags",
)  # fmt: skip
"""Keys of other workload types that Static Site's struct lacks (name, type, http, files remain)."""

INTEGER_KEYS = frozenset(
    {
        "cpu", "memory", "target_port", "ephemeral", "uid", "gid", "retention", "retries", "tries",
        "healthy_threshold", "unhealthy_threshold", "spot", "spot_from", "min", "max", "value",
        "cpu_percentage", "memory_percentage", "requests", "cpu_utilization", "memory_utilization",
        "messages_delayed",
    }
)  # fmt: skip
BOOLEAN_KEYS = frozenset(
    {
        "exec", "essential", "read_only", "readonly_fs", "stickiness", "redirect_to_https", "enableMetadata",
        "iam", "recursive", "content_based_deduplication", "high_throughput", "deny_default", "private", "fifo",
        "connect", "efs",
    }
)  # fmt: skip
LIST_KEYS = frozenset(
    {
        "command", "entrypoint", "alias", "exclude", "reinclude", "security_groups", "subnets",
        "allowed_source_ips", "cache_from", "topics", "certificates", "source_ips", "rollback_alarms",
        "additional_rules", "additional_listeners", "mount_points", "files",
    }
)  # fmt: skip
"""Fields that accept a list, where Copilot's JSON-array conversion is what the user wants."""
FREE_FORM = frozenset({"taskdef_overrides", "filter_policy"})
"""Subtrees whose values are not Copilot fields (CloudFormation overrides, SNS filter policies)."""


@rule(
    "X-ignored-key",
    Severity.WARNING,
    "Key ignored by this workload type",
    kinds=frozenset({RDWS, STATIC_SITE}),
    copilot=False,
)
def ignored_keys(workload: Workload) -> Iterator[Finding]:
    ignored = RDWS_IGNORED if workload.kind == RDWS else STATIC_SITE_IGNORED
    for _env, top in layers(workload.root):
        for entry in own_entries(top):
            if entry.name in ignored:
                yield workload.finding(
                    "X-ignored-key",
                    f'"{entry.name}" is ignored in a {workload.kind}: Copilot silently drops this key '
                    f"({_why(workload.kind, entry.name)}); remove it",
                    entry.key,
                    fixes=workload.delete_entry_fixes(entry, f"Remove '{entry.name}'"),
                )


def _why(kind: str, key: str) -> str:
    if kind == STATIC_SITE:
        return "a Static Site serves files from S3 through CloudFront and runs no container"
    if key in ("sidecars", "logging"):
        return "App Runner runs a single container without sidecars or FireLens"
    return "a Request-Driven Web Service runs on App Runner, not ECS"


def _field_nodes(workload: Workload) -> Iterator[tuple[tuple[str | int, ...], Scalar]]:
    """Every scalar with its path relative to the top level or to its environment override."""
    for env, top in layers(workload.root):
        for path, node in iter_nodes(top):
            if not isinstance(node, Scalar) or not path:
                continue
            if env is None and path[0] == ENVIRONMENTS_KEY:
                continue
            if any(part in FREE_FORM for part in path if isinstance(part, str)):
                continue
            yield path, node


def _is_integer_field(workload: Workload, path: tuple[str | int, ...]) -> bool:
    key = path[-1]
    parent = path[-2] if len(path) >= 2 else None
    if key == "port":
        return parent in ("image", "healthcheck")
    if key == "count":
        return len(path) == 1 and workload.kind != RDWS
    return isinstance(key, str) and key in INTEGER_KEYS and parent not in ("variables", "secrets", "labels")


def _is_boolean_field(path: tuple[str | int, ...]) -> bool:
    key = path[-1]
    parent = path[-2] if len(path) >= 2 else None
    return isinstance(key, str) and key in BOOLEAN_KEYS and parent not in ("variables", "secrets", "labels")


@rule(
    "X-interpolation-type",
    Severity.ERROR,
    "${VAR} in a number or boolean field",
    kinds=ALL_WORKLOADS,
    copilot=False,
)
def interpolation_in_typed_field(workload: Workload) -> Iterator[Finding]:
    for path, node in _field_nodes(workload):
        if not isinstance(node.value, str) or not variables_in(node.value):
            continue
        if _is_integer_field(workload, path):
            kind = "a number"
        elif _is_boolean_field(path):
            kind = "a boolean"
        else:
            continue
        yield workload.finding(
            "X-interpolation-type",
            f"'{path[-1]}' takes {kind}, but ${{...}} substitution always yields a string, which Copilot then "
            "fails to decode (Copilot substitutes environment variables only into string fields); write the "
            "value itself, per environment under environments.<env> if it differs",
            node,
        )


@rule(
    "X-json-array",
    Severity.ERROR,
    "String that Copilot turns into a list",
    kinds=ALL_WORKLOADS | {ENVIRONMENT},
    copilot=False,
)
def json_array_string(workload: Workload) -> Iterator[Finding]:
    for path, node in _field_nodes(workload):
        if json_array_items(node) is None:
            continue
        one_string = {("alias", STATIC_SITE), ("command", RDWS)}
        if (
            isinstance(path[-1], str)
            and path[-1] in LIST_KEYS
            and (path[-1], workload.kind) not in one_string
        ):
            continue  # a list field: the conversion gives the list the user meant (these two are one string)
        yield workload.finding(
            "X-json-array",
            f"Copilot converts a string that parses as a JSON array into a YAML list, so '{path[-1]}' receives a "
            "list where it expects a string and the manifest fails to decode (not reported by Copilot before "
            "deploy); write the value as a literal block (|) to keep it a string",
            node,
        )
