"""Quick fixes for findings: text edits on exact spans, so comments and formatting stay as written.

The rules and the schema mapping attach the fixes to the findings they make, where they know the
answer; a code action offers exactly those. Messages are never parsed back into fixes.
"""

from __future__ import annotations

from sidecar_lsp.core.model import Finding, Fix, Span
from sidecar_lsp.core.yaml.tree import ParsedDocument


def fixes_for(document: ParsedDocument, finding: Finding) -> list[Fix]:
    """The quick fixes for ``finding`` in ``document``."""
    return list(finding.fixes)


def code_actions(document: ParsedDocument, findings: list[Finding], span: Span) -> list[tuple[Finding, Fix]]:
    """Every fix of the findings that overlap ``span`` (the editor's selection or cursor)."""
    actions: list[tuple[Finding, Fix]] = []
    for finding in findings:
        if finding.span.start <= span.end and span.start <= finding.span.end:
            actions.extend((finding, fix) for fix in fixes_for(document, finding))
    return actions
