"""Autoscaling in ``count`` (``AdvancedCount.validate`` and the service checks around it): C1-C8."""

from __future__ import annotations

import re
from collections.abc import Iterator

from sidecar_lsp.core.decoding.interpolation import can_match, variables_in
from sidecar_lsp.core.decoding.kinds import LOAD_BALANCED
from sidecar_lsp.core.model import Finding, Severity
from sidecar_lsp.core.rules.base import BACKEND, LBWS, WORKER, Workload, is_set, rule
from sidecar_lsp.core.rules.formats import GO_DURATION, dropped_or_int, duration_ns, literal_text
from sidecar_lsp.core.rules.http import http_disabled, http_set
from sidecar_lsp.core.yaml.tree import Entry, Mapping, Node, Scalar, Sequence, mapping

SCALING_KINDS = frozenset({LBWS, BACKEND, WORKER})
_RANGE = re.compile(r"^(\d+)-(\d+)$")

VALID_FIELDS = {
    LBWS: ("cpu_percentage", "memory_percentage", "requests", "response_time"),
    BACKEND: ("cpu_percentage", "memory_percentage", "requests", "response_time"),
    WORKER: ("cpu_percentage", "memory_percentage", "queue_delay"),
}
INVALID_FIELDS = {LBWS: ("queue_delay",), BACKEND: ("queue_delay",), WORKER: ("requests", "response_time")}


def _cooldown_set(node: Node | None) -> bool:
    cooldown = mapping(node)
    return cooldown is not None and (is_set(cooldown.get("in")) or is_set(cooldown.get("out")))


def _scaling_set(node: Node | None) -> bool:
    """``!ScalingConfigOrT.IsEmpty()``. A scalar either decodes as the value or fails the whole manifest."""
    if isinstance(node, Scalar):
        return node.value is not None
    value = mapping(node)
    return value is not None and (is_set(value.get("value")) or _cooldown_set(value.get("cooldown")))


def _queue_set(node: Node | None) -> bool:
    """``!QueueScaling.IsEmpty()``: a plain struct, so only a map decodes (a scalar is swallowed by the
    count map); its fields are pointers, set by any non-null value."""
    queue = mapping(node)
    return queue is not None and (
        is_set(queue.get("acceptable_latency"))
        or is_set(queue.get("msg_processing_time"))
        or _cooldown_set(queue.get("cooldown"))
    )


def _spot_set(node: Node | None) -> bool:
    """``spot`` is a ``*int``: yaml.v3 allocates the pointer before decoding, so any non-null value sets it
    (a value that does not decode is swallowed by the count map and leaves 0)."""
    return is_set(node)


def _field_set(name: str, node: Node | None) -> bool:
    return _queue_set(node) if name == "queue_delay" else _scaling_set(node)


def _range_set(node: Node | None) -> bool:
    if isinstance(node, Scalar):
        return node.value is not None
    value = mapping(node)
    return value is not None and any(is_set(value.get(f)) for f in ("min", "max", "spot_from"))


def _count(workload: Workload) -> Mapping | None:
    """The ``count`` map, when Copilot decodes it as autoscaling (``!AdvancedCount.IsEmpty()``)."""
    count = mapping(workload.root.get("count"))
    if count is None or workload.kind not in SCALING_KINDS:
        return None
    fields = ("cpu_percentage", "memory_percentage", "requests", "response_time", "queue_delay")
    if (
        _range_set(count.get("range"))
        or _cooldown_set(count.get("cooldown"))
        or _spot_set(count.get("spot"))
        or any(_field_set(f, count.get(f)) for f in fields)
    ):
        return count
    return None


def _set_entries(count: Mapping, names: tuple[str, ...]) -> list[Entry]:
    return [
        entry for name in names if (entry := count.entry(name)) is not None and _field_set(name, entry.value)
    ]


def _quoted_series(words: tuple[str, ...] | list[str], conjunction: str) -> str:
    quoted = [f'"{word}"' for word in words]
    if len(quoted) <= 1:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} {conjunction} {quoted[-1]}"


@rule("C1", Severity.ERROR, "requests/response_time scaling needs http", kinds=LOAD_BALANCED)
def request_scaling_needs_http(workload: Workload) -> Iterator[Finding]:
    count = _count(workload)
    if count is None:
        return
    entries = _set_entries(count, ("requests", "response_time"))
    if not entries:
        return
    if workload.kind == LBWS:
        if not http_disabled(workload):
            return
        message = (
            'scaling based on "nlb" requests or response time is not supported; scale on cpu_percentage or '
            "memory_percentage instead"
        )
    else:
        http = mapping(workload.root.get("http"))
        if http is not None and http_set(http):
            return
        message = (
            '"http" must be specified if "count.requests" or "count.response_time" are specified; add http.path, '
            "or scale on cpu_percentage or memory_percentage"
        )
    yield workload.finding("C1", message, entries[0].key)


@rule("C2", Severity.ERROR, "Autoscaling field not valid for this workload type", kinds=SCALING_KINDS)
def invalid_scaling_fields(workload: Workload) -> Iterator[Finding]:
    count = _count(workload)
    if count is None:
        return
    entries = _set_entries(count, INVALID_FIELDS[workload.kind])
    if not entries:
        return
    names = [entry.name for entry in entries]
    plural = len(names) > 1
    valid = ", ".join(VALID_FIELDS[workload.kind])
    yield workload.finding(
        "C2",
        f'validate "count": autoscaling field{"s" if plural else ""} {_quoted_series(names, "and")} '
        f"{'are' if plural else 'is'} invalid with workload type {workload.kind}; a {workload.kind} scales on "
        f"{valid}",
        entries[0].key,
    )


@rule("C3", Severity.ERROR, "spot and autoscaling are exclusive", kinds=SCALING_KINDS)
def spot_or_autoscaling(workload: Workload) -> Iterator[Finding]:
    count = _count(workload)
    spot = count.entry("spot") if count else None
    if count is None or spot is None or not _spot_set(spot.value):
        return
    valid = VALID_FIELDS[workload.kind]
    if _range_set(count.get("range")) or _set_entries(count, valid):
        yield workload.finding(
            "C3",
            f'validate "count": must specify one, not both, of "spot" and "range/{"/".join(valid)}"; to run '
            "autoscaled tasks on Fargate Spot, use range.spot_from instead of spot",
            spot.key,
        )


def _union_duration(node: Node | None) -> float | None:
    """A duration of the count union as Copilot validates it: a value that is not a Go duration (a
    number, a word, a list or a map) is dropped and reads 0; None for a ``${VAR}`` text that some value
    makes a duration (known at deploy time)."""
    if isinstance(node, (Mapping, Sequence)):
        return 0.0
    if not isinstance(node, Scalar) or node.value is None:
        return None
    if variables_in(node.text):
        return None if can_match(node.text, GO_DURATION) else 0.0
    if not isinstance(node.value, str):
        return 0.0
    duration = duration_ns(node.value)
    return 0.0 if duration is None else duration


@rule("C4", Severity.ERROR, "count.range: min and max", kinds=SCALING_KINDS)
def range_values(workload: Workload) -> Iterator[Finding]:
    count = _count(workload)
    entry = count.entry("range") if count else None
    if entry is None or not _range_set(entry.value):
        return
    prefix = 'validate "count": validate "range": '
    if isinstance(entry.value, Mapping):
        low, high = entry.value.get("min"), entry.value.get("max")
        if not is_set(low) or not is_set(high):
            yield workload.finding(
                "C4", f'{prefix}"min/max" must be specified; give both range.min and range.max', entry.key
            )
            return
        bounds = (dropped_or_int(low), dropped_or_int(high))
        at: Node = entry.key
        spot = entry.value.get("spot_from")
        values = (*bounds, dropped_or_int(spot) or 0)
        negative = next(
            (n for n, v in zip((low, high, spot), values, strict=True) if v is not None and v < 0), None
        )
        if negative is not None and None not in values:
            yield workload.finding(
                "C4",
                f"{prefix}min value {values[0]}, max value {values[1]}, and spot_from value {values[2]} must all be "
                "positive; use task counts of 0 or more",
                negative,
            )
            return
    else:
        text = literal_text(entry.value)
        match = _RANGE.match(text) if text is not None else None
        if match is None:
            return  # the form ${min}-${max} is the schema's to check
        bounds = (int(match.group(1)), int(match.group(2)))
        at = entry.value
    low_value, high_value = bounds
    if low_value is not None and high_value is not None and 0 <= high_value < low_value:
        yield workload.finding(
            "C4",
            f"{prefix}min value {low_value} cannot be greater than max value {high_value}; swap them",
            at,
        )


@rule(
    "X-scaling-value",
    Severity.ERROR,
    "cpu_percentage or memory_percentage with a cooldown but no value",
    kinds=SCALING_KINDS,
)
def percentage_without_value(workload: Workload) -> Iterator[Finding]:
    count = _count(workload)
    for name in ("cpu_percentage", "memory_percentage"):
        entry = count.entry(name) if count else None
        config = mapping(entry.value) if entry else None
        if (
            entry is None
            or config is None
            or is_set(config.get("value"))
            or not _cooldown_set(config.get("cooldown"))
        ):
            continue
        yield workload.finding(
            "X-scaling-value",
            f"'{name}' has a cooldown but no value: Copilot reads the missing target as a nil pointer and "
            f"crashes while validating (not reported by Copilot); add the target percentage, for example "
            "value: 70",
            entry.key,
        )


@rule("C5", Severity.ERROR, "Autoscaling needs range and a scaling metric", kinds=SCALING_KINDS)
def range_and_metrics(workload: Workload) -> Iterator[Finding]:
    count = _count(workload)
    if count is None:
        return
    valid = VALID_FIELDS[workload.kind]
    metrics = _set_entries(count, valid)
    range_entry = count.entry("range")
    has_range = range_entry is not None and _range_set(range_entry.value)
    if metrics and not has_range:
        yield workload.finding(
            "C5",
            f'validate "count": "range" must be specified if {_quoted_series(valid, "or")} are specified; add '
            "count.range, for example range: 1-10",
            metrics[0].key,
        )
    if metrics:
        return
    for name in ("range", "cooldown"):
        entry = count.entry(name)
        present = has_range if name == "range" else entry is not None and _cooldown_set(entry.value)
        if entry is not None and present:
            yield workload.finding(
                "C5",
                f'validate "count": must specify at least one of {_quoted_series(valid, "or")} if "{name}" is '
                "specified; add the metric to scale on, for example cpu_percentage: 70",
                entry.key,
            )


@rule(
    "C6", Severity.ERROR, "queue_delay: acceptable_latency and msg_processing_time", kinds=frozenset({WORKER})
)
def queue_delay(workload: Workload) -> Iterator[Finding]:
    count = _count(workload)
    entry = count.entry("queue_delay") if count else None
    queue = mapping(entry.value) if entry else None
    if entry is None or queue is None or not _queue_set(queue):
        return
    prefix = 'validate "count": validate "queue_delay": '
    latency, processing = queue.entry("acceptable_latency"), queue.entry("msg_processing_time")
    latency_set = latency is not None and is_set(latency.value)
    processing_set = processing is not None and is_set(processing.value)
    if latency_set != processing_set:
        missing, given = (
            ("acceptable_latency", "msg_processing_time")
            if processing_set
            else ("msg_processing_time", "acceptable_latency")
        )
        yield workload.finding(
            "C6",
            f'{prefix}"{missing}" must be specified if "{given}" is specified; give both acceptable_latency and '
            "msg_processing_time",
            entry.key,
        )
        return
    if latency is None or processing is None or not latency_set:
        return
    latency_ns, processing_ns = _union_duration(latency.value), _union_duration(processing.value)
    if latency_ns == 0:
        yield workload.finding(
            "C6",
            f'{prefix}"acceptable_latency" cannot be 0; give the longest time a message may wait',
            latency.value,
        )
    elif processing_ns == 0:
        yield workload.finding(
            "C6",
            f'{prefix}"msg_processing_time" cannot be 0; give the average time to process one message',
            processing.value,
        )
    elif latency_ns is not None and processing_ns is not None and processing_ns > latency_ns:
        yield workload.finding(
            "C6",
            f'{prefix}"msg_processing_time" cannot be longer than "acceptable_latency"; raise acceptable_latency '
            "or lower msg_processing_time",
            processing.value,
        )
