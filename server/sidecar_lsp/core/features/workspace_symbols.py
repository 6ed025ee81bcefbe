"""Workspace symbols: what each manifest declares (services, jobs, environments, sidecars, volumes,
topics), found by a query the way editors filter names.

The shell gathers the texts of the workspaces it holds (the features do not import the workspace
model) and asks :class:`SymbolMemo` for each file's symbols, which are parsed once per text (the
texts it has not seen with :func:`declared_in`, off the event loop), so a query does not parse every
manifest again; :func:`search` filters and ranks them.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from sidecar_lsp.core.decoding.kinds import ENVIRONMENT, JOB, WORKLOAD_TYPES, manifest_kind
from sidecar_lsp.core.manifest.merge import ENVIRONMENTS_KEY, layers
from sidecar_lsp.core.manifest.references import SIDECARS
from sidecar_lsp.core.model import Pos, Span
from sidecar_lsp.core.yaml.tree import Entry, Mapping, Scalar, own_entries, parse, sequence_items

logger = logging.getLogger(__name__)

SERVICE, JOB_KIND, ENVIRONMENT_KIND, OVERRIDE = "service", "job", "environment", "override"
SIDECAR, VOLUME, TOPIC = "sidecar", "volume", "topic"
KINDS = (SERVICE, JOB_KIND, ENVIRONMENT_KIND, OVERRIDE, SIDECAR, VOLUME, TOPIC)
"""The kinds of symbol, in the order results of equal match are listed."""

MAX_RESULTS = 200
"""An empty or one-letter query matches everything; editors show the first few dozen, and converting
and sending each costs time on every keystroke."""
MAX_MEMO_FILES = 4_000
MAX_MEMO_CHARS = 20_000_000
"""The memo's bounds: its keys are the workspace's texts (shared, not copied) until one is replaced."""


@dataclass(frozen=True)
class Declared:
    """A name a manifest declares."""

    name: str
    kind: str
    """One of :data:`KINDS`."""
    container: str
    """What it belongs to, in words (``sidecar of api``, ``Backend Service``): the editor shows it."""
    span: Span
    """The name as written (a key, or a ``name:`` value)."""
    folded: str = field(init=False, repr=False, compare=False)
    """The name in lower case, as queries compare it (once per file, not once per query)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "folded", self.name.lower())


def declared(text: str, folder: str) -> tuple[Declared, ...]:
    """The names one manifest declares; ``folder`` names a workload or environment whose manifest
    has no ``name`` (Copilot deploys it under its folder's name). Never raises: a manifest that
    cannot be read declares nothing."""
    try:
        return tuple(_declared(text, folder))
    except Exception:  # a bug here must cost one file's symbols, not the query
        logger.exception("workspace symbols of %s failed", folder)
        return ()


def _declared(text: str, folder: str) -> Iterator[Declared]:
    root = parse(text).root
    kind = manifest_kind(root)
    if not isinstance(root, Mapping) or kind is None:
        return
    name_node = root.get("name")
    has_name = isinstance(name_node, Scalar) and name_node.value is not None and name_node.text != ""
    name = name_node.text if has_name and isinstance(name_node, Scalar) else folder
    span = name_node.span if has_name and name_node is not None else Span(Pos(0, 0), Pos(0, 0))
    if kind == ENVIRONMENT:
        yield Declared(folder or name, ENVIRONMENT_KIND, "environment", span)
        return
    if kind not in WORKLOAD_TYPES:
        return  # a pipeline declares stages, which are environments declared elsewhere
    yield Declared(name, JOB_KIND if kind == JOB else SERVICE, kind, span)
    seen: set[tuple[str, str]] = set()
    for env, layer in layers(root):
        where = "" if env is None else f" (in {env})"
        if env is not None:
            key = _override_key(root, env)
            if key is not None:
                yield Declared(env, OVERRIDE, f"{env} override of {name}", key.key.span)
        for found_kind, entry in _named(layer):
            if (found_kind, entry.name) in seen:
                continue  # an override of a name the base declares: the base's is the declaration
            seen.add((found_kind, entry.name))
            yield Declared(entry.name, found_kind, f"{found_kind} of {name}{where}", entry.key.span)
        for topic in _topics(layer):
            if (TOPIC, topic.text) not in seen:
                seen.add((TOPIC, topic.text))
                yield Declared(topic.text, TOPIC, f"topic published by {name}{where}", topic.span)


def _override_key(root: Mapping, env: str) -> Entry | None:
    overrides = root.get(ENVIRONMENTS_KEY)
    return overrides.entry(env) if isinstance(overrides, Mapping) else None


def _named(layer: Mapping) -> Iterator[tuple[str, Entry]]:
    yield from ((SIDECAR, entry) for entry in own_entries(layer.get(SIDECARS)))
    storage = layer.get("storage")
    volumes = storage.get("volumes") if isinstance(storage, Mapping) else None
    yield from ((VOLUME, entry) for entry in own_entries(volumes))


def _topics(layer: Mapping) -> Iterator[Scalar]:
    publish = layer.get("publish")
    topics = publish.get("topics") if isinstance(publish, Mapping) else None
    for item in sequence_items(topics):
        name = item.get("name") if isinstance(item, Mapping) else None
        if isinstance(name, Scalar) and name.value is not None and name.text:
            yield name


class SymbolMemo:
    """Each file's symbols, computed once per ``(folder, text)`` and kept for the files used last,
    within :data:`MAX_MEMO_FILES` files and :data:`MAX_MEMO_CHARS` characters of text. Owned by one
    thread (the server's event loop)."""

    def __init__(self, max_files: int = MAX_MEMO_FILES, max_chars: int = MAX_MEMO_CHARS) -> None:
        self.max_files, self.max_chars = max_files, max_chars
        self.parses = 0
        """How many texts were read (the memo's misses), for tests and benchmarks."""
        self._chars = 0
        self._memo: OrderedDict[tuple[str, str], tuple[Declared, ...]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._memo)

    def symbols(self, folder: str, text: str) -> tuple[Declared, ...]:
        known = self._memo.get((folder, text))
        if known is not None:
            self._memo.move_to_end((folder, text))
            return known
        found = declared(text, folder)
        self.put(folder, text, found)
        return found

    def missing(self, files: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        """The ``(folder, text)`` pairs not in the memo (to read off the event loop, then :meth:`put`)."""
        return [file for file in files if file not in self._memo]

    def put(self, folder: str, text: str, found: tuple[Declared, ...]) -> None:
        if (folder, text) in self._memo:
            return
        self.parses += 1
        self._memo[(folder, text)] = found
        self._chars += len(text)
        while self._memo and (len(self._memo) > self.max_files or self._chars > self.max_chars):
            (_, old_text), _ = self._memo.popitem(last=False)
            self._chars -= len(old_text)


def declared_in(files: list[tuple[str, str]]) -> list[tuple[Declared, ...]]:
    """:func:`declared` of each ``(folder, text)``: pure, for a worker thread."""
    return [declared(text, folder) for folder, text in files]


T = TypeVar("T")


def search(
    query: str, candidates: Iterable[tuple[Declared, T]], limit: int = MAX_RESULTS
) -> list[tuple[Declared, T]]:
    """The candidates whose name matches ``query``, best first, at most ``limit``.

    A name matches when it holds the query's letters in order, ignoring case (``otl`` finds
    ``otel``); exact names come first, then those starting with the query, then those holding it.
    A first word naming a kind (``sidecar otel``, ``topics ord``) keeps that kind only.
    """
    wanted, needle = _parse_query(query)
    ranked: list[tuple[tuple[int, int, str], int, tuple[Declared, T]]] = []
    for order, candidate in enumerate(candidates):
        symbol = candidate[0]
        if wanted is not None and symbol.kind != wanted:
            continue
        score = _score(needle, symbol.folded)
        if score is not None:
            ranked.append(((score, KINDS.index(symbol.kind), symbol.folded), order, candidate))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [candidate for _, _, candidate in ranked[:limit]]


def match_score(needle: str, name: str) -> int | None:
    """0 for the same name, 1 for a prefix, 2 for a substring, 3 for letters in order, None for no
    match (ignoring case; an empty needle matches every name)."""
    return _score(needle.lower(), name.lower())


def _score(needle: str, name: str) -> int | None:
    if needle == name:
        return 0
    if name.startswith(needle):
        return 1
    if needle in name:
        return 2
    letters = iter(name)
    return 3 if all(letter in letters for letter in needle) else None


def _parse_query(query: str) -> tuple[str | None, str]:
    words = query.split()
    if len(words) > 1:
        first = words[0].lower().removesuffix("s")
        if first in KINDS:
            return first, "".join(words[1:]).lower()
    return None, "".join(words).lower()
