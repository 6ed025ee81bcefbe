"""Whether a text with ``${VAR}``s can become a string that a regular expression accepts.

Copilot substitutes ``${VAR}`` before it checks a value, so ``range: prefix-${X}`` fails whatever ``X``
is, while ``range: ${MIN}-10`` may pass. The question is whether two regular languages meet: what the
template can become, and what the check accepts. Both are turned into small automata (the check's from
Python's own regex parser) and their product is searched for an accepting path.

Every approximation here widens a language, never narrows it: a construct this module does not model
(look-arounds, back-references) answers "it can match", so the worst outcome is a missed error,
never a false one.
"""

from __future__ import annotations

import functools
import importlib
import re
import sys
from dataclasses import dataclass, field
from typing import Any

# Python's own regex parser, so that the check's language is exactly the one re.search uses (3.11
# moved it under re and deprecated the old names).
_NEW_PARSER = sys.version_info >= (3, 11)
sre: Any = importlib.import_module("re._constants" if _NEW_PARSER else "sre_constants")
sre_parse: Any = importlib.import_module("re._parser" if _NEW_PARSER else "sre_parse")

MAX_CHAR = 0x10FFFF
CharSet = tuple[tuple[int, int], ...]
ANY: CharSet = ((0, MAX_CHAR),)
_START, _END = "start", "end"
_REPEAT_LIMIT = 20


class UnsupportedRegexError(Exception):
    """The regex uses a construct the automaton does not model."""


def char_set(*ranges: tuple[int, int]) -> CharSet:
    ordered = sorted(ranges)
    merged: list[tuple[int, int]] = []
    for lo, hi in ordered:
        if merged and lo <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return tuple(merged)


def complement(chars: CharSet) -> CharSet:
    out: list[tuple[int, int]] = []
    position = 0
    for lo, hi in chars:
        if lo > position:
            out.append((position, lo - 1))
        position = hi + 1
    if position <= MAX_CHAR:
        out.append((position, MAX_CHAR))
    return tuple(out)


def meets(left: CharSet, right: CharSet) -> bool:
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i][1] < right[j][0]:
            i += 1
        elif right[j][1] < left[i][0]:
            j += 1
        else:
            return True
    return False


def _chars(text: str) -> CharSet:
    return char_set(*((ord(c), ord(c)) for c in text))


_NON_ASCII = (0x80, MAX_CHAR)
_ASCII_CATEGORIES: dict[object, CharSet] = {
    sre.CATEGORY_DIGIT: char_set((48, 57)),
    sre.CATEGORY_SPACE: _chars(" \t\n\r\f\v"),
    sre.CATEGORY_WORD: char_set((48, 57), (65, 90), (97, 122), (95, 95)),
}
_NEGATED = {
    sre.CATEGORY_NOT_DIGIT: sre.CATEGORY_DIGIT,
    sre.CATEGORY_NOT_SPACE: sre.CATEGORY_SPACE,
    sre.CATEGORY_NOT_WORD: sre.CATEGORY_WORD,
}


def _category(category: object, *, wide: bool) -> CharSet:
    """A class such as ``\\d``: its ASCII part, plus every non-ASCII character when ``wide`` (Unicode
    digits and letters are in it too, and which exactly is not worth modelling)."""
    if category in _NEGATED:
        return complement(_category(_NEGATED[category], wide=not wide))
    if category not in _ASCII_CATEGORIES:
        if wide:
            return ANY
        return ()
    ascii_part = _ASCII_CATEGORIES[category]
    return char_set(*ascii_part, _NON_ASCII) if wide else ascii_part


def _fold_case(chars: CharSet) -> CharSet:
    """Both cases of every ASCII letter, and all of non-ASCII (Unicode folding is left wide)."""
    extra: list[tuple[int, int]] = [_NON_ASCII] if chars else []
    for lo, hi in chars:
        for start, stop, shift in ((65, 90, 32), (97, 122, -32)):
            a, b = max(lo, start), min(hi, stop)
            if a <= b:
                extra.append((a + shift, b + shift))
    return char_set(*chars, *extra)


@dataclass
class Automaton:
    """A nondeterministic automaton: character edges, plain epsilon edges, and epsilon edges taken
    only at the start or the end of the text (``^``, ``$``)."""

    edges: list[list[tuple[CharSet, int]]] = field(default_factory=list)
    empty: list[list[tuple[str | None, int]]] = field(default_factory=list)
    start: int = 0
    accept: int = 0

    def state(self) -> int:
        self.edges.append([])
        self.empty.append([])
        return len(self.edges) - 1

    def chars(self, source: int, chars: CharSet, target: int) -> None:
        self.edges[source].append((chars, target))

    def epsilon(self, source: int, target: int, guard: str | None = None) -> None:
        self.empty[source].append((guard, target))


class _RegexBuilder:
    def __init__(self, automaton: Automaton, *, ignore_case: bool, multiline: bool) -> None:
        self.automaton = automaton
        self.ignore_case = ignore_case
        self.multiline = multiline

    def set_of(self, chars: CharSet) -> CharSet:
        return _fold_case(chars) if self.ignore_case else chars

    def sequence(self, items: list[tuple[Any, Any]], source: int) -> int:
        for op, argument in items:
            source = self.item(op, argument, source)
        return source

    def item(self, op: Any, argument: Any, source: int) -> int:  # noqa: C901 - one case per opcode
        a = self.automaton
        if op is sre.LITERAL:
            target = a.state()
            a.chars(source, self.set_of(char_set((argument, argument))), target)
            return target
        if op is sre.NOT_LITERAL:
            target = a.state()
            a.chars(source, complement(self.set_of(char_set((argument, argument)))), target)
            return target
        if op is sre.ANY:
            target = a.state()
            a.chars(source, ANY, target)
            return target
        if op is sre.IN:
            target = a.state()
            a.chars(source, self.in_set(argument), target)
            return target
        if op is sre.BRANCH:
            target = a.state()
            for branch in argument[1]:
                a.epsilon(self.sequence(branch, source), target)
            return target
        if op is sre.SUBPATTERN:
            add_flags: int = argument[1]
            if add_flags & re.IGNORECASE:
                self.ignore_case = True
            return self.sequence(argument[3], source)
        if op is sre.ATOMIC_GROUP:
            return self.sequence(argument, source)
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            return self.repeat(argument, source)
        if op is sre.AT:
            return self.anchor(argument, source)
        raise UnsupportedRegexError(str(op))

    def in_set(self, items: list[tuple[Any, Any]]) -> CharSet:
        negated = bool(items) and items[0][0] is sre.NEGATE
        ranges: list[tuple[int, int]] = []
        for op, argument in items[1:] if negated else items:
            if op is sre.LITERAL:
                ranges.append((argument, argument))
            elif op is sre.RANGE:
                ranges.append(argument)
            elif op is sre.CATEGORY:
                # A negated class must be built from the narrow reading to stay wide itself.
                ranges.extend(_category(argument, wide=not negated))
            else:
                raise UnsupportedRegexError(str(op))
        chars = self.set_of(char_set(*ranges))
        return complement(chars) if negated else chars

    def repeat(self, argument: tuple[int, int, list[tuple[Any, Any]]], source: int) -> int:
        low, high, items = argument
        a = self.automaton
        if low > _REPEAT_LIMIT or (high is not sre.MAXREPEAT and high > _REPEAT_LIMIT):
            low, high = 0, sre.MAXREPEAT  # wider: any number of repetitions
        for _ in range(low):
            source = self.sequence(items, source)
        if high is sre.MAXREPEAT:
            loop = a.state()
            a.epsilon(source, loop)
            a.epsilon(self.sequence(items, loop), loop)
            return loop
        target = a.state()
        a.epsilon(source, target)
        for _ in range(high - low):
            source = self.sequence(items, source)
            a.epsilon(source, target)
        return target

    def anchor(self, where: Any, source: int) -> int:
        a = self.automaton
        target = a.state()
        if where in (sre.AT_BEGINNING_STRING,) or (where is sre.AT_BEGINNING and not self.multiline):
            a.epsilon(source, target, _START)
        elif where is sre.AT_END_STRING:
            a.epsilon(source, target, _END)
        elif where is sre.AT_END and not self.multiline:
            a.epsilon(source, target, _END)
            newline = a.state()  # Python's $ also matches before a final newline
            a.chars(source, char_set((10, 10)), newline)
            a.epsilon(newline, target, _END)
        else:  # \b, \B and multi-line anchors: no constraint (wider)
            a.epsilon(source, target)
        return target


@functools.lru_cache(maxsize=256)
def search_automaton(pattern: str) -> Automaton | None:
    """The texts in which ``re.search(pattern, text)`` finds a match, or None when unsupported."""
    try:
        parsed = sre_parse.parse(pattern)
    except re.error:
        return None
    automaton = Automaton()
    automaton.start = automaton.state()
    flags = parsed.state.flags
    builder = _RegexBuilder(
        automaton, ignore_case=bool(flags & re.IGNORECASE), multiline=bool(flags & re.MULTILINE)
    )
    automaton.chars(automaton.start, ANY, automaton.start)  # search: anything before the match
    try:
        end = builder.sequence(list(parsed), automaton.start)
    except UnsupportedRegexError:
        return None
    automaton.chars(end, ANY, end)  # and anything after it
    automaton.accept = end
    return automaton


def template_automaton(parts: list[tuple[CharSet, bool]]) -> Automaton:
    """A chain: each part is one character of a set, or (``True``) any run of them, the empty one too."""
    automaton = Automaton()
    source = automaton.start = automaton.state()
    for chars, repeated in parts:
        if repeated:
            automaton.chars(source, chars, source)
        else:
            target = automaton.state()
            automaton.chars(source, chars, target)
            source = target
    automaton.accept = source
    return automaton


def languages_meet(template: Automaton, check: Automaton) -> bool:
    """Whether some text is accepted by both (the product automaton has a path to acceptance)."""
    first = (template.start, check.start, True, False)
    seen = {first}
    stack = [first]
    while stack:
        t, c, at_start, at_end = stack.pop()
        if t == template.accept and c == check.accept:
            return True
        following: list[tuple[int, int, bool, bool]] = [
            (t2, c, at_start, at_end) for _g, t2 in template.empty[t]
        ]
        for guard, c2 in check.empty[c]:
            if guard is None or guard == _START and at_start:
                following.append((t, c2, at_start, at_end))
            elif guard == _END:
                following.append((t, c2, at_start, True))
        if not at_end:
            for chars, t2 in template.edges[t]:
                following.extend(
                    (t2, c2, False, False) for check_chars, c2 in check.edges[c] if meets(chars, check_chars)
                )
        for state in following:
            if state not in seen:
                seen.add(state)
                stack.append(state)
    return False
