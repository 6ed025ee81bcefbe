"""The realistic manifests the tests read: the project's own set, always present, and Copilot's
corpus beside the checkout (``../shared/corpus/copilot-cli``), an extra.

Tests that need real manifests take :data:`OWN` as their always-present input and add :data:`CORPUS`
when it is there. A test over the corpus calls :func:`require_corpus` first: without the corpus it is
skipped with a reason that says so (and ``tests/conftest.py`` prints a summary of what did not run),
or, with ``SIDECAR_REQUIRE_CORPUS=1`` (set by ``.ci/run``), it fails.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OWN_DIR = REPO / "tests" / "manifests"
OWN = sorted(OWN_DIR.glob("copilot/**/manifest.yml"))
"""The project's own manifests (``tests/manifests/README.md``), each accepted by Copilot v1.34.1."""

CHECKOUT = sorted(
    [
        *OWN,
        *(REPO / "examples").glob("**/copilot/**/manifest.yml"),
        *(REPO / "tests" / "fixtures" / "conformance").glob("*.yml"),
    ]
)
"""Every manifest of the checkout: the own set, the examples and the conformance fixtures (which hold errors)."""

CORPUS_DIR = REPO.parent / "shared" / "corpus" / "copilot-cli"
CORPUS = (
    sorted(p for p in CORPUS_DIR.glob("*") if p.suffix in (".yml", ".yaml")) if CORPUS_DIR.is_dir() else []
)
"""The 46 manifests of Copilot's own tests, when ``../shared`` is beside the checkout."""

REQUIRE_CORPUS_VARIABLE = "SIDECAR_REQUIRE_CORPUS"

# What the own set holds on purpose (tests/manifests/README.md):
OWN_IGNORED_KEYS = {("docs-site", ("http", "path"))}
"""Keys Copilot ignores: App Runner has no http.path (corpus trap 4)."""
OWN_RULE_FINDINGS = {"email-worker": [("I1", "hint")]}
"""Cross-field findings: the image only in the overrides (corpus trap 1) is a hint."""


def own_name(path: Path) -> str:
    """``storefront``, ``environments/prod``: the folder under ``copilot/``."""
    return path.parent.relative_to(OWN_DIR / "copilot").as_posix()


def own_params() -> list[object]:
    return [pytest.param(path, id=f"own/{own_name(path)}") for path in OWN]


def corpus_params() -> list[object]:
    """One param per corpus file, or one ``corpus-missing`` param that skips (or fails) loudly."""
    if not CORPUS:
        return [pytest.param(None, id="corpus-missing")]
    return [pytest.param(path, id=f"corpus/{path.name}") for path in CORPUS]


def corpus_missing_message() -> str:
    return (
        f"corpus extra not run: ../shared/corpus/copilot-cli is not beside this checkout ({CORPUS_DIR}); "
        f"the project's own tests/manifests ran instead (set {REQUIRE_CORPUS_VARIABLE}=1 to fail)"
    )


def require_corpus() -> None:
    """Skip (loudly) or, with ``SIDECAR_REQUIRE_CORPUS=1``, fail when the corpus is absent."""
    if CORPUS:
        return
    if os.environ.get(REQUIRE_CORPUS_VARIABLE) == "1":
        pytest.fail(corpus_missing_message())
    pytest.skip(corpus_missing_message())


def corpus_file(name: str) -> Path:
    """One corpus file by name, after :func:`require_corpus`."""
    require_corpus()
    return CORPUS_DIR / name


WORD_VARIABLE = """\
name: worker
type: Worker Service
image: {location: nginx}
subscribe:
  queue:
    fifo:
      deduplication_scope: ${X}
"""
"""A word given as ``${X}``: Copilot deploys it with ``X=queue``, but refuses it for every value the
oracle makes up on its own, so it lives here rather than as a manifest file under ``tests/`` (where
``conformance-check.py`` judges files with the oracle's made-up values only)."""


# --- The smallest manifest of each kind, which the rule, schema and server tests extend ------------
# One copy of each instead of one per test file: a test appends the keys it is about
# (``LBWS + "sidecars:\n  proxy:\n    image: envoy\n"``) or builds its variant in the open
# (``LBWS_IMAGE + "http: false\n"``, ``BACKEND.replace("  port: 80\n", "")``). Each base ends inside or
# just after its ``image`` map, so a test can also append ``"  depends_on: ..."`` to the image.

LBWS_IMAGE = "name: api\ntype: Load Balanced Web Service\nimage:\n  location: app\n  port: 80\n"
"""A Load Balanced Web Service without ``http`` or ``nlb`` (Copilot wants one: the test says which)."""
LBWS = LBWS_IMAGE + "http:\n  path: /\n"
"""A minimal Load Balanced Web Service: the main container ``api`` on port 80 behind the ALB."""
NLB_ONLY = LBWS_IMAGE + "http: false\nnlb:\n  port: 80/tcp\n"
"""A Load Balanced Web Service behind a Network Load Balancer only."""
BACKEND_IMAGE = "name: api\ntype: Backend Service\nimage:\n  location: app\n"
"""A Backend Service without a port."""
BACKEND = BACKEND_IMAGE + "  port: 80\n"
"""A Backend Service whose main container listens on port 80."""
RDWS = "name: web\ntype: Request-Driven Web Service\nimage:\n  location: app\n  port: 80\n"
WORKER = "name: w\ntype: Worker Service\nimage:\n  location: app\n"
JOB = "name: j\ntype: Scheduled Job\nimage:\n  location: app\n"
"""A Scheduled Job without ``on.schedule`` (the rule tables add what they judge)."""
STATIC_SITE = "name: s\ntype: Static Site\n"
ENVIRONMENT = "name: test\ntype: Environment\n"
LBWS_BUILT = "name: api\ntype: Load Balanced Web Service\nimage:\n  build: ./Dockerfile\n  port: 8080\n"
"""A Load Balanced Web Service whose image is built from ``./Dockerfile`` and listens on 8080, up to its
image: the completion, hover and feature tests add their ``http``, sidecars and storage."""


SIDECAR_SERVICE = """\
name: api
type: Load Balanced Web Service
image:
  location: app
  port: 80
  depends_on:
    nginx: start
http:
  path: /
  target_container: nginx
sidecars:
  nginx:  # the proxy
    image: nginx
    port: 8080
    mount_points:
      - source_volume: "data"
        path: /d
storage:
  volumes:
    data:
      path: /data
environments:
  prod:
    http:
      additional_rules:
        - path: /admin
          target_container: nginx
    sidecars:
      nginx:
        port: 8081
      logs:
        image: busybox
        depends_on:
          api: start
        mount_points:
          - source_volume: data
            path: /logs
"""
"""A service whose names refer to each other in the base and in an override: the sidecar ``nginx`` is
depended on by the main container, targeted by the load balancer in the base and by a ``prod`` rule, and
overridden in ``prod``; the volume ``data`` is mounted (once quoted) in the base and by a sidecar that
only ``prod`` adds. The navigation tests, in the core and over the wire, read the same text."""


def position_of(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """0-based line and column (in code points) of the ``occurrence``-th ``needle`` in ``text``."""
    offset = -1
    for _ in range(occurrence):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset)
    return line, offset - (text.rfind("\n", 0, offset) + 1)
