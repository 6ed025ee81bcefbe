"""The user's settings: one dataclass, camelCase on the wire under the ``sidecarLsp`` section.

The VS Code extension mirrors every key in its ``package.json`` (``contributes.configuration``),
and ``docs/settings.md`` lists them; :data:`FIELDS` is the table both are checked against.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sidecar_lsp.core.check.analyze import Options

logger = logging.getLogger(__name__)

SECTION = "sidecarLsp"
"""The configuration section the server asks for with ``workspace/configuration``."""


@dataclass(frozen=True)
class Settings:
    """Every setting with its default; field metadata holds the wire name and the documentation."""

    diagnostics_enable: bool = dataclasses.field(
        default=True,
        metadata={"wire": "diagnostics.enable", "doc": "Publish diagnostics for Copilot manifests."},
    )
    unknown_keys: bool = dataclasses.field(
        default=True,
        metadata={
            "wire": "diagnostics.unknownKeys",
            "doc": "Warn about keys Copilot does not know (it silently ignores them).",
        },
    )
    cross_field: bool = dataclasses.field(
        default=True,
        metadata={
            "wire": "diagnostics.crossField",
            "doc": "Run the cross-field rules (sidecar ports, `depends_on`, target containers, volumes, ...).",
        },
    )
    schema_diagnostics: bool = dataclasses.field(
        default=True,
        metadata={
            "wire": "schemaDiagnostics",
            "doc": "Report YAML syntax and schema problems (wrong types, unknown keys). Turn off when "
            "another tool already validates the file against the schema, such as the Red Hat YAML "
            "extension; cross-field findings, completion and hover stay.",
        },
    )
    debounce_ms: int = dataclasses.field(
        default=150,
        metadata={
            "wire": "diagnostics.debounceMs",
            "doc": "Debounce while typing: a change that follows the previous one within this many "
            "milliseconds is checked only after this pause; the first change after a pause is checked "
            "at once (0 checks every change).",
            "min": 0,
            "max": 5000,
        },
    )
    completion_enable: bool = dataclasses.field(
        default=True,
        metadata={"wire": "completion.enable", "doc": "Offer completions (keys, values, names)."},
    )
    completion_snippets: bool = dataclasses.field(
        default=True,
        metadata={
            "wire": "completion.snippets",
            "doc": "Complete keys with snippets that insert a whole block (`healthcheck:` with its "
            "`command`); off inserts the plain key. Only used when the client supports snippets.",
        },
    )
    hover_enable: bool = dataclasses.field(
        default=True,
        metadata={"wire": "hover.enable", "doc": "Show documentation on hover."},
    )
    inlay_hints_environment_values: bool = dataclasses.field(
        default=True,
        metadata={
            "wire": "inlayHints.environmentValues",
            "doc": "Inlay hints at a base value that `environments.<env>` overrides: each environment's "
            "value (`prod: 4 · staging: 2`).",
        },
    )
    inlay_hints_base_values: bool = dataclasses.field(
        default=True,
        metadata={
            "wire": "inlayHints.baseValues",
            "doc": "Inlay hints at a value an environment overrides: the base value it replaces "
            "(`base: 2`), or `new` where the base sets none.",
        },
    )
    inlay_hints_defaults: bool = dataclasses.field(
        default=True,
        metadata={
            "wire": "inlayHints.defaults",
            "doc": "Inlay hints where a default the rules read applies to what the manifest leaves out "
            "(`essential: true (default)` at a sidecar a `depends_on` names).",
        },
    )

    def to_options(self) -> Options:
        """The options ``core.analyze`` takes."""
        return Options(
            unknown_keys=self.unknown_keys, cross_field=self.cross_field, schema=self.schema_diagnostics
        )

    @classmethod
    def from_wire(cls, value: Any, base: Settings | None = None) -> Settings:
        """Read settings from a client's JSON (nested or dotted keys, with or without the section).

        Values of the wrong type are ignored (logged), never fatal: the corresponding setting
        keeps its previous value.
        """
        return cls.read(value, base)[0]

    @classmethod
    def read(cls, value: Any, base: Settings | None = None) -> tuple[Settings, list[str]]:
        """Like :meth:`from_wire`, and the problems found, one sentence each, for the user."""
        base = base or cls()
        problems: list[str] = []
        if not isinstance(value, Mapping):
            return base, problems
        if isinstance(value.get(SECTION), Mapping):
            value = value[SECTION]
        changes: dict[str, Any] = {}
        for field in dataclasses.fields(cls):
            wire = field.metadata["wire"]
            found, raw = _lookup(value, wire)
            if not found or raw is None:
                continue
            default = field.default
            if isinstance(default, bool):
                if isinstance(raw, bool):
                    changes[field.name] = raw
                    continue
            elif (
                isinstance(default, int)
                and isinstance(raw, (int, float))
                and not isinstance(raw, bool)
                and math.isfinite(raw)
            ):
                low = field.metadata.get("min", raw)
                high = field.metadata.get("max", raw)
                changes[field.name] = int(min(max(raw, low), high))
                continue
            shown = repr(raw) if len(repr(raw)) <= 40 else repr(raw)[:37] + "..."
            expected = "true or false" if isinstance(default, bool) else "a number"
            problem = (
                f"setting {SECTION}.{wire}: {shown} is not {expected}; using {getattr(base, field.name)!r}"
            )
            logger.warning("%s", problem)
            problems.append(problem)
        return dataclasses.replace(base, **changes), problems


def _lookup(value: Mapping[str, Any], wire: str) -> tuple[bool, Any]:
    if wire in value:
        return True, value[wire]
    node: Any = value
    for part in wire.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return False, None
        node = node[part]
    return True, node


@dataclass(frozen=True)
class FieldDoc:
    """One row of the settings table (``docs/settings.md``, ``package.json``)."""

    key: str
    """Full wire name, e.g. ``sidecarLsp.diagnostics.unknownKeys``."""
    type: str
    default: Any
    description: str


def field_docs() -> list[FieldDoc]:
    """Every setting, in declaration order."""
    rows = []
    for field in dataclasses.fields(Settings):
        kind = "boolean" if isinstance(field.default, bool) else "integer"
        rows.append(
            FieldDoc(f"{SECTION}.{field.metadata['wire']}", kind, field.default, field.metadata["doc"])
        )
    return rows


FIELDS = field_docs()
