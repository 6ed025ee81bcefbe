"""Copilot's ``${VAR}`` interpolation and JSON-array conversion (reference §4.9), as pure text facts."""

from __future__ import annotations

import json
import re

VARIABLE = re.compile(r"(\\?)\$\{([_a-zA-Z][_a-zA-Z0-9]*)\}")
"""``interpolate.go:26``: only the braced form; a leading backslash escapes it."""


def variables_in(text: str) -> list[str]:
    """The names Copilot would substitute in ``text`` (escaped ``\\${X}`` excluded)."""
    return [match.group(2) for match in VARIABLE.finditer(text) if not match.group(1)]


def becomes_list(text: str) -> bool:
    """Whether Copilot turns this string into a YAML sequence: a non-empty JSON array of strings.

    The caller excludes literal block scalars (``|``), which Copilot leaves alone.
    """
    stripped = text.strip()
    if not stripped.startswith("["):
        return False
    try:
        value = json.loads(stripped)
    except ValueError:
        return False
    return isinstance(value, list) and bool(value) and all(isinstance(item, str) for item in value)


def template_pattern(text: str) -> re.Pattern[str]:
    """What ``text`` can become after substitution: its literal parts, with ``.*`` for each ``${VAR}``
    (escaped ones too: never narrower than Copilot)."""
    parts: list[str] = []
    position = 0
    for match in VARIABLE.finditer(text):
        parts.append(re.escape(text[position : match.start()]))
        parts.append(".*")
        position = match.end()
    parts.append(re.escape(text[position:]))
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def can_become_one_of(text: str, allowed: tuple[str, ...]) -> bool:
    """Whether some values of the variables turn ``text`` into one of ``allowed`` (case-insensitive)."""
    pattern = template_pattern(text)
    return any(pattern.fullmatch(value) for value in allowed)
