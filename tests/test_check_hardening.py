"""`sidecar-lsp check` on an untrusted checkout (issue 9, reproduction 6) and its internal errors."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import pytest

import sidecar_lsp.cli.check as cli_check
from manifest_sets import BACKEND_IMAGE
from sidecar_lsp.cli.check import EXIT_INTERNAL, EXIT_USAGE, escape, main_check

CLEAN = BACKEND_IMAGE
SECRET = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"


def run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = main_check(args, stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def manifest(root: Path, name: str) -> Path:
    path = root / "copilot" / name / "manifest.yml"
    path.parent.mkdir(parents=True)
    return path


def test_a_symlink_out_of_the_checked_directory_is_refused_unless_named(tmp_path: Path) -> None:
    outside = tmp_path / "home" / "id_rsa"
    outside.parent.mkdir()
    outside.write_text(SECRET)
    repo = tmp_path / "repo"
    manifest(repo, "api").write_text(CLEAN)
    manifest(repo, "leak").symlink_to(outside)
    status, out, err = run([str(repo)])
    assert status == EXIT_USAGE
    assert "leak/manifest.yml: skipped, it resolves outside" in err
    assert "BEGIN" not in out + err and "MIIE" not in out + err
    assert "1 file checked" in out  # the other manifest is still checked
    # named explicitly, it is read, and its content is still never echoed
    status, out, err = run([str(repo / "copilot" / "leak" / "manifest.yml")])
    assert status == 1 and "not a single text value" in out
    assert "BEGIN" not in out + err and "MIIE" not in out + err


def test_a_linked_folder_is_not_entered_and_a_linked_manifest_inside_is_read(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    manifest(elsewhere, "outside").write_text(CLEAN)
    repo = tmp_path / "repo"
    manifest(repo, "api").write_text(CLEAN)
    (repo / "copilot" / "linked").symlink_to(elsewhere / "copilot" / "outside", target_is_directory=True)
    (repo / "copilot" / "twin").mkdir()
    (repo / "copilot" / "twin" / "manifest.yml").symlink_to(repo / "copilot" / "api" / "manifest.yml")
    status, out, err = run([str(repo)])
    assert (status, err) == (0, "")
    assert "in 2 files checked" in out  # api and its twin: the folder that leads out is never listed


@pytest.mark.parametrize("content", [SECRET, "SECRET_TOKEN=abc123\nOTHER=xyz\n"])
def test_a_file_that_is_no_manifest_is_never_quoted(tmp_path: Path, content: str) -> None:
    path = tmp_path / "manifest.yml"
    path.write_text(content)
    status, out, err = run(["--format", "json", str(path)])
    assert status == 1
    for secret in ("MIIE", "abc123", "SECRET_TOKEN"):
        assert secret not in out + err


def test_devices_and_fifos_are_not_read_and_never_hang(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    manifest(repo, "zero").symlink_to("/dev/zero")
    fifo = manifest(repo, "fifo")
    os.mkfifo(fifo)
    manifest(repo, "api").write_text(CLEAN)
    result: list[tuple[int, str, str]] = []
    worker = threading.Thread(
        target=lambda: result.append(run([str(repo), str(repo / "copilot/zero/manifest.yml")]))
    )
    worker.start()
    worker.join(20)
    if worker.is_alive():  # pragma: no cover - the bug this pins
        with open(fifo, "w"):  # unblock the reader so the test run can end
            pass
        pytest.fail("check hung on a FIFO")
    status, out, err = result[0]
    assert status == EXIT_USAGE
    assert "fifo/manifest.yml: not a regular file" in err
    assert "zero/manifest.yml: not a regular file" in err  # named explicitly: followed, still refused
    assert "1 file checked" in out


def test_keys_cannot_forge_annotations_or_send_terminal_escapes(tmp_path: Path) -> None:
    path = tmp_path / "manifest.yml"
    path.write_text(CLEAN + '"\\e[2J\\n::error file=main.py,line=1::forged": 1\n')
    status, out, _ = run([str(path)])
    assert status == 0
    assert "\x1b" not in out
    assert not any(line.startswith("::") for line in out.splitlines())
    assert "\\x1b[2J\\n::error file=main.py" in out


def test_escape_keeps_printable_text_and_names_control_characters() -> None:
    assert escape("plain é 🚀") == "plain é 🚀"
    assert escape("a\nb\rc\td\x1b\x85\u2028") == "a\\nb\\rc\\td\\x1b\\x85\\u2028"


def test_an_internal_error_exits_3_and_every_other_file_is_still_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, bad = tmp_path / "good.yml", tmp_path / "bad.yml"
    good.write_text(CLEAN + "  bogus: 1\n")
    bad.write_text(CLEAN)
    real = cli_check.analyze

    def analyze(text: str, options: cli_check.Options) -> object:
        if text == CLEAN:
            raise RuntimeError("boom")
        return real(text, options)

    monkeypatch.setattr(cli_check, "analyze", analyze)
    status, out, err = run([str(bad), str(good)])
    assert status == EXIT_INTERNAL
    assert f"internal error checking {bad}" in err
    assert "[schema-unknown-key]" in out and "1 file checked" in out


def test_an_internal_error_finding_exits_3(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import dataclasses

    from sidecar_lsp.core.rules.base import RULES

    def broken(_workload: object) -> list[object]:
        raise KeyError("boom")

    monkeypatch.setitem(RULES, "D1", dataclasses.replace(RULES["D1"], check=broken))
    path = tmp_path / "manifest.yml"
    path.write_text(CLEAN)
    status, out, _ = run([str(path)])
    assert status == EXIT_INTERNAL
    assert "[internal-error]" in out and "rule D1" in out
