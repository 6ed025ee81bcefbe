"""Per-environment work that follows the override: merged views walked only where they are new, and rules
re-run on an environment only when its override changes what they read (findings as if every rule ran)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import sidecar_lsp.core.rules as rules_module
from manifest_sets import CHECKOUT
from sidecar_lsp.core.check.analyze import Options, analyze
from sidecar_lsp.core.manifest.env_name import with_environment_name, without_env_name_nodes
from sidecar_lsp.core.manifest.merge import (
    base_without_environments,
    environment_names,
    merge_environment,
)
from sidecar_lsp.core.model import INTERNAL_ERROR
from sidecar_lsp.core.rules.base import Rule, Workload
from sidecar_lsp.core.rules.reads import LoggedWorkload
from sidecar_lsp.core.yaml.tree import Mapping, parse, to_plain

REPO = Path(__file__).resolve().parents[2]

MANIFEST = """name: api
type: Load Balanced Web Service
image:
  build: ./Dockerfile
  port: 8080
http:
  path: /
  target_container: nginx
variables:
  LOG_GROUP: /copilot/${COPILOT_ENVIRONMENT_NAME}
sidecars:
  nginx:
    image: nginx
    port: 8080
environments:
  test:
    count: 2
  staging:
    variables:
      STAGE: staging-${COPILOT_ENVIRONMENT_NAME}
  prod:
    sidecars:
      nginx:
        port: 80
"""


def test_a_view_walked_only_where_new_equals_a_view_walked_whole() -> None:
    root = parse(MANIFEST).root
    assert isinstance(root, Mapping)
    plain = without_env_name_nodes(root)
    assert id(root.get("sidecars")) in plain and id(root.get("variables")) not in plain
    for env in environment_names(root):
        merged = merge_environment(root, env)
        assert merged is not None
        whole = with_environment_name(merged.root, env)
        assert to_plain(merged.root) == to_plain(whole)
        assert to_plain(with_environment_name(base_without_environments(root), env, plain)) == to_plain(
            with_environment_name(base_without_environments(root), env)
        )
    staging = merge_environment(root, "staging")
    assert staging is not None
    assert to_plain(staging.root)["variables"] == {
        "LOG_GROUP": "/copilot/staging",
        "STAGE": "staging-staging",
    }


def _runs_per_environment(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The rules run on a merged environment (not on the base) from now on."""
    ran: list[str] = []
    real = rules_module._run_rule

    def spy(rule: Rule, workload: Workload) -> list[object]:
        # Asked of a logged workload, ``env`` would count as the rule's read: the spy reads it unlogged.
        env = workload._env if isinstance(workload, LoggedWorkload) else workload.env
        if env is not None:
            ran.append(rule.code)
        return real(rule, workload)  # type: ignore[return-value]

    monkeypatch.setattr(rules_module, "_run_rule", spy)
    return ran


def _without_reuse(text: str, monkeypatch: pytest.MonkeyPatch) -> list[object]:
    with monkeypatch.context() as patch:
        patch.setattr(rules_module, "reusable", lambda *args: False)
        return list(analyze(text, Options()).findings)


def test_an_override_of_count_reruns_only_the_rules_that_read_count(monkeypatch: pytest.MonkeyPatch) -> None:
    text = MANIFEST.split("  staging:")[0]  # only `test: count: 2`
    expected = _without_reuse(text, monkeypatch)
    ran = _runs_per_environment(monkeypatch)
    assert analyze(text, Options()).findings == expected
    every = [code for code, rule in rules_module.RULES.items() if "Load Balanced Web Service" in rule.kinds]
    assert 0 < len(ran) < len(every) / 2, ran


def test_an_override_that_breaks_a_rule_reports_it_for_that_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # prod moves nginx to port 80 while the target port stays 8080... and the main container keeps 8080:
    # the environment's findings differ from the base's, and must be those of a full run.
    text = MANIFEST.replace("        port: 80\n", "        port: 8080\n    image:\n      port: 8080\n")
    clash = (
        MANIFEST + "  dev:\n    sidecars:\n      nginx:\n        port: 8080\n    image:\n      port: 9000\n"
    )
    for manifest in (MANIFEST, text, clash):
        assert analyze(manifest, Options()).findings == _without_reuse(manifest, monkeypatch)
    (same_port,) = [f.message for f in analyze(clash, Options()).findings if f.code == "P1"]
    assert "'test'" in same_port and "'staging'" in same_port
    assert "'dev'" not in same_port and "'prod'" not in same_port  # their overrides fix it


@pytest.mark.parametrize(
    "path", sorted((REPO / "tests" / "fixtures" / "conformance").glob("*.yml")), ids=lambda p: p.stem
)
def test_fixtures_find_the_same_with_and_without_reuse(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = path.read_text(encoding="utf-8")
    assert analyze(text, Options()).findings == _without_reuse(text, monkeypatch)


def _named_manifest(sidecars: int, environments: int, edit: str = "info") -> str:
    """Every sidecar names the environment; the first writes a value Copilot drops (``args`` in a build map)
    and the last one it refuses (``retries: many``), so the schema's pass over each environment has work."""
    text = "name: api\ntype: Load Balanced Web Service\nimage:\n  build: ./Dockerfile\n  port: 8080\n"
    text += "http:\n  path: /\nsidecars:\n"
    for i in range(sidecars):
        level = edit if i == 0 else "info"
        image = "\n      build:\n        dockerfile: x\n        args: 5" if i == 0 else " nginx"
        text += (
            f"  side{i}:\n    image:{image}\n    port: {9000 + i}\n    variables:\n"
            f"      STAGE: ${{COPILOT_ENVIRONMENT_NAME}}-{i}\n      LEVEL: {level}\n"
        )
    text += "    healthcheck:\n      command: ['CMD', 'true']\n      retries: many\n"
    text += "environments:\n" + "".join(f"  env{e}:\n    count: {e + 1}\n" for e in range(environments))
    return text


def test_after_an_edit_only_the_base_looks_for_dropped_values(monkeypatch: pytest.MonkeyPatch) -> None:
    from sidecar_lsp.core.check import dropped
    from sidecar_lsp.core.check.analyze import analyze_document, safe_parse

    options = Options()
    first = analyze(_named_manifest(30, 8), options, keep_runs=True)
    walked: list[tuple[str | int, ...]] = []
    real = dropped._drops

    def counting(states: list[tuple[object, object, tuple[str | int, ...], object]]) -> object:
        walked.extend(state[2] for state in states)
        return real(states)  # type: ignore[arg-type]

    monkeypatch.setattr(dropped, "_drops", counting)
    text = _named_manifest(30, 8, edit="debug")
    second = analyze_document(safe_parse(text, first.document), options, first, keep_runs=True)
    # One walk, the base's, from its root (it holds a value to convert, so nothing of it is remembered); the
    # 8 environments' views, of which only the errors are read, look for no dropped value (a warning).
    assert walked == [()]
    monkeypatch.setattr(dropped, "_drops", real)
    assert second.findings == analyze(text, options).findings
    assert {"schema-dropped-value", "schema-type"} <= {f.code for f in second.findings}


def test_an_edit_of_one_override_leaves_the_other_environments_views_as_they_were() -> None:
    from sidecar_lsp.core.check.analyze import safe_parse

    first = parse(MANIFEST)
    views = {env: merge_environment(first.root, env) for env in ("test", "staging", "prod")}
    second = safe_parse(MANIFEST.replace("        port: 80\n", "        port: 81\n"), first)
    for env in ("test", "staging"):  # the same objects: every fact remembered with them holds
        assert merge_environment(second.root, env).root is views[env].root  # type: ignore[union-attr]
    prod = merge_environment(second.root, "prod")
    assert prod is not None and prod.root is not views["prod"].root  # type: ignore[union-attr]
    assert to_plain(prod.root)["sidecars"]["nginx"]["port"] == 81
    # An edit of the base is every environment's.
    third = safe_parse(second.text.replace("image: nginx", "image: nginx:1"), second)
    for env in ("test", "staging", "prod"):
        view = merge_environment(third.root, env)
        assert view is not None and to_plain(view.root)["sidecars"]["nginx"]["image"] == "nginx:1"


def test_the_environments_views_find_what_a_fresh_analysis_finds_after_each_edit() -> None:
    from sidecar_lsp.core.check.analyze import analyze_document, safe_parse

    options = Options()
    text = _named_manifest(6, 4)
    previous = analyze(text, options, keep_runs=True)
    edits = [
        ("LEVEL: info", "LEVEL: debug"),
        ("STAGE: ${COPILOT_ENVIRONMENT_NAME}-1", "STAGE: plain-1"),
        ("retries: many", "retries: 3"),
        ("retries: 3", "retries: [1]"),
        (
            "    count: 2\n",
            "    count: 2\n    sidecars:\n      side1:\n        port: ${COPILOT_ENVIRONMENT_NAME}\n",
        ),
    ]
    for old, new in edits:
        assert old in text
        text = text.replace(old, new, 1)
        current = analyze_document(safe_parse(text, previous.document), options, previous, keep_runs=True)
        assert current.findings == analyze(text, options).findings, new
        previous = current


def test_random_edits_of_a_manifest_that_names_the_environment_find_what_a_fresh_analysis_finds() -> None:
    """The remembered named copies and the facts made of them, over versions that share what an edit left
    alone: every version's findings are a fresh analysis's."""
    import random

    from gen_manifest import generate
    from test_rule_reuse import _edits

    from sidecar_lsp.core.check.analyze import analyze_document, safe_parse

    options = Options()
    rng = random.Random(27)
    versions = differ = 0
    # http.version takes grpc, http1 or http2: written with the name, it passes in grpc and fails in the others.
    version = "http:\n  path: '/'\n  version: ${COPILOT_ENVIRONMENT_NAME}\n"
    texts = [
        generate(lines, named=True)
        .replace("http:\n  path: '/'\n", version)
        .replace("\n  env3:\n", "\n  grpc:\n")
        for lines in (120, 300)
    ]
    assert all("grpc:" in text and "version: ${" in text for text in texts)
    # Each environment's own copy: env7's name fails where grpc's passes.
    first = analyze(texts[1], options).findings
    assert [f.message for f in first if f.code == "schema-format"] == [
        "in environment 'env7': http.version: expected a value such as grpc, http1, http2, got 'env7'"
    ]
    for text in texts:
        previous = analyze(text, options, keep_runs=True)
        for version in _edits(text, rng, 40):
            current = analyze_document(
                safe_parse(version, previous.document), options, previous, keep_runs=True
            )
            assert current.findings == analyze(version, options).findings, version
            differ += current.findings != previous.findings
            versions += 1
            previous = current
    assert versions == 80
    assert differ > 8  # the edits make and mend problems


def test_a_check_that_remembers_nothing_for_a_next_version_finds_the_same() -> None:
    """``check`` sees each text once (``keep_runs=False``): the walks it does not remember with the nodes
    (the dropped values') find what the remembered ones find, in the same order."""
    from differential import make_generator
    from generate import cases

    texts = [case.text for case in cases(make_generator([]), 19, 0, 300)]
    texts += [path.read_text(encoding="utf-8") for path in CHECKOUT]
    options = Options(assume_manifest=True)
    once = [analyze(text, options).findings for text in texts]
    remembered = [analyze(text, options, keep_runs=True).findings for text in texts]
    assert "schema-dropped-value" in {f.code for found in once for f in found}
    assert once == remembered


def _sidecar_port_manifest(rng: random.Random) -> str:
    """A Load Balanced Web Service whose sidecars share ports (some with another protocol, some with no map)
    and whose overrides change, add or fill sidecars."""
    ports = ["80", "81", "81/udp", "9000", "9000/tcp", "9001/udp", "8080"]

    def sidecar(name: str, indent: str) -> str:
        if rng.random() < 0.15:
            return f"{indent}{name}:\n"  # no map: not a container
        port = f"{indent}  port: {rng.choice(ports)}\n" if rng.random() < 0.8 else ""
        return f"{indent}{name}:\n{indent}  image: {name}:1\n{port}"

    names = [f"s{i}" for i in range(rng.randrange(1, 9))]
    text = "name: api\ntype: Load Balanced Web Service\nimage:\n  build: ./Dockerfile\n  port: 8080\n"
    text += "http:\n  path: /\n" + (f"  target_port: {rng.choice(ports[:2])}\n" if rng.random() < 0.3 else "")
    text += "sidecars:\n" + "".join(sidecar(name, "  ") for name in names)
    text += "environments:\n"
    for env in range(rng.randrange(1, 5)):
        text += f"  env{env}:\n    count: 2\n"
        touched = rng.sample([*names, "extra"], rng.randrange(0, 3))
        if touched:
            text += "    sidecars:\n" + "".join(sidecar(name, "      ") for name in touched)
    return text


def test_an_override_of_some_sidecars_walks_their_ports_as_a_whole_walk_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An environment's port walk starts from the base's and walks again only the ports of the sidecars its
    override changes: every finding (P1, P2, H1, in each environment) is the one a whole walk gives."""
    from sidecar_lsp.core.rules import ports

    rng = random.Random(41)
    texts = [MANIFEST] + [_sidecar_port_manifest(rng) for _ in range(400)]
    whole_walk = ports._walked_from
    from_base: list[int] = []

    def compared(base: ports._SidecarPorts | None, sidecars: ports._Sidecars) -> object:
        walked = whole_walk(base, sidecars)
        if base is not None:  # the same exposures, owners and conflicts, in the same order
            assert walked == whole_walk(None, sidecars)
            from_base.append(len(sidecars))
        return walked

    monkeypatch.setattr(ports, "_walked_from", compared)
    found = [analyze(text, Options()).findings for text in texts]
    monkeypatch.setattr(ports, "_walked_from", lambda base, sidecars: whole_walk(None, sidecars))
    for text, findings in zip(texts, found, strict=True):
        assert findings == analyze(text, Options()).findings, text
    codes = [finding.code for findings in found for finding in findings]
    assert codes.count("P1") > 100 and codes.count("P2") > 20
    assert (
        sum(
            1 for findings in found for f in findings if f.code in ("P1", "P2") and "environment" in f.message
        )
        > 50
    )
    assert len(from_base) > 300


def test_starting_from_the_base_port_walk_reruns_no_port_rule_after_an_edit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An environment's port walk starts from the base's without counting the document's sidecars as read:
    after an edit of a sidecar's field that no port rule reads, the port rules run again in no more
    environments than when every walk is whole (a read of the document would re-run them in all)."""
    from gen_manifest import generate

    from sidecar_lsp.core.check.analyze import analyze_document, safe_parse
    from sidecar_lsp.core.rules import ports

    text = generate(300, named=True)
    text = text.replace(
        "environments:\n", "environments:\n  dev:\n    sidecars:\n      sidecar0:\n        port: 9999\n", 1
    )
    edited = text.replace("      LOG_LEVEL: info\n", "      LOG_LEVEL: warn\n", 1)
    assert edited != text

    def port_reruns() -> int:
        first = safe_parse(text)
        earlier = analyze_document(first, Options(), keep_runs=True)
        with monkeypatch.context() as patch:
            ran = _runs_per_environment(patch)
            second = analyze_document(safe_parse(edited, first), Options(), earlier, keep_runs=True)
        assert second.findings == analyze(edited, Options()).findings
        assert INTERNAL_ERROR not in {finding.code for finding in second.findings}  # no walk failed
        return sum(code in ("P1", "P2", "H1") for code in ran)

    from_base = port_reruns()
    with monkeypatch.context() as patch:
        patch.setattr(
            ports,
            "_sidecar_ports",
            lambda workload: ports._walked_from(None, tuple(workload.sidecars())),
        )
        whole = port_reruns()
    assert from_base <= whole
