"""`sidecar-lsp schema`: where the installed schema is, and the docs that rely on it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

from sidecar_lsp.core.schema.store import load_schema

REPO = Path(__file__).resolve().parents[1]
SCHEMA = [sys.executable, "-m", "sidecar_lsp", "schema"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*SCHEMA, *args], capture_output=True, text=True, timeout=60, check=False)


def test_schema_prints_the_path_of_the_installed_schema() -> None:
    result = run()
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    path = Path(line)
    assert path.is_absolute() and path.name == "copilot-manifest.schema.json"
    assert json.loads(path.read_text(encoding="utf-8")) == load_schema()


def test_schema_print_writes_the_schema_itself() -> None:
    result = run("--print")
    assert result.returncode == 0
    assert json.loads(result.stdout) == load_schema()
    assert result.stdout == Path(run().stdout.strip()).read_text(encoding="utf-8")


def test_schema_uri_is_a_file_uri_of_the_same_file() -> None:
    uri = run("--uri").stdout.strip()
    parsed = urlparse(uri)
    assert parsed.scheme == "file"
    assert Path(unquote(parsed.path)) == Path(run().stdout.strip())


def test_schema_usage_error_exits_two() -> None:
    result = run("--print", "--uri")
    assert result.returncode == 2 and "not allowed with" in result.stderr


def test_schema_id_is_a_name_not_a_made_up_address() -> None:
    assert load_schema()["$id"].startswith("urn:")


def test_editor_docs_use_the_schema_command() -> None:
    for name in (
        "README.md",
        "docs/editors/yaml-language-server.md",
        "docs/editors/neovim.md",
        "docs/editors/vscode.md",
    ):
        assert "sidecar-lsp schema" in (REPO / name).read_text(encoding="utf-8"), name
    neovim = (REPO / "docs/editors/neovim.md").read_text(encoding="utf-8")
    assert "vim.fn.system({ 'sidecar-lsp', 'schema' })" in neovim
