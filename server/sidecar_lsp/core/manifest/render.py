"""A manifest as one environment will deploy it: Copilot's merge, its predefined variables, as YAML.

``render(text, env, app)`` merges ``environments.<env>`` over the base with ``merge.merge_environment``
(the same merge the rules check), substitutes ``${COPILOT_ENVIRONMENT_NAME}`` and
``${COPILOT_APPLICATION_NAME}`` the way Copilot's interpolator does (string values only, before the
merge; ``\\${X}`` stays escaped so that the rendering, read again, means the same), and writes the
result as block YAML. Every value the override set carries a comment naming the line it came from,
and every rendered line remembers the source range that set it, for go-to-definition.

Other ``${VARS}`` are left as written: Copilot takes them from the shell of whoever deploys.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from sidecar_lsp.core.decoding.interpolation import APP_NAME_VARIABLE as APP_VARIABLE
from sidecar_lsp.core.decoding.interpolation import ENV_NAME_VARIABLE as ENV_VARIABLE
from sidecar_lsp.core.decoding.interpolation import STRING_TAGS, VARIABLE
from sidecar_lsp.core.decoding.kinds import MANIFEST_FILE, WORKLOAD_TYPES, manifest_kind
from sidecar_lsp.core.manifest.merge import ENVIRONMENTS_KEY, base_without_environments, merge_environment
from sidecar_lsp.core.model import Span
from sidecar_lsp.core.yaml.tree import Mapping, Node, Scalar, Sequence, iter_nodes, own_entries, parse

MAX_RENDERED_LINES = 20_000
"""A rendering longer than this is cut (aliases can expand a small file a lot)."""

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_./-]*$")


@dataclass(frozen=True)
class Origin:
    """Where the value written on one rendered line was set in the source."""

    line: int
    """The rendered line (0-based)."""
    span: Span
    """The source range of the key (for maps and lists) or of the value (for scalars)."""
    overridden: bool
    """True when ``environments.<env>`` set it."""


@dataclass(frozen=True)
class Rendering:
    text: str
    env: str
    origins: tuple[Origin, ...] = ()
    overrides: int = 0
    """How many values ``environments.<env>`` sets (each key with a value, counted once)."""
    problem: str | None = None
    """Why nothing could be rendered (a YAML error, not a manifest), else None."""
    _by_line: dict[int, Origin] = field(default_factory=dict, repr=False, compare=False)

    def origin_at(self, line: int) -> Origin | None:
        """The origin of rendered ``line``, or None for comments and the header."""
        if not self._by_line and self.origins:
            self._by_line.update((origin.line, origin) for origin in self.origins)
        return self._by_line.get(line)


def override_count(root: Node | None, env: str) -> int:
    """The number of values ``environments.<env>`` sets: its leaf entries (a list counts as one)."""
    environments = root.get(ENVIRONMENTS_KEY) if isinstance(root, Mapping) else None
    override = environments.get(env) if isinstance(environments, Mapping) else None
    count = 0
    for _path, node in iter_nodes(override):
        if isinstance(node, Mapping):
            count += sum(1 for entry in own_entries(node) if not isinstance(entry.value, Mapping))
    return count


DEFAULT_APP = "app"
"""The application name when a manifest is in no workspace (the copilot oracle's default too)."""


def render(text: str, env: str, app: str = DEFAULT_APP, source: str = MANIFEST_FILE) -> Rendering:
    """The manifest ``text`` as environment ``env`` of application ``app`` deploys it; never raises."""
    document = parse(text)
    root = document.root
    if not document.complete or not isinstance(root, Mapping):
        first = next((f for f in document.findings), None)
        where = f" (line {first.span.start.line + 1}: {first.message})" if first else ""
        return Rendering("", env, problem=f"{source} cannot be read as a manifest{where}")
    kind = manifest_kind(root)
    override_span: Span | None = None
    if kind in WORKLOAD_TYPES:
        merged = merge_environment(root, env)
        view = merged.root if merged is not None else base_without_environments(root)
        environments = root.get(ENVIRONMENTS_KEY)
        override = environments.get(env) if isinstance(environments, Mapping) else None
        override_span = override.span if isinstance(override, Mapping) else None
        applied = f"environments.{env} merged over the base" if override_span else "no override: the base"
    else:
        view = root
        applied = "not a workload: nothing to merge"
    writer = _Writer({ENV_VARIABLE: env, APP_VARIABLE: app}, override_span, env, _override_keys(root, env))
    writer.header(
        f"# {source} as environment '{env}' of application '{app}' deploys it "
        f"({applied}; ${{{ENV_VARIABLE}}} and ${{{APP_VARIABLE}}} substituted)"
    )
    writer.mapping(view, 0, parent_overridden=False)
    lines = writer.lines
    if writer.cut:
        lines.append(f"# ... cut: the rendering is longer than {MAX_RENDERED_LINES:,} lines")
    return Rendering(
        "\n".join(lines) + "\n",
        env,
        tuple(writer.origins),
        override_count(root, env) if override_span else 0,
    )


def _override_keys(root: Mapping, env: str) -> dict[int, Span]:
    """For each value node written in ``environments.<env>``, the span of its key."""
    environments = root.get(ENVIRONMENTS_KEY)
    override = environments.get(env) if isinstance(environments, Mapping) else None
    keys: dict[int, Span] = {}
    for _path, node in iter_nodes(override):
        if isinstance(node, Mapping):
            for entry in own_entries(node):
                keys.setdefault(id(entry.value), entry.key.span)
    return keys


class _Writer:
    def __init__(
        self, variables: dict[str, str], override_span: Span | None, env: str, override_keys: dict[int, Span]
    ) -> None:
        self.variables = variables
        self.override_span = override_span
        self.env = env
        self.override_keys = override_keys
        self.lines: list[str] = []
        self.origins: list[Origin] = []
        self.cut = False

    def header(self, text: str) -> None:
        self.lines.append(text)

    def overridden(self, node: Node) -> bool:
        span = self.override_span
        return span is not None and span.start <= node.span.start and node.span.end <= span.end

    def emit(self, text: str, span: Span, overridden: bool) -> bool:
        if len(self.lines) >= MAX_RENDERED_LINES:
            self.cut = True
            return False
        self.origins.append(Origin(len(self.lines), span, overridden))
        self.lines.append(text)
        return True

    def note(self, node: Node, parent_overridden: bool) -> str:
        """The comment for a value the override set (only where the override starts)."""
        if parent_overridden or not self.overridden(node):
            return ""
        key = self.override_keys.get(id(node))
        line = (key or node.span).start.line + 1
        return f"  # environments.{self.env}, line {line}"

    def mapping(self, node: Mapping, indent: int, *, parent_overridden: bool, first_prefix: str = "") -> None:
        seen: set[str] = set()
        pad = " " * indent
        for entry in node.entries:
            if entry.name in seen or self.cut:
                continue
            seen.add(entry.name)
            prefix = first_prefix if not seen - {entry.name} and first_prefix else pad
            value = entry.value
            overridden = parent_overridden or self.overridden(value)
            note = self.note(value, parent_overridden)
            key = _key(entry.key)
            key_span = self.override_keys.get(id(value), entry.key.span) if overridden else entry.key.span
            if isinstance(value, Mapping) and value.entries:
                if self.emit(f"{prefix}{key}:{note}", key_span, overridden):
                    self.mapping(value, indent + 2, parent_overridden=overridden)
            elif isinstance(value, Sequence) and value.items:
                if self.emit(f"{prefix}{key}:{note}", key_span, overridden):
                    self.sequence(value, indent + 2, parent_overridden=overridden)
            else:
                self.emit(f"{prefix}{key}: {self.scalar(value)}{note}", _value_span(value), overridden)

    def sequence(self, node: Sequence, indent: int, *, parent_overridden: bool) -> None:
        pad = " " * indent
        for item in node.items:
            if self.cut:
                return
            overridden = parent_overridden or self.overridden(item)
            if isinstance(item, Mapping) and item.entries:
                self.mapping(item, indent + 2, parent_overridden=overridden, first_prefix=f"{pad}- ")
            elif isinstance(item, Sequence) and item.items:
                if self.emit(f"{pad}-", item.span, overridden):
                    self.sequence(item, indent + 2, parent_overridden=overridden)
            else:
                self.emit(f"{pad}- {self.scalar(item)}", _value_span(item), overridden)

    def scalar(self, node: Node) -> str:
        if isinstance(node, Mapping):
            return "{}"
        if isinstance(node, Sequence):
            return "[]"
        assert isinstance(node, Scalar)
        tag = f"{node.tag} " if node.tag and node.tag not in STRING_TAGS and node.tag.startswith("!") else ""
        if node.value is None and node.style is None:
            return f"{tag}null".lstrip() if not tag else f"{tag}".rstrip()
        if isinstance(node.value, str) and node.tag in STRING_TAGS:
            substituted = self.substitute(node.value)
            if substituted != node.value or node.style is not None:
                return tag + _quote(substituted)
        if node.style is None:
            return tag + node.raw
        return tag + _quote(node.raw if node.value is None else str(node.value))

    def substitute(self, text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            if match.group(1) or match.group(2) not in self.variables:
                return match.group(0)
            return self.variables[match.group(2)]

        return VARIABLE.sub(replace, text)


def _value_span(node: Node) -> Span:
    return node.span


def _key(key: Scalar) -> str:
    name = key.text
    if key.style is None and _PLAIN_KEY.match(name) and name not in ("null", "true", "false", "~"):
        return name
    return _quote(name)


def _quote(text: str) -> str:
    """A double-quoted YAML scalar; characters YAML cannot print are escaped."""
    quoted = json.dumps(text, ensure_ascii=False)
    return "".join(char if _printable(char) else f"\\u{ord(char):04x}" for char in quoted)


def _printable(char: str) -> bool:
    code = ord(char)
    return (
        code in (0x09, 0x0A, 0x0D, 0x85)
        or 0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or code >= 0x10000
    ) and code != 0xFEFF
