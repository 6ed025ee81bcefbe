"""docs/migrating.md runs as written: each ``sidecar-lsp`` command of its ``sh`` blocks is run (in a copy of
``examples/migrating``), and the blocks after it must be exactly what it printed (``output``: stdout,
``stderr``: stderr, ``file=NAME``: a file it wrote). The ``aws ecs register-task-definition`` command is not
run: the file it names is validated against botocore's ``RegisterTaskDefinition`` input shape instead."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "migrating.md"
EXAMPLE = ROOT / "examples" / "migrating"
FENCE = re.compile(r"^(`{3,})(\S*)[ \t]*(.*)$")


@dataclass
class Block:
    language: str
    role: str
    """``output``, ``stderr``, ``file=NAME`` or "" (a block to read)."""
    text: str
    line: int


@dataclass
class Ran:
    command: str
    status: int
    stdout: str
    stderr: str
    cwd: Path


def blocks(markdown: str) -> list[Block]:
    """The fenced blocks, each closed by a fence of the same backticks (so a block may hold ``` lines)."""
    found: list[Block] = []
    lines = markdown.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index].rstrip("\n"))
        if opening is None:
            index += 1
            continue
        fence, start = opening.group(1), index
        index += 1
        body: list[str] = []
        while index < len(lines) and lines[index].rstrip("\n") != fence:
            body.append(lines[index])
            index += 1
        found.append(Block(opening.group(2), opening.group(3).strip(), "".join(body), start + 1))
        index += 1
    return found


def run_command(line: str, cwd: Path) -> Ran:
    """A ``sidecar-lsp`` line run as ``python -m sidecar_lsp`` (``> FILE`` redirects stdout to a file)."""
    words = shlex.split(line)
    target = None
    if ">" in words:
        at = words.index(">")
        words, target = words[:at], words[at + 1]
    done = subprocess.run(
        [sys.executable, "-m", "sidecar_lsp", *words[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )
    stdout = done.stdout
    if target is not None:
        (cwd / target).write_text(stdout, encoding="utf-8")
        stdout = ""
    return Ran(line, done.returncode, stdout, done.stderr, cwd)


def walk(markdown: str, top: Path) -> list[tuple[Ran | None, Block]]:
    """Run the doc's commands in ``top``; pair each block with the last command run before it."""
    cwd, last = top, None
    paired: list[tuple[Ran | None, Block]] = []
    for block in blocks(markdown):
        if block.language == "sh":
            for line in block.text.splitlines():
                if line.startswith("cd "):
                    cwd = cwd / line.split(maxsplit=1)[1]
                elif line.startswith("sidecar-lsp "):
                    last = run_command(line, cwd)
        paired.append((last, block))
    return paired


@pytest.fixture(scope="module")
def walked(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[Ran | None, Block]]:
    top = tmp_path_factory.mktemp("migrating")
    shutil.copytree(EXAMPLE, top / "examples" / "migrating")
    return walk(DOC.read_text(encoding="utf-8"), top)


def _commands(walked: list[tuple[Ran | None, Block]]) -> list[Ran]:
    return list({id(ran): ran for ran, _ in walked if ran is not None}.values())


def test_the_doc_runs_each_render_command_and_each_succeeds(walked: list[tuple[Ran | None, Block]]) -> None:
    commands = _commands(walked)
    for ran in commands:
        assert ran.status == 0, f"{ran.command}: {ran.stderr}"
    flags = " ".join(ran.command for ran in commands)
    for flag in (
        "render --env",
        "render --containers",
        "render --task-definition",
        "render --notes",
        "check",
    ):
        assert f"sidecar-lsp {flag}" in flags


def test_every_output_the_doc_quotes_is_what_its_command_prints(
    walked: list[tuple[Ran | None, Block]],
) -> None:
    checked = 0
    for ran, block in walked:
        if not block.role:
            continue
        assert ran is not None, f"line {block.line}: an output before any command"
        if block.role == "output":
            printed = ran.stdout
        elif block.role == "stderr":
            printed = ran.stderr
        else:
            name = block.role.removeprefix("file=")
            printed = (ran.cwd / name).read_text(encoding="utf-8")
        assert printed == block.text, f"docs/migrating.md line {block.line} differs from `{ran.command}`"
        checked += 1
    assert checked >= 6


def test_the_file_registered_is_valid_for_register_task_definition(
    walked: list[tuple[Ran | None, Block]],
) -> None:
    botocore_session = pytest.importorskip("botocore.session")
    from botocore.validate import ParamValidator

    registering = [
        (line, ran)
        for ran, block in walked
        if block.language == "sh" and ran is not None
        for line in block.text.splitlines()
        if line.startswith("aws ecs register-task-definition")
    ]
    assert len(registering) == 1
    line, ran = registering[0]
    name = re.search(r"--cli-input-json file://(\S+)", line)
    assert name is not None
    definition: dict[str, Any] = json.loads((ran.cwd / name.group(1)).read_text(encoding="utf-8"))
    shape = botocore_session.get_session().get_service_model("ecs").operation_model("RegisterTaskDefinition")
    report = ParamValidator().validate(definition, shape.input_shape)
    assert not report.has_errors(), report.generate_report()
    names = [container["name"] for container in definition["containerDefinitions"]]
    assert names == ["storefront", "firelens_log_router", "proxy"]
    assert definition["volumes"][0]["efsVolumeConfiguration"]["fileSystemId"].startswith("fs-")
