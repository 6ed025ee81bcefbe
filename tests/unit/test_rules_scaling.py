"""Autoscaling rules C1-C6 (``count``): one row per case, each verdict Copilot v1.34.1's own."""

from __future__ import annotations

import pytest
from test_rules_support import assert_copilot, assert_quiet, cases, findings

from manifest_sets import BACKEND, LBWS, NLB_ONLY, WORKER

WORKER_METRICS = '"cpu_percentage", "memory_percentage" or "queue_delay"'

# (id, manifest, code, Copilot's message, where)
REPORTS = [
    (
        "nlb-only-request-scaling",
        NLB_ONLY + "count:\n  range: 1-3\n  requests: 10\n",
        "C1",
        'scaling based on "nlb" requests or response time is not supported',
        "requests",
    ),
    (
        "backend-response-time-without-http",
        BACKEND + "count:\n  range: 1-3\n  response_time: 2s\n",
        "C1",
        '"http" must be specified if "count.requests" or "count.response_time" are specified',
        "response_time",
    ),
    (
        "worker-requests",
        WORKER + "count:\n  range: 1-3\n  cpu_percentage: 50\n  requests: 10\n",
        "C2",
        'validate "count": autoscaling field "requests" is invalid with workload type Worker Service',
        "requests",
    ),
    (
        "worker-requests-and-response-time",
        WORKER + "count:\n  range: 1-3\n  cpu_percentage: 50\n  requests: 10\n  response_time: 2s\n",
        "C2",
        'validate "count": autoscaling fields "requests" and "response_time" are invalid with workload type '
        "Worker Service",
        "requests",
    ),
    (
        "backend-queue-delay",
        BACKEND + "count:\n  range: 1-3\n  cpu_percentage: 50\n  queue_delay:\n    acceptable_latency: 10s\n"
        "    msg_processing_time: 1s\n",
        "C2",
        'validate "count": autoscaling field "queue_delay" is invalid with workload type Backend Service',
        "queue_delay",
    ),
    (
        "spot-and-range",
        WORKER + "count:\n  spot: 2\n  range: 1-3\n  cpu_percentage: 50\n",
        "C3",
        'validate "count": must specify one, not both, of "spot" and '
        '"range/cpu_percentage/memory_percentage/queue_delay"',
        "spot",
    ),
    (
        "lbws-spot-and-metric",
        LBWS + "count:\n  spot: 2\n  cpu_percentage: 50\n",
        "C3",
        'validate "count": must specify one, not both, of "spot" and '
        '"range/cpu_percentage/memory_percentage/requests/response_time"',
        "spot",
    ),
    (
        # yaml.v3 allocates the *int before the type error, which the count map swallows: spot is set.
        "spot-string-still-set",
        WORKER + "count:\n  spot: two\n  range: 1-3\n  cpu_percentage: 50\n",
        "C3",
        'validate "count": must specify one, not both, of "spot" and '
        '"range/cpu_percentage/memory_percentage/queue_delay"',
        "spot",
    ),
    (
        "range-min-over-max",
        WORKER + "count:\n  range: 3-1\n  cpu_percentage: 50\n",
        "C4",
        'validate "count": validate "range": min value 3 cannot be greater than max value 1',
        "3-1",
    ),
    (
        "range-map-min-over-max",
        LBWS + "count:\n  range:\n    min: 5\n    max: 2\n  cpu_percentage: 50\n",
        "C4",
        'validate "count": validate "range": min value 5 cannot be greater than max value 2',
        "range",
    ),
    (
        "range-map-dropped-max-reads-0",
        WORKER + "count:\n  range:\n    min: 1\n    max: []\n  cpu_percentage: 50\n",
        "C4",
        'validate "count": validate "range": min value 1 cannot be greater than max value 0',
        "range",
    ),
    (
        "queue-delay-dropped-processing-reads-0",
        WORKER
        + "count:\n  range: 1-3\n  queue_delay:\n    acceptable_latency: 1s\n    msg_processing_time: yes\n",
        "C6",
        'validate "count": validate "queue_delay": "msg_processing_time" cannot be 0',
        "yes",
    ),
    (
        "range-map-without-max",
        WORKER + "count:\n  range: {min: 1}\n  cpu_percentage: 50\n",
        "C4",
        'validate "count": validate "range": "min/max" must be specified',
        "range",
    ),
    (
        "metric-without-range",
        WORKER + "count:\n  cpu_percentage: 50\n",
        "C5",
        f'validate "count": "range" must be specified if {WORKER_METRICS} are specified',
        "cpu_percentage",
    ),
    (
        "range-without-metric",
        WORKER + "count:\n  range: 1-3\n",
        "C5",
        f'validate "count": must specify at least one of {WORKER_METRICS} if "range" is specified',
        "range",
    ),
    (
        "cooldown-without-metric",
        BACKEND + "count:\n  cooldown:\n    in: 10s\n",
        "C5",
        'validate "count": must specify at least one of "cpu_percentage", "memory_percentage", "requests" or '
        '"response_time" if "cooldown" is specified',
        "cooldown",
    ),
    (
        "queue-delay-half",
        WORKER + "count:\n  range: 1-3\n  queue_delay:\n    acceptable_latency: 10s\n",
        "C6",
        'validate "count": validate "queue_delay": "msg_processing_time" must be specified if '
        '"acceptable_latency" is specified',
        "queue_delay",
    ),
    (
        "queue-delay-processing-longer",
        WORKER
        + "count:\n  range: 1-3\n  queue_delay:\n    acceptable_latency: 1m\n    msg_processing_time: 61s\n",
        "C6",
        'validate "count": validate "queue_delay": "msg_processing_time" cannot be longer than "acceptable_latency"',
        "61s",
    ),
    (
        "queue-delay-zero-latency",
        WORKER
        + "count:\n  range: 1-3\n  queue_delay:\n    acceptable_latency: 0s\n    msg_processing_time: 0s\n",
        "C6",
        'validate "count": validate "queue_delay": "acceptable_latency" cannot be 0',
        "0s",
    ),
    (
        "queue-delay-zero-processing",
        WORKER
        + "count:\n  range: 1-3\n  queue_delay:\n    acceptable_latency: 1s\n    msg_processing_time: 0ms\n",
        "C6",
        'validate "count": validate "queue_delay": "msg_processing_time" cannot be 0',
        "0ms",
    ),
]

# (id, manifest Copilot accepts, code that must stay quiet)
QUIET = [
    ("lbws-request-scaling", LBWS + "count:\n  range: 1-3\n  requests: 10\n", "C1"),
    (
        "backend-request-scaling-with-http",
        BACKEND + "http:\n  path: /\ncount:\n  range: 1-3\n  requests: 10\n",
        "C1",
    ),
    ("nlb-only-cpu-scaling", NLB_ONLY + "count:\n  range: 1-3\n  cpu_percentage: 70\n", "C1"),
    (
        "worker-queue-delay",
        WORKER
        + "count:\n  range: 1-3\n  queue_delay:\n    acceptable_latency: 1m\n    msg_processing_time: 1m\n",
        "C2",
    ),
    ("count-integer", WORKER + "count: 2\n", "C2"),
    ("spot-alone", WORKER + "count:\n  spot: 2\n", "C3"),
    # A type error inside the count map is swallowed: the field is left unset (copilot-oracle: ok).
    (
        "queue-delay-string-is-unset",
        BACKEND + "count:\n  range: 1-4\n  cpu_percentage: 70\n  queue_delay: soon\n",
        "C2",
    ),
    (
        "spot-from",
        LBWS + "count:\n  range:\n    min: 1\n    max: 4\n    spot_from: 2\n  cpu_percentage: 50\n",
        "C3",
    ),
    ("range-equal", WORKER + "count:\n  range: 2-2\n  memory_percentage: 80\n", "C4"),
    ("range-map", BACKEND + "count:\n  range: {min: 0, max: 3}\n  cpu_percentage: 50\n", "C4"),
    (
        "range-map-quoted-min-reads-0",
        WORKER + 'count:\n  range:\n    min: "5"\n    max: 3\n  cpu_percentage: 50\n',
        "C4",
    ),
    (  # accepted for T=500ms: the value is known only at deploy time
        "queue-delay-variable",
        WORKER
        + 'count:\n  range: 1-3\n  queue_delay:\n    acceptable_latency: 1s\n    msg_processing_time: "${T}"\n',
        "C6",
    ),
    (
        "range-and-metric",
        WORKER + "count:\n  range: 1-3\n  cpu_percentage:\n    value: 50\n    cooldown:\n      in: 30s\n",
        "C5",
    ),
    (
        "cooldown-with-metric",
        BACKEND + "count:\n  range: 1-3\n  cooldown:\n    out: 1m\n  memory_percentage: 60\n",
        "C5",
    ),
    (
        "queue-delay-equal",
        WORKER
        + "count:\n  range: 1-3\n  queue_delay:\n    acceptable_latency: 1m\n    msg_processing_time: 60s\n",
        "C6",
    ),
    (
        "queue-delay-fractions",
        WORKER
        + "count:\n  range: 1-3\n  queue_delay:\n    acceptable_latency: 1.5s\n    msg_processing_time: 1500ms\n",
        "C6",
    ),
]


@pytest.mark.parametrize(("text", "code", "copilot", "where"), cases(REPORTS))
def test_reports(text: str, code: str, copilot: str, where: str) -> None:
    assert_copilot(text, code, copilot, where)


@pytest.mark.parametrize(("text", "code"), cases(QUIET))
def test_quiet(text: str, code: str) -> None:
    assert_quiet(text, code)


def test_spot_only_in_one_environment_names_it() -> None:
    text = (
        WORKER
        + "count:\n  range: 1-3\n  cpu_percentage: 50\nenvironments:\n  test:\n    count:\n      spot: 1\n"
    )
    # Copilot clears the autoscaling fields when an override sets spot: no problem anywhere.
    assert findings(text, "C3") == []
    text = WORKER + "count:\n  spot: 1\nenvironments:\n  prod:\n    count:\n      range: 1-3\n"
    [finding] = findings(text, "C5")
    assert finding.message.startswith(
        f"in environment 'prod': validate \"count\": must specify at least one of {WORKER_METRICS}"
    )
