"""The containers of a task (core/manifest/task.py): one answer that hover, completion and the rules share."""

from __future__ import annotations

import pytest
from oracle_support import verdicts

from sidecar_lsp.core.features.completion import complete
from sidecar_lsp.core.features.hover import hover
from sidecar_lsp.core.manifest.task import (
    FIRELENS_CONTAINER,
    OTEL_CONTAINER,
    describe_task,
    environment_view,
    start_order,
    task_containers,
)
from sidecar_lsp.core.model import Pos
from sidecar_lsp.core.rules import run_rules
from sidecar_lsp.core.schema.index import SchemaIndex
from sidecar_lsp.core.schema.store import load_schema
from sidecar_lsp.core.yaml.tree import Mapping, parse

DEPENDS_ON_FIRELENS = """name: api
type: Backend Service
image:
  location: nginx
  port: 80
  depends_on:
    firelens_log_router: start
logging:
{logging}
"""

RETENTION_ONLY = "  retention: 30"
WITH_IMAGE = "  retention: 30\n  image: fluent"


@pytest.fixture(scope="module")
def index() -> SchemaIndex:
    return SchemaIndex(load_schema())


def _answers(text: str, index: SchemaIndex) -> tuple[bool, bool, bool]:
    """Does FireLens exist, according to hover, the rule D1 and completion?"""
    document = parse(text)
    line = text.split("\n").index("    firelens_log_router: start")
    shown = hover(document, Pos(line, 6), index)
    assert shown is not None
    hover_says = "no container named" not in shown.markdown
    rule_says = not any(f.code == "D1" for f in run_rules(document))
    typed = text.replace("    firelens_log_router: start", "    ")
    candidates = complete(typed, Pos(line, 4), index, parse(typed))
    completion_says = FIRELENS_CONTAINER in [c.label for c in candidates]
    return hover_says, rule_says, completion_says


@pytest.mark.parametrize(
    ("logging", "exists"),
    [(RETENTION_ONLY, False), (WITH_IMAGE, True), ("  retention: 30\n  unknown_key: x", False)],
    ids=["retention only", "retention and image", "retention and an unknown key"],
)
def test_hover_rules_and_completion_agree_whether_firelens_exists(
    logging: str, exists: bool, index: SchemaIndex
) -> None:
    # Before core/manifest/task.py, hover said Copilot adds the router for `logging: {retention: 30}` while D1
    # said it does not exist, and completion offered it for any key but retention.
    assert _answers(DEPENDS_ON_FIRELENS.format(logging=logging), index) == (exists, exists, exists)


def test_the_oracle_agrees_firelens_needs_more_than_retention() -> None:
    retention, image = verdicts(
        [DEPENDS_ON_FIRELENS.format(logging=RETENTION_ONLY), DEPENDS_ON_FIRELENS.format(logging=WITH_IMAGE)]
    )
    assert "container firelens_log_router does not exist" in retention["error"]
    assert image["stage"] == "ok"


TASK = """name: api
type: Load Balanced Web Service
image:
  location: app
  port: 8080
  depends_on:
    proxy: healthy
observability:
  tracing: awsxray
storage:
  volumes:
    data:
      path: /data
      read_only: true
sidecars:
  proxy:
    image: envoy
    port: 9901
    essential: false
    healthcheck:
      command: [CMD, true]
    depends_on:
      init: success
    mount_points:
      - source_volume: data
        path: /mnt
  init:
    image: busybox
environments:
  prod:
    logging:
      destination:
        Name: cloudwatch
"""


def _view(text: str, env: str | None) -> Mapping:
    root = parse(text).root
    assert isinstance(root, Mapping)
    return environment_view(root, env)


def test_containers_of_the_base_and_of_an_environment() -> None:
    base = task_containers(_view(TASK, None), "Load Balanced Web Service")
    assert [(c.name, c.role, c.essential, c.dependable) for c in base] == [
        ("api", "main", True, True),
        (OTEL_CONTAINER, "xray", True, False),
        ("proxy", "sidecar", False, True),
        ("init", "sidecar", True, True),
    ]
    prod = task_containers(_view(TASK, "prod"), "Load Balanced Web Service")
    assert [c.name for c in prod] == ["api", FIRELENS_CONTAINER, OTEL_CONTAINER, "proxy", "init"]


def test_a_scheduled_job_gets_no_xray_collector() -> None:
    """A Scheduled Job has no ``observability`` (Copilot ignores the key there): tracing adds nothing,
    as copilot-render's job templates show."""
    job = parse(
        "name: report\ntype: Scheduled Job\nimage:\n  location: app\nobservability:\n  tracing: awsxray\n"
    )
    assert isinstance(job.root, Mapping)
    assert [c.role for c in task_containers(environment_view(job.root, None), "Scheduled Job")] == ["main"]
    worker = parse(job.text.replace("Scheduled Job", "Worker Service"))
    assert isinstance(worker.root, Mapping)
    roles = [c.role for c in task_containers(environment_view(worker.root, None), "Worker Service")]
    assert roles == ["main", "xray"]


def test_start_order_follows_depends_on() -> None:
    waves, cycle = start_order(task_containers(_view(TASK, None), "Load Balanced Web Service"))
    assert waves == [[OTEL_CONTAINER, "init"], ["proxy"], ["api"]]
    assert cycle == []


def test_a_cycle_is_named() -> None:
    text = TASK.replace("      init: success", "      api: start")
    waves, cycle = start_order(task_containers(_view(text, None), "Load Balanced Web Service"))
    assert waves == [[OTEL_CONTAINER, "init"]]
    assert cycle == ["api", "proxy"]


def test_description_has_a_row_per_container_and_the_order() -> None:
    text = describe_task(_view(TASK, "prod"), "Load Balanced Web Service")
    assert "| `api (main)` | app | 8080 | yes | data → /data (read-only) | proxy: healthy |" in text
    assert (
        "| `firelens_log_router (added for logging)` | public.ecr.aws/aws-observability/aws-for-fluent-bit"
        in text
    )
    assert "| `proxy` | envoy | 9901 | no | data → /mnt | init: success |" in text
    assert "3. api  ← after proxy" in text


def test_workloads_without_a_task_have_no_containers() -> None:
    view = _view("name: site\ntype: Static Site\n", None)
    assert task_containers(view, "Static Site") == []


def test_hover_on_sidecars_shows_the_containers_in_each_environment(index: SchemaIndex) -> None:
    document = parse(TASK)
    line = TASK.split("\n").index("sidecars:")
    shown = hover(document, Pos(line, 2), index, environments=["prod", "staging"])
    assert shown is not None
    text = shown.markdown
    prod = text.index("*In environment `prod`:*")
    staging = text.index("*In environment `staging` (no override: the base):*")
    assert "firelens_log_router" in text[prod:staging] and "firelens_log_router" not in text[staging:]
    assert "| `proxy` | envoy | 9901 | no | data → /mnt | init: success |" in text[staging:]


def test_hover_on_sidecars_of_a_lone_file_shows_the_base_and_each_override(index: SchemaIndex) -> None:
    line = TASK.split("\n").index("sidecars:")
    shown = hover(parse(TASK), Pos(line, 2), index)
    assert shown is not None
    assert "*In every environment without an override:*" in shown.markdown
    assert "*In environment `prod`:*" in shown.markdown


def test_hover_in_an_override_describes_the_container_as_that_environment_deploys_it(
    index: SchemaIndex,
) -> None:
    text = (
        "name: api\ntype: Backend Service\nimage:\n  location: app\nsidecars:\n  proxy:\n    image: envoy:v1\n"
        "environments:\n  prod:\n    image:\n      depends_on:\n        proxy: start\n"
        "    sidecars:\n      proxy:\n        image: envoy:v2\n"
    )
    line = text.split("\n").index("        proxy: start")
    shown = hover(parse(text), Pos(line, 9), index)
    assert shown is not None
    assert "- image: `envoy:v2`" in shown.markdown
    assert "(line 6)" in shown.markdown  # where the sidecar is defined
