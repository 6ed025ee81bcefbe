"""The workspace model is pure data: built from texts, updated and queried with the disk out of reach.

``core/workspace/scan.py`` does every read; here nothing exists on disk under the workspace's root
and every way to the disk raises, so a model method that read a file would fail the test. (Only
the Python installation stays readable: ruamel.yaml lists its own plug-in folder for each parser.)
"""

from __future__ import annotations

import builtins
import contextlib
import io
import os
import pathlib
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from workspace_support import PUBLISHER, environments, service, subscriber

from sidecar_lsp.core.model import Finding
from sidecar_lsp.core.workspace.model import (
    AppRead,
    ManifestRead,
    OverridesRead,
    Scanned,
    Workspace,
    role_of,
)
from sidecar_lsp.core.yaml.tree import parse

parse("warm: up\n")  # the parser's modules load on first use; their files are read here, not below

ROOT = "/nowhere/copilot"
"""A root that does not exist: the model never looks at it."""

_DISK_EVENTS = ("open", "os.scandir", "os.listdir", "os.chdir", "shutil.copyfile")
_INSTALLATION = tuple({os.path.abspath(p) + os.sep for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})
_audit: list[str] | None = None


def _outside_the_installation(path: Any) -> bool:
    try:
        name = os.fsdecode(path)
    except TypeError:  # a file descriptor
        return True
    return not os.path.abspath(name).startswith(_INSTALLATION)  # abspath: no disk read


def _on_audit(event: str, args: tuple[Any, ...]) -> None:
    if _audit is not None and event in _DISK_EVENTS and (not args or _outside_the_installation(args[0])):
        _audit.append(f"{event}{args[:1]!r}")


sys.addaudithook(_on_audit)  # records only while a test below watches


def _refusing(original: Any) -> Any:
    def refused(*args: Any, **kwargs: Any) -> Any:
        if args and not _outside_the_installation(args[0]):
            return original(*args, **kwargs)
        raise AssertionError(f"the workspace model touched the disk: {args[:1]!r}")

    return refused


@contextlib.contextmanager
def no_disk() -> Iterator[list[str]]:
    """Within: every way to the disk raises, and opens by any code are recorded (audit events).

    (A context, not a fixture: pytest reads source files to report a failure, after it.)
    """
    global _audit
    with pytest.MonkeyPatch.context() as patch:
        for module, name in [
            (builtins, "open"),
            (io, "open"),
            (os, "open"),
            (os, "stat"),
            (os, "lstat"),
            (os, "scandir"),
            (os, "listdir"),
        ]:
            patch.setattr(module, name, _refusing(getattr(module, name)))
        for name in ("stat", "lstat", "exists", "is_file", "is_dir", "read_text", "read_bytes", "iterdir"):
            patch.setattr(pathlib.Path, name, _refusing(getattr(pathlib.Path, name)))
        _audit = []
        try:
            yield _audit
        finally:
            _audit = None


TEXTS = {
    **environments("prod", "test"),
    "api/manifest.yml": PUBLISHER,
    "orders-worker/manifest.yml": subscriber(),
    "web/manifest.yml": service("web", "environments:\n  prd:\n    count: 2\n"),
}


def scanned(texts: dict[str, str], overrides: frozenset[str] = frozenset()) -> Scanned:
    """What scan.read_workspace would hand over for these texts."""
    return Scanned(ROOT, "shop", tuple(ManifestRead.of(rel, text) for rel, text in texts.items()), overrides)


def test_a_workspace_is_built_updated_and_read_from_texts_alone() -> None:
    with no_disk() as touched:
        workspace = Workspace.of(scanned(TEXTS, frozenset({"web"})))
        assert workspace.root == ROOT and workspace.app == "shop"
        assert sorted(workspace.files) == sorted(TEXTS)
        assert workspace.environments() == ["prod", "test"]
        assert sorted(workspace.services()) == ["api", "orders-worker", "web"]
        web = workspace.facts("web/manifest.yml")
        assert web is not None and [env for env, _span in web.overrides] == ["prd"]
        assert workspace.template_overrides == {"web"}
        assert workspace.dependents("api/manifest.yml") == ["orders-worker/manifest.yml"]

        # an open document's text (with its parse, which is read and not kept)
        renamed = PUBLISHER.replace("name: orders", "name: payments")
        assert workspace.set_text("api/manifest.yml", renamed, parse(renamed))
        api = workspace.facts("api/manifest.yml")
        assert api is not None and api.publishes == frozenset({"payments"})
        assert not workspace.set_text("api/manifest.yml", renamed)  # the same text: nothing changed
        view = workspace.with_text("api/manifest.yml", PUBLISHER)
        assert view is not workspace and view.files["api/manifest.yml"].text == PUBLISHER
        assert workspace.files["api/manifest.yml"].text == renamed

        # what the disk holds, as scan.read_path would hand it over
        assert workspace.reload(AppRead("store")) and workspace.app == "store"
        assert workspace.reload(OverridesRead("web", False)) and workspace.template_overrides == set()
        assert workspace.reload(ManifestRead.of("environments/prod/manifest.yml", None))
        assert workspace.environments() == ["test"]
        assert workspace.reload(ManifestRead.of("api/manifest.yml", PUBLISHER))
        assert not workspace.reload(ManifestRead.of("api/manifest.yml", PUBLISHER))
    assert touched == []


def test_cross_file_findings_are_memoised_on_the_facts_they_read() -> None:
    with no_disk() as touched:
        workspace = Workspace.of(scanned(TEXTS))
        computed: list[str] = []

        def compute(rel: str) -> list[Finding]:
            computed.append(rel)
            return []

        for rel in sorted(workspace.files):
            workspace.memoised(rel, lambda rel=rel: compute(rel))  # type: ignore[misc]
        assert len(computed) == len(TEXTS) and workspace.checks == len(TEXTS)
        computed.clear()
        workspace.set_text("environments/staging/manifest.yml", "name: staging\ntype: Environment\n")
        for rel in sorted(workspace.files):
            workspace.memoised(rel, lambda rel=rel: compute(rel))  # type: ignore[misc]
        # the new environment, and the workloads that read the list of environments
        assert computed == [
            "api/manifest.yml",
            "environments/staging/manifest.yml",
            "orders-worker/manifest.yml",
            "web/manifest.yml",
        ]
    assert touched == []


def test_no_parse_tree_is_kept() -> None:
    workspace = Workspace.of(scanned(TEXTS))
    workspace.set_text("web/manifest.yml", service("web"), parse(service("web")))
    kept = {type(value).__name__ for file in workspace.files.values() for value in vars(file).values()}
    assert kept == {"str", "Facts"}


@pytest.mark.parametrize(
    ("rel", "expected"),
    [
        ("api/manifest.yml", ("workload", "api")),
        ("environments/prod/manifest.yml", ("environment", "prod")),
        ("pipelines/release/manifest.yml", ("pipeline", "release")),
        ("./api//manifest.yml", ("workload", "api")),
        ("environments/manifest.yml", None),
        ("api/overrides/manifest.yml", None),
        ("api/manifest.yaml", None),
        ("", None),
    ],
)
def test_where_a_manifest_is_says_its_role(rel: str, expected: tuple[str, str] | None) -> None:
    assert role_of(rel) == expected


def test_reading_facts_leaves_the_tree_as_parsed() -> None:
    """The command line checks the tree the scan read the facts from: facts_of must only read it."""
    text = (
        subscriber()
        + "environments:\n  prod:\n    count: 2\n    publish:\n      topics:\n        - name: a\n"
    )
    document = parse(text)
    before = repr(document)
    read = ManifestRead.of("orders-worker/manifest.yml", text, document)
    assert read.facts is not None and read.facts.subscriptions and read.facts.publishes == {"a"}
    assert repr(document) == before == repr(parse(text))


def test_a_read_takes_its_facts_from_a_tree_only_of_its_own_text() -> None:
    stale = parse(service("web"))
    read = ManifestRead.of("web/manifest.yml", PUBLISHER, stale)
    assert read.facts is not None and read.facts.publishes == {"orders"}
    assert read.facts == ManifestRead.of("web/manifest.yml", PUBLISHER).facts
