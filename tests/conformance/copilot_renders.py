"""Copilot's own task definitions for the tests, from a committed record, so every clone runs the
differential tests of ``render --task-definition``.

``copilot-render`` (Copilot v1.34.1's code from manifest to CloudFormation, ``../shared/tools``) is not
part of the project. What it rendered for each case the tests ask is kept in :data:`RECORD`: gzip JSON
lines, a header naming the renderer, then ``{"key": …, "answer": …}`` sorted by key, where the answer
is the template's ``TaskDefinition`` resource and the stack parameters it reads (or Copilot's error).

* **record** (any clone): the tests read the record; a case it does not hold fails the test.
* **record, checked** (copilot-render beside the checkout or ``SIDECAR_COPILOT_RENDER``): some recorded
  answers (every copilot-stack case and a sample of the rest) are asked of copilot-render again and
  must be equal.
* ``scripts/record_renders.py`` asks copilot-render every case and writes the record anew.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
RECORD = ROOT / "tests" / "fixtures" / "copilot-renders.jsonl.gz"
DEFAULT_RENDERER = ROOT.parent / "shared" / "tools" / "copilot-render" / "copilot-render"
REFRESH = (
    "python scripts/record_renders.py (it needs copilot-render: ../shared/tools or SIDECAR_COPILOT_RENDER)"
)
PARAMETERS = ("TaskCPU", "TaskMemory", "ContainerImage", "EnvFileARN", "LoggingEnvFileARN")


class StaleRecordError(AssertionError):
    """The record does not hold, or holds another answer than copilot-render's for, a case of the tests."""


def find_renderer() -> Path | None:
    configured = os.environ.get("SIDECAR_COPILOT_RENDER")
    candidate = Path(configured) if configured else DEFAULT_RENDERER
    return candidate if candidate.is_file() and os.access(candidate, os.X_OK) else None


def case_key(case: dict[str, Any]) -> str:
    """A case is ``{"text", "env", "app", "vars"}``; its key hashes exactly those."""
    asked = {k: case[k] for k in ("text", "env", "app", "vars")}
    canonical = json.dumps(asked, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:24]


def render_live(executable: Path, case: dict[str, Any]) -> dict[str, Any]:
    """copilot-render's answer for one case: the task definition and its parameters, or the error."""
    command = [
        str(executable), "--env", case["env"], "--app", case["app"], "--format", "json", "--output", "both",
        "--raw-manifest=false", *(f"--var={name}={value}" for name, value in sorted(case["vars"].items())), "-",
    ]  # fmt: skip
    done = subprocess.run(
        command, input=case["text"], capture_output=True, text=True, env={"PATH": os.environ.get("PATH", "")}
    )
    if done.returncode != 0:
        return {"ok": False, "error": done.stderr.strip()}
    output = json.loads(done.stdout)
    parameters = output["parameters"]["Parameters"]
    return {
        "ok": True,
        "task": output["template"]["Resources"]["TaskDefinition"],
        "parameters": {name: parameters[name] for name in PARAMETERS if name in parameters},
    }


def renderer_version(executable: Path) -> str:
    done = subprocess.run([str(executable), "--version"], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def read_record(path: Path = RECORD) -> tuple[str, dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """The renderer's version, the answers by case key, and the cases whose text is kept (copilot-stack)."""
    if not path.is_file():
        return "", {}, []
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    header = json.loads(lines[0]) if lines else {}
    entries = [json.loads(line) for line in lines[1:]]
    kept = sorted((entry["case"] for entry in entries if "case" in entry), key=lambda c: str(c["id"]))
    return str(header.get("renderer", "")), {entry["key"]: entry["answer"] for entry in entries}, kept


def write_record(
    version: str, answers: dict[str, dict[str, Any]], kept: list[dict[str, Any]], path: Path = RECORD
) -> None:
    """Write the answers; ``kept`` are the cases whose text the repository does not hold."""
    header = {"renderer": version, "answers": len(answers), "refresh": REFRESH}
    kept_by_key = {case_key(case): case for case in kept}
    lines = [json.dumps(header, ensure_ascii=False)]
    lines += [
        json.dumps(
            {
                "key": key,
                "answer": answers[key],
                **({"case": kept_by_key[key]} if key in kept_by_key else {}),
            },
            ensure_ascii=False,
            sort_keys=True,
            separators=(",", ":"),
        )  # fmt: skip
        for key in sorted(answers)
    ]
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=9, mtime=0))


class CopilotRenders:
    """copilot-render's answer for each case, from the record, checked against the renderer where present."""

    def __init__(self, record: Path = RECORD, executable: Path | None = None) -> None:
        self.version, self.recorded, self.stack_cases = read_record(record)
        self.live = executable
        if executable is not None and renderer_version(executable) != self.version:
            raise StaleRecordError(
                f"the record holds the renders of {self.version!r}, copilot-render here is "
                f"{renderer_version(executable)!r}: {REFRESH}"
            )

    @property
    def mode(self) -> str:
        return "record, checked against copilot-render" if self.live is not None else "record"

    def answer(self, case: dict[str, Any], *, check_live: bool = False) -> dict[str, Any]:
        key = case_key(case)
        if key not in self.recorded:
            raise StaleRecordError(
                f"no recorded render for {case.get('id', '?')} in {case['env']!r}; the tests ask what the "
                f"record does not hold: {REFRESH}"
            )
        answer = self.recorded[key]
        if check_live and self.live is not None:
            live = render_live(self.live, case)
            if live != answer:
                raise StaleRecordError(
                    f"copilot-render now answers otherwise for {case.get('id')}: {REFRESH}"
                )
        return answer
