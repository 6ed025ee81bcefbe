"""What the Linux x64 package carries: the server and its libraries, runnable by a bare system Python.

The package is ``vscode-client/sidecar-lsp-linux-x64.vsix`` (``npm run package -- --target
linux-x64``, run by ``scripts/install-client-deps.sh``). These tests unpack it and run its launcher
with ``/usr/bin/python3``, which has no sidecar-lsp, in a clean environment: the same command the
extension runs, without VS Code.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from clientlib import MANIFEST, REPO, need_file, vsix

pytestmark = pytest.mark.extension

VSIX = vsix()
SYSTEM_PYTHON = Path("/usr/bin/python3")
COVERED = ["3.10", "3.11", "3.12", "3.13", "3.14"]


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    package = need_file(
        VSIX, "the Linux x64 package (npm run package -- --target linux-x64 in vscode-client)"
    )
    root = tmp_path_factory.mktemp("vsix")
    with zipfile.ZipFile(package) as archive:
        archive.extractall(root)
    return root / "extension"


def bundle_of(extension: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((extension / "bundled" / "libs" / "sidecar-bundle.json").read_text())
    return data


def run_launcher(extension: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    need_file(SYSTEM_PYTHON, "a system Python 3.10+ without sidecar-lsp")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "PYTHONPATH": str(cwd / "shadow")}
    return subprocess.run(
        [str(SYSTEM_PYTHON), "-I", str(extension / "bundled" / "tool" / "sidecar_lsp_server.py"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_vscode_bundle_targets_linux_x64_and_covers_cpython_3_10_to_3_14(unpacked: Path) -> None:
    manifest = (unpacked.parent / "extension.vsixmanifest").read_text()
    assert 'TargetPlatform="linux-x64"' in manifest
    bundle = bundle_of(unpacked)
    assert bundle["target"] == "linux-x64"
    assert bundle["pythons"] == COVERED
    assert bundle["compiled"]["rpds-py"] == COVERED
    libs = unpacked / "bundled" / "libs"
    for version in COVERED:
        tag = version.replace(".", "")
        assert list((libs / "rpds").glob(f"rpds.cpython-{tag}-x86_64-linux-gnu.so")), version
    # The server itself, its schema, and the libraries' licences travel along.
    assert (libs / "sidecar_lsp" / "schemas" / "copilot-manifest.schema.json").is_file()
    assert bundle["packages"]["sidecar-lsp"] == re.search(
        r'__version__ = "([^"]+)"', (REPO / "server" / "sidecar_lsp" / "__init__.py").read_text()
    ).group(1)  # type: ignore[union-attr]
    assert list(libs.glob("jsonschema-*.dist-info/licenses/*")) or list(
        libs.glob("jsonschema-*.dist-info/LICENSE*")
    )
    assert not list(libs.rglob("__pycache__")) and not (libs / "bin").exists()


def test_vscode_bundle_runs_on_a_python_without_sidecar_lsp(unpacked: Path, tmp_path: Path) -> None:
    assert (
        subprocess.run(
            [str(SYSTEM_PYTHON), "-c", "import sidecar_lsp"], capture_output=True, check=False
        ).returncode
        != 0
    )
    # A `sidecar_lsp` in the working directory or on PYTHONPATH must not be imported (-I).
    for shadow in (tmp_path / "sidecar_lsp", tmp_path / "shadow" / "sidecar_lsp"):
        shadow.mkdir(parents=True)
        (shadow / "__init__.py").write_text("raise SystemExit('imported the shadow copy')\n")
    version = run_launcher(unpacked, "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == "sidecar-lsp 0.1.0", (
        version.stdout + version.stderr
    )
    checked = run_launcher(unpacked, "check", str(MANIFEST), cwd=tmp_path)
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "[X-source-volume]" in checked.stdout and "missingVolume" in checked.stdout, checked.stdout


def test_vscode_bundle_works_without_the_optional_libyaml(unpacked: Path, tmp_path: Path) -> None:
    """ruamel.yaml.clib is optional: without it the server falls back to the pure-Python parser."""
    copy = tmp_path / "extension"
    shutil.copytree(unpacked / "bundled", copy / "bundled")
    removed = list((copy / "bundled" / "libs").glob("_ruamel_yaml.*.so"))
    assert removed
    for library in removed:
        os.remove(library)
    checked = run_launcher(copy, "check", str(MANIFEST), cwd=tmp_path)
    assert checked.returncode == 1 and "[X-source-volume]" in checked.stdout, checked.stdout + checked.stderr


def test_vscode_bundle_refuses_an_uncovered_python_with_one_clear_line(
    unpacked: Path, tmp_path: Path
) -> None:
    """A Python whose compiled rpds-py is not in the package gets the covered versions, not a traceback."""
    copy = tmp_path / "extension"
    shutil.copytree(unpacked / "bundled", copy / "bundled")
    for library in (copy / "bundled" / "libs" / "rpds").glob("rpds.cpython-*.so"):
        os.remove(library)
    result = run_launcher(copy, "--stdio", cwd=tmp_path)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert (
        "unsupported Python" in result.stderr
        and "covers CPython 3.10, 3.11, 3.12, 3.13, 3.14" in result.stderr
    ), result.stderr
