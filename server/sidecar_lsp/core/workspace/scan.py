"""Every disk read of a Copilot workspace: finding its ``copilot/`` folder, listing and reading its files.

The model (:mod:`.model`) reads nothing; the functions here read and return plain data the model
takes (:class:`~.model.Scanned`, :data:`~.model.Read`). They never raise and never leave the
workspace: symbolic links out of the folder are not followed, nothing larger than a manifest can be
is read, at most :data:`MAX_MANIFESTS` manifests are indexed. In the language server they run on a
worker thread (``lsp/handlers/workspace.py``), the event loop applies what they return; the command
line calls them directly (:class:`DiskWorkspaces`).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sidecar_lsp.core.decoding.kinds import MANIFEST_FILE
from sidecar_lsp.core.workspace.model import (
    ENVIRONMENTS_DIR,
    PIPELINES_DIR,
    WORKLOAD,
    AppRead,
    ManifestRead,
    OverridesRead,
    PathLike,
    Read,
    Scanned,
    Workspace,
    role_of,
)
from sidecar_lsp.core.yaml.tree import MAX_TEXT_CHARS, Mapping, ParsedDocument, Scalar, parse

COPILOT_DIR = "copilot"
SUMMARY_FILE = ".workspace"
OVERRIDES_DIR = "overrides"
TEMPLATE_OVERRIDE_FILES = ("cfn.patches.yml", "cfn.patches.yaml", "cdk.json")
MAX_MANIFESTS = 1_000
"""More manifests than any application has; a folder past this is not indexed further."""


def find_root(path: str | PathLike) -> Path | None:
    """The ``copilot/`` folder with a ``.workspace`` that contains ``path``, or None for a lone file."""
    for folder in copilot_folders(path):
        if _is_file(folder / SUMMARY_FILE):
            return folder
    return None


def copilot_folders(path: str | PathLike) -> list[Path]:
    """The folders named ``copilot`` that contain ``path``, nearest first (no disk read): where
    :func:`find_root` looks, so a path with none is a lone file without asking the disk."""
    absolute = os.path.abspath(path)
    if _POSIX:  # from the text of the path: pathlib's parents cost a check more than its scan
        parts = absolute.split("/")
        return [
            Path("/".join(parts[: i + 1])) for i in range(len(parts) - 2, 0, -1) if parts[i] == COPILOT_DIR
        ]
    return [folder for folder in Path(absolute).parents if folder.name == COPILOT_DIR]


def relative(root: Path, path: str | PathLike) -> str | None:
    """``path`` under the workspace ``root``, with ``/``, or None when it lies outside (never read)."""
    absolute, base = os.path.abspath(path), str(root)
    # Normalised texts compare as pathlib compares their parts (``check`` asks twice a file), except
    # where one starts with the "//" POSIX leaves to each system.
    if _POSIX and not absolute.startswith("//") and not base.startswith("//"):
        if absolute == base:
            return "."
        prefix = base if base.endswith("/") else base + "/"
        return absolute[len(prefix) :] if absolute.startswith(prefix) else None
    try:
        return Path(absolute).relative_to(root).as_posix()
    except ValueError:
        return None


_POSIX = os.sep == "/" and os.altsep is None


def read_workspace(
    root: Path,
    trees: dict[str, ParsedDocument] | None = None,
    parse_text: Callable[[str], ParsedDocument] = parse,
) -> Scanned:
    """Everything the model needs of the workspace at ``root`` (a ``copilot/`` folder).

    With ``trees`` (the command line's), each manifest's parse by ``parse_text`` is also left there
    under its path in the workspace, so that checking the file next does not parse it a second time;
    the language server passes none and keeps no tree.
    """
    manifests: list[ManifestRead] = []
    patched: set[str] = set()
    for rel in _manifest_paths(root):
        text = read_bounded(root / rel)
        document = None if text is None else parse_text(text)
        read = ManifestRead.of(rel, text, document)
        if read.facts is None:
            continue  # gone or unreadable since the listing
        if trees is not None and document is not None:
            trees[rel] = document
        manifests.append(read)
        if read.facts.role == WORKLOAD and _has_template_overrides(root / read.facts.folder):
            patched.add(read.facts.folder)
    return Scanned(str(root), read_app_name(root), tuple(manifests), frozenset(patched))


def scan(
    root: Path,
    trees: dict[str, ParsedDocument] | None = None,
    parse_text: Callable[[str], ParsedDocument] = parse,
) -> Workspace:
    """The workspace at ``root`` read from disk, in one call (the command line, tests); ``trees`` and
    ``parse_text`` as for :func:`read_workspace`."""
    return Workspace.of(read_workspace(root, trees, parse_text))


def read_path(root: Path, rel: str) -> Read:
    """What the disk holds for ``rel`` now (a watched file changed, a document was closed)."""
    if rel == SUMMARY_FILE:
        return AppRead(read_app_name(root))
    parts = rel.split("/")
    if parts[1:2] == [OVERRIDES_DIR]:
        return OverridesRead(parts[0], _has_template_overrides(root / parts[0]))
    return ManifestRead.of(rel, read_bounded(root / rel))


def read_app_name(root: Path) -> str | None:
    """``application:`` of ``copilot/.workspace``."""
    text = read_bounded(root / SUMMARY_FILE)
    if text is None:
        return None
    document = parse(text)
    app = document.root.get("application") if isinstance(document.root, Mapping) else None
    return app.text if isinstance(app, Scalar) and app.value is not None else None


def app_of(path: str | PathLike) -> tuple[Path, str | None] | None:
    """The workspace folder holding ``path`` and its application name, without reading its manifests."""
    root = find_root(path)
    return None if root is None else (root, read_app_name(root))


def read_source(path: str) -> str | None:
    """A manifest that is not open, for a rendering: None when it is no regular file of a manifest's
    size; raises ``UnicodeDecodeError`` when it is not UTF-8 (as the editor's reading would)."""
    data = _manifest_bytes(path, follow_link=True)
    if data is None:
        return None
    # As a file opened for text reads it: every line break a "\n".
    return data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")


MAX_FILE_BYTES = 4 * MAX_TEXT_CHARS
"""The most bytes read from one file: enough for the longest text the reader accepts."""


def _manifest_bytes(path: str | os.PathLike[str], *, follow_link: bool) -> bytes | None:
    """A regular file's bytes when it is no longer than a manifest may be, else None."""
    data = read_regular_file(path, MAX_FILE_BYTES, follow_link=follow_link)
    return None if isinstance(data, str) or len(data) > MAX_FILE_BYTES else data


_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
_NO_LINK = getattr(os, "O_NOFOLLOW", 0)


def read_regular_file(path: str | os.PathLike[str], limit: int, *, follow_link: bool = True) -> bytes | str:
    """At most ``limit + 1`` bytes of a regular file (more than ``limit``: the file is longer), or why it
    cannot be read.

    Opened non-blocking so that a FIFO or a device never hangs the reader, and checked to be a regular file
    after opening, so that it cannot be swapped for one in between. ``follow_link=False`` refuses a
    symbolic link (one that may lead out of a workspace).
    """
    if not follow_link and not _NO_LINK and os.path.islink(path):  # a system without O_NOFOLLOW
        return f"cannot read {os.fspath(path)}: a symbolic link"
    try:
        fd = os.open(path, _FLAGS if follow_link else _FLAGS | _NO_LINK)
    except (OSError, ValueError) as error:  # ValueError: a path the system cannot take (a NUL in it)
        return f"cannot read {os.fspath(path)}: {getattr(error, 'strerror', None) or error}"
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return f"cannot read {os.fspath(path)}: not a regular file"
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    except OSError as error:
        return f"cannot read {os.fspath(path)}: {error.strerror or error}"
    finally:
        os.close(fd)


def read_bounded(path: Path) -> str | None:
    """The file's text when it is a regular file inside its workspace (no link), small enough to be a
    manifest."""
    data = _manifest_bytes(path, follow_link=False)
    return None if data is None else data.decode("utf-8-sig", errors="replace")


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
    return [rel for rel in found[:MAX_MANIFESTS] if _is_file(root / rel)]


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a folder the server may not read, say
        return False


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


def _has_template_overrides(folder: Path) -> bool:
    overrides = folder / OVERRIDES_DIR
    try:
        return overrides.is_dir() and any((overrides / name).exists() for name in TEMPLATE_OVERRIDE_FILES)
    except OSError:
        return False


@dataclass
class DiskWorkspaces:
    """The workspaces met so far, each read from disk once (``sidecar-lsp check DIR``, ``render``).

    With ``parse_text`` (``sidecar-lsp check``), the scan parses each manifest with it and keeps the
    trees of the workspace read last until :meth:`take_parsed` hands each over, once: the check then
    parses every manifest once, and at most one workspace's trees are held at a time.
    """

    by_root: dict[Path, Workspace] = field(default_factory=dict)
    parse_text: Callable[[str], ParsedDocument] | None = None
    _trees: dict[str, ParsedDocument] = field(default_factory=dict)
    """The trees of the workspace read last not handed over yet, by path in that workspace."""
    _trees_root: Path | None = None
    _roots: dict[str, Path | None] = field(default_factory=dict)
    """The workspace folder of each folder of files asked about (a check asks twice per file)."""
    _summaries: dict[str, bool] = field(default_factory=dict)
    """Whether each ``copilot`` folder met holds a ``.workspace`` (one look per folder, not per file)."""

    def for_path(self, path: str | PathLike) -> tuple[Workspace, str] | None:
        """The workspace of ``path`` and its path inside it, or None for a lone file."""
        folder = os.path.dirname(os.path.abspath(path))
        if folder not in self._roots:
            self._roots[folder] = self._find_root(path)
        root = self._roots[folder]
        if root is None:
            return None
        workspace = self.by_root.get(root)
        if workspace is None:
            workspace = self.by_root[root] = self._scan(root)
        rel = relative(root, path)
        if rel is None or role_of(rel) is None:
            return None
        return workspace, rel

    def take_parsed(self, path: str | PathLike, text: str) -> ParsedDocument | None:
        """The scan's tree of ``path`` when the scan read exactly ``text`` (reading the workspace first
        if needed), or None; each tree is handed over once and then forgotten."""
        found = self.for_path(path)
        if found is None or self._trees_root != Path(found[0].root):
            return None
        document = self._trees.pop(found[1], None)
        return document if document is not None and document.text == text else None

    def _find_root(self, path: str | PathLike) -> Path | None:
        """:func:`find_root`, each ``copilot`` folder looked at once."""
        for folder in copilot_folders(path):
            key = str(folder)
            if key not in self._summaries:
                self._summaries[key] = _is_file(folder / SUMMARY_FILE)
            if self._summaries[key]:
                return folder
        return None

    def _scan(self, root: Path) -> Workspace:
        if self.parse_text is None:
            return scan(root)
        # A new workspace: the trees of the last one that were not asked for are let go (the files
        # of a workspace are checked one after the other; one asked for later is parsed again).
        self._trees = {}
        self._trees_root = root
        return scan(root, self._trees, self.parse_text)


def existing(base: Path, targets: list[tuple[str, bool]]) -> list[str | None]:
    """Each ``(path, folder)`` resolved against ``base`` (the workspace root), as an absolute path when
    a file (or, for ``folder``, a folder) is there, else None (document links: only to what exists)."""
    found: list[str | None] = []
    for path, folder in targets:
        try:
            target = (base / path).resolve()
            there = target.is_dir() if folder else target.is_file()
        except (OSError, ValueError):  # a path the system refuses (NUL, too long), a folder not readable
            there = False
        found.append(str(target) if there else None)
    return found
