"""The environment variables, secrets and log options of a task's containers, as Copilot's template
writes them (``envvars-common.yml``, ``variables.yml``, ``secrets.yml``, ``logconfig.yml``).

Values are CloudFormation as ``copilot svc package`` writes it, in its long JSON form (``{"Ref": …}``,
``{"Fn::Sub": …}``); :mod:`.taskdef_register` resolves them for ``RegisterTaskDefinition``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sidecar_lsp.core.decoding.kinds import BACKEND, LBWS, WORKER
from sidecar_lsp.core.manifest.taskdef_values import RefusedError, Values, go_json, reread
from sidecar_lsp.core.yaml.tree import Mapping, Node, Scalar, sequence_items

JSONValue = Any

DEFAULT_LOG_OPTIONS: dict[str, JSONValue] = {
    "awslogs-group": {"Ref": "LogGroup"},
    "awslogs-region": {"Ref": "AWS::Region"},
    "awslogs-stream-prefix": "copilot",
}
AWSLOGS = {"LogDriver": "awslogs", "Options": DEFAULT_LOG_OPTIONS}

_NON_ALPHANUMERIC = re.compile(r"[^a-zA-Z0-9]+")


def logical_id_safe(text: str) -> str:
    """Copilot's ``logicalIDSafe``/``StripNonAlphaNumFunc``."""
    return _NON_ALPHANUMERIC.sub("", text)


@dataclass(frozen=True)
class Workload:
    """What the common variables read: who deploys the task, and where."""

    app: str
    env: str
    name: str
    kind: str
    account: str
    region: str
    partition: str
    discovery_endpoint: str
    imported_alb_dns: str | None


def _pairs(node: Node | None) -> list[tuple[str, Node]]:
    if not isinstance(node, Mapping):
        if node is not None and not (isinstance(node, Scalar) and node.value is None):
            raise RefusedError("cannot decode this value into a map")
        return []
    return sorted(((entry.name, entry.value) for entry in node.entries), key=lambda pair: pair[0])


def _from_cfn(values: Values, node: Node) -> str | None:
    """``{from_cfn: NAME}``: the export's name; None for a plain value."""
    if isinstance(node, Mapping):
        name = values.text(node.get("from_cfn"))
        if name is None:
            raise RefusedError(
                "cannot decode this map: only from_cfn (or secretsmanager for a secret) is read"
            )
        return name
    return None


def variables(values: Values, node: Node | None) -> list[dict[str, JSONValue]]:
    """``variables``: sorted by name; ``Value`` is the written text (``%q``) or an ``Fn::ImportValue``."""
    out: list[dict[str, JSONValue]] = []
    for name, value in _pairs(node):
        imported = _from_cfn(values, value)
        if imported is not None:
            out.append({"Name": reread(name), "Value": {"Fn::ImportValue": imported}})
        else:
            out.append({"Name": reread(name), "Value": values.text(value) or ""})
    return out


def secrets(values: Values, node: Node | None) -> list[dict[str, JSONValue]]:
    """``secrets`` (and ``secretOptions``): SSM names or ARNs as written, imports, Secrets Manager names."""
    out: list[dict[str, JSONValue]] = []
    for name, value in _pairs(node):
        if isinstance(value, Mapping) and value.get("secretsmanager") is not None:
            secret = values.text(value.get("secretsmanager")) or ""
            value_from: JSONValue = {
                "Fn::Sub": f"arn:${{AWS::Partition}}:secretsmanager:${{AWS::Region}}:${{AWS::AccountId}}:secret:{secret}"
            }
        elif (imported := _from_cfn(values, value)) is not None:
            value_from = {"Fn::ImportValue": imported}
        else:
            value_from = reread(values.text(value) or "")
        out.append({"Name": reread(name), "ValueFrom": value_from})
    return out


def common_variables(
    view: Mapping, workload: Workload, values: Values, has_alb: bool
) -> list[dict[str, JSONValue]]:
    """``envvars-common.yml``: what every container of the task gets."""
    out: list[dict[str, JSONValue]] = [
        {"Name": "COPILOT_APPLICATION_NAME", "Value": {"Fn::Sub": "${AppName}"}},
        {"Name": "COPILOT_SERVICE_DISCOVERY_ENDPOINT", "Value": reread(workload.discovery_endpoint)},
        {"Name": "COPILOT_ENVIRONMENT_NAME", "Value": {"Fn::Sub": "${EnvName}"}},
        {"Name": "COPILOT_SERVICE_NAME", "Value": {"Fn::Sub": "${WorkloadName}"}},
    ]
    topics = _topic_arns(view, workload, values)
    if topics:
        out.append({"Name": "COPILOT_SNS_TOPIC_ARNS", "Value": go_json(topics)})
    if workload.kind == WORKER:
        out.append({"Name": "COPILOT_QUEUE_URI", "Value": {"Ref": "EventsQueue"}})
        queues = _topic_queues(view, values)
        if queues is not None:
            out.append({"Name": "COPILOT_TOPIC_QUEUE_URIS", "Value": {"Fn::Sub": queues}})
    if has_alb and workload.kind in (LBWS, BACKEND):
        if workload.imported_alb_dns is not None:
            out.append({"Name": "COPILOT_LB_DNS", "Value": reread(workload.imported_alb_dns)})
        else:
            which = "Public" if workload.kind == LBWS else "Internal"
            dns = {"Fn::GetAtt": ["EnvControllerAction", f"{which}LoadBalancerDNSName"]}
            out.append({"Name": "COPILOT_LB_DNS", "Value": dns})
    return out


def _topic_arns(view: Mapping, workload: Workload, values: Values) -> dict[str, str]:
    publish = view.get("publish")
    topics = sequence_items(publish.get("topics")) if isinstance(publish, Mapping) else []
    arns: dict[str, str] = {}
    for topic in topics:
        if not isinstance(topic, Mapping) or values.text(topic.get("name")) is None:
            continue
        name = values.text(topic.get("name")) or ""
        fifo = topic.get("fifo")
        if (isinstance(fifo, Mapping) and fifo.entries) or (
            isinstance(fifo, Scalar) and values.boolean(fifo)
        ):
            name += ".fifo"
        arns[name] = (
            f"arn:{workload.partition}:sns:{workload.region}:{workload.account}:"
            f"{workload.app}-{workload.env}-{workload.name}-{name}"
        )
    return arns


def _topic_queues(view: Mapping, values: Values) -> list[JSONValue] | None:
    """``COPILOT_TOPIC_QUEUE_URIS``: the queues of the subscriptions that have their own."""
    subscribe = view.get("subscribe")
    topics = sequence_items(subscribe.get("topics")) if isinstance(subscribe, Mapping) else []
    urls: dict[str, str] = {}
    refs: dict[str, JSONValue] = {}
    has_queues = False
    for topic in topics:
        if not isinstance(topic, Mapping):
            continue
        queue = topic.get("queue")
        enabled = isinstance(queue, Mapping) and bool(queue.entries)
        if isinstance(queue, Scalar) and queue.value is not None:
            enabled = bool(values.boolean(queue))
        has_queues = has_queues or enabled
        name, service = values.text(topic.get("name")), values.text(topic.get("service"))
        if not enabled or name is None or service is None:
            continue
        fifo = queue.get("fifo") if isinstance(queue, Mapping) else None
        if (isinstance(fifo, Mapping) and fifo.entries) or (
            isinstance(fifo, Scalar) and values.boolean(fifo)
        ):
            name += ".fifo"  # ``Subscriptions()``: a topic's own FIFO queue
        svc, topic_name = logical_id_safe(service), logical_id_safe(name)
        urls[f"{svc}{topic_name[:1].upper()}{topic_name[1:].lower()}EventsQueue"] = (
            f"${{{svc}{topic_name}URL}}"
        )
        refs[f"{svc}{topic_name}URL"] = {"Ref": f"{svc}{topic_name}EventsQueue"}
    if not has_queues:
        return None
    return [go_json(urls) if urls else "{}", refs or None]


def firelens_log_configuration(logging: Mapping, values: Values) -> dict[str, JSONValue]:
    """``logconfig.yml`` for a task with FireLens: ``awsfirelens`` with the destination and secret options."""
    out: dict[str, JSONValue] = {"LogDriver": "awsfirelens"}
    destination = _pairs(logging.get("destination"))
    if destination:
        out["Options"] = {str(reread(name)): values.text(value) or "" for name, value in destination}
    options = secrets(values, logging.get("secretOptions"))
    if options:
        out["SecretOptions"] = options
    return out
