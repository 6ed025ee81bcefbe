"""The cases the task-definition differential tests compare: a manifest, an environment, the application
and the ``${VARS}`` of the shell. One list, read by the tests and by ``scripts/record_renders.py``.

* **copilot-stack**: Copilot's 16 integration cases (``../shared/corpus/copilot-stack``), with the
  environments and ``TAG`` their tests use. Their texts are not in the repository, so the record
  keeps them (:func:`recorded_stack_cases`) and a fresh clone compares them too.
* **own**: every workload manifest of ``tests/fixtures/conformance``, ``examples`` and ``tests/manifests``,
  in each environment it overrides and in ``test`` (no override).
* **generated**: :data:`GENERATED` manifests of :mod:`generate_taskdefs`, in ``test``, ``prod`` and
  ``staging`` (which no generated manifest overrides).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generate_taskdefs import manifests

from sidecar_lsp.core.decoding.kinds import manifest_kind
from sidecar_lsp.core.manifest.merge import environment_names
from sidecar_lsp.core.manifest.task import SIDECAR_KINDS
from sidecar_lsp.core.yaml.tree import parse

ROOT = Path(__file__).resolve().parents[2]
STACK_DIR = ROOT.parent / "shared" / "corpus" / "copilot-stack"
APP = "my-app"
SHELL = {"TAG": "cicdtest"}
"""The shell's variables (Copilot's integration tests set ``TAG``)."""
GENERATED_SEED, GENERATED = 21, 1000
GENERATED_ENVIRONMENTS = ("test", "prod", "staging")

STACK_CASES = (
    ("svc-manifest.yml", ("test", "staging", "prod")),
    ("svc-grpc-manifest.yml", ("test",)),
    ("svc-nlb-manifest.yml", ("test", "dev", "prod")),
    ("windows-svc-manifest.yml", ("test",)),
    ("worker-manifest.yml", ("test",)),
    ("job-manifest.yml", ("test",)),
    ("backend--simple-manifest.yml", ("my-env",)),
    ("backend--simple-manifest-without-port-config.yml", ("my-env",)),
    ("backend--http-only-path-manifest.yml", ("my-env",)),
    ("backend--http-full-config-manifest.yml", ("my-env",)),
    ("backend--https-path-alias-manifest.yml", ("my-env",)),
    ("backend--http-autoscaling-manifest.yml", ("my-env",)),
)
"""The 16 cases (file, environments) of Copilot's integration tests."""


def case(case_id: str, text: str, env: str) -> dict[str, Any]:
    return {"id": case_id, "text": text, "env": env, "app": APP, "vars": dict(SHELL)}


def stack_cases() -> list[dict[str, Any]]:
    """The copilot-stack cases from ``../shared`` (empty when it is absent)."""
    if not STACK_DIR.is_dir():
        return []
    return [
        case(f"copilot-stack/{name}@{env}", (STACK_DIR / name).read_text(encoding="utf-8"), env)
        for name, envs in STACK_CASES
        for env in envs
    ]


def _workload_files() -> list[Path]:
    files = sorted((ROOT / "tests" / "fixtures" / "conformance").glob("**/*.yml"))
    files += sorted((ROOT / "examples").glob("**/manifest.yml"))
    files += sorted((ROOT / "tests" / "manifests").glob("**/manifest.yml"))
    return files


def own_cases() -> list[dict[str, Any]]:
    cases = []
    for path in _workload_files():
        text = path.read_text(encoding="utf-8")
        root = parse(text).root
        if manifest_kind(root) not in SIDECAR_KINDS:
            continue
        for env in dict.fromkeys(["test", *environment_names(root)]):
            cases.append(case(f"own/{path.relative_to(ROOT).as_posix()}@{env}", text, env))
    return cases


def generated_cases(count: int = GENERATED) -> list[dict[str, Any]]:
    return [
        case(f"{case_id}@{env}", text, env)
        for case_id, text in manifests(GENERATED_SEED, count)
        for env in GENERATED_ENVIRONMENTS
    ]


def all_cases() -> list[dict[str, Any]]:
    return [*stack_cases(), *own_cases(), *generated_cases()]
