"""Plain data shared by every core module: positions, spans, findings and fixes.

All positions are 0-based and count code points (Python ``str`` indices), never
UTF-16 units: the server converts at the edge, once.

A finding says which environments it applies to as data (:class:`Scope`); :attr:`Finding.message`
puts that into words before the problem, here and nowhere else, so no code reads it back from the text.
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


class Reach(enum.Enum):
    """Which environments a finding applies to; :attr:`Scope.environments` names the ones it lists.

    Copilot checks a workload once per environment, with ``environments.<env>`` merged over the base; an
    environment without an override deploys the base as written.
    """

    EVERY = "every"
    """Every environment (no words before the problem)."""
    NAMED = "named"
    """Only the named environments: ``in environment 'prod': ``."""
    WITHOUT_OVERRIDE_AND_NAMED = "without override and named"
    """A base problem that some overrides fix: the environments without an override, and the named ones
    whose override keeps it (``in environments without an override and 'staging': ``)."""
    WITHOUT_OVERRIDE = "without override"
    """A base problem that every override in the file fixes: only an environment without an override, if
    there is one, has it (a hint: ``for environments without an override (...): ``)."""
    NAMED_WITHOUT_OVERRIDE = "named without override"
    """:attr:`WITHOUT_OVERRIDE` judged in a workspace: the named environments are the workspace's ones that
    have no override (``in environment 'staging' (no override, so the base as written is deployed): ``)."""
    NONE_WITHOUT_OVERRIDE = "none without override"
    """:attr:`WITHOUT_OVERRIDE` judged in a workspace where each environment (the named ones, all of the
    workspace's) has an override that fixes it: only a new environment would have it."""


@dataclass(frozen=True)
class Scope:
    """The environments a finding applies to, as data: de-duplication and the workspace's judgement read
    this, never the words :func:`scope_words` makes of it."""

    reach: Reach = Reach.EVERY
    environments: tuple[str, ...] = ()
    """The environments :attr:`reach` names, in the order they are reported (empty for ``EVERY`` and
    ``WITHOUT_OVERRIDE``)."""

    @classmethod
    def named(cls, environments: Iterable[str]) -> Scope:
        return cls(Reach.NAMED, tuple(environments))


EVERY_ENVIRONMENT = Scope()


def scope_words(scope: Scope) -> str:
    """The words before a finding's problem that say where it applies ("" for every environment).

    The one place a scope becomes text: :attr:`Finding.message` is ``scope_words(scope) + problem``.
    """
    names = _and_listed(scope.environments)
    plural = "environment" if len(scope.environments) == 1 else "environments"
    match scope.reach:
        case Reach.EVERY:
            return ""
        case Reach.NAMED:
            return f"in {plural} {names}: "
        case Reach.WITHOUT_OVERRIDE_AND_NAMED:
            return f"in environments without an override and {names}: "
        case Reach.WITHOUT_OVERRIDE:
            return (
                "for environments without an override (every environment under 'environments' fixes this): "
            )
        case Reach.NAMED_WITHOUT_OVERRIDE:
            return f"in {plural} {names} (no override, so the base as written is deployed): "
        case Reach.NONE_WITHOUT_OVERRIDE:
            listed = ", ".join(sorted(scope.environments)) or "none"
            return (
                f"only for an environment without an override (each of this workspace's environments, "
                f"{listed}, has one that fixes this): "
            )


def _and_listed(names: tuple[str, ...]) -> str:
    """``'a'``, ``'a' and 'b'``, ``'a', 'b' and 'c'``."""
    quoted = [f"'{name}'" for name in names]
    if len(quoted) < 2:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} and {quoted[-1]}"


@dataclass(frozen=True)
class Finding:
    """One problem in a document, at the exact range of the offending text.

    Change a finding with :func:`dataclasses.replace`, which keeps every other field (``related``,
    ``fixes``, ``scope``), never by copying its fields into a new one.
    """

    code: str
    """Stable identifier, e.g. ``yaml-syntax``, ``schema-type``, ``S1``."""
    severity: Severity
    problem: str
    """What is wrong (and how to fix it), without where it applies: :attr:`message` adds that."""
    span: Span
    path: tuple[str | int, ...] = ()
    """Where in the manifest, e.g. ``("sidecars", "nginx", "port")``."""
    related: tuple[Related, ...] = ()
    fixes: tuple[Fix, ...] = field(default=())
    scope: Scope = EVERY_ENVIRONMENT
    """The environments it applies to."""

    @property
    def message(self) -> str:
        """What the user reads: where it applies (:func:`scope_words`), then the problem."""
        return scope_words(self.scope) + self.problem

    @property
    def dotted_path(self) -> str:
        return dotted(self.path)


FindingKey = tuple[str, Span, str, Scope]


def finding_key(finding: Finding) -> FindingKey:
    """What makes two findings the same problem: code, span, problem and scope (not path, related, fixes)."""
    return finding.code, finding.span, finding.problem, finding.scope


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
