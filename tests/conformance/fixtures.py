"""The conformance fixtures: manifests where sidecar-lsp once disagreed with Copilot, with Copilot's verdict
and the findings sidecar-lsp must give, written in the file's leading comments::

    # copilot: accepts                      (or: # copilot: rejects <the start of Copilot's message>)
    # expect: schema-dropped-value warning 9:25
    # expect: none                          (no error or warning at all)

``expect`` lines list every error and warning (code, severity, 1-based line:column of the range's start);
hints and information are not listed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "conformance"
_COPILOT = re.compile(r"^# copilot: (accepts|rejects)(?: (.*))?$")
_EXPECT = re.compile(r"^# expect: (none|(\S+) (error|warning) (\d+):(\d+))$")


@dataclass(frozen=True)
class Fixture:
    path: Path
    text: str
    accepted: bool
    message: str
    """The start of Copilot's message when it rejects the manifest."""
    expected: frozenset[tuple[str, str, int, int]]


def load(path: Path) -> Fixture:
    text = path.read_text(encoding="utf-8")
    accepted: bool | None = None
    message = ""
    expected: set[tuple[str, str, int, int]] = set()
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if match := _COPILOT.match(line):
            accepted = match.group(1) == "accepts"
            message = match.group(2) or ""
        elif (match := _EXPECT.match(line)) and match.group(1) != "none":
            expected.add((match.group(2), match.group(3), int(match.group(4)), int(match.group(5))))
    assert accepted is not None, f"{path.name}: no '# copilot: accepts|rejects' line"
    return Fixture(path, text, accepted, message, frozenset(expected))


def all_fixtures() -> list[Fixture]:
    return [load(path) for path in sorted(FIXTURES.glob("*.yml"))]
