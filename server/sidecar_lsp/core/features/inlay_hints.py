"""Inlay hints: what each environment deploys, shown where the base or an override writes it.

* at a base value that ``environments.<env>`` overrides: the environments' values (``prod: 4 · staging: 2``);
* at an override's value: the base value it replaces (``base: 2``), or ``new`` when the base sets none;
* where Copilot applies a default the user did not write and a rule reads it: a sidecar that a
  ``depends_on`` names and that does not set ``essential`` shows ``essential: true (default)``.

Pure: a parsed document and a range of lines in, :class:`InlayHint` (code-point positions) out. Only
the nodes that start in the range are looked at, and the range is cut to :data:`MAX_HINT_LINES`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sidecar_lsp.core.manifest.merge import ENVIRONMENTS_KEY, base_without_environments, layers
from sidecar_lsp.core.manifest.references import DEPENDS_ON, SIDECARS
from sidecar_lsp.core.model import Pos
from sidecar_lsp.core.schema.index import value_text
from sidecar_lsp.core.schema.store import load_schema
from sidecar_lsp.core.yaml.tree import (
    Entry,
    Mapping,
    Node,
    ParsedDocument,
    Scalar,
    Sequence,
    is_null,
    own_entries,
)

MAX_HINT_LINES = 1000
"""The most lines one request gets hints for (an editor asks for the visible range)."""
MAX_LABEL = 40
"""Characters of a value shown before an ellipsis."""
IGNORED_IN_OVERRIDES = frozenset({"name", "type", ENVIRONMENTS_KEY})
"""Keys Copilot drops from an override (see ``merge.merge_environment``)."""

ENVIRONMENT_VALUES, BASE_VALUE, DEFAULT = "environments", "base", "default"

PathKey = tuple[str, ...]


@dataclass(frozen=True)
class InlayHint:
    pos: Pos
    label: str
    kind: str
    """``environments`` (at a base value), ``base`` (at an override) or ``default``."""
    tooltip: str = ""


@dataclass(frozen=True)
class HintOptions:
    """Which hints to send (each has a setting)."""

    environment_values: bool = True
    base_values: bool = True
    defaults: bool = True


def short(node: Node | None, limit: int = MAX_LABEL) -> str:
    """A value in one line of at most ``limit`` characters (an ellipsis past it)."""
    text = _flat(node, 0)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _flat(node: Node | None, depth: int) -> str:
    if node is None or is_null(node):
        return "null"
    if isinstance(node, Scalar):
        return node.text
    if depth > 3:
        return "…"
    if isinstance(node, Sequence):
        return "[" + ", ".join(_flat(item, depth + 1) for item in node.items[:8]) + "]"
    assert isinstance(node, Mapping)
    return "{" + ", ".join(f"{e.name}: {_flat(e.value, depth + 1)}" for e in own_entries(node)[:8]) + "}"


def hint_position(entry: Entry, lines: list[str]) -> Pos:
    """Where a hint about ``entry`` goes: after its value when that is one line, else after the key's colon."""
    value = entry.value
    one_line = value.span.start.line == value.span.end.line
    flow = isinstance(value, Scalar) or (isinstance(value, Mapping | Sequence) and value.flow)
    if one_line and flow and not is_null(value):
        return value.span.end
    line, col = entry.key.span.end
    text = lines[line] if line < len(lines) else ""
    return Pos(line, col + 1 if text[col : col + 1] == ":" else col)


def override_leaves(layer: Mapping, base: Mapping | None) -> Iterator[tuple[PathKey, Entry, Node | None]]:
    """Each value an override sets, with its path and the base's value there (None: the base sets none).

    A value is a leaf where the override stops being a map, or where the base is no map (the override
    replaces it whole); null values override nothing and are left out.
    """
    stack: list[tuple[PathKey, Mapping, Mapping | None]] = [((), layer, base)]
    while stack:
        path, node, base_node = stack.pop()
        for entry in own_entries(node):
            if not path and entry.name in IGNORED_IN_OVERRIDES:
                continue
            if is_null(entry.value):
                continue
            base_value = base_node.get(entry.name) if base_node is not None else None
            here = (*path, entry.name)
            if isinstance(entry.value, Mapping) and (base_value is None or isinstance(base_value, Mapping)):
                stack.append((here, entry.value, base_value if isinstance(base_value, Mapping) else None))
            else:
                yield here, entry, None if is_null(base_value) else base_value


def inlay_hints(
    document: ParsedDocument, first_line: int, last_line: int, options: HintOptions = HintOptions()
) -> list[InlayHint]:
    """The hints for the nodes that start on lines ``first_line`` to ``last_line`` (0-based, inclusive)."""
    root = document.root
    if not isinstance(root, Mapping):
        return []
    last_line = min(last_line, first_line + MAX_HINT_LINES - 1)
    base = base_without_environments(root)
    overrides = [(env, layer) for env, layer in layers(root) if env is not None]
    hints: list[InlayHint] = []
    by_path: dict[PathKey, list[tuple[str, Entry]]] = {}
    for env, layer in overrides:
        for path, entry, base_value in override_leaves(layer, base):
            by_path.setdefault(path, []).append((env, entry))
            if options.base_values and first_line <= entry.value.span.start.line <= last_line:
                label = f"base: {short(base_value)}" if base_value is not None else "new"
                where = "the base sets no value" if base_value is None else f"line {_line_of(base_value)}"
                tooltip = f"{env} overrides `{'.'.join(path)}` ({where})"
                hints.append(InlayHint(hint_position(entry, document.lines), label, BASE_VALUE, tooltip))
    if options.environment_values and by_path:
        hints.extend(_environment_hints(base, by_path, document.lines, first_line, last_line))
    if options.defaults:
        hints.extend(_default_hints(root, document.lines, first_line, last_line))
    return sorted(hints, key=lambda hint: hint.pos)


def _environment_hints(
    base: Mapping,
    by_path: dict[PathKey, list[tuple[str, Entry]]],
    lines: list[str],
    first_line: int,
    last_line: int,
) -> Iterator[InlayHint]:
    """At each base value some environments override: their values, in document order."""
    stack: list[tuple[PathKey, Mapping]] = [((), base)]
    while stack:
        path, node = stack.pop()
        for entry in own_entries(node):
            span = entry.value.span
            if span.end.line < first_line or entry.key.span.start.line > last_line:
                continue  # neither the entry nor anything below it is in the range
            here = (*path, entry.name)
            overridden = by_path.get(here)
            if (
                overridden
                and first_line <= entry.key.span.start.line <= last_line
                and not is_null(entry.value)
            ):
                # Every environment is named; their values share what is left of the label's length.
                room = max(8, MAX_LABEL // len(overridden) - max(len(env) for env, _ in overridden) - 4)
                label = " · ".join(f"{env}: {short(value.value, room)}" for env, value in overridden)
                tooltip = "\n".join(
                    f"{env} (line {value.value.span.start.line + 1}): {short(value.value)}"
                    for env, value in overridden
                )
                yield InlayHint(hint_position(entry, lines), _cut(label), ENVIRONMENT_VALUES, tooltip)
            if isinstance(entry.value, Mapping):
                stack.append((here, entry.value))


def _default_hints(root: Mapping, lines: list[str], first_line: int, last_line: int) -> Iterator[InlayHint]:
    """``essential: true (default)`` at each sidecar that a ``depends_on`` names and that leaves it unset."""
    all_layers = list(layers(root))
    named: set[str] = set()
    for _env, layer in all_layers:
        image = layer.get("image")
        for config in [image, *_sidecar_maps(layer)]:
            depends_on = config.get(DEPENDS_ON) if isinstance(config, Mapping) else None
            named.update(entry.name for entry in own_entries(depends_on))
    if not named:
        return
    sets_essential = {
        entry.name
        for _env, layer in all_layers
        for entry in own_entries(layer.get(SIDECARS))
        if isinstance(entry.value, Mapping) and not is_null(entry.value.get("essential"))
    }
    shown: set[str] = set()
    for _env, layer in all_layers:
        for entry in own_entries(layer.get(SIDECARS)):
            name = entry.name
            if (
                name not in named
                or name in sets_essential
                or name in shown
                or not isinstance(entry.value, Mapping)
            ):
                continue
            shown.add(name)  # once: where the sidecar is first written (the base, else the first override)
            if first_line <= entry.key.span.start.line <= last_line:
                tooltip = f"a `depends_on` names `{name}`; Copilot runs a sidecar as essential unless it says otherwise"
                yield InlayHint(hint_position(entry, lines), _essential_default_label(), DEFAULT, tooltip)


def _essential_default_label() -> str:
    """``essential: true (default)``, the default read from the schema (a sidecar's ``essential``)."""
    default = load_schema()["definitions"]["sidecar"]["properties"]["essential"]["default"]
    return f"essential: {value_text(default)} (default)"


def _sidecar_maps(layer: Mapping) -> list[Node]:
    return [entry.value for entry in own_entries(layer.get(SIDECARS))]


def _line_of(node: Node) -> int:
    return node.span.start.line + 1


def _cut(label: str) -> str:
    """Many environments still make a short hint: the rest are in the tooltip."""
    limit = MAX_LABEL + MAX_LABEL // 2
    return label if len(label) <= limit else label[: limit - 1] + "…"
