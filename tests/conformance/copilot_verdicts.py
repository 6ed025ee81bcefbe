"""Copilot's verdicts for the tests, from a committed record, so that every clone runs the differential tests.

The oracle (``copilot-oracle``, Copilot v1.34.1's own decoding, merge and ``Validate()``) is not part of the
project. Every verdict the tests ask of it is kept in :data:`RECORD`, one line per request, keyed by a hash
of the request, under a header naming the oracle that gave them. Three ways to answer:

* **record** (any clone): the tests read the record (gzip-compressed JSON lines: a header, then
  ``{"key": …, "verdict": …}`` sorted by key). A request the record does not hold fails the test: the
  record no longer covers what the tests ask.
* **record, checked** (the oracle is beside the checkout, or ``SIDECAR_ORACLE`` names it): each answer is
  asked of the oracle too, and a different :func:`judgement`, or an oracle of another version, fails the
  test. So CI, which has the oracle, keeps the record current.
* **recording** (``SIDECAR_RECORD_VERDICTS=1``, set by ``scripts/record_verdicts.py``): the oracle answers,
  and the end of the session writes the record anew with exactly the requests the run asked.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from oracle import Oracle, find_oracle

ROOT = Path(__file__).resolve().parents[2]
RECORD = ROOT / "tests" / "fixtures" / "copilot-verdicts.jsonl.gz"
RECORDING_VARIABLE = "SIDECAR_RECORD_VERDICTS"
REFRESH = "python scripts/record_verdicts.py (it needs copilot-oracle: ../shared/tools or SIDECAR_ORACLE)"

_UNASKED = ("id", "file")
_DEFAULTS: dict[str, Any] = {
    "kind": "",
    "type": "",
    "stage": "",
    "error": "",
    "per_env": {},
    "per_env_stage": {},
    "undefined_vars": [],
    "assumed_values": {},
}


class StaleRecordError(AssertionError):
    """The record does not hold, or holds another answer than the oracle's for, a request the tests make."""


def request_key(request: dict[str, Any]) -> str:
    """The record's key for a request: what the oracle is asked, without the echoed ``id`` and ``file``."""
    asked = {k: v for k, v in request.items() if k not in _UNASKED}
    canonical = json.dumps(asked, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:24]


def compact(verdict: dict[str, Any]) -> dict[str, Any]:
    """A verdict as recorded: the echoed fields and the empty defaults left out."""
    return {k: v for k, v in verdict.items() if k in _DEFAULTS and v != _DEFAULTS[k]}


def expand(recorded: dict[str, Any]) -> dict[str, Any]:
    """A recorded verdict in the oracle's full shape."""
    return {k: json.loads(json.dumps(v)) for k, v in _DEFAULTS.items()} | recorded


def judgement(verdict: dict[str, Any]) -> tuple[str, bool, dict[str, bool]]:
    """What a verdict decides: the kind, and whether Copilot accepts the whole file and each environment.
    Not which error it names first: where several fail, that follows Go's map order, which changes from
    run to run (two pre_deployments without buildspec: a crash on one, "buildspec" on the other)."""
    per_env = {env: message == "ok" for env, message in verdict["per_env"].items()}
    return verdict["kind"], verdict["stage"] == "ok", per_env


def oracle_version(executable: Path) -> str:
    done = subprocess.run([str(executable), "--version"], capture_output=True, text=True, check=True)
    return done.stdout.strip()


def read_record(path: Path = RECORD) -> tuple[str, dict[str, dict[str, Any]]]:
    """The record's oracle version and its verdicts by request key."""
    if not path.is_file():
        return "", {}
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    header = json.loads(lines[0]) if lines else {}
    verdicts: dict[str, dict[str, Any]] = {}
    for line in lines[1:]:
        entry = json.loads(line)
        verdicts[entry["key"]] = entry["verdict"]
    return str(header.get("oracle", "")), verdicts


def write_record(version: str, verdicts: dict[str, dict[str, Any]], path: Path = RECORD) -> None:
    header = {
        "oracle": version,
        "verdicts": len(verdicts),
        "refresh": REFRESH,
    }
    lines = [json.dumps(header, ensure_ascii=False)]
    lines += [
        json.dumps({"key": key, "verdict": verdicts[key]}, ensure_ascii=False, sort_keys=True)
        for key in sorted(verdicts)
    ]
    # mtime=0: the same verdicts make the same bytes, so an unchanged record is no change to commit.
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0))


class CopilotVerdicts:
    """Copilot's verdict for each request, as :class:`oracle.Oracle` gives it (the ``--serve`` contract)."""

    def __init__(
        self, record: Path = RECORD, executable: Path | None = None, *, recording: bool = False
    ) -> None:
        self.record_path = record
        self.recorded_version, self.recorded = read_record(record)
        self.live = Oracle(executable) if executable is not None else None
        self.live_version = oracle_version(executable) if executable is not None else ""
        self.recording = recording
        if recording and self.live is None:
            raise StaleRecordError(f"{RECORDING_VARIABLE} is set but copilot-oracle was not found")
        self.asked: dict[str, dict[str, Any]] = {}

    @property
    def mode(self) -> str:
        if self.recording:
            return "recording"
        return "record, checked against the oracle" if self.live is not None else "record"

    def verdicts(self, requests: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        batch = list(requests)
        keys = [request_key(request) for request in batch]
        if self.recording:
            assert self.live is not None
            answers = [compact(answer) for answer in self.live.verdicts(batch)]
            self.asked.update(zip(keys, answers, strict=True))
            return [expand(answer) for answer in answers]
        missing = [request for key, request in zip(keys, batch, strict=True) if key not in self.recorded]
        if missing:
            raise StaleRecordError(
                f"{len(missing)} of {len(batch)} requests have no recorded verdict (the first: "
                f"{json.dumps(missing[0])[:300]}); the tests ask what the record does not hold: {REFRESH}"
            )
        if self.live is not None:
            self._check_against_the_oracle(batch, keys)
        return [expand(self.recorded[key]) for key in keys]

    def verdict(self, text: str) -> dict[str, Any]:
        return self.verdicts([{"text": text}])[0]

    def _check_against_the_oracle(self, batch: list[dict[str, Any]], keys: list[str]) -> None:
        assert self.live is not None
        if self.live_version != self.recorded_version:
            raise StaleRecordError(
                f"the record holds the verdicts of {self.recorded_version!r}, the oracle here is "
                f"{self.live_version!r}: {REFRESH}"
            )
        for key, request, answer in zip(keys, batch, self.live.verdicts(batch), strict=True):
            if judgement(answer) != judgement(expand(self.recorded[key])):
                raise StaleRecordError(
                    f"the recorded verdict {self.recorded[key]} is not the oracle's {compact(answer)} for "
                    f"{json.dumps(request)[:300]}: {REFRESH}"
                )

    def finish(self) -> int:
        """End of the session: when recording, write the record; the number of verdicts written."""
        if self.live is not None:
            self.live.close()
        if not self.recording:
            return 0
        write_record(self.live_version, self.asked, self.record_path)
        return len(self.asked)


@functools.cache
def copilot_verdicts() -> CopilotVerdicts:
    """The session's one source of Copilot's verdicts (see the module's docstring)."""
    return CopilotVerdicts(executable=find_oracle(), recording=os.environ.get(RECORDING_VARIABLE) == "1")


def started() -> bool:
    return copilot_verdicts.cache_info().currsize > 0
