"""VS Code (code-server) shows the "show merged" code lens and opens the rendering; F12 leads back.

Uses the code-server of ``test_vscode.py`` (same vsix, same PATH) on a workspace written under a
temporary folder, and drives it with ``vscode/merged.js``. With ``SIDECAR_UPDATE_SCREENSHOTS=1``
the pictures go to ``docs/images/vscode-codelens.png`` and ``vscode-merged.png``.
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

MERGED_JS = Path(__file__).resolve().parent / "vscode" / "merged.js"
API = service(
    "api",
    """
    count: 1
    variables:
      STAGE: ${COPILOT_ENVIRONMENT_NAME}
    sidecars:
      proxy:
        image: envoy:v1
        port: 9901
    environments:
      prod:
        count: 3
        variables:
          STAGE: production
        sidecars:
          proxy:
            image: envoy:v2
    """,
)


@pytest.fixture(scope="module")
def merged_session(
    code_server_running: CodeServer,  # noqa: F811  (the fixture of test_vscode.py, imported above)
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("merged-workspace")
    write_workspace(folder, {**environments("prod", "test"), "api/manifest.yml": API}, app="shop")
    SHOTS.mkdir(parents=True, exist_ok=True)
    options = {
        "base": code_server_running.url,
        "folder": str(folder),
        "file": "copilot/api/manifest.yml",
        "lens": "prod · 3 overrides · show merged",
        "expectHeader": "as environment 'prod' of application 'shop'",
        "definitionFrom": "envoy:v2",
        "lensScreenshot": str(SHOTS / "vscode-codelens.png"),
        "mergedScreenshot": str(SHOTS / "vscode-merged.png"),
        "failureScreenshot": str(code_server_running.root / "failure-merged.png"),
        "chromium": str(CHROMIUM),
    }
    return drive(MERGED_JS, options, code_server_running)


def test_the_code_lens_is_shown_on_each_environment(merged_session: dict[str, Any]) -> None:
    lenses = " ".join(merged_session["lenses"])
    assert "prod · 3 overrides · show merged" in lenses


def test_clicking_it_opens_the_rendering(merged_session: dict[str, Any]) -> None:
    text = merged_session["mergedLines"].replace("\u00a0", " ")
    assert "image: envoy:v2  # environments.prod, line" in text
    assert "STAGE: production  # environments.prod, line" in text
    assert (SHOTS / "vscode-merged.png").stat().st_size > 10_000


def test_go_to_definition_in_the_rendering_lands_on_the_override(merged_session: dict[str, Any]) -> None:
    line = API.split("\n").index("        image: envoy:v2") + 1
    assert f"Ln {line}," in merged_session["definitionStatus"], merged_session["definitionStatus"]
