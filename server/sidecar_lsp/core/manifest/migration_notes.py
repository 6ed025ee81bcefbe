"""What a manifest configures that its ECS task definition does not carry: the migration notes.

``render --task-definition`` gives the task definition an environment deploys; moving off Copilot also
means re-creating what Copilot builds around it. :func:`migration_notes` lists those parts of one
environment's manifest (the override merged over the base, so every note points at the line that sets
the value: the override's or the base's): the ECS service and its count, deployment and scaling (or a
job's schedule), the load balancers and their listener rules and target groups, service discovery and
Service Connect, topics, queues and subscriptions, addons, the IAM permissions that secrets, EFS and
tracing need, the env files Copilot uploads, the log group, the images Copilot builds and the
``taskdef_overrides`` the task definition does not apply. The task's own parts live in
:mod:`.migration_notes_task`.

Pure: the shell says which addon files exist (``copilot/<name>/addons/``). Never raises.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from sidecar_lsp.core.decoding.kinds import BACKEND, JOB, LBWS, WORKER, WORKLOAD_TYPES, manifest_kind
from sidecar_lsp.core.manifest.merge import environment_view
from sidecar_lsp.core.manifest.migration_notes_task import Note, brief, line_of, task_notes
from sidecar_lsp.core.manifest.task import SIDECAR_KINDS
from sidecar_lsp.core.yaml.tree import (
    Entry,
    Mapping,
    Node,
    Scalar,
    mapping,
    own_entries,
    parse,
    sequence_items,
)

SERVICE, LOAD_BALANCER, DISCOVERY, MESSAGING = (
    "ECS service", "load balancers", "service discovery and Service Connect", "topics, queues and subscriptions",
)  # fmt: skip
ADDONS = "addons"
TOPICS = (
    SERVICE, LOAD_BALANCER, DISCOVERY, MESSAGING, ADDONS,
    "IAM permissions", "env files", "storage", "logs", "images", "taskdef_overrides",
)  # fmt: skip
"""The topics in the order they are listed (the task's own are :mod:`.migration_notes_task`'s)."""
SERVICES = frozenset({LBWS, BACKEND, WORKER})
_HTTP_WORDS = {
    "path": "a listener rule for this path, forwarding to the service's target group",
    "alias": "the listener rule's host names: Route 53 records and a certificate on the HTTPS listener",
    "healthcheck": "the target group's health check",
    "target_container": "the container the target group sends traffic to",
    "target_port": "the port the target group sends traffic to",
    "deregistration_delay": "the target group's deregistration delay",
    "stickiness": "the target group's sticky sessions",
    "allowed_source_ips": "a listener rule condition on the source addresses",
    "redirect_to_https": "the HTTP listener's redirect to HTTPS",
    "hosted_zone": "the Route 53 hosted zone of the alias records",
    "version": "the target group's protocol version",
    "alb": "the imported Application Load Balancer the listener rules go on",
    "additional_rules": "more listener rules and target groups",
}
_NLB_WORDS = {
    "port": "a Network Load Balancer (Copilot creates one per service) and its listener on this port",
    "healthcheck": "the Network Load Balancer target group's health check",
    "alias": "Route 53 records for the Network Load Balancer",
    "target_container": "the container the Network Load Balancer's target group sends traffic to",
    "target_port": "the port the Network Load Balancer's target group sends traffic to",
    "ssl_policy": "the TLS listener's security policy",
    "stickiness": "the Network Load Balancer target group's stickiness",
    "deregistration_delay": "the Network Load Balancer target group's deregistration delay",
    "additional_listeners": "more listeners and target groups on the Network Load Balancer",
}
_SCALING = {
    "range": "Application Auto Scaling between these numbers of tasks",
    "cpu_percentage": "a target-tracking scaling policy on average CPU utilisation",
    "memory_percentage": "a target-tracking scaling policy on average memory utilisation",
    "requests": "a target-tracking scaling policy on requests per task (ALB request count per target)",
    "response_time": "a step scaling policy on the target group's response time (CloudWatch alarms)",
    "queue_delay": "a target-tracking scaling policy on the queue's backlog per task",
    "spot": "this many tasks on Fargate Spot (the FARGATE_SPOT capacity provider)",
    "cooldown": "the scaling policies' cooldowns",
}


@dataclass(frozen=True)
class Notes:
    """The notes of one environment (None: the base, for environments without an override)."""

    environment: str | None
    notes: list[Note] = field(default_factory=list)
    problem: str | None = None
    """Why there are no notes: the text is no workload manifest, or a workload without a task definition."""


def migration_notes(text: str, env: str | None, app: str, addons: Sequence[str] = ()) -> Notes:
    """What ``env`` deploys beside the task definition, in :data:`TOPICS` order, then by line."""
    try:
        root = parse(text).root
        kind = manifest_kind(root)
        if not isinstance(root, Mapping) or kind not in WORKLOAD_TYPES:
            return Notes(env, problem="not a Copilot workload manifest")
        if kind not in SIDECAR_KINDS:
            return Notes(env, problem=f"a {kind} runs no ECS task definition Copilot renders")
        view = environment_view(root, env)
        found = [*_notes(view, kind, env, app), *_addons(view, addons), *task_notes(view, kind, env, app)]
        order = {topic: index for index, topic in enumerate(TOPICS)}
        ranked = sorted(found, key=lambda n: (order.get(n.topic, len(order)), n.line or 0))
        return Notes(env, ranked)
    except (ValueError, TypeError, KeyError, RecursionError) as error:  # never raise: say what failed
        return Notes(env, problem=f"cannot list the notes: {error!r}")


def _notes(view: Mapping, kind: str, env: str | None, app: str) -> Iterator[Note]:
    type_entry = view.entry("type")
    type_line = line_of(type_entry)
    if kind == JOB:
        yield Note(SERVICE, type_line, "type", "a Step Functions state machine runs the task (ecs:RunTask) when an EventBridge rule fires: re-create both")  # fmt: skip
        yield from _written(view, "on", {"schedule": "the EventBridge rule's schedule"}, SERVICE)
        for key, words in (("retries", "the state machine retries a failed task"), ("timeout", "the state machine stops the task after")):  # fmt: skip
            entry = view.entry(key)
            if entry is not None:
                yield Note(SERVICE, line_of(entry), key, f"{words}: {brief(entry.value)}")
    else:
        yield Note(SERVICE, type_line, "type", f"an ECS service runs the task definition ({kind}: Fargate, awsvpc, in the environment's cluster, deployment circuit breaker with rollback): re-create it")  # fmt: skip
        yield from _count(view, type_line)
        yield from _written(view, "deployment", {"rolling": "the deployment's minimum and maximum healthy percent ('recreate': 0 and 100; else 100 and 200)", "rollback_alarms": "CloudWatch alarms that roll a deployment back"}, SERVICE)  # fmt: skip
        exec_entry = view.entry("exec")
        if exec_entry is not None and _truthy(exec_entry.value):
            yield Note(SERVICE, line_of(exec_entry), "exec", "ECS Exec: enableExecuteCommand on the service, and the task role's ssmmessages (and logs) permissions Copilot grants")  # fmt: skip
    network = mapping(view.get("network"))
    vpc = network.get("vpc") if network else None
    for entry in own_entries(vpc):
        yield Note(SERVICE, line_of(entry), f"network.vpc.{entry.name}", f"the awsvpc configuration of the service (its subnets and security groups): {brief(entry.value)}")  # fmt: skip
    if kind in (LBWS, BACKEND):
        yield from _load_balancers(view, kind)
        yield from _discovery(view, env, app)
    yield from _messaging(view, kind)


def _truthy(node: Node | None) -> bool:
    return not (isinstance(node, Scalar) and (node.value is False or node.value is None))


def _written(view: Mapping, section: str, words: dict[str, str], topic: str) -> Iterator[Note]:
    for entry in own_entries(view.get(section)):
        meaning = words.get(entry.name, "a setting Copilot applies outside the task definition")
        yield Note(topic, line_of(entry), f"{section}.{entry.name}", f"{meaning}: {brief(entry.value)}")


def _count(view: Mapping, type_line: int | None) -> Iterator[Note]:
    entry = view.entry("count")
    if entry is None or (isinstance(entry.value, Scalar) and entry.value.value is None):
        yield Note(SERVICE, type_line, "count", "the service's desired count: 1 (count is not set)")
        return
    if not isinstance(entry.value, Mapping):
        yield Note(SERVICE, line_of(entry), "count", f"the service's desired count: {brief(entry.value)}")
        return
    for item in entry.value.entries:
        words = _SCALING.get(item.name, "a setting of the service's scaling")
        yield Note(SERVICE, line_of(item), f"count.{item.name}", f"{words}: {brief(item.value)}")


def _load_balancers(view: Mapping, kind: str) -> Iterator[Note]:
    http = view.entry("http")
    if http is not None and isinstance(http.value, Mapping):
        where = "the environment's internal" if kind == BACKEND else "the environment's public"
        for entry in http.value.entries:
            words = _HTTP_WORDS.get(entry.name, "a setting of the listener rule or target group")
            if entry.name == "path":
                words = f"a listener rule for this path on {where} Application Load Balancer, forwarding to the service's target group"  # fmt: skip
            yield from _section_item(LOAD_BALANCER, "http", entry, words)
    elif http is not None and _truthy(http.value) and kind == LBWS:
        yield Note(LOAD_BALANCER, line_of(http), "http", f"the service's listener rule: {brief(http.value)}")
    nlb = view.entry("nlb")
    if nlb is not None and isinstance(nlb.value, Mapping):
        for entry in nlb.value.entries:
            words = _NLB_WORDS.get(
                entry.name, "a setting of the Network Load Balancer's listener or target group"
            )
            yield from _section_item(LOAD_BALANCER, "nlb", entry, words)


def _section_item(topic: str, section: str, entry: Entry, words: str) -> Iterator[Note]:
    items = sequence_items(entry.value)
    if not items:
        yield Note(topic, line_of(entry), f"{section}.{entry.name}", f"{words}: {brief(entry.value)}")
    for index, item in enumerate(items):
        yield Note(
            topic, item.span.start.line + 1, f"{section}.{entry.name}[{index}]", f"{words}: {brief(item)}"
        )


def _discovery(view: Mapping, env: str | None, app: str) -> Iterator[Note]:
    name_entry = view.entry("name")
    name = name_entry.value.text if name_entry and isinstance(name_entry.value, Scalar) else "<name>"
    namespace = f"{env or '<env>'}.{app}.local"
    yield Note(DISCOVERY, line_of(name_entry), "name", f"Cloud Map service discovery: {name}.{namespace} in the environment's namespace {namespace} (COPILOT_SERVICE_DISCOVERY_ENDPOINT names it)")  # fmt: skip
    network = mapping(view.get("network"))
    connect = network.entry("connect") if network else None
    if connect is not None and _truthy(connect.value):
        yield Note(DISCOVERY, line_of(connect), "network.connect", f"Service Connect on the service (a client, and a server under its alias when it exposes a port): {brief(connect.value)}")  # fmt: skip


def _messaging(view: Mapping, kind: str) -> Iterator[Note]:
    publish = mapping(view.get("publish"))
    for index, topic in enumerate(sequence_items(publish.get("topics") if publish else None)):
        fifo = " (FIFO)" if isinstance(topic, Mapping) and _truthy(topic.get("fifo")) and topic.get("fifo") is not None else ""  # fmt: skip
        yield Note(MESSAGING, topic.span.start.line + 1, f"publish.topics[{index}]", f"an SNS topic{fifo} Copilot creates, with sns:Publish on it in the task role; COPILOT_SNS_TOPIC_ARNS in the task definition names it: {brief(topic)}")  # fmt: skip
    subscribe = mapping(view.get("subscribe")) if kind == WORKER else None
    if subscribe is None:
        return
    queue = subscribe.entry("queue")
    topics = sequence_items(subscribe.get("topics"))
    if queue is not None or topics:
        at = line_of(queue) if queue is not None else line_of(subscribe.entry("topics"))
        yield Note(MESSAGING, at, "subscribe.queue", f"the worker's SQS queue (and its dead-letter queue) Copilot creates; COPILOT_QUEUE_URI in the task definition names it: {brief(queue.value) if queue else 'defaults'}")  # fmt: skip
    for index, topic in enumerate(topics):
        yield Note(MESSAGING, topic.span.start.line + 1, f"subscribe.topics[{index}]", f"an SNS subscription of the queue (or of the topic's own queue) to another service's topic, with its filter policy: {brief(topic)}")  # fmt: skip


def _addons(view: Mapping, addons: Sequence[str]) -> Iterator[Note]:
    if addons:
        name_entry = view.entry("name")
        name = name_entry.value.text if name_entry and isinstance(name_entry.value, Scalar) else "<name>"
        shown = ", ".join(sorted(addons)[:5]) + (", …" if len(addons) > 5 else "")
        yield Note(ADDONS, None, f"copilot/{name}/addons/", f"{len(addons)} file{'s' if len(addons) != 1 else ''} ({shown}): a nested CloudFormation stack Copilot deploys with the workload; its outputs become environment variables and secrets, its managed policies attach to the task role")  # fmt: skip


def notes_text(sections: Sequence[Notes], file: str) -> str:
    """The notes as text: a heading per environment, a topic per block, one note a line (``line N``)."""
    out: list[str] = []
    for section in sections:
        where = (
            f"environment '{section.environment}'"
            if section.environment
            else "every environment (no override)"
        )
        out.append(f"## {file} in {where}: what the task definition does not carry\n")
        if section.problem:
            out.append(f"{section.problem}\n")
            continue
        width = max((len(n.field) for n in section.notes), default=0)
        topic = ""
        for note in section.notes:
            if note.topic != topic:
                topic = note.topic
                out.append(f"{topic}")
            line = f"line {note.line}" if note.line is not None else "no line"
            out.append(f"  {line:<9} {note.field:<{width}}  {note.note}")
        out.append(f"\n{len(section.notes)} note{'' if len(section.notes) == 1 else 's'}\n")
    return "\n".join(out)


def notes_json(sections: Sequence[Notes], file: str) -> list[dict[str, object]]:
    """The notes as JSON data: one object per environment, each note with topic, line, field, note."""
    return [
        {
            "file": file,
            "environment": section.environment,
            **({"problem": section.problem} if section.problem else {}),
            "notes": [
                {"topic": n.topic, "line": n.line, "field": n.field, "note": n.note} for n in section.notes
            ],
        }
        for section in sections
    ]
