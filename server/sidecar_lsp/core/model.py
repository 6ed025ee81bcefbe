"""Plain data shared by every core module: positions, spans, findings and fixes.

All positions are 0-based and count code points (Python ``str`` indices), never
UTF-16 units: the server converts at the edge, once.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

UNKNOWN_KEY = "schema-unknown-key"
"""The code of the warning for a key Copilot ignores (the schema finds it, rules may say more)."""


EXCLUSIVE = "schema-exclusive"
"""The code of the schema's "not both" checks, which the cross-field rules I1 and V4 say in Copilot's words."""


INTERNAL_ERROR = "internal-error"
"""The code of the finding that stands for a check that failed (a bug of ours, never the user's)."""


class Severity(enum.Enum):
    """How bad a finding is; the values are the names ``check --format json`` prints."""

    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"
    HINT = "hint"


class Pos(NamedTuple):
    """A 0-based line and column (in code points); orders like a tuple."""

    line: int
    col: int


class Span(NamedTuple):
    """A half-open range ``[start, end)`` of the text."""

    start: Pos
    end: Pos

    @classmethod
    def of(cls, line: int, col: int, end_line: int, end_col: int) -> Span:
        return cls(Pos(line, col), Pos(end_line, end_col))

    def contains(self, pos: Pos, *, inclusive_end: bool = True) -> bool:
        """Whether ``pos`` lies inside; the end counts by default, where a cursor sits after a word."""
        if inclusive_end:
            return self.start <= pos <= self.end
        return self.start <= pos < self.end


@dataclass(frozen=True)
class TextEdit:
    """Replace ``span`` with ``new_text``."""

    span: Span
    new_text: str


@dataclass(frozen=True)
class Fix:
    """A quick fix: a title for the user and the edits that carry it out."""

    title: str
    edits: tuple[TextEdit, ...]
    preferred: bool = False


@dataclass(frozen=True)
class Related:
    """Another place that takes part in a finding (the other container of a port clash, ...)."""

    span: Span
    message: str


@dataclass(frozen=True)
class Finding:
    """One problem in a document, at the exact range of the offending text."""

    code: str
    """Stable identifier, e.g. ``yaml-syntax``, ``schema-type``, ``S1``."""
    severity: Severity
    message: str
    span: Span
    path: tuple[str | int, ...] = ()
    """Where in the manifest, e.g. ``("sidecars", "nginx", "port")``."""
    related: tuple[Related, ...] = ()
    fixes: tuple[Fix, ...] = field(default=())

    @property
    def dotted_path(self) -> str:
        return dotted(self.path)


FindingKey = tuple[str, Span, str]


def finding_key(finding: Finding) -> FindingKey:
    """What makes two findings the same problem: code, span and message (not path, related, fixes)."""
    return finding.code, finding.span, finding.message


def unique_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Each problem once, in the given order: the first finding of each :func:`finding_key`."""
    seen: set[FindingKey] = set()
    unique: list[Finding] = []
    for finding in findings:
        key = finding_key(finding)
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique


def dotted(path: tuple[str | int, ...] | list[str | int]) -> str:
    """Render a manifest path the way users read it: ``sidecars.nginx.mount_points[0].path``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def internal_error(check: str, error: BaseException, first_line: str = "") -> Finding:
    """The one finding that replaces the findings of ``check`` when it raised ``error``.

    It sits on the first line (the check had no place to point at) and names the check and the
    exception, so that a user can report it; every other check still runs.
    """
    return Finding(
        INTERNAL_ERROR,
        Severity.WARNING,
        f"internal error in sidecar-lsp's check {check} ({type(error).__name__}): its findings are "
        "missing; the other checks ran. Please report this with the file.",
        Span(Pos(0, 0), Pos(0, len(first_line))),
    )
