"""The ruamel.yaml parser events the composer reads, and the text as that parser must read it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.main import CParser  # type: ignore[attr-defined]  # None without the C extension

from sidecar_lsp.core.lines import has_unusual_breaks

_YAML_ONLY_BREAKS = str.maketrans({"\x85": "\n", "\u2028": "\n", "\u2029": "\n"})


def text_for_parser(text: str, pure: bool) -> str:
    """The text as the parser should read it: yaml.v3 and libyaml end lines at NEL, U+2028 and
    U+2029, ruamel's pure-Python parser (YAML 1.2) does not; replacing them by ``\\n`` keeps every
    offset, so the marks still point into the original text."""
    if (pure or CParser is None) and has_unusual_breaks(text):
        return text.translate(_YAML_ONLY_BREAKS)
    return text


def parse_events(text: str, pure: bool) -> Iterator[Any]:
    """The parser events of ``text`` (as :func:`text_for_parser` gives it); raises the parser's errors.

    libyaml's parser (through ruamel.yaml.clib, about 20 times faster) unless ``pure`` asks for
    ruamel's pure-Python one, or the C extension is missing. libyaml's is driven directly: each
    parse makes its own, so nothing is shared between threads, and going through ``YAML.parse``
    would build a loader class per parse and a generator step per event, about as much work again
    as libyaml's own on a small manifest. The pure-Python parser reads only the rare texts libyaml
    misreads.
    """
    if pure or CParser is None:
        yield from YAML(typ="safe", pure=True).parse(text)
        return
    parser = CParser(text)
    try:
        while parser.check_event():
            yield parser.get_event()
    finally:
        parser.dispose()


LIBYAML_ONLY_ERROR = "found unexpected ':'"
"""What the libyaml in ruamel.yaml.clib (0.2.2) says of ``[front:latest]``, which yaml.v3 reads as a string."""
_STAND_INS = "^~`;="
"""Characters that, in the middle of a plain scalar, libyaml reads as one more character of it."""
_ENDS_A_FLOW_SCALAR = frozenset(" \t\r\n,?[]{}#")
_MAX_STAND_INS = 32


def colons_stood_in(text: str) -> tuple[str, str] | None:
    """``(text, stand_in)``: ``text`` with each colon libyaml refuses inside a flow collection's plain
    scalar replaced by ``stand_in``, a character ``text`` does not hold, such that libyaml reads the
    whole text; None where a refused colon is followed by what could end the scalar (there the
    pure-Python parser's reading is kept), or libyaml still fails."""
    stand_in = next((char for char in _STAND_INS if char not in text), None)
    if stand_in is None:
        return None
    for _ in range(_MAX_STAND_INS):
        try:
            for _event in parse_events(text, pure=False):
                pass
        except MarkedYAMLError as error:
            mark = error.problem_mark
            if error.problem != LIBYAML_ONLY_ERROR or mark is None:
                return None
            at = mark.index
            following = text[at + 1 : at + 2]
            if text[at : at + 1] != ":" or not following or following in _ENDS_A_FLOW_SCALAR:
                return None
            text = text[:at] + stand_in + text[at + 1 :]
            continue
        except YAMLError:
            return None
        return text, stand_in
    return None
