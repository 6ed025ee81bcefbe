"""The ECS task definition an environment deploys, as Copilot v1.34.1 renders it (``copilot svc package``).

``task_definition(text, inputs)`` gives the ``AWS::ECS::TaskDefinition`` resource of Copilot's template,
in CloudFormation's long JSON form: the containers are :func:`.task.task_containers`' (main, FireLens,
the X-Ray collector, the sidecars, which Copilot sorts by name), each shaped the way Copilot's
``workload-container.yml`` and ``sidecars.yml`` partials shape it. What Copilot resolves at deploy
time stays an intrinsic (``!Ref ContainerImage``, ``!GetAtt TaskRole.Arn``);
:mod:`.taskdef_register` resolves them for ``RegisterTaskDefinition``.

It never raises: a manifest Copilot would refuse, or a part Copilot renders that this module does not
(``taskdef_overrides``), gives a :class:`TaskDefinition` with a ``problem``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sidecar_lsp.core.decoding.interpolation import APP_NAME_VARIABLE, ENV_NAME_VARIABLE
from sidecar_lsp.core.decoding.kinds import BACKEND, LBWS, manifest_kind
from sidecar_lsp.core.manifest import taskdef_env as env_vars
from sidecar_lsp.core.manifest.merge import environment_view
from sidecar_lsp.core.manifest.task import SIDECAR_KINDS, TaskContainer, task_containers
from sidecar_lsp.core.manifest.taskdef_env import AWSLOGS, Workload, logical_id_safe
from sidecar_lsp.core.manifest.taskdef_ports import exposed_ports, routing_rules, service_connect_target
from sidecar_lsp.core.manifest.taskdef_storage import has_storage, mount_points, storage_properties
from sidecar_lsp.core.manifest.taskdef_values import RefusedError, Values, go_json, reread
from sidecar_lsp.core.model import Span
from sidecar_lsp.core.yaml.tree import Mapping, Node, Scalar, parse

JSONValue = Any
DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-west-2"
DEFAULT_CPU, DEFAULT_MEMORY = 256, 512


@dataclass(frozen=True)
class TaskInputs:
    """What Copilot reads from AWS and the shell at deploy time."""

    app: str
    env: str
    account: str = DEFAULT_ACCOUNT
    region: str = DEFAULT_REGION
    variables: dict[str, str] = field(default_factory=dict)
    """``${VAR}`` values (Copilot reads them from the shell of whoever deploys)."""
    imported_alb_dns: str | None = None
    """The DNS name of an imported ALB (``http.alb``), which Copilot looks up."""


@dataclass(frozen=True)
class TaskDefinition:
    resource: dict[str, JSONValue] | None
    """The ``AWS::ECS::TaskDefinition`` resource, or None with a ``problem``."""
    problem: str | None = None
    name: str = ""
    kind: str = ""
    cpu: str = ""
    memory: str = ""
    env_files: dict[str, str] = field(default_factory=dict)
    """The env file of each container that has one (main, FireLens, sidecars)."""
    image: str | None = None
    """``image.location`` of the main container (Copilot's ``ContainerImage``), None when Copilot builds it."""


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def task_definition(text: str, inputs: TaskInputs) -> TaskDefinition:
    """The task definition ``inputs.env`` deploys; never raises."""
    document = parse(text)
    root = document.root
    if not isinstance(root, Mapping):  # a problem in a part Copilot ignores still renders
        first = document.findings[0].message if document.findings else "not a YAML map"
        return TaskDefinition(None, f"the manifest cannot be read: {first}")
    kind = manifest_kind(root)
    if kind not in SIDECAR_KINDS:
        return TaskDefinition(
            None, f"a {kind or 'file without a workload type'} runs no ECS task definition Copilot renders"
        )
    variables = {**inputs.variables, APP_NAME_VARIABLE: inputs.app, ENV_NAME_VARIABLE: inputs.env}
    values = Values(variables)
    try:
        values.check_defined(root)
        return _build(environment_view(root, inputs.env), kind, inputs, values)
    except RefusedError as refused:
        return TaskDefinition(None, str(refused), kind=kind)
    except (ValueError, TypeError, KeyError, RecursionError) as error:  # never raise: say what failed
        return TaskDefinition(None, f"cannot render the task definition: {error!r}", kind=kind)


def _build(view: Mapping, kind: str, inputs: TaskInputs, values: Values) -> TaskDefinition:
    if view.get("taskdef_overrides") is not None:
        raise RefusedError("taskdef_overrides is not rendered here: apply its rules to the output by hand")
    name = values.text(view.get("name"))
    if name is None:
        raise RefusedError('validate "name": cannot be empty')
    workload = Workload(
        inputs.app, inputs.env, name, kind, inputs.account, inputs.region, partition_of(inputs.region),
        f"{inputs.env}.{inputs.app}.local", inputs.imported_alb_dns if _imports_alb(view, kind) else None,
    )  # fmt: skip
    ports = exposed_ports(view, kind, values)
    target = service_connect_target(view, kind, ports, values)
    has_alb = bool(routing_rules(view, kind)) and not _http_disabled(view, values)
    common = env_vars.common_variables(view, workload, values, has_alb)
    containers = task_containers(view, kind)
    main = [c for c in containers if c.is_main]
    # A Scheduled Job has no ``observability`` field: Copilot adds no collector to it.
    added = [c for c in containers if c.role == "firelens" or c.role == "xray"]
    sidecars = sorted((c for c in containers if c.role == "sidecar"), key=lambda c: c.name)
    definitions = [_main_container(view, kind, name, values, common, ports, target) for _ in main]
    for container in added:
        definitions.append(
            _firelens(view, values, common) if container.role == "firelens" else _xray(container)
        )
    definitions += [_sidecar(c, values, common, ports, target) for c in sidecars]
    properties: dict[str, JSONValue] = {
        "Family": {
            "Fn::Join": ["", [{"Ref": "AppName"}, "-", {"Ref": "EnvName"}, "-", {"Ref": "WorkloadName"}]]
        },
        **_platform(view, values),
        "NetworkMode": "awsvpc",
        "RequiresCompatibilities": ["FARGATE"],
        "Cpu": {"Ref": "TaskCPU"},
        "Memory": {"Ref": "TaskMemory"},
        "ExecutionRoleArn": {"Fn::GetAtt": ["ExecutionRole", "Arn"]},
        "TaskRoleArn": {"Fn::GetAtt": ["TaskRole", "Arn"]},
        "ContainerDefinitions": definitions,
        **storage_properties(view, values, name),
    }
    resource = {
        "Type": "AWS::ECS::TaskDefinition",
        "DependsOn": "LogGroup",
        "Metadata": {
            "aws:copilot:description": "An ECS task definition to group your containers and run them on ECS"
        },
        "Properties": properties,
    }
    cpu = values.integer(view.get("cpu"))
    memory = values.integer(view.get("memory"))
    return TaskDefinition(
        resource, None, name, kind,
        str(DEFAULT_CPU if cpu is None else cpu), str(DEFAULT_MEMORY if memory is None else memory),
        _env_files(view, values, name, containers),
        values.text(image.get("location")) if isinstance(image := view.get("image"), Mapping) else None,
    )  # fmt: skip


def _http_disabled(view: Mapping, values: Values) -> bool:
    http = view.get("http")
    return isinstance(http, Scalar) and http.value is not None and values.boolean(http) is False


def _imports_alb(view: Mapping, kind: str) -> bool:
    http = view.get("http")
    return kind == LBWS and isinstance(http, Mapping) and http.get("alb") is not None


def _env_files(view: Mapping, values: Values, name: str, containers: list[TaskContainer]) -> dict[str, str]:
    files: dict[str, str] = {}
    for container in containers:
        node: Node | None = None
        if container.is_main:
            node = view.get("env_file")
        elif container.role == "firelens":
            logging = view.get("logging")
            node = logging.get("env_file") if isinstance(logging, Mapping) else None
        elif container.config is not None:
            node = container.config.get("env_file")
        path = values.text(node)
        if path:
            files[name if container.is_main else container.name] = path
    return files


def _overrides(config: Mapping, values: Values) -> dict[str, JSONValue]:
    """``image-overrides.yml``: ``entrypoint`` and ``command``, each part written unquoted."""
    out: dict[str, JSONValue] = {}
    for key, field_name in (("entrypoint", "EntryPoint"), ("command", "Command")):
        words = values.shell_words(config.get(key))
        if words:
            out[field_name] = [reread(word) for word in words]
    return out


def _health_check(node: Node | None, values: Values) -> dict[str, JSONValue]:
    """``convertContainerHealthCheck``: unset fields get the defaults of a load-balanced service."""
    if not isinstance(node, Mapping):
        return {}
    fields = {key: node.get(key) for key in ("command", "interval", "retries", "timeout", "start_period")}
    if all(value is None or (isinstance(value, Scalar) and value.value is None) for value in fields.values()):
        return {}
    command = values.strings(fields["command"])
    interval, timeout = values.duration(fields["interval"]), values.duration(fields["timeout"])
    start_period, retries = values.duration(fields["start_period"]), values.integer(fields["retries"])
    return {
        "HealthCheck": {
            "Command": ["CMD-SHELL", "curl -f http://localhost/ || exit 1"] if command is None else command,
            "Interval": 10 if interval is None else interval,
            "Retries": 2 if retries is None else retries,
            "StartPeriod": 0 if start_period is None else start_period,
            "Timeout": 5 if timeout is None else timeout,
        }
    }


def _depends_on(node: Node | None, values: Values) -> dict[str, JSONValue]:
    if not isinstance(node, Mapping) or not node.entries:
        return {}
    pairs = sorted((entry.name, (values.text(entry.value) or "").upper()) for entry in node.entries)
    return {
        "DependsOn": [{"Condition": reread(status), "ContainerName": reread(name)} for name, status in pairs]
    }


def _labels(node: Node | None, values: Values) -> dict[str, JSONValue]:
    if not isinstance(node, Mapping) or not node.entries:
        return {}
    return {"DockerLabels": {entry.name: values.text(entry.value) or "" for entry in node.entries}}


def _credentials(node: Node | None, values: Values) -> dict[str, JSONValue]:
    parameter = values.text(node)
    return {"RepositoryCredentials": {"CredentialsParameter": reread(parameter)}} if parameter else {}


def _port_mappings(
    ports: list[Any], container: str, target: tuple[str, int] | None, *, always: bool
) -> dict[str, JSONValue]:
    if not ports and not always:
        return {}
    mappings: list[dict[str, JSONValue]] = []
    for exposed in ports:
        mapping: dict[str, JSONValue] = {"ContainerPort": exposed.port, "Protocol": reread(exposed.protocol)}
        if target == (container, exposed.port):
            mapping["Name"] = "target"
        mappings.append(mapping)
    return {"PortMappings": mappings or None}


def _environment(
    common: list[dict[str, JSONValue]], own: list[dict[str, JSONValue]], mounts: dict[str, str]
) -> list[dict[str, JSONValue]]:
    mount_variable = [{"Name": "COPILOT_MOUNT_POINTS", "Value": go_json(mounts)}] if mounts else []
    return [*common, *own, *mount_variable]


def _env_file(condition: str, parameter: str) -> list[JSONValue]:
    return [{"Fn::If": [condition, {"Type": "s3", "Value": {"Ref": parameter}}, {"Ref": "AWS::NoValue"}]}]


def _main_container(
    view: Mapping, kind: str, name: str, values: Values, common: list[dict[str, JSONValue]],
    ports: dict[str, list[Any]], target: tuple[str, int] | None,
) -> dict[str, JSONValue]:  # fmt: skip
    image = view.get("image")
    image_map = image if isinstance(image, Mapping) else Mapping(view.span)
    logging = view.get("logging")
    firelens = any(c.role == "firelens" for c in task_containers(view, kind))
    mounts = mount_points(view, values) if has_storage(view) else []
    container: dict[str, JSONValue] = {"Name": {"Ref": "WorkloadName"}, "Image": {"Ref": "ContainerImage"}}
    own_secrets = env_vars.secrets(values, view.get("secrets"))
    if own_secrets:
        container["Secrets"] = own_secrets
    container["Environment"] = _environment(
        common, env_vars.variables(values, view.get("variables")), _mount_json(mounts)
    )
    container["EnvironmentFiles"] = _env_file("HasEnvFile", "EnvFileARN")
    container["LogConfiguration"] = (
        env_vars.firelens_log_configuration(logging, values)
        if firelens and isinstance(logging, Mapping) else AWSLOGS
    )  # fmt: skip
    container.update(_overrides(view, values))
    if mounts:
        container["MountPoints"] = mounts
    container.update(_labels(image_map.get("labels"), values))
    container.update(_depends_on(image_map.get("depends_on"), values))
    if kind in (LBWS, BACKEND):
        container.update(_port_mappings(ports.get(name, []), name, target, always=kind == LBWS))
    container.update(_health_check(image_map.get("healthcheck"), values))
    storage = view.get("storage")
    read_only = values.boolean(storage.get("readonly_fs")) if isinstance(storage, Mapping) else None
    if read_only is not None:
        container["ReadonlyRootFilesystem"] = read_only
    container.update(_credentials(image_map.get("credentials"), values))
    return container


def _mount_json(mounts: list[dict[str, JSONValue]]) -> dict[str, str]:
    """``jsonMountPoints``: volume → path, mount points without a path left out."""
    out: dict[str, str] = {}
    for mount in mounts:
        if mount["ContainerPath"] not in ("", "<nil>"):
            out[str(mount["SourceVolume"])] = str(mount["ContainerPath"])
    return out


def _firelens(view: Mapping, values: Values, common: list[dict[str, JSONValue]]) -> dict[str, JSONValue]:
    logging = view.get("logging")
    assert isinstance(logging, Mapping)  # task_containers adds FireLens only for a logging map
    image = values.text(logging.get("image"))
    metadata = values.boolean(logging.get("enableMetadata"))
    options: dict[str, JSONValue] = {"enable-ecs-log-metadata": metadata is not False}
    config_file = values.text(logging.get("configFilePath"))
    if config_file is not None:
        options.update({"config-file-type": "file", "config-file-value": reread(config_file)})
    container: dict[str, JSONValue] = {
        "Name": "firelens_log_router",
        "Image": reread(
            "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable" if image is None else image
        ),
        "Environment": [*common, *env_vars.variables(values, logging.get("variables"))],
        "EnvironmentFiles": _env_file("HasLoggingEnvFile", "LoggingEnvFileARN"),
        "FirelensConfiguration": {"Type": "fluentbit", "Options": options},
        "LogConfiguration": AWSLOGS,
    }
    own_secrets = env_vars.secrets(values, logging.get("secrets"))
    if own_secrets:
        container["Secrets"] = own_secrets
    return container


def _xray(container: TaskContainer) -> dict[str, JSONValue]:
    return {
        "Name": container.name,
        "Image": container.image,
        "Command": ["--config=/etc/ecs/ecs-xray.yaml"],
        "LogConfiguration": AWSLOGS,
    }


def _sidecar(
    sidecar: TaskContainer, values: Values, common: list[dict[str, JSONValue]],
    ports: dict[str, list[Any]], target: tuple[str, int] | None,
) -> dict[str, JSONValue]:  # fmt: skip
    config = sidecar.config or _EMPTY
    image = config.get("image")
    uri = values.text(image) if isinstance(image, Scalar) else None
    if isinstance(image, Mapping):
        uri = values.text(image.get("location"))
    container: dict[str, JSONValue] = {"Name": reread(sidecar.name), "Image": reread(uri or "")}
    essential = values.boolean(config.get("essential"))
    if essential is not None:
        container["Essential"] = essential
    container.update(_overrides(config, values))
    container.update(_port_mappings(ports.get(sidecar.name, []), sidecar.name, target, always=False))
    container.update(_health_check(config.get("healthcheck"), values))
    mounts = mount_points(config, values, sidecar=True)
    safe = logical_id_safe(sidecar.name)
    container["Environment"] = _environment(
        common, env_vars.variables(values, config.get("variables")), _mount_json(mounts)
    )
    container["EnvironmentFiles"] = _env_file(f"HasEnvFileFor{safe}", f"EnvFileARNFor{safe}")
    own_secrets = env_vars.secrets(values, config.get("secrets"))
    if own_secrets:
        container["Secrets"] = own_secrets
    container["LogConfiguration"] = AWSLOGS
    container.update(_labels(config.get("labels"), values))
    container.update(_depends_on(config.get("depends_on"), values))
    container.update(_credentials(config.get("credentialsParameter"), values))
    if mounts:
        container["MountPoints"] = mounts
    return container


_EMPTY = Mapping(Span.of(0, 0, 0, 0))
_OS_FAMILIES = {
    "linux": "LINUX",
    "windows": "WINDOWS_SERVER_2019_CORE",
    "windows_server_2019_core": "WINDOWS_SERVER_2019_CORE",
    "windows_server_2019_full": "WINDOWS_SERVER_2019_FULL",
    "windows_server_2022_core": "WINDOWS_SERVER_2022_CORE",
    "windows_server_2022_full": "WINDOWS_SERVER_2022_FULL",
}


def _platform(view: Mapping, values: Values) -> dict[str, JSONValue]:
    """``convertPlatform``: ``RuntimePlatform`` unless the platform is unset or linux/x86_64."""
    platform = view.get("platform")
    if isinstance(platform, Mapping):
        os_name = (values.text(platform.get("osfamily")) or "").lower()
        arch = (values.text(platform.get("architecture")) or "").lower()
        if not os_name and not arch:
            return {}
    else:
        text = values.text(platform)
        if not text:
            return {}
        os_name, _, arch = text.lower().partition("/")
    family = _OS_FAMILIES.get(os_name, "LINUX")
    architecture = "ARM64" if arch in ("arm", "arm64") else "X86_64"
    if family == "LINUX" and architecture == "X86_64":
        return {}
    return {"RuntimePlatform": {"OperatingSystemFamily": family, "CpuArchitecture": architecture}}
