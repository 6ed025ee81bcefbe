"""VS Code (code-server) shows what each environment gets where the user types: the inlay hints at
base values and overrides, and the hover's table of a field in the base and every environment; Go to
Symbol in Workspace finds a sidecar.

Uses the code-server of ``test_vscode.py`` (same vsix, same PATH) on a workspace written under a
temporary folder (environments ``prod`` and ``staging``), and drives it with ``vscode/environments.js``.
With ``SIDECAR_UPDATE_SCREENSHOTS=1`` the pictures go to ``docs/images/inlay-hints.png`` and
``hover-environments.png`` (otherwise to the scratch folder).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from test_vscode import CHROMIUM, SHOTS, CodeServer, code_server_running, drive  # noqa: F401

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from workspace_support import environments, service, write_workspace  # noqa: E402

pytestmark = [pytest.mark.clients, pytest.mark.slow]

ENVIRONMENTS_JS = Path(__file__).resolve().parent / "vscode" / "environments.js"
INLAY_SCREENSHOT = SHOTS / "inlay-hints.png"
HOVER_SCREENSHOT = SHOTS / "hover-environments.png"
API = service(
    "api",
    """
    cpu: 256
    count: 1
    variables:
      LOG_LEVEL: debug
    sidecars:
      otel:
        image: amazon/aws-otel-collector:v0.40
    environments:
      prod:
        cpu: 1024
        count: 4
        variables:
          LOG_LEVEL: warn
      staging:
        count: 2
    """,
).replace("  port: 80\n", "  port: 80\n  depends_on:\n    otel: start\n")


@pytest.fixture(scope="module")
def session(
    code_server_running: CodeServer,  # noqa: F811  (the fixture of test_vscode.py, imported above)
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("environments-workspace")
    write_workspace(folder, {**environments("prod", "staging"), "api/manifest.yml": API}, app="shop")
    SHOTS.mkdir(parents=True, exist_ok=True)
    options = {
        "base": code_server_running.url,
        "folder": str(folder),
        "file": "copilot/api/manifest.yml",
        "waitFor": "prod: 4 · staging: 2",
        "hoverLine": "cpu: 256",
        "hoverTitle": "In each environment",
        "symbolQuery": "otel",
        "symbolContainer": "sidecar of api",
        "inlayScreenshot": str(INLAY_SCREENSHOT),
        "hoverScreenshot": str(HOVER_SCREENSHOT),
        "failureScreenshot": str(code_server_running.root / "failure-environments.png"),
        "chromium": str(CHROMIUM),
    }
    return drive(ENVIRONMENTS_JS, options, code_server_running)


def hints_at(session: dict[str, Any], written: str) -> list[str]:
    """The hints drawn on the editor line whose text is ``written``; each must follow the whole text
    (the value it is about)."""
    found = [line for line in session["lines"] if line["text"] == written]
    assert found, f"no line {written!r} among {[line['text'] for line in session['lines']]}"
    hints = found[0]["hints"]
    assert all(hint["at"] == len(written) for hint in hints), hints
    return [hint["label"] for hint in hints]


def test_inlay_hints_show_each_environment_s_value_at_the_base(session: dict[str, Any]) -> None:
    assert hints_at(session, "cpu: 256") == ["prod: 1024"]
    assert hints_at(session, "count: 1") == ["prod: 4 · staging: 2"]
    assert hints_at(session, "  LOG_LEVEL: debug") == ["prod: warn"]
    assert INLAY_SCREENSHOT.stat().st_size > 10_000


def test_inlay_hints_show_the_base_value_at_each_override(session: dict[str, Any]) -> None:
    assert hints_at(session, "    cpu: 1024") == ["base: 256"]
    assert hints_at(session, "    count: 4") == ["base: 1"]
    assert hints_at(session, "    count: 2") == ["base: 1"]
    assert hints_at(session, "      LOG_LEVEL: warn") == ["base: debug"]


def test_an_inlay_hint_shows_a_default_the_rules_read(session: dict[str, Any]) -> None:
    assert hints_at(session, "  otel:") == ["essential: true (default)"]
    assert hints_at(session, "    image: amazon/aws-otel-collector:v0.40") == []


def test_hover_lists_the_base_and_every_environment(session: dict[str, Any]) -> None:
    rows = {row[0]: row[1:] for row in session["hoverRows"] if row}
    lines = API.split("\n")
    base, prod = lines.index("cpu: 256") + 1, lines.index("    cpu: 1024") + 1
    assert rows["base"] == ["256", f"line {base}"]
    assert rows["prod"] == ["1024", f"line {prod}"]
    assert rows["staging"] == ["256", f"line {base}"]
    assert all(link.endswith((f"#L{base}", f"#L{prod}")) for link in session["hoverLinks"])
    assert len(session["hoverLinks"]) == 3
    assert HOVER_SCREENSHOT.stat().st_size > 10_000


def test_go_to_symbol_in_workspace_finds_the_sidecar(session: dict[str, Any]) -> None:
    assert any("otel" in row and "sidecar of api" in row for row in session["symbols"]), session["symbols"]
    line = API.split("\n").index("  otel:") + 1
    assert f"Ln {line}, Col 3" in session["symbolStatus"], session["symbolStatus"]
