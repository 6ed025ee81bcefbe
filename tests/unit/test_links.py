"""Document links: the files and folders a manifest names (image.build, dockerfile, context, env_file)."""

from __future__ import annotations

from manifest_sets import LBWS_BUILT, position_of
from sidecar_lsp.core.features.links import link_targets
from sidecar_lsp.core.workspace.scan import existing
from sidecar_lsp.core.yaml.tree import parse

MANIFEST = (
    LBWS_BUILT
    + """\
env_file: ./api.env
sidecars:
  nginx:
    image:
      build:
        dockerfile: proxy/Dockerfile
        context: proxy
    env_file: proxy/nginx.env
  plain:
    image: nginx:1
environments:
  prod:
    image:
      build: ./Dockerfile.prod
    env_file: "${ENV_FILE}"
"""
)


def test_every_path_the_manifest_names_main_sidecars_and_overrides() -> None:
    found = [(t.path, t.folder, t.what) for t in link_targets(parse(MANIFEST))]
    assert found == [
        ("./Dockerfile", False, "Dockerfile of the main container"),
        ("./api.env", False, "env_file of the main container"),
        ("proxy/Dockerfile", False, "Dockerfile of sidecar nginx"),
        ("proxy", True, "build context of sidecar nginx"),
        ("proxy/nginx.env", False, "env_file of sidecar nginx"),
        ("./Dockerfile.prod", False, "Dockerfile of the main container"),
    ]


def test_a_link_covers_the_path_as_written() -> None:
    target = next(t for t in link_targets(parse(MANIFEST)) if t.path == "proxy/nginx.env")
    line, col = position_of(MANIFEST, "proxy/nginx.env")
    assert (target.span.start.line, target.span.start.col, target.span.end.col) == (line, col, col + 15)


def test_odd_values_give_no_link() -> None:
    for text in [
        "",
        "[1]",
        LBWS_BUILT.replace("./Dockerfile", "1"),
        LBWS_BUILT.replace("./Dockerfile", "''"),
    ]:
        assert link_targets(parse(text)) == []


def test_only_what_exists_resolves_against_the_workspace_root(tmp_path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "proxy").mkdir()
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    found = existing(
        tmp_path,
        [("./Dockerfile", False), ("proxy", True), ("proxy", False), ("missing.env", False), ("a\0b", False)],
    )
    assert found == [str(tmp_path / "Dockerfile"), str(tmp_path / "proxy"), None, None, None]
