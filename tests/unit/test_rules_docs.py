"""docs/rules.md lists every rule code of the registry, with the registry's severity, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

from sidecar_lsp.core.rules import RULES, SCHEMA_RULES
from sidecar_lsp.core.workspace.rules import WORKSPACE_RULES

DOCS = Path(__file__).resolve().parents[2] / "docs" / "rules.md"
HEADING = re.compile(r"^### (\S+) — (.+)$", re.MULTILINE)


def sections() -> dict[str, str]:
    text = DOCS.read_text()
    matches = list(HEADING.finditer(text))
    result: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        result[match.group(1)] = text[match.start() : end]
    return result


def test_every_rule_and_schema_rule_has_a_section_and_nothing_else() -> None:
    assert sorted(sections()) == sorted([*RULES, *SCHEMA_RULES, *WORKSPACE_RULES])


def test_sections_state_the_registry_severity_and_title() -> None:
    documented = sections()
    for code, rule in [*RULES.items(), *WORKSPACE_RULES.items()]:
        section = documented[code]
        assert section.startswith(f"### {code} — {rule.title}\n"), code
        assert f"- **Severity:** {rule.severity.value}\n" in section, code
        assert f"- **Checked by Copilot:** {'yes' if rule.copilot else 'no'}\n" in section, code
        assert "```yaml" in section and "- **Fix:**" in section, code


def test_schema_rules_say_so() -> None:
    documented = sections()
    for code in SCHEMA_RULES:
        assert "- **Checked by:** schema" in documented[code], code


def test_codes_are_copilot_ids_or_x_prefixed() -> None:
    assert all(
        re.fullmatch(r"(?:[SLDTPHIWRVOANCQJFE]|PL)\d+|X-[a-z-]+", code)
        for code in [*RULES, *SCHEMA_RULES, *WORKSPACE_RULES]
    )
