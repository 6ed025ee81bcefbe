"""Topic and queue rules Q1-Q3, task definition overrides O5, the job schedule J1 and the Static Site
certificate F1-F2: one row per case, each verdict Copilot v1.34.1's own."""

from __future__ import annotations

import pytest
from test_rules_support import assert_copilot, assert_quiet, cases, findings

from manifest_sets import BACKEND_IMAGE, JOB, STATIC_SITE, WORKER

SERVICE_NAME = (
    "service name must start with a letter, contain only lower-case letters, numbers, and hyphens, and have no "
    "consecutive or trailing hyphen"
)
US_EAST_1 = "arn:aws:acm:us-east-1:123456789012:certificate/abc"

# (id, manifest, code, Copilot's message, where)
REPORTS = [
    (
        "camel-case-service",
        WORKER + "subscribe:\n  topics:\n    - name: t1\n      service: eventsService\n",
        "Q1",
        f'validate "subscribe": validate "topics[0]": {SERVICE_NAME}',
        "eventsService",
    ),
    (
        "double-hyphen-service",
        WORKER
        + "subscribe:\n  topics:\n    - name: t1\n      service: api\n    - name: t2\n      service: my--api\n",
        "Q1",
        f'validate "subscribe": validate "topics[1]": {SERVICE_NAME}',
        "my--api",
    ),
    (
        "trailing-hyphen-service",
        WORKER + "subscribe:\n  topics:\n    - name: t1\n      service: api-\n",
        "Q1",
        f'validate "subscribe": validate "topics[0]": {SERVICE_NAME}',
        "api-",
    ),
    (
        "digit-first-service",
        WORKER + "subscribe:\n  topics:\n    - name: t1\n      service: 1api\n",
        "Q1",
        f'validate "subscribe": validate "topics[0]": {SERVICE_NAME}',
        "1api",
    ),
    (
        "empty-service",
        WORKER + "subscribe:\n  topics:\n    - name: t1\n      service: ''\n",
        "Q1",
        'validate "subscribe": validate "topics[0]": "service" must be specified',
        "''",
    ),
    (
        "empty-publish-topic-name",
        BACKEND_IMAGE + "publish:\n  topics:\n    - name: ''\n",
        "Q2",
        'validate "publish": validate "topics[0]": "name" must be specified',
        "''",
    ),
    (
        "high-throughput-and-limit",
        WORKER
        + "subscribe:\n  queue:\n    fifo:\n      high_throughput: true\n      throughput_limit: perQueue\n",
        "Q3",
        'validate "subscribe": validate "queue": must specify one, not both, of "high_throughput" and '
        '"throughput_limit"',
        "high_throughput",
    ),
    (
        "topic-queue-high-throughput-and-scope",
        WORKER + "subscribe:\n  topics:\n    - name: t1\n      service: api\n      queue:\n        fifo:\n"
        "          high_throughput: false\n          deduplication_scope: queue\n",
        "Q3",
        'validate "subscribe": validate "topics[0]": validate "queue": must specify one, not both, of '
        '"high_throughput" and "deduplication_scope"',
        "high_throughput",
    ),
    (
        "queue-scope-per-group",
        WORKER + "subscribe:\n  queue:\n    fifo:\n      deduplication_scope: queue\n"
        "      throughput_limit: perMessageGroupId\n",
        "Q3",
        'validate "subscribe": validate "queue": "throughput_limit" must be set to "perQueue" when '
        '"deduplication_scope" is set to "queue"',
        "perMessageGroupId",
    ),
    (
        "queue-scope-list-dropped",
        WORKER + "subscribe:\n  queue:\n    fifo:\n      content_based_deduplication: true\n"
        "      deduplication_scope: []\n",
        "Q4",
        'validate "subscribe": validate "queue": validate "deduplication_scope": deduplication scope value must be '
        "one of messageGroup or queue",
        "[]",
    ),
    (
        "topic-queue-limit-map-dropped",
        WORKER + "subscribe:\n  topics:\n    - name: t1\n      service: api\n      queue:\n        fifo:\n"
        "          throughput_limit: {}\n",
        "Q4",
        'validate "subscribe": validate "topics[0]": validate "queue": validate "throughput_limit": fifo '
        "throughput limit value must be one of perMessageGroupId or perQueue",
        "{}",
    ),
    (
        "override-family",
        BACKEND_IMAGE + "taskdef_overrides:\n  - path: Family\n    value: x\n",
        "O5",
        'validate "taskdef_overrides[0]": "Family" cannot be overridden with a custom value',
        "Family",
    ),
    (
        "override-container-name",
        JOB + "on:\n  schedule: '@daily'\ntaskdef_overrides:\n  - path: Ulimits\n    value: []\n"
        "  - path: ContainerDefinitions[1].Name\n    value: x\n",
        "O5",
        'validate "taskdef_overrides[1]": "ContainerDefinitions\\[\\d+\\].Name" cannot be overridden with a custom '
        "value",
        "ContainerDefinitions[1].Name",
    ),
    ("on-without-schedule", JOB + "on: {}\n", "J1", 'validate "on": "schedule" must be specified', ("on", 2)),
    ("on-null", JOB + "on:\n", "J1", 'validate "on": "schedule" must be specified', ("on", 2)),
    ("on-missing", JOB, "J1", 'validate "on": "schedule" must be specified', "Scheduled Job"),
    (
        "certificate-without-alias",
        STATIC_SITE + f"http:\n  certificate: {US_EAST_1}\n",
        "F1",
        'validate "http": "alias" must be specified if "certificate" is specified',
        "certificate",
    ),
    (
        "certificate-not-an-arn",
        STATIC_SITE + "http:\n  alias: example.com\n  certificate: my-cert\n",
        "F2",
        'validate "http": parse cdn certificate: arn: invalid prefix',
        "my-cert",
    ),
    (
        "certificate-wrong-region",
        STATIC_SITE
        + "http:\n  alias: example.com\n  certificate: arn:aws:acm:us-west-2:123456789012:certificate/abc\n",
        "F2",
        'validate "http": cdn certificate must be in region us-east-1',
        "arn:aws:acm:us-west-2:123456789012:certificate/abc",
    ),
]

# (id, manifest Copilot accepts, code that must stay quiet)
QUIET = [
    (
        "queue-scope-word",
        WORKER + "subscribe:\n  queue:\n    fifo:\n      deduplication_scope: messageGroup\n",
        "Q4",
    ),
    (
        "valid-service-names",
        WORKER
        + "subscribe:\n  topics:\n    - name: t1\n      service: api\n    - name: t2\n      service: my-api-2\n",
        "Q1",
    ),
    (
        "service-variable",
        WORKER + "subscribe:\n  topics:\n    - name: t1\n      service: ${PUBLISHER}\n",
        "Q1",
    ),
    ("topic-names", BACKEND_IMAGE + "publish:\n  topics:\n    - name: my_topic-1\n", "Q2"),
    (
        "high-throughput-alone",
        WORKER + "subscribe:\n  queue:\n    fifo:\n      high_throughput: true\n",
        "Q3",
    ),
    (
        "queue-scope-per-queue",
        WORKER
        + "subscribe:\n  queue:\n    fifo:\n      deduplication_scope: queue\n      throughput_limit: perQueue\n",
        "Q3",
    ),
    (
        "fifo-true",
        WORKER
        + "subscribe:\n  topics:\n    - name: t1\n      service: api\n      queue:\n        fifo: true\n",
        "Q3",
    ),
    (
        "override-other-paths",
        BACKEND_IMAGE
        + "taskdef_overrides:\n  - path: ContainerDefinitions[0].Ulimits[-]\n    value: {Name: nofile}\n  - path: FamilyName\n    value: x\n",
        "O5",
    ),
    ("schedule", JOB + "on:\n  schedule: '@daily'\n", "J1"),
    (
        "certificate-and-alias",
        STATIC_SITE + f"http:\n  alias: example.com\n  certificate: {US_EAST_1}\n",
        "F1",
    ),
    (
        "certificate-us-east-1",
        STATIC_SITE + f"http:\n  alias: example.com\n  certificate: {US_EAST_1}\n",
        "F2",
    ),
    ("certificate-variable", STATIC_SITE + "http:\n  alias: example.com\n  certificate: ${CERT_ARN}\n", "F2"),
]


@pytest.mark.parametrize(("text", "code", "copilot", "where"), cases(REPORTS))
def test_reports(text: str, code: str, copilot: str, where: str | tuple[str, int]) -> None:
    assert_copilot(text, code, copilot, where)


@pytest.mark.parametrize(("text", "code"), cases(QUIET))
def test_quiet(text: str, code: str) -> None:
    assert_quiet(text, code)


def test_bad_service_name_only_in_one_environment_names_it() -> None:
    text = (
        WORKER + "subscribe:\n  topics:\n    - name: t1\n      service: api\n"
        "environments:\n  prod:\n    subscribe:\n      topics:\n        - name: t1\n          service: Api\n"
    )
    [finding] = findings(text, "Q1")
    assert finding.message.startswith(
        f'in environment \'prod\': validate "subscribe": validate "topics[0]": {SERVICE_NAME}; '
    )
