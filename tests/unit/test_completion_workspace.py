"""Completion from the workspace: environment names, topics and their publishers, stage names."""

from __future__ import annotations

from manifest_sets import LBWS, WORKER
from sidecar_lsp.core.features.completion import complete
from sidecar_lsp.core.features.workspace_names import WorkspaceNames
from sidecar_lsp.core.model import Pos
from sidecar_lsp.core.schema.store import load_schema

NAMES = WorkspaceNames(
    environments=(("prod", "environments/prod/manifest.yml"), ("test", "environments/test/manifest.yml")),
    topics=(
        ("orders", "api", "api/manifest.yml"),
        ("refunds", "api", "api/manifest.yml"),
        ("ev", "web", "web/manifest.yml"),
    ),
)


def items(text: str, names: WorkspaceNames | None = NAMES) -> list[tuple[str, str, str]]:
    lines = text.split("\n")
    pos = Pos(len(lines) - 1, len(lines[-1]))
    return [(c.label, c.insert_text, c.detail) for c in complete(text, pos, load_schema(), workspace=names)]


def test_environment_names_under_environments_with_their_origin() -> None:
    found = items(LBWS + "environments:\n  prod:\n    count: 2\n  ")
    assert found == [
        ("test", "test:", "environment · copilot/environments/test/manifest.yml")
    ]  # prod is written


def test_without_a_workspace_nothing_is_invented() -> None:
    assert items(LBWS + "environments:\n  ", None) == []


def test_topics_and_publishers_in_subscriptions() -> None:
    text = WORKER + "subscribe:\n  topics:\n    - name: "
    assert items(text) == [
        ("orders", "orders", "topic of api · copilot/api/manifest.yml"),
        ("refunds", "refunds", "topic of api · copilot/api/manifest.yml"),
        ("ev", "ev", "topic of web · copilot/web/manifest.yml"),
    ]
    services = items(WORKER + "subscribe:\n  topics:\n    - name: orders\n      service: ")
    assert services == [
        ("api", "api", "publishes orders, refunds · copilot/api/manifest.yml"),
        ("web", "web", "publishes ev · copilot/web/manifest.yml"),
    ]


def test_pipeline_stage_names_are_environments() -> None:
    text = "name: p\nversion: 1\nsource:\n  provider: GitHub\n  properties:\n    repository: r\nstages:\n  - name: "
    assert [label for label, _, _ in items(text)] == ["prod", "test"]
