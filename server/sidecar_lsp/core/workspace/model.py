"""The whole Copilot workspace: ``copilot/.workspace`` and the manifests under it, as one model.

A workspace is the ``copilot/`` folder that holds ``.workspace`` (Copilot's ``SummaryFileName``);
Copilot reads ``copilot/<svc>/manifest.yml``, ``copilot/environments/<env>/manifest.yml`` and
``copilot/pipelines/<name>/manifest.yml``. :class:`Workspace` keeps, for each of those, the text
and the few :class:`Facts` other files need (the environments that exist, the topics a service
publishes, ...); no parse tree is kept. It is pure data and reads nothing: ``core/workspace/scan.py``
reads the disk and hands over what it read (:class:`Scanned`, :data:`Read`), the server replaces a
file's text with the unsaved text of an open document, and cross-file findings
(``core/workspace/rules.py``) are computed from it and memoised per file on exactly the facts that
file reads, so editing one manifest re-checks only the files that depend on what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

from sidecar_lsp.core.decoding.kinds import MANIFEST_FILE, PIPELINE, WORKLOAD_TYPES, manifest_kind
from sidecar_lsp.core.manifest.merge import layers
from sidecar_lsp.core.model import Finding, Span
from sidecar_lsp.core.yaml.tree import Mapping, ParsedDocument, Scalar, parse, sequence_items

ENVIRONMENTS_DIR = "environments"
PIPELINES_DIR = "pipelines"

WORKLOAD, ENVIRONMENT_ROLE, PIPELINE_ROLE = "workload", "environment", "pipeline"


@dataclass(frozen=True)
class Subscription:
    topic: str
    service: str
    topic_span: Span
    service_span: Span


@dataclass(frozen=True)
class Facts:
    """What other manifests need to know about one manifest."""

    rel: str
    """The path under ``copilot/``, with ``/`` (``api/manifest.yml``)."""
    role: str
    """``workload``, ``environment`` or ``pipeline``, from where the file is."""
    folder: str
    """The folder naming it: the service, environment or pipeline name Copilot uses."""
    kind: str | None = None
    name: str | None = None
    name_span: Span | None = None
    overrides: tuple[tuple[str, Span], ...] = ()
    """``environments.<env>`` keys, with their spans."""
    publishes: frozenset[str] = frozenset()
    subscriptions: tuple[Subscription, ...] = ()
    stages: tuple[tuple[str, Span], ...] = ()
    """Pipeline stage names (each an environment)."""


@dataclass(frozen=True)
class _File:
    text: str
    facts: Facts


# --- what the disk holds, as scan.py reads it (on a worker thread in the server) and hands over


@dataclass(frozen=True)
class ManifestRead:
    """A manifest as the disk holds it; ``text`` is None when it is gone, unreadable or too large."""

    rel: str
    text: str | None
    facts: Facts | None

    @classmethod
    def of(cls, rel: str, text: str | None, document: ParsedDocument | None = None) -> ManifestRead:
        """The read of ``rel`` with its facts (parsed here: the reader's thread does the work), read
        from ``document`` instead when the caller parsed exactly ``text`` already; it is not kept."""
        if text is None:
            return cls(rel, None, None)
        parsed = document if document is not None and document.text == text else parse(text)
        return cls(rel, text, facts_of(rel, parsed))


@dataclass(frozen=True)
class AppRead:
    """``copilot/.workspace`` as the disk holds it: the ``application:`` it names."""

    app: str | None


@dataclass(frozen=True)
class OverridesRead:
    """Whether a workload folder has template overrides (``overrides/cfn.patches.yml`` or a CDK app)."""

    folder: str
    present: bool


Read = ManifestRead | AppRead | OverridesRead
"""What the disk holds for one path of a workspace (``scan.read_path``); :meth:`Workspace.reload` takes it."""


@dataclass(frozen=True)
class Scanned:
    """A whole workspace as the disk holds it (``scan.read_workspace``); :meth:`Workspace.of` takes it."""

    root: str
    app: str | None
    manifests: tuple[ManifestRead, ...]
    template_overrides: frozenset[str]


def role_of(rel: str) -> tuple[str, str] | None:
    """``(role, folder)`` of a path under ``copilot/``, or None when Copilot does not read it."""
    parts = [part for part in rel.split("/") if part not in ("", ".")]
    if not parts or parts[-1] != MANIFEST_FILE:
        return None
    if len(parts) == 3 and parts[0] == ENVIRONMENTS_DIR:
        return ENVIRONMENT_ROLE, parts[1]
    if len(parts) == 3 and parts[0] == PIPELINES_DIR:
        return PIPELINE_ROLE, parts[1]
    if len(parts) == 2 and parts[0] not in (ENVIRONMENTS_DIR, PIPELINES_DIR):
        return WORKLOAD, parts[0]
    return None


def facts_of(rel: str, document: ParsedDocument) -> Facts | None:
    """The facts of one manifest (None when ``rel`` is no file Copilot reads).

    Only reads ``document``: the command line checks the same tree next (``scan.DiskWorkspaces``).
    """
    place = role_of(rel)
    if place is None:
        return None
    role, folder = place
    root = document.root
    if not isinstance(root, Mapping):
        return Facts(rel, role, folder)
    kind = manifest_kind(root)
    name_node = root.get("name")
    name = name_node if isinstance(name_node, Scalar) and name_node.value is not None else None
    overrides: list[tuple[str, Span]] = []
    publishes: set[str] = set()
    subscriptions: list[Subscription] = []
    if kind in WORKLOAD_TYPES:
        for env, layer in layers(root):
            if env is not None:
                entry = root.get("environments")
                key = entry.entry(env) if isinstance(entry, Mapping) else None
                if key is not None:
                    overrides.append((env, key.key.span))
            publishes.update(_names(layer, "publish"))
            subscriptions.extend(_subscriptions(layer))
    stages: list[tuple[str, Span]] = []
    if kind == PIPELINE:
        for stage in sequence_items(root.get("stages")):
            stage_name = stage.get("name") if isinstance(stage, Mapping) else None
            if isinstance(stage_name, Scalar) and stage_name.value is not None:
                stages.append((stage_name.text, stage_name.span))
    return Facts(
        rel,
        role,
        folder,
        kind,
        name.text if name else None,
        name.span if name else None,
        tuple(overrides),
        frozenset(publishes),
        tuple(subscriptions),
        tuple(stages),
    )


def _names(layer: Mapping, section: str) -> Iterable[str]:
    block = layer.get(section)
    topics = block.get("topics") if isinstance(block, Mapping) else None
    for item in sequence_items(topics):
        name = item.get("name") if isinstance(item, Mapping) else None
        if isinstance(name, Scalar) and name.value is not None:
            yield name.text


def _subscriptions(layer: Mapping) -> Iterable[Subscription]:
    block = layer.get("subscribe")
    topics = block.get("topics") if isinstance(block, Mapping) else None
    for item in sequence_items(topics):
        if not isinstance(item, Mapping):
            continue
        name, service = item.get("name"), item.get("service")
        if not isinstance(name, Scalar) or not isinstance(service, Scalar):
            continue
        if name.value is not None and service.value is not None:
            yield Subscription(name.text, service.text, name.span, service.span)


@dataclass
class Workspace:
    """The manifests of one ``copilot/`` folder; owned by one thread (the server's event loop)."""

    root: str
    """The ``copilot/`` folder's absolute path."""
    app: str | None = None
    files: dict[str, _File] = field(default_factory=dict)
    template_overrides: set[str] = field(default_factory=set)
    """Workload folders with an ``overrides/`` folder (``cfn.patches.yml`` or a CDK app)."""
    checks: int = 0
    """How many times cross-file findings were computed (the memo's misses), for tests and benchmarks."""
    _memo: dict[str, tuple[object, list[Finding]]] = field(default_factory=dict)

    @classmethod
    def of(cls, scanned: Scanned) -> Workspace:
        """The workspace holding what a scan read."""
        workspace = cls(scanned.root, scanned.app, template_overrides=set(scanned.template_overrides))
        for read in scanned.manifests:
            workspace.reload(read)
        return workspace

    # --- updating

    def set_text(self, rel: str, text: str, document: ParsedDocument | None = None) -> bool:
        """Take the text of ``rel`` (an open document's; ``document``, its parse when the caller has
        one, is read for the facts and not kept); True when its facts changed."""
        known = self.files.get(rel)
        if known is not None and known.text == text:
            return False
        parsed = document if document is not None and document.text == text else parse(text)
        facts = facts_of(rel, parsed)
        return facts is not None and self._put(rel, text, facts)

    def with_text(self, rel: str, text: str, document: ParsedDocument | None = None) -> Workspace:
        """The workspace as it is with ``text`` in ``rel``: itself when it holds that text, else a copy.

        This one is left as it is: a request can judge a text the workspace has not taken yet
        (an edit whose diagnostics are still to come) without changing what others read.
        """
        known = self.files.get(rel)
        if known is not None and known.text == text:
            return self
        view = Workspace(self.root, self.app, dict(self.files), set(self.template_overrides))
        view.set_text(rel, text, document)  # a new entry in the copy's dict, none shared
        return view

    def remove(self, rel: str) -> bool:
        """Forget ``rel`` (deleted on disk); True when it was known."""
        self._memo.pop(rel, None)
        return self.files.pop(rel, None) is not None

    def reload(self, read: Read) -> bool:
        """Take what the disk holds for one path (a file created, changed or deleted, a closed
        document's edits dropped); True when a fact others read changed."""
        if isinstance(read, AppRead):
            before, self.app = self.app, read.app
            return before != self.app
        if isinstance(read, OverridesRead):
            before_overrides = set(self.template_overrides)
            if read.present:
                self.template_overrides.add(read.folder)
            else:
                self.template_overrides.discard(read.folder)
            return before_overrides != self.template_overrides
        if read.text is None or read.facts is None:
            return self.remove(read.rel)
        known = self.files.get(read.rel)
        return (known is None or known.text != read.text) and self._put(read.rel, read.text, read.facts)

    def _put(self, rel: str, text: str, facts: Facts) -> bool:
        known = self.files.get(rel)
        self.files[rel] = _File(text, facts)
        return known is None or known.facts != facts

    # --- what the files say together

    def environments(self) -> list[str]:
        """The environments that exist: ``copilot/environments/<env>/manifest.yml`` folders, sorted."""
        return sorted(f.facts.folder for f in self.files.values() if f.facts.role == ENVIRONMENT_ROLE)

    def services(self) -> dict[str, Facts]:
        """Each workload by folder name (the name Copilot deploys it under)."""
        return {f.facts.folder: f.facts for f in self.files.values() if f.facts.role == WORKLOAD}

    def facts(self, rel: str) -> Facts | None:
        known = self.files.get(rel)
        return known.facts if known else None

    def inputs(self, rel: str) -> tuple[object, ...]:
        """What the cross-file findings of ``rel`` read from the other files (the memo's key)."""
        facts = self.facts(rel)
        if facts is None:
            return ()
        if facts.role == WORKLOAD:
            topics: tuple[tuple[str, frozenset[str]], ...] = ()
            if facts.subscriptions:
                services = self.services()
                wanted = sorted({s.service for s in facts.subscriptions})
                topics = tuple(
                    (name, services[name].publishes if name in services else frozenset()) for name in wanted
                )
                topics += (("", frozenset(services)),)
            return (tuple(self.environments()), topics, facts.folder in self.template_overrides)
        if facts.role == PIPELINE_ROLE:
            return (tuple(self.environments()),)
        return ()

    def dependents(self, rel: str) -> list[str]:
        """The other files whose cross-file findings may read a fact of ``rel``."""
        facts = self.facts(rel)
        role = facts.role if facts else (role_of(rel) or ("", ""))[0]
        out: list[str] = []
        for other, known in self.files.items():
            if other == rel:
                continue
            other_role = known.facts.role
            reads_environments = role == ENVIRONMENT_ROLE and other_role in (WORKLOAD, PIPELINE_ROLE)
            reads_topics = role == WORKLOAD and other_role == WORKLOAD and bool(known.facts.subscriptions)
            if reads_environments or reads_topics:
                out.append(other)
        return sorted(out)

    def memoised(self, rel: str, compute: Callable[[], list[Finding]]) -> list[Finding]:
        """``compute()`` for ``rel``, again only when its text or its inputs changed."""
        known = self.files.get(rel)
        key = (known.text if known else None, self.inputs(rel))
        cached = self._memo.get(rel)
        if cached is not None and cached[0] == key:
            return cached[1]
        self.checks += 1
        result = compute()
        self._memo[rel] = (key, result)
        return result


class PathLike(Protocol):
    """A path given as an object (``os.PathLike[str]``), named here without importing ``os``."""

    def __fspath__(self) -> str: ...


class Workspaces(Protocol):
    """Finds the workspace of a file (what ``check_in_workspaces`` asks); ``scan.DiskWorkspaces``
    reads each from disk the first time."""

    def for_path(self, path: str | PathLike) -> tuple[Workspace, str] | None:
        """The workspace of ``path`` and its path inside it, or None for a lone file."""
        ...
