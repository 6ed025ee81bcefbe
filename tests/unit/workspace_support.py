"""Small Copilot workspaces written under a test's tmp_path."""

from __future__ import annotations

import textwrap
from pathlib import Path

from sidecar_lsp.core.check.analyze import Options, analyze
from sidecar_lsp.core.model import Finding
from sidecar_lsp.core.workspace.model import Workspace
from sidecar_lsp.core.workspace.rules import findings_in_workspace
from sidecar_lsp.core.workspace.scan import scan

ENV = "name: {name}\ntype: Environment\n"
SERVICE = """\
name: {name}
type: Backend Service
image:
  location: nginx
  port: 80
"""


def write_workspace(base: Path, files: dict[str, str], app: str = "shop") -> Path:
    """``copilot/.workspace`` plus ``files`` (paths under ``copilot/``); returns the copilot folder."""
    root = base / "copilot"
    root.mkdir(parents=True, exist_ok=True)
    (root / ".workspace").write_text(f"application: {app}\n")
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


def environments(*names: str) -> dict[str, str]:
    return {f"environments/{name}/manifest.yml": ENV.format(name=name) for name in names}


def service(name: str, extra: str = "") -> str:
    return SERVICE.format(name=name) + textwrap.dedent(extra).lstrip("\n")


PUBLISHER = service("api", "publish:\n  topics:\n    - name: orders\n")
"""The Backend Service ``api`` that publishes the topic ``orders``."""


def subscriber(topic: str = "orders", publisher: str = "api") -> str:
    """The Worker Service ``orders-worker`` subscribed to ``topic`` of ``publisher``."""
    return (
        "name: orders-worker\ntype: Worker Service\nimage:\n  location: worker\n"
        f"subscribe:\n  topics:\n    - name: {topic}\n      service: {publisher}\n"
    )


def findings_for(workspace: Workspace, rel: str, code: str | None = None) -> list[Finding]:
    known = workspace.files.get(rel)
    assert known is not None, rel
    own = analyze(known.text, Options(assume_manifest=True)).findings
    found = findings_in_workspace(workspace, rel, own)
    return [f for f in found if code is None or f.code == code]


def checked(base: Path, files: dict[str, str], rel: str, code: str | None = None) -> list[Finding]:
    return findings_for(scan(write_workspace(base, files)), rel, code)
