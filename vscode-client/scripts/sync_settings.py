#!/usr/bin/env python3
"""Rewrite the server settings in ``vscode-client/package.json`` from ``sidecar_lsp.lsp.settings``.

    .venv/bin/python vscode-client/scripts/sync_settings.py

Client-only settings (``server.*``, ``trace.*``, ``schemaDiagnostics``) are kept; every other
``sidecarLsp.*`` property is regenerated, in the dataclass's order, with the same type, default,
bounds and description. ``tests/test_settings_parity.py`` fails until this has been run.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from sidecar_lsp.lsp.settings import FIELDS, SECTION, Settings

PACKAGE_JSON = Path(__file__).resolve().parents[1] / "package.json"
CLIENT_ONLY_PREFIXES = (f"{SECTION}.server.", f"{SECTION}.trace.")
CLIENT_ONLY_KEYS = (f"{SECTION}.schemaDiagnostics",)


def server_properties() -> dict[str, dict[str, Any]]:
    metadata = {f"{SECTION}.{f.metadata['wire']}": f.metadata for f in dataclasses.fields(Settings)}
    props: dict[str, dict[str, Any]] = {}
    for row in FIELDS:
        spec: dict[str, Any] = {"type": row.type, "default": row.default}
        if "min" in metadata[row.key]:
            spec["minimum"] = metadata[row.key]["min"]
        if "max" in metadata[row.key]:
            spec["maximum"] = metadata[row.key]["max"]
        spec["markdownDescription"] = row.description
        props[row.key] = spec
    return props


def main() -> None:
    package = json.loads(PACKAGE_JSON.read_text())
    old: dict[str, Any] = package["contributes"]["configuration"]["properties"]
    head = {k: v for k, v in old.items() if k.startswith(f"{SECTION}.server.")}
    tail = {k: v for k, v in old.items() if k in CLIENT_ONLY_KEYS or k.startswith(f"{SECTION}.trace.")}
    package["contributes"]["configuration"]["properties"] = {**head, **server_properties(), **tail}
    PACKAGE_JSON.write_text(json.dumps(package, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
