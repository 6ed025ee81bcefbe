"""The migration notes of the task's own sections (:mod:`.migration_notes` lists the rest).

The task definition names secrets, env files, volumes and images, but what they need lives elsewhere:
the execution role's permission to read each secret (Copilot allows only SSM parameters and secrets
tagged with the application and environment, plus the ARNs the manifest writes), the env files Copilot
uploads to its S3 bucket, the EFS file system and access point it creates (``efs: true``), the task
role's permissions for an imported file system and for X-Ray, the log group, the images it builds and
pushes, and the ``taskdef_overrides`` ``render --task-definition`` does not apply.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sidecar_lsp.core.manifest.task import FIRELENS_CONTAINER
from sidecar_lsp.core.schema.store import load_schema
from sidecar_lsp.core.yaml.tree import (
    Entry,
    Mapping,
    Node,
    Scalar,
    Sequence,
    mapping,
    own_entries,
    sequence_items,
)

IAM, ENV_FILES, STORAGE, LOGS, IMAGES, OVERRIDES = (
    "IAM permissions", "env files", "storage", "logs", "images", "taskdef_overrides",
)  # fmt: skip
BRIEF_CHARS = 60


@dataclass(frozen=True)
class Note:
    """One thing to re-create: its topic, the manifest line that sets it (1-based; None when no line
    does, as for addons), the field's path and what it means."""

    topic: str
    line: int | None
    field: str
    note: str


def line_of(entry: Entry | None) -> int | None:
    """The 1-based line that sets an entry's value: the override's when the environment sets it.

    A merged tree keeps the base's key where an override replaces a value whole (``count: 5`` over a
    ``count`` map), so the value's own place decides: a scalar's line; a collection's key line when it
    follows its key, else the line before a block collection (its key, in the override).
    """
    if entry is None:
        return None
    key_line, value = entry.key.span.start.line, entry.value
    value_line = value.span.start.line
    if isinstance(value, Scalar):
        return (value_line if value.raw or value.value is not None else key_line) + 1
    if value_line in (key_line, key_line + 1):
        return key_line + 1
    flow = isinstance(value, (Mapping, Sequence)) and value.flow
    return value_line + 1 if flow else value_line


def brief(node: Node | None) -> str:
    """A value as written, on one line, cut at about :data:`BRIEF_CHARS` characters."""
    text = _flat(node)
    return text if len(text) <= BRIEF_CHARS else text[: BRIEF_CHARS - 1] + "…"


def _flat(node: Node | None) -> str:
    if node is None:
        return ""
    if isinstance(node, Scalar):
        return "null" if node.value is None else node.text
    if isinstance(node, Sequence):
        return "[" + ", ".join(_flat(item) for item in node.items[:6]) + "]"
    if isinstance(node, Mapping):
        return "{" + ", ".join(f"{e.name}: {_flat(e.value)}" for e in node.entries[:6]) + "}"
    return ""


def task_notes(view: Mapping, kind: str, env: str | None, app: str) -> Iterator[Note]:
    """Notes on the containers' secrets, env files, images, the volumes, logs, tracing and overrides."""
    name_entry = view.entry("name")
    name = name_entry.value.text if name_entry and isinstance(name_entry.value, Scalar) else "<name>"
    logging = mapping(view.get("logging"))
    containers: list[tuple[str, str, Mapping | None]] = [(name, "", view)]
    containers += [
        (e.name, f"sidecars.{e.name}.", mapping(e.value)) for e in own_entries(view.get("sidecars"))
    ]
    if logging is not None:
        containers.append((FIRELENS_CONTAINER, "logging.", logging))
    for container, prefix, config in containers:
        if config is None:
            continue
        yield from _secrets(config, prefix, container)
        yield from _env_file(config, prefix, container)
        yield from _image(config, prefix, container)
    destination = logging.entry("destination") if logging else None
    if destination is not None and isinstance(destination.value, Mapping):
        yield Note(IAM, line_of(destination), "logging.destination", f"{FIRELENS_CONTAINER} sends the logs with the task role's permissions (for example logs:CreateLogStream and logs:PutLogEvents for cloudwatch, firehose:PutRecordBatch for firehose), which Copilot does not grant: {brief(destination.value)}")  # fmt: skip
    yield from _storage(view, name)
    yield from _logs(logging, name_entry, f"/copilot/{app}-{env or '<env>'}-{name}")
    observability = mapping(view.get("observability"))
    tracing = observability.entry("tracing") if observability else None
    if tracing is not None and isinstance(tracing.value, Scalar) and tracing.value.text.lower() == "awsxray":
        yield Note(IAM, line_of(tracing), "observability.tracing", "the aws-otel-collector sidecar needs the task role's permissions Copilot grants it: xray:PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets, GetSamplingStatisticSummaries, and logs:CreateLogGroup, CreateLogStream, PutLogEvents")  # fmt: skip
    overrides = view.entry("taskdef_overrides")
    for index, rule in enumerate(sequence_items(overrides.value if overrides else None)):
        path = rule.get("path") if isinstance(rule, Mapping) else None
        value = rule.get("value") if isinstance(rule, Mapping) else None
        yield Note(OVERRIDES, rule.span.start.line + 1, f"taskdef_overrides[{index}]", f"not applied by render --task-definition: set {brief(path)} to {brief(value)} in its output by hand")  # fmt: skip


def _secrets(config: Mapping, prefix: str, container: str) -> Iterator[Note]:
    for section in ("secrets", "secretOptions") if prefix == "logging." else ("secrets",):
        for entry in own_entries(config.get(section)):
            yield Note(IAM, line_of(entry), f"{prefix}{section}.{entry.name}", f"{container}: {_secret_access(entry.value)}")  # fmt: skip
    credentials = "credentialsParameter" if prefix.startswith("sidecars.") else None
    image = mapping(config.get("image")) if not prefix else None
    credential = config.entry(credentials) if credentials else (image.entry("credentials") if image else None)
    if credential is not None:
        field = f"{prefix}{credential.name}" if prefix else f"image.{credential.name}"
        yield Note(IAM, line_of(credential), field, f"{container}: the execution role reads the registry credentials (secretsmanager:GetSecretValue on {brief(credential.value)})")  # fmt: skip


def _secret_access(value: Node) -> str:
    if isinstance(value, Mapping) and value.get("secretsmanager") is not None:
        return f"the execution role needs secretsmanager:GetSecretValue on the secret {brief(value.get('secretsmanager'))} (Copilot allows secrets tagged copilot-application and copilot-environment)"  # fmt: skip
    if isinstance(value, Mapping) and value.get("from_cfn") is not None:
        return f"the value of the CloudFormation export {brief(value.get('from_cfn'))}: the execution role needs to read the parameter or secret it names"  # fmt: skip
    text = brief(value)
    if ":secretsmanager:" in text:
        return f"the execution role needs secretsmanager:GetSecretValue on {text} (Copilot allows secrets tagged copilot-application and copilot-environment)"  # fmt: skip
    return f"the execution role needs ssm:GetParameters on the parameter {text} (Copilot allows parameters tagged copilot-application and copilot-environment, and kms:Decrypt on keys tagged so)"  # fmt: skip


def _env_file(config: Mapping, prefix: str, container: str) -> Iterator[Note]:
    entry = config.entry("env_file")
    if entry is not None and isinstance(entry.value, Scalar) and entry.value.value is not None:
        yield Note(ENV_FILES, line_of(entry), f"{prefix}env_file", f"{container}: Copilot uploads {brief(entry.value)} to the application's S3 bucket and names its ARN in environmentFiles: upload it, and allow the execution role s3:GetObject and s3:GetBucketLocation")  # fmt: skip


def _image(config: Mapping, prefix: str, container: str) -> Iterator[Note]:
    image = config.entry("image")
    built = image.value.entry("build") if image and isinstance(image.value, Mapping) else None
    if built is not None:
        yield Note(IMAGES, line_of(built), f"{prefix}image.build", f"{container}: Copilot builds this image and pushes it to its ECR repository: build and push it, then give render --task-definition --image {container}=URI: {brief(built.value)}")  # fmt: skip


def _storage(view: Mapping, name: str) -> Iterator[Note]:
    storage = mapping(view.get("storage"))
    for volume in own_entries(storage.get("volumes") if storage else None):
        efs = volume.value.entry("efs") if isinstance(volume.value, Mapping) else None
        if efs is None or (isinstance(efs.value, Scalar) and efs.value.value in (False, None)):
            continue
        field = f"storage.volumes.{volume.name}.efs"
        byo = efs.value.get("id") if isinstance(efs.value, Mapping) else None
        if byo is None:
            yield Note(STORAGE, line_of(efs), field, f"a managed EFS file system: Copilot creates it in the environment, with mount targets and an access point for {name} (uid and gid as the manifest says, else from a hash of the name): create them and put their ids in the task definition's volume")  # fmt: skip
        else:
            yield Note(STORAGE, line_of(efs), field, f"the EFS file system {brief(byo)}: the task role needs elasticfilesystem:ClientMount (and ClientWrite unless the mount is read-only), and its security group must let the service's tasks reach NFS (port 2049)")  # fmt: skip


def _default_retention() -> object:
    """The log group's retention when ``logging.retention`` is unset, as the schema gives it."""
    return load_schema()["definitions"]["logging"]["properties"]["retention"]["default"]


def _logs(logging: Mapping | None, name_entry: Entry | None, group: str) -> Iterator[Note]:
    retention = logging.entry("retention") if logging else None
    days = (
        f"{brief(retention.value)} days" if retention else f"{_default_retention()} days (Copilot's default)"
    )
    at = line_of(retention) if retention else line_of(name_entry)
    field = "logging.retention" if retention else "name"
    yield Note(LOGS, at, field, f"Copilot creates the log group {group} with a retention of {days}: create it before the first task starts")  # fmt: skip
