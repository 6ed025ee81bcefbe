"""The string forms Copilot's validators parse (ARNs, CIDR blocks, names), with Go's own error texts.

Each function returns Go's error message, or None when Go accepts the text. Values that still hold a
``${VAR}`` are unknown until deploy time: :func:`literal_text` keeps rules away from them.
"""

from __future__ import annotations

import ipaddress
import re

from sidecar_lsp.core.decoding.interpolation import NAME_VARIABLES, can_match, json_array_items, variables_in
from sidecar_lsp.core.rules.base import text_of
from sidecar_lsp.core.yaml.tree import Mapping, Node, Scalar, Sequence, is_null, sequence_items

_DIGITS = re.compile(r"[0-9]+")
_SERVICE_NAME = re.compile(r"[a-z][a-z0-9\-]+")
_DOUBLE_PUNCTUATION = re.compile(r"[.\-]{2,}")


def literal_text(node: Node | None) -> str | None:
    """The string Copilot reads, or None when unset, not a scalar, still holding a ``${VAR}``, or a JSON
    array of strings, which Copilot reads as a list (the schema and X-json-array say what becomes of it)."""
    text = template_text(node)
    return None if text is None or variables_in(text) else text


def template_text(node: Node | None) -> str | None:
    """Like :func:`literal_text`, but a string holding a ``${VAR}`` is kept, for checks that can tell
    whether any value of the variables passes them (:func:`arn_error`)."""
    text = text_of(node)
    if text is None:
        return None
    return None if json_array_items(node) is not None else text


CLOUDFRONT_REGION = "us-east-1"
"""The only region CloudFront takes certificates from (an environment's CDN, a Static Site)."""


def arn_error(text: str) -> str | None:
    """aws-sdk-go's ``arn.Parse``: the ``arn:`` prefix and six ``:``-separated sections. A text with
    ``${VAR}``s fails only when no value of them can pass."""
    if variables_in(text):
        if not can_match(text, r"\Aarn:"):
            return "arn: invalid prefix"
        if not can_match(text, r"\Aarn:(?:[^:]*:){4}"):
            return "arn: not enough sections"
        return None
    if not text.startswith("arn:"):
        return "arn: invalid prefix"
    if len(text.split(":", 5)) != 6:
        return "arn: not enough sections"
    return None


def arn_region(text: str) -> str:
    return text.split(":", 5)[3]


_CIDR_SHAPE = r"\A[0-9A-Fa-f:.]*/[0-9]+\Z"
"""Wider than what ``net.ParseCIDR`` takes: the characters of an address, ``/`` and a prefix length."""


def cidr_error(text: str) -> str | None:
    """Go's ``net.ParseCIDR``: an address without zone, ``/``, and a decimal prefix length within range.
    A text with ``${VAR}``s fails only when no value of them can give that shape."""
    error = f"invalid CIDR address: {text}"
    if variables_in(text):
        return None if can_match(text, _CIDR_SHAPE) else error
    address, slash, prefix = text.partition("/")
    if not slash or "%" in address or not _DIGITS.fullmatch(prefix):
        return error
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return error
    return error if int(prefix) > parsed.max_prefixlen else None


def is_valid_service_name(name: str) -> bool:
    """``isValidSubSvcName``: starts with a letter; lower-case letters, digits and hyphens; no ``--``
    and no trailing hyphen."""
    return (
        _SERVICE_NAME.fullmatch(name) is not None
        and _DOUBLE_PUNCTUATION.search(name) is None
        and not name.endswith(("-", "."))
    )


_DURATION_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|µs|μs|ms|s|m|h)")
_UNIT_NS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 10**9, "m": 60 * 10**9}
_UNIT_NS["h"] = 3600 * 10**9


GO_DURATION = r"\A[-+]?(?:0|(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+)\Z"
"""The texts :func:`duration_ns` (Go's ``time.ParseDuration``) accepts, for :func:`can_match`."""


def duration_ns(text: str) -> float | None:
    """Go's ``time.ParseDuration`` in nanoseconds, or None when Go rejects the text."""
    body = text
    sign = 1
    if body[:1] in ("-", "+"):
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if body == "0":
        return 0.0
    if not body:
        return None
    total = 0.0
    position = 0
    while position < len(body):
        match = _DURATION_PART.match(body, position)
        if match is None or match.group(1) in ("", "."):
            return None
        total += float(match.group(1)) * _UNIT_NS[match.group(2)]
        position = match.end()
    return sign * total


def decoded_items(node: Node | None) -> list[Node]:
    """The items of a list as yaml.v3 decodes them into a Go slice of structs or strings: a null item is
    dropped (and does not count for the indexes in Copilot's messages). A string that Copilot turns into
    a list gives its items, each written where the string is; while it holds a ``${VAR}`` whose value
    could add items, it gives none (an application's or environment's name cannot: no quote, no comma)."""
    items = json_array_items(node)
    if items is not None:
        assert isinstance(node, Scalar)
        if set(variables_in(node.value)) - set(NAME_VARIABLES):
            return []
        return [Scalar(span=node.span, value=item, raw=item, style='"') for item in items]
    return [item for item in sequence_items(node) if not is_null(item)]


def dropped_shape(node: Node | None) -> str | None:
    """ "map" or "list" when the node cannot be a string, else None. Inside the map of a scalar-or-map
    field Copilot drops such a value without a word (``schema-dropped-value``), and a string field it
    was given to reads the empty string: an enumerated word (``http.version``, a FIFO setting, a
    platform half) then fails Copilot's check of ''."""
    if isinstance(node, Mapping):
        return "map"
    if isinstance(node, Sequence) or json_array_items(node) is not None:
        return "list"  # a JSON-array string too: Copilot makes it a list first
    return None


def dropped_or_template_text(node: Node | None) -> str | None:
    """What a string field inside the map of a scalar-or-map field holds: '' for a value the map
    drops (:func:`dropped_shape`), else :func:`template_text`."""
    return "" if dropped_shape(node) else template_text(node)


def dropped_note(node: Node | None) -> str:
    shape = dropped_shape(node)
    return f"; Copilot drops this {shape} and reads an empty value" if shape else ""


INT64 = (-(2**63), 2**63 - 1)
UINT32 = (0, 2**32 - 1)


def dropped_or_int(node: Node | None, bounds: tuple[int, int] = INT64) -> int | None:
    """The number a Go integer field (``bounds``: its type's range) inside the map of a scalar-or-map
    field holds, or None when unset: yaml.v3 truncates a fraction toward zero, and drops what does not
    fit (text, even ``"5"`` or ``${N}``, a boolean, a list or map, a number out of range, ``.inf``), which
    leaves 0 (schema-dropped-value)."""
    if node is None or is_null(node):
        return None
    value = node.value if isinstance(node, Scalar) else None
    low, high = bounds
    if isinstance(value, (int, float)) and not isinstance(value, bool) and low - 1 < value < high + 1:
        return int(value)
    return 0
