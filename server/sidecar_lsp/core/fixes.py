"""Quick fixes for findings: text edits on exact spans, so comments and formatting stay as written.

Most findings carry their fixes (the rules and the schema mapping attach them when they know the
answer). :func:`fixes_for` returns those, and rebuilds the fixes of findings that arrive without
them (a diagnostic sent back by the editor) from the code, the span and the message.
"""

from __future__ import annotations

import difflib
import re

from .model import Finding, Fix, Span, TextEdit
from .yaml_map import ParsedDocument, Scalar, node_at

_DID_YOU_MEAN = re.compile(r"did you mean '([^']+)'")
_ENUM_OPTIONS = re.compile(r"is not one of: (.+?)(?:; did you mean|$)")


def fixes_for(document: ParsedDocument, finding: Finding) -> list[Fix]:
    """The quick fixes for ``finding`` in ``document``."""
    if finding.fixes:
        return list(finding.fixes)
    if finding.code == "schema-unknown-key":
        return _rename_key(finding)
    if finding.code == "schema-enum":
        return _nearest_values(document, finding)
    if finding.code in ("X-target-container-camel",):
        return [
            Fix("Rename to target_container", (TextEdit(finding.span, "target_container"),), preferred=True)
        ]
    return []


def suggested_key(message: str) -> str | None:
    """The key an unknown-key message suggests (``…did you mean 'x'?…``)."""
    match = _DID_YOU_MEAN.search(message)
    return match.group(1) if match else None


def _rename_key(finding: Finding) -> list[Fix]:
    suggestion = suggested_key(finding.message)
    if suggestion is None:
        return []
    return [Fix(f"Rename to '{suggestion}'", (TextEdit(finding.span, suggestion),), preferred=True)]


def _nearest_values(document: ParsedDocument, finding: Finding) -> list[Fix]:
    match = _ENUM_OPTIONS.search(finding.message)
    location = node_at(document.root, finding.span.start)
    node = location.node
    if match is None or not isinstance(node, Scalar) or node.style is not None or node.span != finding.span:
        return []
    options = [option.strip() for option in match.group(1).split(",") if option.strip() not in ("", "…")]
    close = difflib.get_close_matches(node.text, options, n=3, cutoff=0.4)
    return [
        Fix(f"Change to '{value}'", (TextEdit(node.span, value),), preferred=index == 0)
        for index, value in enumerate(close)
    ]


def code_actions(document: ParsedDocument, findings: list[Finding], span: Span) -> list[tuple[Finding, Fix]]:
    """Every fix of the findings that overlap ``span`` (the editor's selection or cursor)."""
    actions: list[tuple[Finding, Fix]] = []
    for finding in findings:
        if finding.span.start <= span.end and span.start <= finding.span.end:
            actions.extend((finding, fix) for fix in fixes_for(document, finding))
    return actions
