"""Merging environments.<env> over the base, on trees that keep their spans (Copilot's ApplyEnv)."""

from __future__ import annotations

import textwrap

import pytest

from sidecar_lsp.core.check.analyze import analyze
from sidecar_lsp.core.manifest.merge import environment_names, merge_all, merge_environment
from sidecar_lsp.core.yaml.tree import Mapping, Scalar, find, parse, to_plain

BASE = textwrap.dedent(
    """\
    name: api
    type: Load Balanced Web Service
    image:
      build: Dockerfile
      port: 80
    http: false
    count:
      range: 1-10
      cpu_percentage: 70
    variables:
      A: base
      B: base
    sidecars:
      nginx:
        image: nginx
        credentialsParameter: arn
        mount_points:
          - source_volume: a
            path: /a
    storage:
      volumes:
        a:
          path: /a
          efs:
            id: fs-1
    environments:
      prod:
        name: ignored
        image:
          location: repo:tag
        http:
          path: /
        count:
          spot: 2
        variables:
          B: prod
          C: prod
        sidecars:
          nginx:
            port: 8080
            mount_points: []
          extra:
            image: busybox
        storage:
          volumes:
            a:
              efs:
                uid: 1000
                gid: 1000
      staging:
      dev:
        exec: false
    """
)


def merged_plain(env: str) -> dict:  # type: ignore[type-arg]
    merged = merge_environment(parse(BASE).root, env)
    assert merged is not None
    return to_plain(merged.root)  # type: ignore[no-any-return]


def test_environment_names_skip_null_overrides() -> None:
    assert environment_names(parse(BASE).root) == ["prod", "dev"]
    assert [m.name for m in merge_all(parse(BASE).root)] == ["prod", "dev"]


def test_merge_follows_copilot_semantics() -> None:
    prod = merged_plain("prod")
    assert prod["name"] == "api"  # overrides cannot rename
    assert "environments" not in prod
    assert prod["image"] == {"location": "repo:tag", "port": 80}  # location clears the base's build
    assert prod["http"] == {"path": "/"}  # bool -> map replaces
    assert prod["count"] == {"spot": 2}  # spot clears autoscaling
    assert prod["variables"] == {"A": "base", "B": "prod", "C": "prod"}  # upsert per key
    assert prod["sidecars"]["nginx"] == {
        "image": "nginx",
        "credentialsParameter": "arn",
        "mount_points": [],  # an explicit [] empties the list
        "port": 8080,
    }
    assert prod["sidecars"]["extra"] == {"image": "busybox"}
    assert prod["storage"]["volumes"]["a"] == {
        "path": "/a",
        "efs": {"uid": 1000, "gid": 1000},
    }  # uid clears id


def test_untouched_environment_keeps_the_base() -> None:
    dev = merged_plain("dev")
    base = to_plain(parse(BASE).root)
    del base["environments"]
    assert dev == {**base, "exec": False}


def test_merged_nodes_keep_their_spans() -> None:
    document = parse(BASE)
    merged = merge_environment(document.root, "prod")
    assert merged is not None
    port = find(merged.root, ("sidecars", "nginx", "port"))
    image = find(merged.root, ("sidecars", "nginx", "image"))
    assert port is find(document.root, ("environments", "prod", "sidecars", "nginx", "port"))
    assert image is find(document.root, ("sidecars", "nginx", "image"))
    nginx = find(merged.root, ("sidecars",))
    assert isinstance(nginx, Mapping)
    entry = nginx.entry("nginx")
    assert entry is not None
    assert entry.key is find(document.root, ("sidecars",)).entry("nginx").key  # type: ignore[union-attr]


def test_null_override_value_keeps_the_base() -> None:
    text = "name: a\ntype: Worker Service\ncpu: 256\nenvironments:\n  test:\n    cpu:\n"
    merged = merge_environment(parse(text).root, "test")
    assert merged is not None
    cpu = find(merged.root, ("cpu",))
    assert isinstance(cpu, Scalar) and cpu.value == 256


def test_both_image_sources_in_an_override_break_every_environment() -> None:
    """I3 reads the override as written (Copilot refuses it while decoding the file): the finding names no
    environment, so it applies to all of them."""
    text = (
        "name: a\ntype: Worker Service\nimage: {location: z}\nenvironments:\n  test:\n    image:\n"
        "      build: x\n      location: y\n  prod:\n    count: 1\n"
    )
    (finding,) = [f for f in analyze(text).findings if f.code == "I3"]
    assert finding.message.startswith('unmarshal manifest: must specify one of "build" and "location"')
    assert "in environment" not in finding.message


def test_no_override_no_merge() -> None:
    assert merge_environment(parse(BASE).root, "staging") is None
    assert merge_environment(parse(BASE).root, "nope") is None
    assert merge_environment(parse("- a").root, "x") is None


def test_merging_each_environment_of_a_document_walks_it_for_the_env_name_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sidecar_lsp.core.features.per_environment import value_table
    from sidecar_lsp.core.manifest import env_name

    walks: list[object] = []
    real = env_name._without_env_name_nodes
    monkeypatch.setattr(env_name, "_without_env_name_nodes", lambda root: walks.append(root) or real(root))
    envs = "".join(
        f"  env{i}:\n    variables:\n      STAGE: ${{COPILOT_ENVIRONMENT_NAME}}-{i}\n" for i in range(5)
    )
    root = parse(BASE.split("environments:")[0] + "environments:\n" + envs).root
    assert isinstance(root, Mapping)
    table = value_table(root, ("variables", "STAGE"))
    # Hover's table: each environment's own value, with the environment's name substituted.
    assert all(f"env{i}-{i}" in table for i in range(5))
    value_table(root, ("variables", "STAGE"))
    assert len(walks) == 1


def test_a_new_tree_is_never_taken_for_an_old_one_with_the_same_id() -> None:
    template = "name: api\ntype: Backend Service\nvariables:\n  STAGE: {value}\nenvironments:\n  prod:\n    count: 2\n"
    for value in ("plain", "${COPILOT_ENVIRONMENT_NAME}", "plain", "${COPILOT_ENVIRONMENT_NAME}"):
        merged = merge_environment(parse(template.format(value=value)).root, "prod")
        assert merged is not None
        expected = "prod" if "COPILOT" in value else "plain"
        assert to_plain(merged.root)["variables"]["STAGE"] == expected


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        (
            "name: api\ntype: Backend Service\nvariables:\n  STAGE: x\nenvironments:\n  prod:\n    count: 2\n",
            "x",
        ),
        (
            "name: api\ntype: Backend Service\nvariables:\n  STAGE: ${COPILOT_ENVIRONMENT_NAME}\n"
            "environments:\n  prod:\n    count: 2\n",
            "prod",
        ),
        (
            'name: api\ntype: Backend Service\nvariables:\n  STAGE: "\\x24{COPILOT_ENVIRONMENT_NAME}"\n'
            "environments:\n  prod:\n    count: 2\n",
            "prod",
        ),
    ],
    ids=["no variable", "the name", "the name written with an escape"],
)
def test_a_view_is_the_same_whether_or_not_the_text_is_given(text: str, stage: str) -> None:
    with_text = merge_environment(parse(text).root, "prod", text)
    without_text = merge_environment(parse(text).root, "prod")
    assert with_text is not None and without_text is not None
    assert to_plain(with_text.root) == to_plain(without_text.root)
    assert to_plain(with_text.root)["variables"] == {"STAGE": stage}
