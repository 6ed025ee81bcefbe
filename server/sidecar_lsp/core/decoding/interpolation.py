"""Copilot's ``${VAR}`` interpolation and JSON-array conversion (reference §4.9), as pure text facts,
and the one fact a manifest adds: which variables it leaves empty."""

from __future__ import annotations

import functools
import json
import re

from sidecar_lsp.core.decoding.kinds import ENVIRONMENT, manifest_kind
from sidecar_lsp.core.decoding.template_match import (
    ANY,
    CharSet,
    char_set,
    languages_meet,
    search_automaton,
    template_automaton,
)
from sidecar_lsp.core.yaml.nodes import Mapping, Node, Scalar

VARIABLE = re.compile(r"(\\?)\$\{([_a-zA-Z][_a-zA-Z0-9]*)\}")
"""``interpolate.go:26``: only the braced form; a leading backslash escapes it."""
VARIABLE_MARK = "${"
"""What every ``${VAR}`` starts with, in a key or a text, and in their JSON."""


APP_NAME_VARIABLE = "COPILOT_APPLICATION_NAME"
ENV_NAME_VARIABLE = "COPILOT_ENVIRONMENT_NAME"
NAME_VARIABLES = (APP_NAME_VARIABLE, ENV_NAME_VARIABLE)
ENV_NAME_REFERENCE = f"${{{ENV_NAME_VARIABLE}}}"
"""How a manifest writes the environment's name."""
"""The names Copilot defines itself (``interpolate.go``): an application's or environment's name."""

_NAME_CHARACTERS = char_set((ord("a"), ord("z")), (ord("0"), ord("9")), (ord("-"), ord("-")))
"""What such a name is made of (Copilot's ``basicNameValidation``: lower-case letters, digits, hyphens)."""
_NAME_START = char_set((ord("a"), ord("z")))
"""and what it starts with: a letter."""


def variables_in(text: str) -> list[str]:
    """The names Copilot would substitute in ``text`` (escaped ``\\${X}`` excluded)."""
    return [match.group(2) for match in VARIABLE.finditer(text) if not match.group(1)]


def substitute(text: str, known: dict[str, str]) -> str:
    """``text`` with each unescaped ``${NAME}`` of ``known`` replaced by its value, the others kept."""
    return VARIABLE.sub(
        lambda m: known[m.group(2)] if m.group(2) in known and not m.group(1) else m.group(0), text
    )


def only_variables(text: str, names: tuple[str, ...]) -> bool:
    """Whether ``text`` is nothing but unescaped ``${NAME}``s of ``names``."""
    remainder = VARIABLE.sub(lambda m: "" if m.group(2) in names and not m.group(1) else m.group(0), text)
    return bool(text) and remainder == ""


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


@functools.lru_cache(maxsize=8)  # asked once per environment's view: one scan of the text, not one per view
def text_may_hold_variables(text: str) -> bool:
    """False only when no scalar of the YAML ``text`` can hold ``${``: the text has none, and no backslash
    (a double-quoted escape, or a line break escaped to join two lines) can make one; folding a line break
    always leaves a space or a break between the ``$`` and the ``{``."""
    return VARIABLE_MARK in text or "\\" in text


@functools.lru_cache(maxsize=8)  # the schema check asks for each environment's view, a rule once more
def text_may_hold_list_text(text: str) -> bool:
    """False only when no scalar of the YAML ``text`` can start with ``[`` after white space (as a string
    :func:`becomes_list` converts does). A plain scalar never starts with ``[`` (it opens a flow list there):
    such a ``[`` follows a quote, starts the text or a line (a folded block's content, a quoted string's
    next line), comes after white space YAML does not count as such (a plain scalar may start with it),
    or comes from an escape."""
    if "\\" in text:
        return True
    at = text.find("[")
    while at >= 0:
        before = at
        while before > 0 and text[before - 1].isspace():
            before -= 1
        if before == 0 or text[before - 1] in "\"'" or text[before:at].strip(" \t"):
            return True
        at = text.find("[", at + 1)
    return False


STRING_TAGS = (None, "tag:yaml.org,2002:str", "!!str")
"""The tags of a string scalar: none written, or ``!!str`` spelled either way."""


def json_array_items(node: Node | None) -> list[str] | None:
    """The list Copilot makes of a string scalar (``interpolate.go``, on the ``!!str`` node after
    substitution) whose text is a non-empty JSON array of strings, or None. A literal block (``|``)
    stays a string; a ``!!str`` written out changes nothing, the node is ``!!str`` either way."""
    if not (isinstance(node, Scalar) and isinstance(node.value, str) and node.tag in STRING_TAGS):
        return None
    if node.style == "|" or not becomes_list(node.value):
        return None
    items: list[str] = json.loads(node.value.strip())
    return items


def can_become_one_of(text: str, allowed: tuple[str, ...]) -> bool:
    """Whether some values of the variables turn ``text`` into one of ``allowed`` (case-insensitive)."""
    return can_match(text, "(?i)^(" + "|".join(map(re.escape, allowed)) + r")\Z")


def _template_parts(text: str) -> list[tuple[CharSet, bool]]:
    parts: list[tuple[CharSet, bool]] = []
    position = 0

    def literal(until: int) -> None:
        parts.extend((char_set((ord(c), ord(c))), False) for c in text[position:until])

    for match in VARIABLE.finditer(text):
        literal(match.start())
        if match.group(2) in NAME_VARIABLES and not match.group(1):
            parts += [(_NAME_START, False), (_NAME_CHARACTERS, True)]
        else:  # any text; an escaped \${X} too, never narrower than Copilot
            parts.append((ANY, True))
        position = match.end()
    literal(len(text))
    return parts


def can_match(text: str, pattern: str) -> bool:
    """Whether some values of the variables in ``text`` give a string in which ``re.search(pattern)``
    finds a match. True when the pattern uses what :mod:`template_match` does not model."""
    check = search_automaton(pattern)
    if check is None:
        return True
    return languages_meet(template_automaton(_template_parts(text)), check)


def empty_variables(root: Node) -> tuple[str, ...]:
    """The variables known to be empty: an environment manifest without a name has no environment name
    to substitute."""
    if manifest_kind(root) == ENVIRONMENT and isinstance(root, Mapping):
        entry = root.entry("name")
        if entry is None or not (isinstance(entry.value, Scalar) and entry.value.value not in (None, "")):
            return (ENV_NAME_VARIABLE,)
    return ()
