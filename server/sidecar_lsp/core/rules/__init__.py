"""Cross-field rules: what Copilot checks after decoding, and what it should have checked.

Placeholder until the cross-field rules land: no findings.
"""

from __future__ import annotations

from ..model import Finding
from ..yaml_map import ParsedDocument


def run_rules(document: ParsedDocument) -> list[Finding]:
    """Every cross-field finding for the document (base and each merged environment)."""
    return []
