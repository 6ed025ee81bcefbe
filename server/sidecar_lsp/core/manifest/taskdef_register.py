"""The task definition in the shape of ECS's ``RegisterTaskDefinition`` input, from Copilot's resource.

The intrinsics Copilot's template writes are resolved from what is known (the app, environment, name,
account, region, ``--image`` flags, the manifest's cpu, memory and image location); what only a
deployment knows (role ARNs, the env files Copilot uploads, CloudFormation exports, the environment's
load balancer and file system) becomes a ``<<placeholder>>``, each listed in :attr:`Registered.placeholders`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sidecar_lsp.core.manifest.taskdef import TaskDefinition, TaskInputs, partition_of

JSONValue = Any
_MAPS = frozenset({"Options", "DockerLabels"})
"""Keys whose value is a map of the user's own names, kept as written."""
_STRING_LISTS = frozenset({"Command", "EntryPoint"})
_STRINGS = frozenset({
    "Value", "ValueFrom", "Name", "Image", "ContainerName", "Condition", "ContainerPath", "SourceVolume",
    "FilesystemId", "AccessPointId", "CredentialsParameter",
})  # fmt: skip
"""Properties ECS takes as strings, whatever YAML made of what Copilot's template wrote unquoted."""
_SUB = re.compile(r"\$\{([^}!]+)\}")


@dataclass
class Registered:
    definition: dict[str, JSONValue]
    placeholders: list[str] = field(default_factory=list)
    """``<<name>>: what to put there``, once each, in the order met."""


def api_name(key: str) -> str:
    """CloudFormation's property name as the ECS API spells it: ``EFSVolumeConfiguration`` ->
    ``efsVolumeConfiguration``, ``IAM`` -> ``iam``, ``ContainerPort`` -> ``containerPort``."""
    if key == "FilesystemId":
        return "fileSystemId"  # the one property CloudFormation spells otherwise
    capitals = len(key) - len(key.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
    if capitals <= 1 or capitals == len(key):
        return key.lower() if capitals == len(key) else key[:1].lower() + key[1:]
    return key[: capitals - 1].lower() + key[capitals - 1 :]


class _Resolver:
    def __init__(
        self, task: TaskDefinition, inputs: TaskInputs, images: dict[str, str], main_image: str | None
    ):
        self.task, self.inputs = task, inputs
        self.placeholders: dict[str, str] = {}
        main = images.get(task.name) or main_image
        self.refs: dict[str, str] = {
            "AppName": inputs.app,
            "EnvName": inputs.env,
            "WorkloadName": task.name,
            "TaskCPU": task.cpu,
            "TaskMemory": task.memory,
            "AWS::Region": inputs.region,
            "AWS::AccountId": inputs.account,
            "AWS::Partition": partition_of(inputs.region),
            "LogGroup": f"/copilot/{inputs.app}-{inputs.env}-{task.name}",
            "ContainerImage": main
            or self.placeholder(
                f"image of {task.name}", "the image Copilot builds and pushes (give --image NAME=URI)"
            ),
        }

    def placeholder(self, name: str, why: str) -> str:
        marked = f"<<{name}>>"
        self.placeholders.setdefault(marked, why)
        return marked

    def ref(self, name: str) -> str:
        if name in self.refs:
            return self.refs[name]
        return self.placeholder(name, "a resource of Copilot's stack (re-create it, then put its id here)")

    def env_file(self, condition: str) -> str | None:
        owner = (
            self.task.name if condition == "HasEnvFile"
            else "firelens_log_router" if condition == "HasLoggingEnvFile"
            else condition.removeprefix("HasEnvFileFor")
        )  # fmt: skip
        for container, path in self.task.env_files.items():
            if container == owner or re.sub(r"[^a-zA-Z0-9]+", "", container) == owner:
                return self.placeholder(
                    f"S3 ARN of {path}",
                    f"upload {path} to S3 (Copilot does at deploy time) and put its object ARN",
                )
        return None

    def value(self, node: JSONValue) -> JSONValue:
        if isinstance(node, list):
            items = [self.value(item) for item in node]
            return [item for item in items if item is not _NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            ((key, argument),) = node.items()
            if key == "Ref":
                return _NO_VALUE if argument == "AWS::NoValue" else self.ref(argument)
            if key == "Fn::Sub":
                text, extra = (
                    (argument, {}) if isinstance(argument, str) else (argument[0], argument[1] or {})
                )
                return _SUB.sub(
                    lambda m: (
                        str(self.value(extra[m.group(1)])) if m.group(1) in extra else self.ref(m.group(1))
                    ),
                    text,
                )
            if key == "Fn::GetAtt":
                what = ".".join(argument)
                return self.placeholder(
                    what, "an attribute of Copilot's stack (the role or resource you re-create)"
                )
            if key == "Fn::ImportValue":
                return self.placeholder(f"export {argument}", "the value of this CloudFormation export")
            if key == "Fn::Join":
                return str(argument[0]).join(str(self.value(part)) for part in argument[1])
            if key == "Fn::If":
                marker = self.env_file(argument[0])  # Copilot's only conditions: a container's env file
                return {"Type": "s3", "Value": marker} if marker is not None else _NO_VALUE
        return {key: self.value(item) for key, item in node.items()}


_NO_VALUE = object()


def _api_shape(node: JSONValue, key: str = "") -> JSONValue:
    """Rename the keys to the API's, and make strings of what the API takes as strings."""
    if isinstance(node, dict):
        if key in _MAPS:
            return {str(name): _string(value) for name, value in node.items()}
        return {
            api_name(name): _api_shape(value, name)
            for name, value in node.items()
            if value is not None
            or name in _STRINGS  # Copilot writes an empty condition as null: ECS says why
        }
    if isinstance(node, list):
        if key in _STRING_LISTS:
            return [_string(item) for item in node]
        return [_api_shape(item, key) for item in node]
    if key in _STRINGS:
        return _string(node)
    return node


def _string(value: JSONValue) -> str:
    """How CloudFormation passes a scalar to a string property: ``true``, ``80``, ``1.5``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def register_shape(
    task: TaskDefinition, inputs: TaskInputs, images: dict[str, str], main_image: str | None
) -> Registered:
    """``task.resource`` as ``RegisterTaskDefinition`` input; ``images`` by container name."""
    assert task.resource is not None
    resolver = _Resolver(task, inputs, images, main_image)
    properties = dict(task.resource["Properties"])
    containers = []
    for container in properties["ContainerDefinitions"]:
        container = dict(container)
        name = container["Name"] if isinstance(container["Name"], str) else task.name
        if container.get("Image") in (None, "") or name in images:
            container["Image"] = images.get(name) or resolver.placeholder(
                f"image of {name}", "the image Copilot builds and pushes (give --image NAME=URI)"
            )
        containers.append(container)
    properties["ContainerDefinitions"] = containers
    resolved = resolver.value(properties)
    definition = _api_shape(resolved)
    return Registered(definition, [f"{name}: {why}" for name, why in resolver.placeholders.items()])
