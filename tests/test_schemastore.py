"""The SchemaStore submission in ``schemastore/`` is complete and in step with the fixtures."""

from __future__ import annotations

import json
import subprocess
import sys
from fnmatch import fnmatch
from pathlib import Path

import jsonschema
from ruamel.yaml import YAML

from manifest_sets import REPO

FOLDER = REPO / "schemastore"
SCHEMA = REPO / "schema" / "copilot-manifest.schema.json"
ENTRY = FOLDER / "catalog-entry.json"


def test_schemastore_mirrors_are_current() -> None:
    check = subprocess.run(
        [sys.executable, str(FOLDER / "sync.py"), "--check"], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, f"run `python schemastore/sync.py`:\n{check.stderr}"


def test_schemastore_catalog_entry() -> None:
    entry = json.loads(ENTRY.read_text())
    assert set(entry) == {"name", "description", "fileMatch", "url"}
    assert entry["url"] == "https://www.schemastore.org/copilot-manifest.json"
    for path in ("copilot/api/manifest.yml", "svc/copilot/environments/test/manifest.yml",
                 "copilot/pipelines/release/manifest.yml"):  # fmt: skip
        assert any(fnmatch(path, glob) or fnmatch("x/" + path, glob) for glob in entry["fileMatch"]), path
    assert not any(fnmatch("x/copilot/.workspace", glob) for glob in entry["fileMatch"])


def test_schemastore_tests_validate_as_labelled() -> None:
    """Positive tests pass the schema, negative tests fail it (with Python jsonschema, draft-07)."""
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))
    yaml = YAML(typ="safe", pure=True)
    positive = sorted((FOLDER / "src" / "test" / "copilot-manifest").glob("*.yml"))
    negative = sorted((FOLDER / "src" / "negative_test" / "copilot-manifest").glob("*.yml"))
    assert positive and negative
    for path in positive:
        assert not list(validator.iter_errors(_load(yaml, path))), path.name
    for path in negative:
        assert list(validator.iter_errors(_load(yaml, path))), path.name


def _load(yaml: YAML, path: Path) -> object:
    return json.loads(json.dumps(yaml.load(path.read_text()), default=str))
