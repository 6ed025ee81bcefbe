"""`sidecar-lsp check --jobs N`: files checked in worker processes print what one process prints."""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from sidecar_lsp.cli import check as check_module
from sidecar_lsp.cli.check import main_check
from sidecar_lsp.cli.parallel import check_all, workspace_key
from sidecar_lsp.core.check.analyze import Options
from sidecar_lsp.core.workspace.scan import DiskWorkspaces

REPO = Path(__file__).resolve().parents[1]
OWN = REPO / "tests" / "manifests" / "copilot"
FIXTURES = sorted((REPO / "tests" / "fixtures" / "conformance").glob("*.yml"))


def run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main_check(args, stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """Two workspaces (the project's own, with a folder renamed so a workspace rule fires) and a
    workspace-less folder of conformance fixtures, each fixture its own service."""
    shutil.copytree(OWN, tmp_path / "shop" / "copilot")
    (tmp_path / "shop" / "copilot" / ".workspace").write_text("application: shop\n", encoding="utf-8")
    (tmp_path / "shop" / "copilot" / "gateway").rename(tmp_path / "shop" / "copilot" / "gateway-renamed")
    loose = tmp_path / "loose" / "copilot"
    for fixture in FIXTURES[:40]:
        (loose / fixture.stem).mkdir(parents=True)
        shutil.copy(fixture, loose / fixture.stem / "manifest.yml")
    (loose / "not-utf8").mkdir()
    (loose / "not-utf8" / "manifest.yml").write_bytes(b"name: not-utf8\ntype: Backend Service\nimage: \xff\n")
    return tmp_path


@pytest.mark.parametrize("output", ["text", "json", "sarif", "github"])
def test_two_jobs_print_what_one_prints_with_the_same_exit_status(checkout: Path, output: str) -> None:
    args = [
        "--format",
        output,
        str(checkout / "shop"),
        str(checkout / "loose"),
        str(checkout / "missing.yml"),
    ]
    one = run(["--jobs", "1", *args])
    two = run(["--jobs", "2", *args])
    assert two == one
    status, out, err = one
    assert status == 2  # the missing file
    assert "missing.yml: no such file or directory" in err
    assert "X-name-folder" in out  # the workspace rule ran on the renamed folder


def test_files_are_reported_in_the_order_given_and_found(checkout: Path) -> None:
    named = sorted((checkout / "loose").glob("copilot/*/manifest.yml"), reverse=True)
    status, out, _ = run(["--jobs", "2", "--format", "github", *map(str, named), str(checkout / "shop")])
    reported = [line.split("file=")[1].split(",")[0] for line in out.splitlines() if "file=" in line]
    order = [str(p) for p in named] + [
        str(p) for p in sorted((checkout / "shop").glob("copilot/**/manifest.yml"))
    ]
    first_seen = list(dict.fromkeys(reported))
    assert first_seen == [path for path in order if path in first_seen]
    assert len(first_seen) > 20
    assert status == 1


def test_a_clean_set_exits_0_and_an_error_in_the_last_file_exits_1(tmp_path: Path) -> None:
    clean = OWN / "storefront" / "manifest.yml"
    files = []
    for index in range(12):
        path = tmp_path / f"app{index}" / "copilot" / "storefront" / "manifest.yml"
        path.parent.mkdir(parents=True)
        shutil.copy(clean, path)
        files.append(str(path))
    assert run(["--jobs", "2", *files])[0] == 0
    Path(files[-1]).write_text(clean.read_text(encoding="utf-8") + "cpu: lots\n", encoding="utf-8")
    status, out, _ = run(["--jobs", "2", *files])
    assert status == 1
    assert f"{files[-1]}:" in out


def test_a_file_whose_check_raises_in_a_worker_is_reported_and_the_others_checked(
    checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = check_module.analyze

    def analyze_or_raise(text: str, options: Options) -> object:
        if "name: not-utf8" in text:
            raise RuntimeError("a bug")
        return real(text, options)

    monkeypatch.setattr(check_module, "analyze", analyze_or_raise)  # forked workers inherit it
    status, out, err = run(["--jobs", "2", str(checkout / "loose")])
    assert status == 3
    assert (
        f"internal error checking {checkout / 'loose' / 'copilot' / 'not-utf8' / 'manifest.yml'}: RuntimeError"
        in err
    )
    assert "in 40 files checked" in out


def test_jobs_must_be_a_positive_number() -> None:
    for bad in ("0", "-2", "many"):
        status, out, err = run(["--jobs", bad, "."])
        assert status == 2
        assert "--jobs" in err and out == ""


def process_of(path: str, options: Options, workspaces: DiskWorkspaces) -> tuple[int, str]:
    time.sleep(
        0.01
    )  # a file takes a while to check: this process cannot take every chunk before a worker starts
    return os.getpid(), workspace_key(path)


def test_this_process_and_a_worker_check_the_files_and_keep_a_workspace_in_one_process(
    tmp_path: Path,
) -> None:
    paths = [
        str(tmp_path / f"app{index % 4}" / "copilot" / f"svc{index}" / "manifest.yml") for index in range(40)
    ]
    outcomes = check_all(paths, Options(), 2, process_of)
    assert all(not isinstance(outcome, Exception) for outcome in outcomes)
    processes = {pid for pid, _ in outcomes}  # type: ignore[misc]
    # Two jobs: one worker, and this process checks chunks instead of waiting for it.
    assert os.getpid() in processes and len(processes) == 2
    by_workspace: dict[str, set[int]] = {}
    for pid, key in outcomes:  # type: ignore[misc]
        by_workspace.setdefault(key, set()).add(pid)
    assert len(by_workspace) == 4 and all(len(pids) == 1 for pids in by_workspace.values())
    assert [key for _, key in outcomes] == [workspace_key(p) for p in paths]  # type: ignore[misc]
    assert check_all(paths, Options(), 1, process_of) == [(os.getpid(), workspace_key(p)) for p in paths]


_CHECKING_PROCESS = os.getpid()


def dies_in_a_worker(path: str, options: Options, workspaces: DiskWorkspaces) -> tuple[int, str]:
    if os.getpid() != _CHECKING_PROCESS:
        os._exit(1)  # a worker killed (out of memory, say)
    return process_of(path, options, workspaces)


def test_the_files_of_a_worker_that_died_are_checked_in_this_process(tmp_path: Path) -> None:
    paths = [
        str(tmp_path / f"app{index % 4}" / "copilot" / f"svc{index}" / "manifest.yml") for index in range(40)
    ]
    assert check_all(paths, Options(), 2, dies_in_a_worker) == [
        (os.getpid(), workspace_key(p)) for p in paths
    ]


def test_without_a_temporary_file_this_process_checks_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = [
        str(tmp_path / f"app{index % 4}" / "copilot" / f"svc{index}" / "manifest.yml") for index in range(40)
    ]

    def no_space(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", no_space)
    assert check_all(paths, Options(), 2, process_of) == [(os.getpid(), workspace_key(p)) for p in paths]


_IMPORTS_PER_FILE = """
import os, sys, time
from sidecar_lsp.cli.check import _check_file
from sidecar_lsp.cli.parallel import check_all
from sidecar_lsp.core.check.analyze import Options

def check_one(path, options, workspaces):
    _check_file(path, options, workspaces)
    time.sleep(0.01)  # so that this process cannot take every file before the worker starts
    return os.getpid(), 'jsonschema' in sys.modules

for pid, imported in check_all(sys.argv[1:], Options(), 2, check_one):
    print(pid, imported)
"""


def test_jsonschema_is_imported_only_by_a_process_that_meets_a_schema_error(tmp_path: Path) -> None:
    # Imported before the fork, it would hold up both processes of a run that never needs it.
    import subprocess
    import sys

    clean = (OWN / "storefront" / "manifest.yml").read_text(encoding="utf-8")
    paths = []
    for index in range(24):
        path = tmp_path / f"svc{index}" / "manifest.yml"
        path.parent.mkdir()
        path.write_text(clean, encoding="utf-8")
        paths.append(str(path))

    def outcomes() -> list[tuple[str, str]]:
        out = subprocess.run(
            [sys.executable, "-c", _IMPORTS_PER_FILE, *paths], capture_output=True, text=True, check=True
        ).stdout
        return [tuple(line.split()) for line in out.splitlines()]  # type: ignore[misc]

    deploying = outcomes()
    assert len(deploying) == 24 and len({pid for pid, _ in deploying}) == 2
    assert {imported for _, imported in deploying} == {"False"}

    Path(paths[-1]).write_text(clean.replace("\ncpu: 1024\n", "\ncpu: lots\n"), encoding="utf-8")
    assert "\ncpu: lots\n" in Path(paths[-1]).read_text(encoding="utf-8")
    one_error = outcomes()
    assert one_error[-1][1] == "True"  # the process that checked it imported jsonschema for its error
