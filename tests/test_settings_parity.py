"""The VS Code extension's settings mirror the server's ``Settings`` dataclass exactly.

``vscode-client/package.json`` (``contributes.configuration``) must list every server setting with the
same type, default, bounds and description, and nothing else except the client-only settings below.
The object the client sends (``initializationOptions`` and the ``workspace/configuration`` answer, see
``vscode-client/src/settings.ts``) must read back as the server's defaults.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from typing import Any

import pytest

from manifest_sets import REPO
from sidecar_lsp.lsp.settings import FIELDS, SECTION, Settings

PACKAGE_JSON = REPO / "vscode-client" / "package.json"
CLIENT_ONLY = {
    "sidecarLsp.server.command": [],
    "sidecarLsp.server.pythonPath": "",
    "sidecarLsp.trace.server": "off",
    "sidecarLsp.schemaDiagnostics": "auto",
}
"""Settings only the extension reads (schemaDiagnostics reaches the server as a resolved boolean)."""
SCHEMA_DIAGNOSTICS_WIRE = "schemaDiagnostics"
RESOLVED_BY_CLIENT = {f"{SECTION}.{SCHEMA_DIAGNOSTICS_WIRE}"}
"""Server settings the extension exposes differently: a tri-state it resolves to the server's boolean."""
MIRRORED = [row for row in FIELDS if row.key not in RESOLVED_BY_CLIENT]


def properties() -> dict[str, dict[str, Any]]:
    package = json.loads(PACKAGE_JSON.read_text())
    props: dict[str, dict[str, Any]] = package["contributes"]["configuration"]["properties"]
    return props


def server_fields() -> dict[str, dataclasses.Field[Any]]:
    return {f"{SECTION}.{f.metadata['wire']}": f for f in dataclasses.fields(Settings)}


def test_settings_parity_same_keys() -> None:
    client = set(properties()) - set(CLIENT_ONLY)
    assert sorted(client) == sorted(row.key for row in MIRRORED)


@pytest.mark.parametrize("row", MIRRORED, ids=[row.key for row in MIRRORED])
def test_settings_parity_type_default_description(row: Any) -> None:
    """Fix a mismatch with `.venv/bin/python vscode-client/scripts/sync_settings.py`."""
    spec = properties()[row.key]
    assert spec["type"] == row.type
    assert spec["default"] == row.default
    assert type(spec["default"]) is type(row.default)
    assert spec.get("markdownDescription", spec.get("description")) == row.description
    metadata = server_fields()[row.key].metadata
    assert spec.get("minimum") == metadata.get("min")
    assert spec.get("maximum") == metadata.get("max")


def test_settings_parity_client_only_settings() -> None:
    props = properties()
    for key, default in CLIENT_ONLY.items():
        assert props[key]["default"] == default, key
    assert props["sidecarLsp.schemaDiagnostics"]["enum"] == ["auto", "on", "off"]


def client_payload(schema_diagnostics: bool = True) -> dict[str, Any]:
    """What ``serverSettings`` in vscode-client/src/settings.ts sends, built from package.json defaults."""
    payload: dict[str, Any] = {}
    for key, spec in properties().items():
        if key in CLIENT_ONLY:
            continue
        node = payload
        *parents, leaf = key.removeprefix(f"{SECTION}.").split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = spec["default"]
    payload[SCHEMA_DIAGNOSTICS_WIRE] = schema_diagnostics
    return payload


SETTINGS_LOGGER = "sidecar_lsp.lsp.settings"


def settings_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage() for r in caplog.records if r.name == SETTINGS_LOGGER and r.levelno >= logging.WARNING
    ]


def test_settings_parity_client_defaults_read_back_as_server_defaults(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A value the server refuses keeps its default, so the settings alone would still compare equal:
    the problems ``Settings.read`` reports (each also logged as a warning) must be none."""
    payload = client_payload()
    with caplog.at_level(logging.WARNING, logger=SETTINGS_LOGGER):
        assert Settings.read(payload) == (Settings(), [])
        assert Settings.read({SECTION: payload}) == (Settings(), [])
    assert settings_warnings(caplog) == []


def test_settings_parity_a_refused_client_value_is_reported_and_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """What the test above looks for: a value of the wrong type is refused, reported and logged."""
    payload = client_payload()
    payload["completion"]["enable"] = "yes"
    with caplog.at_level(logging.WARNING, logger=SETTINGS_LOGGER):
        settings, problems = Settings.read(payload)
    assert settings == Settings()
    problem = f"setting {SECTION}.completion.enable: 'yes' is not true or false; using True"
    assert problems == [problem]
    assert settings_warnings(caplog) == [problem]


def test_settings_parity_server_understands_schema_diagnostics() -> None:
    """The coexistence mechanism (docs/editors/vscode.md): the server honours schemaDiagnostics."""
    wires = {f.metadata["wire"]: f for f in dataclasses.fields(Settings)}
    field = wires[SCHEMA_DIAGNOSTICS_WIRE]
    assert field.default is True
    off = Settings.from_wire(client_payload(schema_diagnostics=False))
    assert getattr(off, field.name) is False
