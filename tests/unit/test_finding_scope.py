"""A finding's environments are data (``Finding.scope``), worded in one place (``model.scope_words``).

De-duplication, the choice of what to report and the workspace's judgement read the scope, never the
message: rewording the scope changes what users read and nothing else, and the checks run with the
message made unreadable. A finding changed on its way (a warning, a note, a scope) keeps its related
places and fixes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import NoReturn

import pytest
from workspace_support import environments, service, write_workspace

from sidecar_lsp.core import model
from sidecar_lsp.core.check.analyze import Options, analyze, analyze_document
from sidecar_lsp.core.model import (
    INTERNAL_ERROR,
    Finding,
    Fix,
    Reach,
    Related,
    Scope,
    Severity,
    Span,
    TextEdit,
    finding_key,
    scope_words,
    unique_findings,
)
from sidecar_lsp.core.rules import in_environments, scoped
from sidecar_lsp.core.schema.messages import _with_fixes
from sidecar_lsp.core.workspace.rules import findings_in_workspace
from sidecar_lsp.core.workspace.scan import scan
from sidecar_lsp.core.yaml.tree import parse

REPO = Path(__file__).resolve().parents[2]
FIXTURES = sorted((REPO / "tests" / "fixtures" / "conformance").glob("*.yml"))
OPTIONS = Options(assume_manifest=True)

# --- manifests with a finding of each reach --------------------------------------------------------

LBWS = """\
name: api
type: Load Balanced Web Service
image:
  location: nginx
  port: 80
http:
  path: /
sidecars:
  nginx:
    image: n
    port: {port}
environments:
  test:
    sidecars:
      nginx:
        port: {test}
  prod:
    sidecars:
      nginx:
        port: {prod}
  dev:
    count: 2
"""

IN_TWO_ENVIRONMENTS = LBWS.format(port=8080, test=80, prod=80)
"""P1 in the merged test and prod, not in the base: one finding scoped to both (NAMED)."""
IN_THE_BASE_AND_ONE_ENVIRONMENT = LBWS.format(port=80, test=8081, prod=80)
"""P1 in the base, fixed by test only (WITHOUT_OVERRIDE_AND_NAMED)."""
IMAGE_ONLY_IN_OVERRIDES = (
    "name: api\ntype: Backend Service\nenvironments:\n  prod:\n    image:\n      location: nginx\n"
)
"""I1 in the base, fixed by every override: a hint for environments without one (WITHOUT_OVERRIDE)."""
NULL_OVERRIDE = """\
name: report
type: Scheduled Job
image:
  location: nginx
on:
  schedule: '@daily'
environments:
  staging:
"""
"""X-null-override, a rule that reads the whole document and names the environment (NAMED)."""

MANIFESTS = {
    "two environments": IN_TWO_ENVIRONMENTS,
    "base and one environment": IN_THE_BASE_AND_ONE_ENVIRONMENT,
    "image only in the overrides": IMAGE_ONLY_IN_OVERRIDES,
    "null override": NULL_OVERRIDE,
    **{path.name: path.read_text(encoding="utf-8") for path in FIXTURES},
}

WORKSPACES: dict[str, tuple[dict[str, str], str]] = {
    # I1 judged with the real environments: an error in staging, which has no override ...
    "no override in staging": (
        {**environments("prod", "staging"), "api/manifest.yml": IMAGE_ONLY_IN_OVERRIDES},
        "api/manifest.yml",
    ),
    # ... and still a hint where every environment has one.
    "every environment overridden": (
        {**environments("prod"), "api/manifest.yml": IMAGE_ONLY_IN_OVERRIDES},
        "api/manifest.yml",
    ),
    "overrides in the base and one environment": (
        {**environments("test", "prod", "dev", "qa"), "api/manifest.yml": IN_THE_BASE_AND_ONE_ENVIRONMENT},
        "api/manifest.yml",
    ),
}


def _data(finding: Finding) -> tuple[object, ...]:
    """Everything a finding is except the words of its scope."""
    return (
        finding.code,
        finding.severity,
        finding.span,
        finding.path,
        finding.problem,
        finding.scope,
        finding.related,
        finding.fixes,
    )


def _single_file(text: str) -> list[Finding]:
    return analyze(text, OPTIONS).findings


def _in_workspace(tmp_path: Path, name: str) -> list[Finding]:
    files, rel = WORKSPACES[name]
    workspace = scan(write_workspace(tmp_path / name.replace(" ", "-"), files))
    return findings_in_workspace(workspace, rel, _single_file(files[rel]))


def _everything(tmp_path: Path) -> dict[str, list[Finding]]:
    out = {name: _single_file(text) for name, text in MANIFESTS.items()}
    out.update({f"workspace: {name}": _in_workspace(tmp_path, name) for name in WORKSPACES})
    return out


def test_the_manifests_here_have_a_finding_of_every_reach(tmp_path: Path) -> None:
    reaches = {f.scope.reach for found in _everything(tmp_path).values() for f in found}
    assert reaches == set(Reach)


# --- the one place a scope is worded ---------------------------------------------------------------

WORDS = [
    (Scope(), ""),
    (Scope.named(["prod"]), "in environment 'prod': "),
    (Scope.named(["a", "b", "c"]), "in environments 'a', 'b' and 'c': "),
    (Scope(Reach.WITHOUT_OVERRIDE_AND_NAMED, ("prod",)), "in environments without an override and 'prod': "),
    (
        Scope(Reach.WITHOUT_OVERRIDE_AND_NAMED, ("a", "b")),
        "in environments without an override and 'a' and 'b': ",
    ),
    (
        Scope(Reach.WITHOUT_OVERRIDE),
        "for environments without an override (every environment under 'environments' fixes this): ",
    ),
    (
        Scope(Reach.NAMED_WITHOUT_OVERRIDE, ("staging",)),
        "in environment 'staging' (no override, so the base as written is deployed): ",
    ),
    (
        Scope(Reach.NAMED_WITHOUT_OVERRIDE, ("qa", "dev")),
        "in environments 'qa' and 'dev' (no override, so the base as written is deployed): ",
    ),
    (
        Scope(Reach.NONE_WITHOUT_OVERRIDE, ("prod", "dev")),
        "only for an environment without an override (each of this workspace's environments, dev, prod, "
        "has one that fixes this): ",
    ),
]


@pytest.mark.parametrize(
    ("scope", "words"), WORDS, ids=[f"{s.reach.value} {len(s.environments)}" for s, _ in WORDS]
)
def test_the_message_is_the_scope_in_words_then_the_problem(scope: Scope, words: str) -> None:
    finding = Finding("P1", Severity.ERROR, "boom", Span.of(0, 0, 0, 1), scope=scope)
    assert scope_words(scope) == words
    assert finding.message == words + "boom"


def test_the_same_problem_in_other_environments_is_another_finding() -> None:
    finding = Finding("P1", Severity.ERROR, "boom", Span.of(0, 0, 0, 1))
    in_prod = in_environments(finding, ["prod"])
    assert finding_key(finding) != finding_key(in_prod)
    assert unique_findings([finding, in_prod, in_environments(finding, ["prod"])]) == [finding, in_prod]


# --- rewording the scope changes only the words ------------------------------------------------------


def _reworded(scope: Scope) -> str:
    if scope.reach is Reach.EVERY:
        return ""
    return f"[{scope.reach.name.lower()}: {'/'.join(scope.environments) or '-'}] "


def test_rewording_the_scope_keeps_deduplication_and_the_workspace_judgement(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _everything(tmp_path / "before")
    monkeypatch.setattr(model, "scope_words", _reworded)
    after = _everything(tmp_path / "after")
    assert after.keys() == before.keys()
    for name in before:
        # The same findings (count, codes, severities, environments, places), each once, in the same order ...
        assert [_data(f) for f in after[name]] == [_data(f) for f in before[name]], name
    scoped_ones = [f for found in after.values() for f in found if f.scope.reach is not Reach.EVERY]
    assert len(scoped_ones) >= 10
    # ... and only what users read changed.
    for finding in scoped_ones:
        assert finding.message == _reworded(finding.scope) + finding.problem
        assert not finding.message.startswith(("in environment", "for environments", "only for"))


def test_the_workspace_judgement_reads_the_scope(tmp_path: Path) -> None:
    found = _everything(tmp_path)
    [error] = [f for f in found["workspace: no override in staging"] if f.code == "I1"]
    assert (error.severity, error.scope) == (
        Severity.ERROR,
        Scope(Reach.NAMED_WITHOUT_OVERRIDE, ("staging",)),
    )
    [hint] = [f for f in found["workspace: every environment overridden"] if f.code == "I1"]
    assert (hint.severity, hint.scope) == (Severity.HINT, Scope(Reach.NONE_WITHOUT_OVERRIDE, ("prod",)))
    [lone] = [f for f in found["image only in the overrides"] if f.code == "I1"]
    assert hint.problem == error.problem == lone.problem


# --- no check reads a message ------------------------------------------------------------------------


def _unreadable(_finding: Finding) -> NoReturn:
    raise AssertionError("a check read a finding's message: read its problem and scope instead")


def test_no_check_reads_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks (schema, rules, the choice of what to report, the workspace's judgement) run with every
    finding's message unreadable, and find exactly what they find otherwise."""
    documents = {name: parse(text) for name, text in MANIFESTS.items()}  # the parser is not a check
    expected = {name: analyze_document(document, OPTIONS).findings for name, document in documents.items()}
    expected_in_workspace = {name: _in_workspace(tmp_path / "expected", name) for name in WORKSPACES}
    monkeypatch.setattr(Finding, "message", property(_unreadable))
    for name, document in documents.items():
        found = analyze_document(document, OPTIONS).findings
        assert [f for f in found if f.code == INTERNAL_ERROR] == [], name
        assert found == expected[name], name
    for name in WORKSPACES:
        assert _in_workspace(tmp_path / "unreadable", name) == expected_in_workspace[name], name


# --- a finding changed on its way keeps its related places and fixes --------------------------------

RELATED = (Related(Span.of(0, 0, 0, 4), "the other place"),)
FIXES = (Fix("Remove it", (TextEdit(Span.of(0, 0, 0, 4), ""),), preferred=True),)


def _with_extras(finding: Finding) -> Finding:
    return replace(finding, related=RELATED, fixes=FIXES)


@pytest.mark.parametrize(
    ("fixture", "code"),
    [
        ("bad-merge-in-ignored-key.yml", "yaml-bad-merge"),
        ("recursive-alias-in-ignored-key.yml", "yaml-recursive-alias"),
    ],
)
def test_a_yaml_error_a_key_copilot_ignores_makes_a_warning_keeps_related_places_and_fixes(
    fixture: str, code: str
) -> None:
    document = parse(MANIFESTS[fixture])
    document.findings[:] = [_with_extras(f) if f.code == code else f for f in document.findings]
    [warning] = [f for f in analyze_document(document, OPTIONS).findings if f.code == code]
    assert warning.severity is Severity.WARNING
    assert warning.problem.endswith("it sits inside a key Copilot ignores, so Copilot never reads it")
    assert (warning.related, warning.fixes) == (RELATED, FIXES)


def test_scoping_a_finding_keeps_related_places_and_fixes() -> None:
    finding = _with_extras(Finding("P1", Severity.ERROR, "boom", Span.of(0, 0, 0, 4), ("image", "port")))
    changed = [
        in_environments(finding, ["prod"]),
        scoped(finding, ["prod"], 2),  # without an override and prod
        scoped(finding, [], 2),  # a hint: without an override only
    ]
    assert [f.scope.reach for f in changed] == [
        Reach.NAMED,
        Reach.WITHOUT_OVERRIDE_AND_NAMED,
        Reach.WITHOUT_OVERRIDE,
    ]
    for f in changed:
        assert (f.related, f.fixes, f.path, f.problem) == (RELATED, FIXES, finding.path, finding.problem)


MISSING_VOLUME = service(
    "api",
    """
    sidecars:
      nginx:
        image: nginx
        mount_points:
          - source_volume: cache
            path: /cache
    """,
)


def _judged(tmp_path: Path, files: dict[str, str], change: Callable[[Finding], Finding]) -> list[Finding]:
    workspace = scan(write_workspace(tmp_path, files))
    own = [change(f) for f in _single_file(files["api/manifest.yml"])]
    return findings_in_workspace(workspace, "api/manifest.yml", own)


def test_the_workspace_judgement_keeps_related_places_and_fixes(tmp_path: Path) -> None:
    overridden = {**environments("prod", "staging"), "api/manifest.yml": IMAGE_ONLY_IN_OVERRIDES}
    [error] = [f for f in _judged(tmp_path / "a", overridden, _with_extras) if f.code == "I1"]
    assert error.severity is Severity.ERROR and (error.related, error.fixes) == (RELATED, FIXES)
    patched = {"api/manifest.yml": MISSING_VOLUME, "api/overrides/cfn.patches.yml": "- op: add\n"}
    [warning] = [f for f in _judged(tmp_path / "b", patched, _with_extras) if f.code == "X-source-volume"]
    assert warning.severity is Severity.WARNING and (warning.related, warning.fixes) == (RELATED, FIXES)
    assert warning.message.endswith("if it adds what is missing, ignore this)")


def test_a_schema_finding_given_fixes_keeps_the_rest() -> None:
    finding = replace(
        _with_extras(Finding("schema-enum", Severity.ERROR, "boom", Span.of(0, 0, 0, 4))), fixes=()
    )
    finding = in_environments(finding, ["prod"])
    assert _with_fixes(finding, FIXES) == replace(finding, fixes=FIXES)
