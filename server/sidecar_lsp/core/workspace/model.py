"""The whole Copilot workspace: ``copilot/.workspace`` and the manifests under it, as one model.

A workspace is the ``copilot/`` folder that holds ``.workspace`` (Copilot's ``SummaryFileName``);
Copilot reads ``copilot/<svc>/manifest.yml``, ``copilot/environments/<env>/manifest.yml`` and
``copilot/pipelines/<name>/manifest.yml``. :class:`Workspace` keeps, for each of those, the text
and the few :class:`Facts` other files need (the environments that exist, the topics a service
publishes, ...). It is plain data: :func:`scan` reads the files from disk (bounded: nothing outside
the folder, nothing larger than a manifest can be), the server replaces a file's text with the
unsaved text of an open document, and cross-file findings (``core/workspace/rules.py``) are
computed from it and memoised per file on exactly the facts that file reads, so editing one
manifest re-checks only the files that depend on what changed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sidecar_lsp.core.decoding.kinds import PIPELINE, WORKLOAD_TYPES, manifest_kind
from sidecar_lsp.core.manifest.merge import layers
from sidecar_lsp.core.model import Finding, Span
from sidecar_lsp.core.yaml.tree import MAX_TEXT_CHARS, Mapping, ParsedDocument, Scalar, parse, sequence_items

COPILOT_DIR = "copilot"
SUMMARY_FILE = ".workspace"
MANIFEST_FILE = "manifest.yml"
ENVIRONMENTS_DIR = "environments"
PIPELINES_DIR = "pipelines"
OVERRIDES_DIR = "overrides"
MAX_MANIFESTS = 1_000
"""More manifests than any application has; a folder past this is not indexed further."""

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


@dataclass
class _File:
    text: str
    facts: Facts
    document: ParsedDocument | None = None
    unsaved: bool = False


def find_root(path: str | os.PathLike[str]) -> Path | None:
    """The ``copilot/`` folder with a ``.workspace`` that contains ``path``, or None for a lone file."""
    absolute = Path(os.path.abspath(path))
    for folder in absolute.parents:
        if folder.name == COPILOT_DIR and (folder / SUMMARY_FILE).is_file():
            return folder
    return None


def role_of(rel: str) -> tuple[str, str] | None:
    """``(role, folder)`` of a path under ``copilot/``, or None when Copilot does not read it."""
    parts = PurePosixPath(rel).parts
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
    """The facts of one manifest (None when ``rel`` is no file Copilot reads)."""
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

    root: Path
    app: str | None = None
    files: dict[str, _File] = field(default_factory=dict)
    template_overrides: set[str] = field(default_factory=set)
    """Workload folders with an ``overrides/`` folder (``cfn.patches.yml`` or a CDK app)."""
    checks: int = 0
    """How many times cross-file findings were computed (the memo's misses), for tests and benchmarks."""
    _memo: dict[str, tuple[object, list[Finding]]] = field(default_factory=dict)

    # --- reading and updating

    def rel(self, path: str | os.PathLike[str]) -> str | None:
        """``path`` relative to the workspace, or None when it lies outside (no file there is read)."""
        absolute = Path(os.path.abspath(path))
        try:
            return absolute.relative_to(self.root).as_posix()
        except ValueError:
            return None

    def set_text(
        self, rel: str, text: str, document: ParsedDocument | None = None, *, unsaved: bool = False
    ) -> bool:
        """Take the text of ``rel`` (an open document's, or the disk's); True when its facts changed."""
        known = self.files.get(rel)
        if known is not None and known.text == text:
            if document is not None:
                known.document = document
            known.unsaved = unsaved
            return False
        parsed = document if document is not None and document.text == text else parse(text)
        facts = facts_of(rel, parsed)
        if facts is None:
            return False
        self.files[rel] = _File(text, facts, parsed, unsaved)
        return known is None or known.facts != facts

    def with_text(self, rel: str, text: str, document: ParsedDocument | None = None) -> Workspace:
        """The workspace as it is with ``text`` in ``rel``: itself when it holds that text, else a copy.

        This one is left as it is: a request can judge a text the workspace has not taken yet
        (an edit whose diagnostics are still to come) without changing what others read.
        """
        known = self.files.get(rel)
        if known is not None and known.text == text:
            return self
        view = Workspace(self.root, self.app, dict(self.files), set(self.template_overrides))
        view.set_text(rel, text, document, unsaved=True)  # a new entry in the copy's dict, none shared
        return view

    def remove(self, rel: str) -> bool:
        """Forget ``rel`` (deleted on disk); True when it was known."""
        self._memo.pop(rel, None)
        return self.files.pop(rel, None) is not None

    def reload(self, rel: str) -> bool:
        """Read ``rel`` again from disk (created, changed or deleted, or a closed document's edits dropped)."""
        if rel == SUMMARY_FILE:
            before = self.app
            self.app = read_app_name(self.root)
            return before != self.app
        if PurePosixPath(rel).parts[1:2] == (OVERRIDES_DIR,):
            return self._rescan_template_overrides()
        text = _read_bounded(self.root / rel)
        if text is None:
            return self.remove(rel)
        return self.set_text(rel, text)

    def _workload_folders(self) -> list[str]:
        return [f.facts.folder for f in self.files.values() if f.facts.role == WORKLOAD]

    def _rescan_template_overrides(self) -> bool:
        before = set(self.template_overrides)
        self.template_overrides = {
            folder for folder in self._workload_folders() if _has_template_overrides(self.root / folder)
        }
        return before != self.template_overrides

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

    def document(self, rel: str) -> ParsedDocument | None:
        known = self.files.get(rel)
        if known is None:
            return None
        if known.document is None or known.document.text != known.text:
            known.document = parse(known.text)
        return known.document

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


def read_app_name(root: Path) -> str | None:
    """``application:`` of ``copilot/.workspace``."""
    text = _read_bounded(root / SUMMARY_FILE)
    if text is None:
        return None
    document = parse(text)
    app = document.root.get("application") if isinstance(document.root, Mapping) else None
    return app.text if isinstance(app, Scalar) and app.value is not None else None


def scan(root: Path) -> Workspace:
    """Index the manifests under ``root`` (a ``copilot/`` folder); never raises, never leaves it."""
    workspace = Workspace(root, read_app_name(root))
    for rel in _manifest_paths(root):
        text = _read_bounded(root / rel)
        if text is not None:
            workspace.set_text(rel, text)
    workspace._rescan_template_overrides()
    return workspace


def _manifest_paths(root: Path) -> list[str]:
    found: list[str] = []
    try:
        top = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return []
    for entry in top:
        if not _is_real_dir(entry, root):
            continue
        if entry.name in (ENVIRONMENTS_DIR, PIPELINES_DIR):
            try:
                inner = sorted(os.scandir(entry.path), key=lambda e: e.name)
            except OSError:
                continue
            found.extend(
                f"{entry.name}/{sub.name}/{MANIFEST_FILE}" for sub in inner if _is_real_dir(sub, root)
            )
        else:
            found.append(f"{entry.name}/{MANIFEST_FILE}")
        if len(found) >= MAX_MANIFESTS:
            break
    return [rel for rel in found[:MAX_MANIFESTS] if (root / rel).is_file()]


def _is_real_dir(entry: os.DirEntry[str], root: Path) -> bool:
    """A folder inside the workspace (a symlink leading out of it is not followed)."""
    try:
        if not entry.is_dir():
            return False
        if entry.is_symlink():
            Path(os.path.realpath(entry.path)).relative_to(os.path.realpath(root))
    except (OSError, ValueError):
        return False
    return not entry.name.startswith(".")


def _read_bounded(path: Path) -> str | None:
    """The file's text when it is a regular file inside its workspace, small enough to be a manifest."""
    try:
        if path.is_symlink():
            return None
        if not path.is_file() or path.stat().st_size > MAX_TEXT_CHARS * 4:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return data.decode("utf-8-sig", errors="replace")


def _has_template_overrides(folder: Path) -> bool:
    overrides = folder / OVERRIDES_DIR
    try:
        return overrides.is_dir() and any(
            (overrides / name).exists() for name in ("cfn.patches.yml", "cfn.patches.yaml", "cdk.json")
        )
    except OSError:
        return False


@dataclass
class Workspaces:
    """The workspaces met so far, each scanned once (``sidecar-lsp check DIR``, the language server)."""

    by_root: dict[Path, Workspace] = field(default_factory=dict)

    def for_path(self, path: str | os.PathLike[str]) -> tuple[Workspace, str] | None:
        """The workspace of ``path`` and its path inside it, or None for a lone file."""
        root = find_root(path)
        if root is None:
            return None
        workspace = self.by_root.get(root)
        if workspace is None:
            workspace = self.by_root[root] = scan(root)
        rel = workspace.rel(path)
        if rel is None or role_of(rel) is None:
            return None
        return workspace, rel
