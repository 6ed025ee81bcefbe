"""The ruamel.yaml event parser the composer reads, and the text as that parser must read it."""

from __future__ import annotations

import threading

from ruamel.yaml import YAML
from ruamel.yaml.main import CParser  # type: ignore[attr-defined]  # None without the C extension

from sidecar_lsp.core.lines import has_unusual_breaks

_YAML_ONLY_BREAKS = str.maketrans({"\x85": "\n", "\u2028": "\n", "\u2029": "\n"})


def text_for_parser(text: str, pure: bool) -> str:
    """The text as the parser should read it: yaml.v3 and libyaml end lines at NEL, U+2028 and
    U+2029, ruamel's pure-Python parser (YAML 1.2) does not; replacing them by ``\\n`` keeps every
    offset, so the marks still point into the original text."""
    if pure and has_unusual_breaks(text):
        return text.translate(_YAML_ONLY_BREAKS)
    return text


def event_parser(pure: bool) -> YAML:
    """libyaml's parser through ruamel.yaml.clib when installed (about 20 times faster), else pure Python.

    The libyaml one is made once per thread: making one lists ruamel's plug-in folder (a third of
    a small file's parse), and one must never serve two threads at once (the server parses on the
    event loop and on a worker thread). Each ``parse`` makes its own libyaml reader, so nothing of
    one parse reaches the next but the list of document infos, emptied here. The pure-Python one
    keeps a parser between parses, so it is made afresh (it reads only the rare texts libyaml misreads).
    """
    if pure:
        return YAML(typ="safe", pure=True)
    parser: YAML | None = getattr(_PER_THREAD, "parser", None)
    if parser is None:
        try:
            parser = YAML(typ="safe", pure=False)
        except Exception:  # pragma: no cover - only without the C extension
            return YAML(typ="safe", pure=True)
        if CParser is None or parser.Parser is not CParser:  # pragma: no cover - no C extension
            return parser
        _PER_THREAD.parser = parser
    parser.doc_infos.clear()
    return parser


_PER_THREAD = threading.local()
