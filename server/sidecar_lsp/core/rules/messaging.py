"""Topics and queues of a Worker Service (``TopicSubscription``, ``Topic``, ``FIFOAdvanceConfig``):
Q1-Q3."""

from __future__ import annotations

from collections.abc import Iterator

from sidecar_lsp.core.model import Finding, Severity
from sidecar_lsp.core.rules.base import ALL_WORKLOADS, STATIC_SITE, WORKER, Workload, is_set, rule, text_of
from sidecar_lsp.core.rules.formats import (
    decoded_items,
    dropped_note,
    dropped_shape,
    is_valid_service_name,
    literal_text,
)
from sidecar_lsp.core.yaml.tree import Mapping, Node, mapping

PUBLISHERS = ALL_WORKLOADS - {STATIC_SITE}


def _topics(workload: Workload, section: str) -> Iterator[tuple[int, Mapping]]:
    for index, item in enumerate(decoded_items(workload.get(section, "topics"))):
        if isinstance(item, Mapping):
            yield index, item


@rule("Q1", Severity.ERROR, "Subscription service name", kinds=frozenset({WORKER}))
def subscription_service_name(workload: Workload) -> Iterator[Finding]:
    for index, topic in _topics(workload, "subscribe"):
        entry = topic.entry("service")
        if entry is None or not is_set(entry.value):
            continue  # a missing service is the schema's (required key)
        name = literal_text(entry.value)
        if name is None:
            continue
        prefix = f'validate "subscribe": validate "topics[{index}]": '
        if name == "":
            message = f'{prefix}"service" must be specified; name the service that publishes the topic'
        elif not is_valid_service_name(name):
            message = (
                f"{prefix}service name must start with a letter, contain only lower-case letters, numbers, and "
                "hyphens, and have no consecutive or trailing hyphen; name the Copilot service that publishes "
                "the topic (its name in copilot/<name>/manifest.yml)"
            )
        else:
            continue
        yield workload.finding("Q1", message, entry.value)


@rule("Q2", Severity.ERROR, "Topic name must not be empty", kinds=PUBLISHERS)
def topic_name_not_empty(workload: Workload) -> Iterator[Finding]:
    sections = ("publish", "subscribe") if workload.kind == WORKER else ("publish",)
    for section in sections:
        if section == "publish" and workload.kind == STATIC_SITE:
            continue
        for index, topic in _topics(workload, section):
            entry = topic.entry("name")
            if entry is not None and text_of(entry.value) == "":
                yield workload.finding(
                    "Q2",
                    f'validate "{section}": validate "topics[{index}]": "name" must be specified; give the topic '
                    "a name of letters, numbers, underscores and hyphens",
                    entry.value,
                )


def _fifo_places(workload: Workload) -> Iterator[tuple[str, Mapping]]:
    """Every FIFO queue configuration Copilot validates, with the prefix of its messages."""
    queue = mapping(workload.get("subscribe", "queue"))
    fifo = mapping(queue.get("fifo")) if queue else None
    if fifo is not None:
        yield 'validate "subscribe": validate "queue": ', fifo
    for index, topic in _topics(workload, "subscribe"):
        topic_queue = mapping(topic.get("queue"))
        topic_fifo = mapping(topic_queue.get("fifo")) if topic_queue else None
        if topic_fifo is not None:
            yield f'validate "subscribe": validate "topics[{index}]": validate "queue": ', topic_fifo


def _set(fifo: Mapping, key: str) -> Node | None:
    entry = fifo.entry(key)
    return entry.key if entry is not None and is_set(entry.value) else None


@rule(
    "Q3", Severity.ERROR, "FIFO queue: high_throughput and the throughput settings", kinds=frozenset({WORKER})
)
def fifo_throughput(workload: Workload) -> Iterator[Finding]:
    for prefix, fifo in _fifo_places(workload):
        high = _set(fifo, "high_throughput")
        if high is not None:
            for other in ("throughput_limit", "deduplication_scope"):
                if _set(fifo, other) is not None:
                    yield workload.finding(
                        "Q3",
                        f'{prefix}must specify one, not both, of "high_throughput" and "{other}"; high_throughput '
                        "sets deduplication_scope and throughput_limit itself: remove one",
                        high,
                    )
                    break
            continue
        if text_of(fifo.get("throughput_limit")) == "perMessageGroupId" and (
            text_of(fifo.get("deduplication_scope")) == "queue"
        ):
            limit = fifo.get("throughput_limit")
            assert limit is not None
            yield workload.finding(
                "Q3",
                f'{prefix}"throughput_limit" must be set to "perQueue" when "deduplication_scope" is set to '
                '"queue"; set throughput_limit: perQueue, or deduplication_scope: messageGroup',
                limit,
            )


_FIFO_WORDS = {
    "deduplication_scope": "deduplication scope value must be one of messageGroup or queue",
    "throughput_limit": "fifo throughput limit value must be one of perMessageGroupId or perQueue",
}


@rule("Q4", Severity.ERROR, "FIFO setting dropped by the fifo map reads as empty", kinds=frozenset({WORKER}))
def dropped_fifo_setting(workload: Workload) -> Iterator[Finding]:
    # A literal word is the schema's to check; a map or list is dropped by the fifo union
    # (schema-dropped-value) and Copilot then validates the empty string it leaves.
    for prefix, fifo in _fifo_places(workload):
        for key, words in _FIFO_WORDS.items():
            entry = fifo.entry(key)
            if entry is not None and dropped_shape(entry.value):
                yield workload.finding(
                    "Q4",
                    f'{prefix}validate "{key}": {words}{dropped_note(entry.value)}: write one of the words',
                    entry.value,
                )
