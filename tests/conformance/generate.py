"""Manifests for differential testing: drawn from the schema, and mutations of realistic manifests.

Every choice goes through a :class:`Chooser`, so the same generator runs from a seeded
``random.Random`` (the figures of ``scripts/conformance.py``, reproducible by seed and index) and
from hypothesis (``HypothesisChooser`` in the tests, which shrinks a failing manifest).

A case is a plain-data tree rendered to YAML by :func:`render`, which picks block or flow style,
empty values, quoting, anchors, aliases and merge keys. Each case names the mutation it carries
(its category), so agreement can be counted per category.
"""

from __future__ import annotations

import copy
import json
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, TypeVar

from sidecar_lsp.core.yaml.tree import parse, resolve_plain

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]
WORKLOAD_DEFINITIONS = {
    "Load Balanced Web Service": "loadBalancedWebService",
    "Backend Service": "backendService",
    "Worker Service": "workerService",
    "Request-Driven Web Service": "requestDrivenWebService",
    "Static Site": "staticSite",
    "Scheduled Job": "scheduledJob",
}
CATEGORIES = (
    "realistic",  # a realistic manifest as it is
    "schema",  # drawn from the schema alone
    "null",  # a value made empty (`key:`, `~`, `null`), sometimes with commented-out children
    "swap",  # a scalar-or-map field given the other form
    "wrong-type",  # a scalar replaced by a value of another type
    "unknown-key",  # a key Copilot does not know, often inside a scalar-or-map field's map
    "env-override",  # a value set, emptied or changed under environments.<env>
    "var",  # a ${VAR} (or a JSON-array string) in place of a value
    "anchor",  # anchors, aliases and << merge keys
    "delete",  # a key removed
    "graft",  # a value of any shape seen under the same key elsewhere, or part of a base map in an override
)
UNION_FIELDS = frozenset(
    {
        "count", "http", "efs", "exec", "range", "platform", "build", "entrypoint", "command", "alias",
        "queue", "image", "placement", "security_groups", "subnets", "logging", "cpu_percentage",
        "memory_percentage", "requests", "response_time", "queue_delay", "cdn", "access_logs", "fifo",
        "connect", "variables", "secrets", "args", "private", "public", "source", "provider",
    }
)  # fmt: skip
"""Keys whose value Copilot decodes with its own UnmarshalYAML (a scalar, a list or a map)."""
UNKNOWN_KEYS = ("min", "max", "enabled", "enable", "value", "foo", "name", "path", "port", "spot", "id")
ENV_NAMES = ("test", "prod", "staging")
VAR_NAMES = ("TAG", "PORT", "DOMAIN", "COPILOT_ENVIRONMENT_NAME", "COPILOT_APPLICATION_NAME", "X")
WORDS = ("api", "nginx", "web", "demo", "us-east-1", "/", "/api", "yes", "off", "10s", "80", "1-10", "")
_PLAIN = re.compile(r"^[A-Za-z0-9_./$(][A-Za-z0-9 _./:@${}()+=-]*$")
_FLOW_PLAIN = re.compile(r"^[A-Za-z0-9_./$(][A-Za-z0-9 _./:@$()+=-]*$")


class Chooser(Protocol):
    def chance(self, p: float) -> bool: ...
    def pick(self, items: Sequence[T]) -> T: ...
    def integer(self, low: int, high: int) -> int: ...


class RandomChooser:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def integer(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)


@dataclass(frozen=True)
class Anchored:
    """A value written with ``&name`` where it first appears."""

    name: str
    value: Any


@dataclass(frozen=True)
class Alias:
    """``*name``; as the value of the key ``<<`` it is a merge key."""

    name: str


@dataclass
class Case:
    index: int
    category: str
    source: str
    """Where the manifest came from: a realistic file's name or ``schema:<type>``."""
    tree: Any
    text: str


# --- realistic manifests ---------------------------------------------------------------------------


WORKED_EXAMPLE = ROOT / "examples" / "migrating"
"""The worked example of docs/migrating.md: tested by tests/test_migrating_doc.py and the task-definition
differential, not a source of generated manifests (adding it would change every recorded verdict)."""


def realistic_sources(extra: Sequence[Path] = ()) -> list[tuple[str, Any]]:
    """Manifests of the project (examples, valid schema fixtures) and of ``extra`` folders, as plain data."""
    folders = [ROOT / "examples", ROOT / "tests" / "fixtures" / "schema" / "valid", *extra]
    out: list[tuple[str, Any]] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.y*ml")):
            # docs/migrating.md's own; the generated cases stay as recorded
            if WORKED_EXAMPLE in path.parents:
                continue
            document = parse(path.read_text(encoding="utf-8", errors="replace"))
            plain = document.to_plain() if document.complete and not document.findings else None
            if isinstance(plain, dict) and ("type" in plain or "stages" in plain):
                out.append((path.name, plain))
    return out


def seen_under_keys(value: Any, key: str = "") -> Iterator[tuple[str, Any, bool]]:
    """Every value of a realistic manifest with the key it stands under, in document order: ``True`` for a
    map entry's value (of any shape), ``False`` for a scalar (an item of a list counts for the list's key)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, (Alias, Anchored)):
                yield str(k), v, True
            yield from seen_under_keys(v, str(k))
    elif isinstance(value, list):
        for item in value:
            yield from seen_under_keys(item, key)
    else:
        yield key, value, False


def _pooled(sources: Sequence[tuple[str, Any]], *, entries: bool) -> dict[str, list[Any]]:
    pool: dict[str, list[Any]] = {}
    for _, tree in sources:
        for key, value, is_entry in seen_under_keys(tree):
            if is_entry == entries and value is not None:
                bucket = pool.setdefault(key, [])
                if value not in bucket:
                    bucket.append(value)
    return pool


def harvest_subtrees(sources: Sequence[tuple[str, Any]]) -> dict[str, list[Any]]:
    """Values of every shape (maps, lists, scalars) seen under each key name in realistic manifests."""
    return _pooled(sources, entries=True)


def harvest(sources: Sequence[tuple[str, Any]]) -> dict[str, list[Any]]:
    """Scalar values seen under each key name in realistic manifests (values for schema draws)."""
    return _pooled(sources, entries=False)


# --- the generator ---------------------------------------------------------------------------------


class Generator:
    def __init__(self, schema: dict[str, Any], sources: Sequence[tuple[str, Any]]) -> None:
        self.schema = schema
        self.definitions: dict[str, Any] = schema["definitions"]
        self.sources = list(sources)
        self.pool = harvest(self.sources)
        self.subtrees = harvest_subtrees(self.sources)
        self._patterns: dict[str, re.Pattern[str]] = {}

    # -- schema helpers --

    def deref(self, schema: Any) -> dict[str, Any]:
        for _ in range(20):
            if not isinstance(schema, dict) or "$ref" not in schema:
                break
            schema = self.definitions[schema["$ref"].rsplit("/", 1)[-1]]
        return schema if isinstance(schema, dict) else {}

    def root_schema(self, tree: Any) -> dict[str, Any]:
        kind = tree.get("type") if isinstance(tree, dict) else None
        if kind in WORKLOAD_DEFINITIONS:
            return self.definitions[WORKLOAD_DEFINITIONS[kind]]
        if kind == "Environment":
            return self.definitions["environmentManifest"]
        return self.definitions["pipelineManifest"]

    def child(self, schema: dict[str, Any], part: str | int) -> dict[str, Any]:
        schema = self.deref(schema)
        if isinstance(part, int):
            return self.deref(schema.get("items", {}))
        if part in schema.get("properties", {}):
            return self.deref(schema["properties"][part])
        for pattern, sub in schema.get("patternProperties", {}).items():
            if re.search(pattern, part):
                return self.deref(sub)
        extra = schema.get("additionalProperties")
        return self.deref(extra) if isinstance(extra, dict) else {}

    def at(self, tree: Any, path: Sequence[str | int]) -> dict[str, Any]:
        schema = self.root_schema(tree)
        for part in path:
            schema = self.child(schema, part)
        return schema

    def matches(self, schema: dict[str, Any], value: str) -> bool:
        pattern = schema.get("pattern")
        if not isinstance(pattern, str):
            return True
        compiled = self._patterns.get(pattern)
        if compiled is None:
            compiled = self._patterns[pattern] = re.compile(pattern)
        return bool(compiled.search(value))

    # -- drawing values from the schema --

    def draw(self, c: Chooser, schema: Any, key: str, depth: int) -> Any:
        schema = self.deref(schema)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema and c.chance(0.9):
            return c.pick(schema["enum"])
        types = schema.get("type", [])
        types = [types] if isinstance(types, str) else list(types)
        if not types:
            types = ["object"] if "properties" in schema else ["string"]
        if depth > 6:
            types = [t for t in types if t not in ("object", "array")] or ["string"]
        kind = c.pick(types)
        if kind == "object":
            return self.draw_object(c, schema, depth)
        if kind == "array":
            count = c.integer(1, 3)
            return [self.draw(c, schema.get("items", {}), key, depth + 1) for _ in range(count)]
        return self.draw_scalar(c, schema, kind, key)

    def draw_object(self, c: Chooser, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        out: dict[str, Any] = {}
        properties = schema.get("properties", {})
        required = set(schema.get("required", []))
        share = 0.5 if depth == 0 else 0.35
        for name, sub in properties.items():
            if name in required or c.chance(share / (1 + depth * 0.5)):
                if name == "environments":
                    continue
                out[name] = self.draw(c, sub, name, depth + 1)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and not properties:
            for _ in range(c.integer(1, 2)):
                name = c.pick(("nginx", "LOG_LEVEL", "web", "DB_PASSWORD", "mysidecar", "test"))
                out[name] = self.draw(c, extra, name, depth + 1)
        if not out and properties:
            name = c.pick([n for n in properties if n != "environments"] or list(properties))
            out[name] = self.draw(c, properties[name], name, depth + 1)
        return out

    def draw_scalar(self, c: Chooser, schema: dict[str, Any], kind: str, key: str) -> Any:
        seen = [
            v
            for v in self.pool.get(key, [])
            if _json_kind(v) == kind or (kind == "number" and _json_kind(v) == "integer")
        ]
        if kind == "string":
            seen = [v for v in seen if self.matches(schema, v)]
            examples = [e for e in schema.get("examples", []) if isinstance(e, str)]
            choices = (
                seen + examples + ([schema["default"]] if isinstance(schema.get("default"), str) else [])
            )
            if choices and c.chance(0.9):
                return c.pick(choices)
            word = c.pick(WORDS)
            return word if self.matches(schema, word) else c.pick(choices) if choices else word
        if kind in ("integer", "number"):
            examples = [
                e for e in schema.get("examples", []) if isinstance(e, int) and not isinstance(e, bool)
            ]
            choices = (
                seen + examples + ([schema["default"]] if isinstance(schema.get("default"), int) else [])
            )
            if choices and c.chance(0.8):
                return c.pick(choices)
            low = schema.get("minimum", 0)
            return c.integer(int(low), int(low) + c.pick((1, 10, 100, 4096)))
        if kind == "boolean":
            return c.chance(0.5)
        return None

    # -- cases --

    def case(self, c: Chooser, index: int = 0) -> Case:
        if self.sources and c.chance(0.6):
            source, base = c.pick(self.sources)
            tree = copy.deepcopy(base)
        else:
            kind = c.pick((*WORKLOAD_DEFINITIONS, *WORKLOAD_DEFINITIONS, "Environment", "Pipeline"))
            definition = self.root_schema({"type": kind})
            tree = self.draw_object(c, definition, 0)
            if kind == "Pipeline":
                tree.pop("type", None)
            else:
                tree["type"] = kind
            tree.setdefault("name", "api")
            source = f"schema:{kind}"
        category = (
            c.pick(CATEGORIES[2:])
            if c.chance(0.85)
            else ("schema" if source.startswith("schema:") else "realistic")
        )
        mutate = getattr(self, "mutate_" + category.replace("-", "_"), None)
        if mutate is not None:
            tree = mutate(c, tree)
            if c.chance(0.2):
                second = c.pick(CATEGORIES[2:])
                tree = getattr(self, "mutate_" + second.replace("-", "_"))(c, tree)
        text = render(tree, c)
        return Case(index, category, source, tree, text)

    def paths(self, tree: Any, *, leaves: bool | None = None) -> list[tuple[str | int, ...]]:
        """Paths of values in ``tree`` (``leaves``: only scalars; False: only maps and lists)."""
        out: list[tuple[str | int, ...]] = []

        def walk(value: Any, path: tuple[str | int, ...]) -> None:
            is_leaf = not isinstance(value, (dict, list))
            if path and path[0] not in ("name", "type") and (leaves is None or leaves == is_leaf):
                out.append(path)
            if isinstance(value, dict):
                for k, v in value.items():
                    walk(v, (*path, k))
            elif isinstance(value, list):
                for i, v in enumerate(value):
                    walk(v, (*path, i))

        walk(tree, ())
        return out

    def union_paths(self, tree: Any) -> list[tuple[str | int, ...]]:
        return [p for p in self.paths(tree) if isinstance(p[-1], str) and p[-1] in UNION_FIELDS]

    def mutate_null(self, c: Chooser, tree: Any) -> Any:
        paths = self.paths(tree, leaves=False) if c.chance(0.6) else self.paths(tree)
        if paths:
            _set(tree, c.pick(paths), None)
        return tree

    def mutate_swap(self, c: Chooser, tree: Any) -> Any:
        paths = self.union_paths(tree) or self.paths(tree)
        if not paths:
            return tree
        path = c.pick(paths)
        value = _get(tree, path)
        schema = self.at(tree, path)
        types = schema.get("type", [])
        types = [types] if isinstance(types, str) else list(types)
        if isinstance(value, dict):
            scalar_kinds = [t for t in types if t not in ("object", "array")] or [
                "string",
                "integer",
                "boolean",
            ]
            new: Any = self.draw_scalar(c, schema, c.pick(scalar_kinds), str(path[-1]))
        elif "object" in types and schema.get("properties"):
            names = list(schema["properties"])
            new = {}
            for _ in range(c.integer(1, 2)):
                name = c.pick(names + list(UNKNOWN_KEYS[:4]))
                sub = schema["properties"].get(name, {})
                new[name] = self.draw(c, sub, name, 3) if sub else c.pick((1, 3, "x", True))
        else:
            new = {c.pick(UNKNOWN_KEYS): c.pick((1, "x", True))}
        _set(tree, path, new)
        return tree

    def mutate_wrong_type(self, c: Chooser, tree: Any) -> Any:
        paths = self.paths(tree, leaves=True)
        if not paths:
            return tree
        path = c.pick(paths)
        value = _get(tree, path)
        options: list[Any] = [7, 0, -1, "text", "5s", True, "yes", 3.5, ["a"], {"a": 1}, [], {}, "80/tcp"]
        _set(tree, path, c.pick([o for o in options if o != value]))
        return tree

    def mutate_unknown_key(self, c: Chooser, tree: Any) -> Any:
        maps = [p for p in self.paths(tree, leaves=False) if isinstance(_get(tree, p), dict)]
        unions = [p for p in maps if isinstance(p[-1], str) and p[-1] in UNION_FIELDS]
        candidates = unions if unions and c.chance(0.7) else maps
        target: tuple[str | int, ...] = c.pick(candidates) if candidates else ()
        holder = _get(tree, target)
        if not isinstance(holder, dict):
            return tree
        if c.chance(0.3) and holder:
            # a typo of a known key
            name = str(c.pick(list(holder)))
            key = name[:-1] if len(name) > 2 and c.chance(0.5) else name.replace("_", "") + "s"
        else:
            key = c.pick(UNKNOWN_KEYS)
        if key not in holder:
            holder[key] = c.pick((1, 3, "x", True, None, {"a": 1}, ["b"]))
        if c.chance(0.3) and len(holder) > 1:
            # sometimes the unknown key is all that is left in the map
            for other in [k for k in holder if k != key]:
                del holder[other]
        return tree

    def mutate_env_override(self, c: Chooser, tree: Any) -> Any:
        if not isinstance(tree, dict) or tree.get("type") not in WORKLOAD_DEFINITIONS:
            return self.mutate_null(c, tree)
        environments = tree.setdefault("environments", {})
        if not isinstance(environments, dict):
            environments = tree["environments"] = {}
        env = c.pick(ENV_NAMES)
        if c.chance(0.1):
            environments[env] = None
            return tree
        override = environments.setdefault(env, {})
        if not isinstance(override, dict):
            override = environments[env] = {}
        base_paths = [p for p in self.paths({k: v for k, v in tree.items() if k != "environments"})]
        override_schema = self.child(self.root_schema(tree), "environments")
        override_schema = self.deref(override_schema.get("additionalProperties", {}))
        if base_paths and c.chance(0.7):
            path = c.pick(base_paths)
            schema = self.at(tree, path)
            roll = c.integer(0, 3)
            if roll == 0:
                value: Any = None
            elif roll == 1:
                value = c.pick((7, "text", True, {"a": 1}, ["x"]))
            else:
                value = self.draw(c, schema, str(path[-1]), 2)
            _set(override, path, value, create=True)
        else:
            name = c.pick(list(override_schema.get("properties", {"count": {}})))
            override[name] = self.draw(c, override_schema.get("properties", {}).get(name, {}), name, 1)
        return tree

    def mutate_var(self, c: Chooser, tree: Any) -> Any:
        paths = self.paths(tree, leaves=True) if c.chance(0.8) else self.paths(tree)
        if not paths:
            return tree
        path = c.pick(paths)
        name = c.pick(VAR_NAMES)
        value = c.pick(
            (
                f"${{{name}}}",
                f"prefix-${{{name}}}",
                f"${{{name}}}s",
                f"\\${{{name}}}",
                '["a", "b"]',
                f'["${{{name}}}"]',
            )
        )
        _set(tree, path, value)
        return tree

    def mutate_anchor(self, c: Chooser, tree: Any) -> Any:
        maps = [
            p
            for p in self.paths(tree, leaves=False)
            if isinstance(_get(tree, p), dict) and p[0] != "environments" and isinstance(p[-1], str)
        ]
        if not maps or not isinstance(tree, dict):
            return tree
        path = c.pick(maps)
        value = _get(tree, path)
        _set(tree, path, Anchored("a", value))
        if tree.get("type") in WORKLOAD_DEFINITIONS and c.chance(0.6):
            env = c.pick(ENV_NAMES)
            holder: dict[str, Any] = {}
            if c.chance(0.5):
                holder["<<"] = Alias("a")
                if isinstance(value, dict) and value:
                    key = c.pick(list(value))
                    holder[key] = c.pick((None, 5, "other", {"a": 1}))
                alias_value: Any = holder
            else:
                alias_value = Alias("a")
            environments = tree.setdefault("environments", {})
            if isinstance(environments, dict):
                override = environments.setdefault(env, {})
                if isinstance(override, dict):
                    _set(override, path, alias_value, create=True)
        else:
            tree["x-shared"] = {"<<": Alias("a")}
        return tree

    def mutate_graft(self, c: Chooser, tree: Any) -> Any:
        """What a fuzzer over real manifests does: a value replaced by one seen under the same key in some
        manifest, whatever its shape; or a part of a base map (some of its keys) copied into an override,
        such as an ``http`` holding only ``alb``."""
        base = {k: v for k, v in tree.items() if k != "environments"} if isinstance(tree, dict) else tree
        maps = [p for p in self.paths(base, leaves=False) if isinstance(_get(tree, p), dict)]
        if maps and tree.get("type") in WORKLOAD_DEFINITIONS and c.chance(0.5):
            path = c.pick(maps)
            value = copy.deepcopy(_get(tree, path))
            keys = list(value)
            if keys and c.chance(0.7):
                kept = {c.pick(keys) for _ in range(c.integer(1, min(3, len(keys))))}
                value = {k: v for k, v in value.items() if k in kept}
            environments = tree.get("environments")
            if not isinstance(environments, dict):
                environments = tree["environments"] = {}
            override = environments.get(env := c.pick(ENV_NAMES))
            if not isinstance(override, dict):
                override = environments[env] = {}
            _set(override, path, value, create=True)
            return tree
        paths = [p for p in self.paths(tree) if isinstance(p[-1], str) and p[-1] in self.subtrees]
        if paths:
            path = c.pick(paths)
            _set(tree, path, copy.deepcopy(c.pick(self.subtrees[str(path[-1])])))
        return tree

    def mutate_delete(self, c: Chooser, tree: Any) -> Any:
        paths = self.paths(tree)
        if isinstance(tree, dict) and c.chance(0.15):
            tree.pop("name", None)
        elif paths:
            path = c.pick(paths)
            parent = _get(tree, path[:-1])
            if isinstance(parent, dict):
                parent.pop(path[-1], None)
            elif isinstance(parent, list) and isinstance(path[-1], int):
                parent.pop(path[-1])
        return tree


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "other"


def _get(tree: Any, path: Sequence[str | int]) -> Any:
    for part in path:
        if isinstance(tree, Anchored):
            tree = tree.value
        if (
            isinstance(tree, dict)
            and part in tree
            or isinstance(tree, list)
            and isinstance(part, int)
            and 0 <= part < len(tree)
        ):
            tree = tree[part]
        else:
            return None
    return tree.value if isinstance(tree, Anchored) else tree


def _set(tree: Any, path: Sequence[str | int], value: Any, *, create: bool = False) -> None:
    if not path:
        return
    holder = tree
    for part in path[:-1]:
        if isinstance(holder, Anchored):
            holder = holder.value
        if isinstance(holder, dict):
            if part not in holder or not isinstance(holder[part], (dict, list, Anchored)):
                if not create:
                    return
                holder[part] = {}
            holder = holder[part]
        elif isinstance(holder, list) and isinstance(part, int) and 0 <= part < len(holder):
            holder = holder[part]
        else:
            return
    if isinstance(holder, Anchored):
        holder = holder.value
    last = path[-1]
    if isinstance(holder, dict) and isinstance(last, str):
        holder[last] = value
    elif isinstance(holder, list) and isinstance(last, int):
        if 0 <= last < len(holder):
            holder[last] = value
        elif create:
            holder.append(value)


# --- rendering -------------------------------------------------------------------------------------


def render(tree: Any, c: Chooser) -> str:
    """YAML text for ``tree``: mostly block style, some flow maps and lists, varied empty values."""
    return "\n".join(_block(tree, 0, c)) + "\n"


def scalar_text(value: Any, c: Chooser | None = None, *, flow: bool = False) -> str:
    if value is None:
        return c.pick(("", "", "~", "null")) if c is not None else ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, Alias):
        return f"*{value.name}"
    text = str(value)
    plain = _FLOW_PLAIN if flow else _PLAIN
    if (
        plain.match(text)
        and resolve_plain(text) == text
        and not text.endswith((" ", ":"))
        and ": " not in text
        and " #" not in text
    ):
        return text
    return json.dumps(text, ensure_ascii=False)


def _key_text(key: Any) -> str:
    return scalar_text(str(key), flow=True) if key != "<<" else "<<"


def _is_flat(value: Any) -> bool:
    items = value.values() if isinstance(value, dict) else value
    return all(not isinstance(v, (dict, list, Anchored)) for v in items) and len(value) <= 4


def _flow(value: Any) -> str:
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{_key_text(k)}: {scalar_text(v, flow=True) or '~'}" for k, v in value.items())
            + "}"
        )
    return "[" + ", ".join(scalar_text(v, flow=True) or "~" for v in value) + "]"


def _inline(value: Any, c: Chooser) -> str | None:
    """The text after ``key:`` when the value fits on the key's line, else None."""
    if isinstance(value, Alias):
        return f"*{value.name}"
    if isinstance(value, (dict, list)):
        if not value:
            return "{}" if isinstance(value, dict) else "[]"
        if _is_flat(value) and c.chance(0.2):
            return _flow(value)
        return None
    return scalar_text(value, c)


def _block(value: Any, indent: int, c: Chooser) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            anchor = ""
            if isinstance(item, Anchored):
                anchor, item = f" &{item.name}", item.value
            inline = _inline(item, c)
            if inline is not None:
                text = f"{pad}{_key_text(key)}:{anchor}" + (f" {inline}" if inline else "")
                lines.append(text)
                if item is None and inline == "" and c.chance(0.3):
                    lines.append(f"{pad}  # commented-out: value")
            else:
                lines.append(f"{pad}{_key_text(key)}:{anchor}")
                lines.extend(_block(item, indent + 2, c))
        return lines
    if isinstance(value, list):
        for item in value:
            inline = _inline(item, c)
            if inline is not None:
                lines.append(f"{pad}- {inline}".rstrip())
            else:
                inner = _block(item, indent + 2, c)
                if inner:
                    lines.append(f"{pad}- {inner[0].lstrip()}")
                    lines.extend(inner[1:])
        return lines
    return [pad + scalar_text(value, c)]


def cases(generator: Generator, seed: int, start: int, stop: int) -> Iterator[Case]:
    """Cases ``start``..``stop-1`` of the run with ``seed``; case ``i`` depends on (seed, i) only."""
    for index in range(start, stop):
        rng = random.Random(f"{seed}:{index}")
        try:
            yield generator.case(RandomChooser(rng), index)
        except RecursionError:  # pragma: no cover - a pathological draw; skip it
            continue
