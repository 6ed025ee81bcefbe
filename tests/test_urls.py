"""No made-up web address: every URL in what users read (README, docs, schema, CI files) is one known
to resolve, and SchemaStore's address appears only where it is marked "once published"."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
URL = re.compile(r"https?://[^\s)\"'<>`\]]+")

# Pages of Copilot's documentation site (each is a page of aws/copilot-cli's site/content/docs).
COPILOT_DOCS = "https://aws.github.io/copilot-cli/docs/"
COPILOT_PAGES = {
    "",
    "manifest/overview/",
    "manifest/lb-web-service/",
    "manifest/backend-service/",
    "manifest/worker-service/",
    "manifest/rd-web-service/",
    "manifest/scheduled-job/",
    "manifest/static-site/",
    "manifest/environment/",
    "manifest/pipeline/",
    "developing/sidecars/",
    "developing/storage/",
    "developing/secrets/",
    "developing/environment-variables/",
    "developing/manifest-env-var/",
}
EXACT = {
    "https://aws.github.io/copilot-cli/",
    "https://aws.github.io/copilot-cli/docs",
    "http://json-schema.org/draft-07/schema#",
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
    "https://www.schemastore.org",
}
LOCAL = re.compile(r"http://localhost(:\d+)?(/[\w./-]*)?")
"""Example values of health checks and endpoints in manifests, not links."""
SCHEMASTORE_ENTRY = "https://www.schemastore.org/copilot-manifest.json"
SCHEMASTORE_TEMPLATE = "https://www.schemastore.org/{NAME}.json"
"""Real only once SchemaStore publishes the schema: allowed where the text says so."""
ONCE_PUBLISHED_FILES = {
    "schemastore/README.md",
    "schemastore/catalog-entry.json",
    "schemastore/sync.py",
    "docs/editors/schemastore.md",
}


def user_facing_files() -> list[str]:
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    wanted = re.compile(
        r"^(README\.md|action\.yml|\.pre-commit-hooks\.yaml|pyproject\.toml|docs/.*\.md|examples/.*|"
        r"schema/.*\.(json|py)|schemastore/[^/]*|\.github/.*\.ya?ml|server/.*\.py|vscode-client/(package\.json|README\.md|src/.*))$"
    )
    return [name for name in tracked.splitlines() if wanted.match(name) and (REPO / name).is_file()]


def test_every_url_is_known_to_resolve() -> None:
    files = user_facing_files()
    if not files:  # pragma: no cover
        pytest.skip("not a git checkout")
    assert "README.md" in files and "schema/copilot-manifest.schema.json" in files
    bad: list[str] = []
    for name in files:
        for url in URL.findall((REPO / name).read_text(encoding="utf-8", errors="replace")):
            url = url.rstrip(".,;:")
            if url in EXACT or LOCAL.fullmatch(url):
                continue
            if url.startswith(COPILOT_DOCS) and url[len(COPILOT_DOCS) :].split("#")[0] in COPILOT_PAGES:
                continue
            if url in (SCHEMASTORE_ENTRY, SCHEMASTORE_TEMPLATE) and name in ONCE_PUBLISHED_FILES:
                continue
            bad.append(f"{name}: {url}")
    assert bad == []


def test_schemastore_address_is_marked_once_published() -> None:
    for name in ("schemastore/README.md", "docs/editors/schemastore.md"):
        text = (REPO / name).read_text(encoding="utf-8")
        assert SCHEMASTORE_ENTRY in text and "once SchemaStore has" in text, name
