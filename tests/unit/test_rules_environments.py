"""Per-environment validation: the corpus traps, environment prefixes, demotion and dedupe.

Each trap runs on the project's own manifest written for it (tests/manifests, always present) and on
the corpus file it comes from (an extra: skipped loudly when ../shared is absent).
"""

from __future__ import annotations

import pytest
from test_rules_support import findings, span_of

from manifest_sets import LBWS, OWN_DIR, corpus_file
from sidecar_lsp.core.model import Reach, Scope, Severity
from sidecar_lsp.core.rules import run_rules
from sidecar_lsp.core.yaml.tree import parse


def manifest(source: str) -> str:
    """``own:<service>`` (tests/manifests/copilot/<service>) or ``corpus:<file name>``."""
    where, name = source.split(":", 1)
    path = OWN_DIR / "copilot" / name / "manifest.yml" if where == "own" else corpus_file(name)
    return path.read_text(encoding="utf-8")


TRAP1 = ["own:email-worker", "corpus:stack-testdata--workloads--worker-manifest.yml"]
TRAPS_2_AND_3 = [
    "own:gateway",
    "own:report-worker",
    "own:edge-nlb",
    "corpus:stack-testdata--workloads--svc-manifest.yml",
    "corpus:stack-testdata--workloads--svc-nlb-manifest.yml",
]
TRAP2_TARGET = [("own:gateway", "envoy"), ("corpus:stack-testdata--workloads--svc-manifest.yml", "nginx")]


@pytest.mark.parametrize("source", TRAP1)
def test_trap1_worker_image_given_only_by_the_environment_is_no_error(source: str) -> None:
    result = run_rules(parse(manifest(source)))
    assert [f for f in result if f.severity is Severity.ERROR] == []
    (hint,) = [f for f in result if f.code == "I1"]
    assert hint.severity is Severity.HINT
    assert hint.scope == Scope(Reach.WITHOUT_OVERRIDE)
    assert hint.message.startswith(
        "for environments without an override (every environment under 'environments' fixes this): "
    )


@pytest.mark.parametrize("source", TRAPS_2_AND_3)
def test_traps_2_and_3_sidecars_only_in_prod_give_no_finding(source: str) -> None:
    assert run_rules(parse(manifest(source))) == []


@pytest.mark.parametrize(("source", "sidecar"), TRAP2_TARGET)
def test_trap2_target_container_checked_against_the_merged_prod_document(source: str, sidecar: str) -> None:
    text = manifest(source).replace(f"target_container: {sidecar}", f"target_container: {sidecar[:-1]}")
    result = [f for f in run_rules(parse(text)) if f.code == "T1"]
    # http.target_container and additional_rules[0].target_container both named the sidecar.
    assert [f.message.split(":")[0] for f in result] == ["in environment 'prod'"] * 2
    assert result[0].severity is Severity.ERROR
    assert result[0].path == ("environments", "prod", "http", "target_container")


ENVS = (
    LBWS
    + """\
sidecars:
  nginx:
    image: n
    port: 8080
environments:
  test:
    sidecars:
      nginx:
        port: 80
  prod:
    sidecars:
      nginx:
        port: 80
  dev:
    count: 2
"""
)


def test_problem_in_several_environments_is_reported_once_with_their_names() -> None:
    (finding,) = findings(ENVS, "P1")
    assert finding.message.startswith("in environments 'test' and 'prod': containers \"api\" and \"nginx\"")
    assert finding.span == span_of(ENVS, "80", 1)  # the base's image.port, exposed after the sidecar's


def test_problem_of_the_base_is_reported_without_prefix_when_an_environment_keeps_it() -> None:
    text = ENVS.replace("port: 8080", "port: 80")
    found = findings(text, "P1")
    assert len(found) == 1
    assert found[0].message.startswith('containers "api" and "nginx"')


def test_value_written_in_the_override_is_pointed_at() -> None:
    text = (
        ENVS
        + "    sidecars:\n      nginx:\n        essential: false\n        depends_on:\n          ghost: start\n"
    )
    (finding,) = findings(text, "D1")
    assert finding.message.startswith("in environment 'dev': container ghost does not exist")
    assert finding.span == span_of(text, "ghost")
    assert finding.path == ("environments", "dev", "sidecars", "nginx", "depends_on", "ghost")


def test_image_both_sources_in_one_override_is_i3() -> None:
    text = ENVS + "    image:\n      build: Dockerfile\n      location: x\n"
    (finding,) = findings(text, "I3")
    # Copilot fails to read the whole file, for every environment: no environment prefix.
    assert finding.message == (
        'unmarshal manifest: must specify one of "build" and "location": the override of \'dev\' sets both, '
        "so Copilot cannot read the manifest for any environment; keep only one of them in this override"
    )
    assert finding.span == span_of(text, "location", 2)


def test_override_location_clears_base_build() -> None:
    text = "name: a\ntype: Worker Service\nimage:\n  build: Dockerfile\nenvironments:\n  test:\n    image:\n      location: x\n"
    assert findings(text, "I1") == []


def test_sidecar_image_map_gap_reports_s2_in_the_environment() -> None:
    text = (
        "name: a\ntype: Worker Service\nimage:\n  location: x\nsidecars:\n  s:\n    image:\n      build: Dockerfile\n"
        "environments:\n  test:\n    sidecars:\n      s:\n        image:\n          location: y\n"
    )
    (finding,) = findings(text, "S2")
    assert finding.message.startswith("in environment 'test': validate \"image\": must specify one of")


def test_the_environments_are_data_and_the_message_puts_them_first() -> None:
    (finding,) = findings(ENVS, "P1")
    assert finding.scope == Scope(Reach.NAMED, ("test", "prod"))
    assert finding.problem.startswith('containers "api" and "nginx"')
    assert finding.message == "in environments 'test' and 'prod': " + finding.problem


NULL_OVERRIDE = """
name: api
type: Backend Service
image:
  port: 80
environments:
  prod:
    image:
      location: nginx
  test: ~
"""


def test_null_override_keeps_the_base_problem_an_error_for_that_environment() -> None:
    # Copilot v1.34.1 validates the base for `test: ~`: the missing image breaks test, only prod fixes it.
    (finding,) = findings(NULL_OVERRIDE, "I1")
    assert finding.severity is Severity.ERROR
    assert finding.message.startswith("in environments without an override and 'test': must specify one of")


def test_null_override_is_listed_with_the_environments_that_keep_a_base_problem() -> None:
    text = ENVS.replace("  dev:\n    count: 2\n", "  dev: ~\n").replace("port: 8080", "port: 80")
    text = text.replace("  test:\n    sidecars:\n      nginx:\n        port: 80\n", "  test:\n    count: 3\n")
    text = text.replace(
        "  prod:\n    sidecars:\n      nginx:\n        port: 80\n",
        "  prod:\n    sidecars:\n      nginx:\n        port: 81\n",
    )
    (finding,) = findings(text, "P1")
    assert finding.message.startswith("in environments without an override and 'test' and 'dev': containers")
