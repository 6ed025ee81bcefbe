"""The CI output formats of ``sidecar-lsp check``: SARIF 2.1.0 and GitHub workflow commands.

Plain data in, text out: this module neither reads manifests nor talks LSP. Rule metadata (titles,
severities, help) comes from ``docs/rules.md``, shipped in the wheel beside the schema, so the SARIF
rules say exactly what the documentation says.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from sidecar_lsp import __version__
from sidecar_lsp.core.model import Finding, Severity, Span

RULES_DOC = "rules.md"
SARIF_VERSION = "2.1.0"
SARIF_SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
"""The ``id`` of the OASIS SARIF 2.1.0 (errata 01) schema, which the output is validated against."""
TOOL_NAME = "sidecar-lsp"

_SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "note",
    Severity.HINT: "note",
}
_GITHUB_COMMAND = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFORMATION: "notice",
    Severity.HINT: "notice",
}

FileFindings = tuple[str, Sequence[Finding]]
"""A checked file as the user named it, and its findings."""


# --- rule metadata from docs/rules.md -------------------------------------------------------------


@dataclass(frozen=True)
class RuleDoc:
    """What docs/rules.md says about one code."""

    code: str
    title: str
    severity: str
    anchor: str
    """The GitHub heading anchor of the code's section in docs/rules.md (without ``#``)."""
    markdown: str
    """The section (or the table row) as Markdown, the help GitHub code scanning shows."""


_SECTION = re.compile(r"^### (\S+) — (.+)$", re.MULTILINE)
_HEADING = re.compile(r"^#{1,6} ", re.MULTILINE)
_SEVERITY_LINE = re.compile(r"^- \*\*Severity:\*\* (\w+)", re.MULTILINE)
_TABLE_ROW = re.compile(r"^\| `([a-z0-9-]+)` \| (\w+) \| (.+?) \| (.+?) \|$", re.MULTILINE)
_TABLE_ANCHOR = "yaml-and-schema-codes"


def rules_doc_path() -> Path:
    """docs/rules.md as shipped in the wheel, else the checkout's (editable installs)."""
    packaged = Path(__file__).resolve().parents[1] / "docs" / RULES_DOC
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "docs" / RULES_DOC


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces to ``-``."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def parse_rules_doc(text: str) -> dict[str, RuleDoc]:
    """Every code documented in docs/rules.md: the schema-code table rows and the ``### CODE — title`` sections."""
    docs: dict[str, RuleDoc] = {}
    for row in _TABLE_ROW.finditer(text):
        code, severity, meaning, copilot = row.groups()
        markdown = f"**{code}** ({severity}): {meaning}\n\nWhat Copilot does: {copilot}"
        docs[code] = RuleDoc(code, _first_sentence(meaning), severity, _TABLE_ANCHOR, markdown)
    for code, title, body in _sections(text):
        severity = _SEVERITY_LINE.search(body)
        docs[code] = RuleDoc(
            code,
            title,
            severity.group(1) if severity else "error",
            github_anchor(f"{code} — {title}"),
            f"**{code} — {title}**\n\n{body}",
        )
    return docs


def _sections(text: str) -> list[tuple[str, str, str]]:
    """``(code, title, body)`` of each ``### CODE — title`` section; a section ends at the next heading
    outside a code block (a ``# comment`` in a YAML example is no heading)."""
    found: list[tuple[str, str, list[str]]] = []
    in_code = False
    current: tuple[str, str, list[str]] | None = None
    for line in text.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and _HEADING.match(line):
            match = _SECTION.match(line)
            current = (match.group(1), match.group(2).strip(), []) if match else None
            if current:
                found.append(current)
            continue
        if current:
            current[2].append(line)
    return [(code, title, "\n".join(body).strip()) for code, title, body in found]


@functools.lru_cache(maxsize=1)
def rule_docs() -> dict[str, RuleDoc]:
    """docs/rules.md parsed once per process (empty when the file is missing, never an error)."""
    try:
        return parse_rules_doc(rules_doc_path().read_text(encoding="utf-8"))
    except OSError:
        return {}


def _first_sentence(text: str) -> str:
    plain = text.replace("`", "")
    end = plain.find(". ")
    return plain if end < 0 else plain[: end + 1]


def _plain(markdown: str) -> str:
    """Markdown without bold and inline-code marks; code fences stay, they set examples apart."""
    return re.sub(r"(?<!`)`(?!`)", "", markdown.replace("**", ""))


# --- SARIF ------------------------------------------------------------------------------------------


def artifact_uri(path: str, base: Path | None = None) -> tuple[str, bool]:
    """A percent-encoded URI for ``path``: relative to ``base`` (default: the working directory) when
    the file lies under it, which is what GitHub code scanning needs, else an absolute ``file:`` URI.
    Returns the URI and whether it is relative."""
    root = (base or Path.cwd()).resolve()
    absolute = Path(os.path.abspath(path))
    try:
        relative = absolute.relative_to(root)
    except ValueError:
        return absolute.as_uri(), False
    return quote(PurePosixPath(*relative.parts).as_posix()), True


def sarif_log(
    results: Sequence[FileFindings],
    *,
    help_uri_base: str | None = None,
    base: Path | None = None,
) -> dict[str, object]:
    """A SARIF 2.1.0 log of one run.

    ``help_uri_base`` is where docs/rules.md is published (for example the repository's
    ``blob/<ref>/docs/rules.md``); each rule's ``helpUri`` is that plus the code's anchor. Without
    it no ``helpUri`` is written (SARIF wants an absolute URI and the tool knows none that is
    sure to resolve), and every rule still carries the documentation's text as ``help``.
    """
    docs = rule_docs()
    codes = sorted({*docs, *(f.code for _, findings in results for f in findings)})
    index = {code: position for position, code in enumerate(codes)}
    rules = [_sarif_rule(code, docs.get(code), help_uri_base) for code in codes]
    sarif_results: list[dict[str, object]] = []
    for path, findings in results:
        uri, relative = artifact_uri(path, base)
        location: dict[str, object] = {"uri": uri}
        if relative:
            location["uriBaseId"] = "%SRCROOT%"
        for finding in findings:
            sarif_results.append(_sarif_result(finding, location, index[finding.code]))
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": __version__,
                "semanticVersion": __version__,
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": sarif_results,
    }
    return {"$schema": SARIF_SCHEMA_URI, "version": SARIF_VERSION, "runs": [run]}


def format_sarif(results: Sequence[FileFindings], *, help_uri_base: str | None = None) -> str:
    return json.dumps(sarif_log(results, help_uri_base=help_uri_base), indent=2, ensure_ascii=False) + "\n"


def _sarif_rule(code: str, doc: RuleDoc | None, help_uri_base: str | None) -> dict[str, object]:
    if doc is None:
        return {"id": code, "shortDescription": {"text": code}}
    rule: dict[str, object] = {
        "id": code,
        "name": re.sub(r"[^0-9A-Za-z]+", " ", doc.title).title().replace(" ", ""),
        "shortDescription": {"text": _plain(doc.title)},
        "help": {"text": _plain(doc.markdown), "markdown": doc.markdown},
        "defaultConfiguration": {"level": _SARIF_LEVEL.get(_severity(doc.severity), "warning")},
    }
    if help_uri_base:
        rule["helpUri"] = f"{help_uri_base}#{doc.anchor}"
    return rule


def _severity(name: str) -> Severity:
    try:
        return Severity(name)
    except ValueError:
        return Severity.WARNING


def _region(span: Span) -> dict[str, int]:
    """1-based SARIF/GitHub region; the end column is the one after the last character."""
    start, end = span
    return {
        "startLine": start.line + 1,
        "startColumn": start.col + 1,
        "endLine": max(end.line, start.line) + 1,
        "endColumn": (end.col if end.line > start.line else max(end.col, start.col)) + 1,
    }


def _sarif_result(finding: Finding, location: dict[str, object], rule_index: int) -> dict[str, object]:
    primary: dict[str, object] = {
        "physicalLocation": {"artifactLocation": dict(location), "region": _region(finding.span)}
    }
    if finding.path:
        primary["logicalLocations"] = [{"fullyQualifiedName": finding.dotted_path, "kind": "member"}]
    result: dict[str, object] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": _SARIF_LEVEL[finding.severity],
        "message": {"text": finding.message},
        "locations": [primary],
    }
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "physicalLocation": {"artifactLocation": dict(location), "region": _region(related.span)},
                "message": {"text": related.message},
            }
            for number, related in enumerate(finding.related, start=1)
        ]
    return result


# --- GitHub workflow commands -------------------------------------------------------------------------


def escape_data(text: str) -> str:
    """The message part of a workflow command: ``%``, CR and LF are percent-encoded."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value of a workflow command: as :func:`escape_data`, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def display_path(path: str, base: Path | None = None) -> str:
    """``path`` relative to ``base`` (default: the working directory) with ``/``, as GitHub wants it;
    a path outside stays as given."""
    root = (base or Path.cwd()).resolve()
    try:
        return Path(os.path.abspath(path)).relative_to(root).as_posix()
    except ValueError:
        return path.replace(os.sep, "/")


def github_annotation(path: str, finding: Finding) -> str:
    """One ``::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`` line."""
    region = _region(finding.span)
    doc = rule_docs().get(finding.code)
    title = f"{finding.code}: {doc.title}" if doc else finding.code
    properties = {
        "file": display_path(path),
        "line": str(region["startLine"]),
        "col": str(region["startColumn"]),
        "endLine": str(region["endLine"]),
        "endColumn": str(region["endColumn"]),
        "title": _plain(title),
    }
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items())
    return f"::{_GITHUB_COMMAND[finding.severity]} {rendered}::{escape_data(finding.message)}"


def format_github(results: Sequence[FileFindings]) -> str:
    """Every finding as a workflow-command annotation, one a line."""
    return "".join(
        github_annotation(path, finding) + "\n" for path, findings in results for finding in findings
    )
