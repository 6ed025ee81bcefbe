"""`sidecar-lsp check`: output formats, exit status, directory search and bad files."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from manifest_sets import BACKEND_IMAGE
from sidecar_lsp.cli.check import main_check

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"

CLEAN = BACKEND_IMAGE
WITH_ERROR = BACKEND_IMAGE + "  healthcheck:\n    interval: 10\n"
"""One error, at line 6 column 15: a health-check interval without a unit."""


def run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main_check(args, stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def write_manifest(root: Path, service: str, text: str | bytes) -> Path:
    path = root / "copilot" / service / "manifest.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_text_output_has_position_severity_code_and_summary(tmp_path: Path) -> None:
    path = write_manifest(tmp_path, "api", WITH_ERROR)
    status, out, _ = run([str(path)])
    assert status == 1
    lines = out.splitlines()
    assert lines[0].startswith(f"{path}:6:15: error [schema-type] image.healthcheck.interval: expected ")
    assert lines[-1] == "1 error, 0 warnings in 1 file checked"


def test_json_output_is_one_array_with_one_based_positions(tmp_path: Path) -> None:
    path = write_manifest(tmp_path, "api", WITH_ERROR)
    status, out, _ = run(["--format", "json", str(path)])
    assert status == 1
    (item,) = json.loads(out)
    assert item == {
        "file": str(path),
        "line": 6,
        "column": 15,
        "end_line": 6,
        "end_column": 17,
        "severity": "error",
        "code": "schema-type",
        "message": item["message"],
    }
    assert "interval" in item["message"]


def test_json_output_is_the_text_json_dump_writes(tmp_path: Path) -> None:
    # Written without json's indenting encoder: the same text, escapes and non-ASCII letters included.
    path = write_manifest(tmp_path / "caf\u00e9", "api", WITH_ERROR + 'cl\u00e9: 1\n"tab\\tkey\\x01": 2\n')
    status, out, _ = run(["--format", "json", str(path)])
    assert status == 1
    found = json.loads(out)
    assert len(found) > 2 and any("\u00e9" in item["message"] for item in found)
    assert out == json.dumps(found, indent=2, ensure_ascii=False) + "\n"
    clean = write_manifest(tmp_path, "clean", CLEAN + "  port: 80\n")
    assert run(["--format", "json", str(clean)]) == (0, "[]\n", "")


def test_the_program_prints_and_exits_as_the_function_returns(tmp_path: Path) -> None:
    # Run as the program, `check` ends without the interpreter's teardown: its output is all there.
    path = write_manifest(tmp_path, "api", WITH_ERROR)
    for output in ("text", "json"):
        program = subprocess.run(
            [sys.executable, "-m", "sidecar_lsp", "check", "--format", output, str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert (program.returncode, program.stdout, program.stderr) == run(["--format", output, str(path)])


def test_clean_manifest_exits_zero(tmp_path: Path) -> None:
    path = write_manifest(tmp_path, "api", CLEAN)
    status, out, _ = run([str(path)])
    assert (status, out.splitlines()[-1]) == (0, "0 errors, 0 warnings in 1 file checked")


def test_warnings_alone_exit_zero(tmp_path: Path) -> None:
    path = write_manifest(tmp_path, "api", CLEAN + "  credentialsParameter: arn\n")
    status, out, _ = run([str(path)])
    assert status == 0
    assert "warning [schema-unknown-key] unknown key 'credentialsParameter' in 'image'" in out


def test_no_unknown_keys_flag_drops_those_warnings(tmp_path: Path) -> None:
    path = write_manifest(tmp_path, "api", CLEAN + "  credentialsParameter: arn\n")
    _, out, _ = run(["--no-unknown-keys", str(path)])
    assert "schema-unknown-key" not in out


def test_directory_is_searched_for_copilot_manifests(tmp_path: Path) -> None:
    write_manifest(tmp_path, "api", CLEAN)
    write_manifest(tmp_path, "worker", WITH_ERROR)
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "manifest.yml").write_text("not: copilot\n")  # not under copilot/
    (tmp_path / "node_modules" / "copilot" / "x").mkdir(parents=True)
    (tmp_path / "node_modules" / "copilot" / "x" / "manifest.yml").write_text(WITH_ERROR)
    status, out, _ = run(["--format", "json", str(tmp_path)])
    assert status == 1
    assert {Path(item["file"]).parent.name for item in json.loads(out)} == {"worker"}
    _, text, _ = run([str(tmp_path)])
    assert text.splitlines()[-1].endswith("in 2 files checked")


@pytest.mark.parametrize("written", [".", "./", "./copilot/../", "copilot", "copilot//"])
def test_found_files_are_printed_in_path_order_as_written_below_the_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: str
) -> None:
    # "a-b" sorts after "a" part by part but before "a/" character by character; "B" before "a".
    for service in ("a-b", "a", "B", "a.x"):
        write_manifest(tmp_path, service, WITH_ERROR)
    write_manifest(tmp_path, "a/deeper", WITH_ERROR)
    monkeypatch.chdir(tmp_path)
    _, out, _ = run(["--format", "json", written])
    printed = list(dict.fromkeys(item["file"] for item in json.loads(out)))
    base = Path(written)
    expected = sorted(
        base / os.path.relpath(path, tmp_path / base) for path in (tmp_path / "copilot").rglob("manifest.yml")
    )
    assert printed == [str(path) for path in expected]
    assert not any(name.startswith("./") or "//" in name for name in printed)


def test_missing_file_exits_two_but_checks_the_others(tmp_path: Path) -> None:
    good = write_manifest(tmp_path, "api", WITH_ERROR)
    status, out, err = run([str(tmp_path / "nope.yml"), str(good)])
    assert status == 2
    assert "nope.yml: no such file or directory" in err
    assert "[schema-type]" in out


def test_unreadable_file_exits_two(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root reads any file; a directory named like a manifest cannot be read as one
        path = tmp_path / "copilot" / "api" / "manifest.yml"
        path.mkdir(parents=True)
    else:  # pragma: no cover - CI runs as root
        path = write_manifest(tmp_path, "api", CLEAN)
        path.chmod(0)
    status, _, err = run([str(path / "x") if path.is_dir() else str(path)])
    assert status == 2
    assert err


def test_usage_error_exits_two() -> None:
    status, _, err = run(["--format", "xml"])
    assert status == 2
    assert "usage:" in err


def test_empty_directory_is_a_usage_error(tmp_path: Path) -> None:
    status, _, err = run([str(tmp_path)])
    assert status == 2
    assert "no Copilot manifests" in err


@pytest.mark.parametrize(
    ("line_break", "bom"),
    [(b"\n", b""), (b"\r\n", b""), (b"\r", b""), (b"\n", b"\xef\xbb\xbf")],
    ids=["LF", "CRLF", "CR", "BOM"],
)
def test_invalid_utf8_is_a_diagnostic_at_the_bad_byte(tmp_path: Path, line_break: bytes, bom: bytes) -> None:
    """The bad byte's line is counted as editors count lines (a lone CR ends one too), after the BOM."""
    text = bom + b"name: api\ntype: Backend Service\nvariables:\n  A: caf\xe9\n".replace(b"\n", line_break)
    path = write_manifest(tmp_path, "api", text)
    status, out, _ = run(["--format", "json", str(path)])
    items = json.loads(out)
    assert status == 1
    assert items[0]["code"] == "encoding"
    assert (items[0]["line"], items[0]["column"]) == (4, 9)
    assert "byte 0xe9" in items[0]["message"]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("tabs", "name: api\ntype: Backend Service\nimage:\n\tlocation: x\n", "yaml-syntax"),
        ("documents", CLEAN + "---\nname: other\n", "yaml-multiple-documents"),
        ("tags", CLEAN + "variables:\n  A: !Ref Bucket\n", "yaml-unknown-tag"),
        ("nesting", "name: " + "[" * 10_000 + "]" * 10_000 + "\n", "yaml-too-deep"),
    ],
)
def test_bad_input_gives_a_clear_diagnostic(tmp_path: Path, name: str, content: str, code: str) -> None:
    path = write_manifest(tmp_path, name, content)
    _, out, _ = run(["--format", "json", str(path)])
    assert code in [item["code"] for item in json.loads(out)]


def test_examples_report_the_deliberate_mistakes_only() -> None:
    status, out, _ = run(["--format", "json", str(EXAMPLES)])
    items = json.loads(out)
    assert status == 1
    assert {Path(item["file"]).parent.name for item in items} == {"orders-worker"}
    assert "mount_point" in " ".join(item["message"] for item in items)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip wheel .` builds from what a fresh clone has, built once for the tests below."""
    if shutil.which("git") is None or not (REPO / ".git").exists():  # pragma: no cover
        pytest.skip("git and a checkout are needed to copy the project's files")
    base = tmp_path_factory.mktemp("wheel")
    source = base / "src"
    # The tracked files only (no venv, node_modules, sockets of running editors).
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode().split("\0")):
        if (REPO / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, source / name)
    dist = base / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(source)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    shutil.rmtree(source)  # nothing may be read from the source tree any more
    (built,) = dist.glob("sidecar_lsp-*.whl")
    return built


@pytest.mark.slow
def test_installed_wheel_runs_check_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    """A non-editable install ships the schema inside the package."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, str(wheel)], check=True, capture_output=True, timeout=600)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(EXAMPLES, elsewhere)
    result = subprocess.run(
        [str(venv / "bin" / "sidecar-lsp"), "check", "--format", "json", "."],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    files = {Path(item["file"]).parts[1] for item in json.loads(result.stdout)}
    assert files == {"orders-worker"}


@pytest.mark.slow
def test_installed_wheel_ships_the_schema_and_the_rules_doc(wheel: Path) -> None:
    """`sidecar-lsp schema` and the SARIF rule help read files the wheel must carry."""
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"sidecar_lsp/schemas/copilot-manifest.schema.json", "sidecar_lsp/docs/rules.md"} <= names
    assert "sidecar_lsp/cli/reports.py" in names
