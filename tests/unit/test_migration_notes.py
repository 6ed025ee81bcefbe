"""Migration notes (core/manifest/migration_notes*.py and ``render --notes``): what a manifest configures
that its task definition does not carry, each at the line that sets it in that environment."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pytest

from sidecar_lsp.cli.render import main_render
from sidecar_lsp.core.manifest.migration_notes import TOPICS, migration_notes, notes_json, notes_text


def _yaml(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def _line(text: str, fragment: str, after: int = 0) -> int:
    """The 1-based line of the first line holding ``fragment`` (after line ``after``)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if number > after and fragment in line:
            return number
    raise AssertionError(f"{fragment!r} is not in the text")


SERVICE = _yaml("""
    name: api
    type: Load Balanced Web Service
    image:
      build: api/Dockerfile
      port: 8080
    http:
      path: api
      healthcheck:
        path: /healthz
      alias: api.example.com
    count:
      range: 1-4
      cpu_percentage: 70
    exec: true
    secrets:
      DB_PASSWORD: /copilot/shop/prod/secrets/db
      TOKEN:
        secretsmanager: shop/token
    env_file: api.env
    network:
      connect: true
    publish:
      topics:
        - name: orders
    storage:
      volumes:
        assets:
          path: /assets
          efs: true
        shared:
          path: /shared
          efs:
            id: fs-1234
    logging:
      retention: 14
      destination:
        Name: cloudwatch
      secretOptions:
        LOG_KEY: /copilot/log-key
    sidecars:
      proxy:
        image:
          build: proxy/Dockerfile
        env_file: proxy.env
        secrets:
          PROXY_SECRET: arn:aws:secretsmanager:us-west-2:123456789012:secret:proxy
    environments:
      prod:
        count: 5
        http:
          healthcheck: /ready
""")

# (field, topic, the line's fragment, a word of the note): each must be listed for 'prod'.
SERVICE_NOTES = [
    ("type", "ECS service", "type: Load Balanced", "ECS service"),
    ("count", "ECS service", "count: 5", "desired count: 5"),
    ("exec", "ECS service", "exec: true", "enableExecuteCommand"),
    ("http.path", "load balancers", "path: api", "listener rule"),
    ("http.healthcheck", "load balancers", "healthcheck: /ready", "/ready"),
    ("http.alias", "load balancers", "alias: api", "api.example.com"),
    ("name", "service discovery and Service Connect", "name: api", "api.prod.shop.local"),
    ("network.connect", "service discovery and Service Connect", "connect: true", "Service Connect"),
    ("publish.topics[0]", "topics, queues and subscriptions", "- name: orders", "SNS topic"),
    ("secrets.DB_PASSWORD", "IAM permissions", "DB_PASSWORD:", "ssm:GetParameters"),
    ("secrets.TOKEN", "IAM permissions", "TOKEN:", "secretsmanager:GetSecretValue on the secret shop/token"),
    ("logging.secretOptions.LOG_KEY", "IAM permissions", "LOG_KEY:", "firelens_log_router"),
    (
        "sidecars.proxy.secrets.PROXY_SECRET",
        "IAM permissions",
        "PROXY_SECRET:",
        "secretsmanager:GetSecretValue",
    ),
    ("logging.destination", "IAM permissions", "destination:", "logs:PutLogEvents"),
    ("env_file", "env files", "env_file: api.env", "S3 bucket"),
    ("sidecars.proxy.env_file", "env files", "env_file: proxy.env", "proxy: Copilot uploads proxy.env"),
    ("storage.volumes.assets.efs", "storage", "efs: true", "managed EFS file system"),
    ("storage.volumes.shared.efs", "storage", "efs:\n", "elasticfilesystem:ClientMount"),
    ("logging.retention", "logs", "retention: 14", "/copilot/shop-prod-api with a retention of 14 days"),
    ("image.build", "images", "build: api/Dockerfile", "--image api=URI"),
    ("sidecars.proxy.image.build", "images", "build: proxy/Dockerfile", "--image proxy=URI"),
]


@pytest.mark.parametrize(
    ("field", "topic", "fragment", "words"), SERVICE_NOTES, ids=[n[0] for n in SERVICE_NOTES]
)
def test_each_part_outside_the_task_definition_is_listed_at_its_line(
    field: str, topic: str, fragment: str, words: str
) -> None:
    notes = {note.field: note for note in migration_notes(SERVICE, "prod", "shop").notes}
    assert field in notes, sorted(notes)
    note = notes[field]
    # The override's line when prod sets the value (count, healthcheck), else the base's.
    after = _line(SERVICE, "environments:") if fragment in ("count: 5", "healthcheck: /ready") else 0
    line = SERVICE.splitlines()
    expected = (
        _line(SERVICE, "efs:", _line(SERVICE, "shared:"))
        if fragment == "efs:\n"
        else _line(SERVICE, fragment, after)
    )
    assert (note.topic, note.line) == (topic, expected), line[(note.line or 1) - 1]
    assert words in note.note


def test_the_base_is_listed_where_no_override_sets_a_value() -> None:
    notes = {note.field: note for note in migration_notes(SERVICE, "test", "shop").notes}
    assert notes["count.range"].line == _line(SERVICE, "range: 1-4")
    assert notes["count.cpu_percentage"].line == _line(SERVICE, "cpu_percentage: 70")
    assert "count" not in notes
    assert notes["http.healthcheck"].line == _line(SERVICE, "healthcheck:")
    assert "api.test.shop.local" in notes["name"].note


def test_notes_come_in_topic_order_then_by_line() -> None:
    notes = migration_notes(SERVICE, "prod", "shop").notes
    ranks = [(TOPICS.index(note.topic), note.line or 0) for note in notes]
    assert ranks == sorted(ranks)


WORKLOADS = [
    (
        "worker",
        """
        name: orders
        type: Worker Service
        image:
          location: orders:1
        subscribe:
          queue:
            dead_letter:
              tries: 3
          topics:
            - name: placed
              service: api
              filter_policy:
                store: [a]
        deployment:
          rolling: recreate
        """,
        [("subscribe.queue", "queue:"), ("subscribe.topics[0]", "- name: placed"), ("deployment.rolling", "rolling:"),
         ("count", "type: Worker")],
        ["service discovery and Service Connect", "load balancers"],
    ),
    (
        "job",
        """
        name: report
        type: Scheduled Job
        image:
          location: report:1
        on:
          schedule: "@daily"
        retries: 3
        timeout: 1h
        taskdef_overrides:
          - path: ContainerDefinitions[0].Ulimits[-]
            value:
              Name: nofile
        """,
        [("type", "type: Scheduled"), ("on.schedule", "schedule:"), ("retries", "retries: 3"),
         ("timeout", "timeout: 1h"), ("taskdef_overrides[0]", "- path:")],
        ["count", "service discovery and Service Connect"],
    ),
    (
        "backend without http",
        """
        name: cache
        type: Backend Service
        image:
          location: redis:7
          port: 6379
        count: 2
        network:
          vpc:
            placement: private
        observability:
          tracing: awsxray
        """,
        [("count", "count: 2"), ("name", "name: cache"), ("network.vpc.placement", "placement:"),
         ("observability.tracing", "tracing:")],
        ["load balancers", "exec"],
    ),
    (
        "nlb",
        """
        name: tcp
        type: Load Balanced Web Service
        image:
          location: tcp:1
          port: 9000
        http: false
        nlb:
          port: 9000/tcp
          healthcheck:
            port: 9001
          additional_listeners:
            - port: 9002/tcp
        """,
        [("nlb.port", "port: 9000/tcp"), ("nlb.healthcheck", "healthcheck:"), ("nlb.additional_listeners[0]", "- port: 9002")],
        ["http", "http.path"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "present", "absent"), [w[1:] for w in WORKLOADS], ids=[w[0] for w in WORKLOADS]
)
# absent: fields or topics
def test_each_workload_type_lists_its_own_parts(
    text: str, present: list[tuple[str, str]], absent: list[str]
) -> None:
    text = _yaml(text)
    notes = {note.field: note for note in migration_notes(text, "test", "shop").notes}
    for field, fragment in present:
        assert field in notes, (field, sorted(notes))
        assert notes[field].line == _line(text, fragment), field
    topics = {note.topic for note in notes.values()}
    assert not set(absent) & (set(notes) | topics), "a field or topic this workload does not have"


def test_a_taskdef_override_is_listed_although_the_task_definition_refuses_it() -> None:
    text = _yaml(WORKLOADS[1][1])
    (override,) = [n for n in migration_notes(text, "test", "shop").notes if n.topic == "taskdef_overrides"]
    assert "not applied" in override.note and "ContainerDefinitions[0].Ulimits[-]" in override.note


def test_addons_are_listed_without_a_line_from_the_files_the_shell_found() -> None:
    notes = migration_notes(SERVICE, "prod", "shop", ["ddb.yml", "policy.yml"]).notes
    (addons,) = [n for n in notes if n.topic == "addons"]
    assert (addons.line, addons.field) == (None, "copilot/api/addons/")
    assert "2 files (ddb.yml, policy.yml)" in addons.note
    assert not [n for n in migration_notes(SERVICE, "prod", "shop").notes if n.topic == "addons"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name: web\ntype: Request-Driven Web Service\n", "runs no ECS task definition"),
        ("name: site\ntype: Static Site\n", "runs no ECS task definition"),
        ("type: Environment\n", "not a Copilot workload manifest"),
        ("- a list\n", "not a Copilot workload manifest"),
        ("name: [unclosed\ntype: Worker Service\n", "not a Copilot workload manifest"),
        ("", "not a Copilot workload manifest"),
    ],
)
def test_what_has_no_task_definition_has_a_problem_instead_of_notes(text: str, problem: str) -> None:
    result = migration_notes(text, "test", "shop")
    assert result.notes == [] and result.problem is not None and problem in result.problem


@pytest.mark.parametrize(
    "text",
    [
        "name: x\ntype: Backend Service\ncount: {range: [1]}\nhttp: [1]\nsecrets: [a]\nsidecars: 3\n",
        "name: x\ntype: Worker Service\nsubscribe: {topics: 5, queue: ~}\npublish: {topics: [~, 3]}\n",
        "name: x\ntype: Load Balanced Web Service\nnlb: {additional_listeners: x}\nstorage: {volumes: {v: {efs: ~}}}\n",
        "type: Scheduled Job\non: 1\ntaskdef_overrides: [1, {path: ~}]\nlogging: 1\n",
    ],
)
def test_odd_shapes_give_notes_and_never_raise(text: str) -> None:
    result = migration_notes(text, "test", "shop")
    assert result.problem is None and result.notes


def test_the_text_lists_one_note_a_line_under_its_topic() -> None:
    text = _yaml("""
        name: api
        type: Backend Service
        image:
          location: nginx
        count: 2
    """)
    shown = notes_text([migration_notes(text, "prod", "shop")], "copilot/api/manifest.yml")
    lines = shown.splitlines()
    assert (
        lines[0]
        == "## copilot/api/manifest.yml in environment 'prod': what the task definition does not carry"
    )
    assert lines[2] == "ECS service"
    assert lines[4].split() == ["line", "5", "count", "the", "service's", "desired", "count:", "2"]
    assert lines[-1] == "4 notes"
    assert [line for line in lines if line and not line.startswith((" ", "#")) and "notes" not in line] == [
        "ECS service", "service discovery and Service Connect", "logs",
    ]  # fmt: skip


def test_the_json_holds_every_note_as_data() -> None:
    result = migration_notes(SERVICE, "prod", "shop")
    data = json.loads(json.dumps(notes_json([result], "m.yml")))
    assert data[0]["environment"] == "prod" and data[0]["file"] == "m.yml"
    assert [(n["topic"], n["line"], n["field"], n["note"]) for n in data[0]["notes"]] == [
        (n.topic, n.line, n.field, n.note) for n in result.notes
    ]


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main_render(argv, out, err)
    return status, out.getvalue(), err.getvalue()


def test_render_notes_lists_every_environment_or_the_one_asked(tmp_path: Path) -> None:
    manifest = tmp_path / "copilot" / "api" / "manifest.yml"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(SERVICE, encoding="utf-8")
    (manifest.parent / "addons").mkdir()
    (manifest.parent / "addons" / "table.yml").write_text("Resources: {}\n", encoding="utf-8")
    status, out, err = _run(["--notes", "--app", "shop", str(manifest)])
    assert (status, err) == (0, "")
    assert out.count("## ") == 1 and "in environment 'prod'" in out
    assert "1 file (table.yml)" in out
    status, out, _ = _run(
        ["--task-definition", "--notes", "--env", "test", "--format", "json", str(manifest)]
    )
    assert status == 0
    (section,) = json.loads(out)
    assert section["environment"] == "test"
    assert any(note["field"] == "count.range" for note in section["notes"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--notes", "--format", "register"], "--notes prints text or json"),
        (["--notes", "--containers"], "not --containers"),
        (["--task-definition", "--env", "prod", "--format", "json"], "goes with --notes"),
    ],
)
def test_render_notes_usage_errors_exit_2(tmp_path: Path, argv: list[str], message: str) -> None:
    manifest = tmp_path / "manifest.yml"
    manifest.write_text(SERVICE, encoding="utf-8")
    status, out, err = _run([*argv, str(manifest)])
    assert (status, out) == (2, "") and message in err


def test_render_notes_on_a_workload_without_a_task_definition_exits_1(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.yml"
    manifest.write_text("name: web\ntype: Request-Driven Web Service\n", encoding="utf-8")
    status, out, err = _run(["--notes", "--env", "test", str(manifest)])
    assert (status, out) == (1, "") and "runs no ECS task definition" in err


def test_a_log_group_without_retention_gets_the_schema_default() -> None:
    from sidecar_lsp.core.schema.store import load_schema

    text = _yaml("""
        name: api
        type: Backend Service
        image:
          location: nginx
          port: 80
    """)
    default = load_schema()["definitions"]["logging"]["properties"]["retention"]["default"]
    logs = [note.note for note in migration_notes(text, "prod", "shop").notes if note.topic == "logs"]
    assert logs == [
        f"Copilot creates the log group /copilot/shop-prod-api with a retention of {default} days "
        "(Copilot's default): create it before the first task starts"
    ]
