"""The ruamel.yaml parser events the composer reads, and the text as that parser must read it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ruamel.yaml import YAML
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
