"""The schema standalone in yaml-language-server 2.0.0 (what yamlls / Red Hat YAML users get).

One yaml-language-server session (pytest-lsp) opens every fixture and corpus manifest at once, then
each parametrized test checks one document:

* valid fixtures and the corpus give no diagnostic (except the one correct corpus finding);
* each invalid fixture gives exactly one diagnostic, on the line of its ``# expect: <json pointer>``;
* completion and hover come from the schema;
* the ``# yaml-language-server: $schema=`` modeline works without a ``yaml.schemas`` setting.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest
import pytest_asyncio
from clientlib import CLIENTS, REPO, SCHEMA, need, need_file, need_program
from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features
from ruamel.yaml import YAML

from manifest_sets import CORPUS as CORPUS_FILES
from manifest_sets import LBWS_IMAGE, OWN, corpus_params, own_name, own_params, require_corpus

pytestmark = [pytest.mark.clients, pytest.mark.asyncio(loop_scope="module")]

YLS = CLIENTS / "yls" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
FIXTURES = REPO / "tests" / "fixtures" / "schema"
VALID = sorted((FIXTURES / "valid").glob("*.yml"))
INVALID = sorted((FIXTURES / "invalid").glob("*.yml"))
CORPUS = CORPUS_FILES
CORPUS_ALLOWED = {"e2e--apprunner--front-end--manifest.yml": ["Property path is not allowed."]}
OWN_ALLOWED = {"docs-site": ["Property path is not allowed."]}
"""App Runner ignores ``http.path``: the one corpus finding that is correct."""

SCHEMA_GLOBS = ["*.yml", "*.yaml"]
YAML_SETTINGS: dict[str, Any] = {
    "validate": True,
    "hover": True,
    "completion": True,
    "schemaStore": {"enable": False},  # no network fetch of the SchemaStore catalog
    "schemas": {str(SCHEMA): SCHEMA_GLOBS},
}
QUIET_SECONDS = 0.6
"""A document counts as checked when no new publish arrived for this long after its first one."""


@dataclass
class Session:
    client: LanguageClient
    publishes: dict[str, list[list[types.Diagnostic]]]
    docs: dict[str, Path]
    seconds_to_all_diagnostics: float


def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


GENERATED_SEED = 21
GENERATED_COUNT = 150


def _generated_accepted() -> list[Path]:
    """Manifests from the differential harness's generator that Copilot accepts (its recorded verdicts,
    tests/conformance/copilot_verdicts.py), written to a temporary folder."""
    import tempfile

    from copilot_verdicts import copilot_verdicts
    from differential import make_generator, oracle_envs
    from generate import cases

    batch = list(cases(make_generator(), GENERATED_SEED, 0, GENERATED_COUNT))
    verdicts = copilot_verdicts().verdicts({"text": case.text} for case in batch)
    folder = Path(tempfile.mkdtemp(prefix="yls-generated-"))
    out = []
    for case, verdict in zip(batch, verdicts, strict=True):
        if all(stage == "ok" for stage, _ in oracle_envs(verdict).values()):
            path = folder / f"case-{case.index}.yml"
            path.write_text(case.text, encoding="utf-8")
            out.append(path)
    return out


GENERATED = _generated_accepted()


def all_documents() -> list[Path]:
    return [*VALID, *INVALID, *CORPUS, *OWN, *GENERATED]


async def wait_quiet(session_publishes: dict[str, list[Any]], uris: list[str], timeout: float = 60) -> None:
    """Wait until every uri got a publish and nothing new arrived for QUIET_SECONDS."""
    deadline = time.monotonic() + timeout
    last = -1
    stable_since = time.monotonic()
    while time.monotonic() < deadline:
        total = sum(len(session_publishes.get(u, [])) for u in uris)
        if total != last:
            last, stable_since = total, time.monotonic()
        elif all(session_publishes.get(u) for u in uris) and time.monotonic() - stable_since >= QUIET_SECONDS:
            return
        await asyncio.sleep(0.05)
    missing = [u for u in uris if not session_publishes.get(u)]
    raise AssertionError(
        f"yaml-language-server published nothing for {len(missing)} documents, e.g. {missing[:3]}"
    )


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def yls() -> AsyncIterator[Session]:
    """A yaml-language-server session with every fixture and corpus manifest open."""
    node = need_program("node", "node 20+ (Debian nodejs)")
    need_file(YLS, "yaml-language-server 2.0.0 (npm ci in tests/clients/yls)")
    need_file(SCHEMA, "the JSON Schema")
    need(VALID and INVALID, f"schema fixtures in {FIXTURES}")

    publishes: dict[str, list[list[types.Diagnostic]]] = {}
    configured = asyncio.Event()

    def configuration(params: types.ConfigurationParams) -> list[Any]:
        """Answer the settings pull: 2.0.0 ignores settings sent in didChangeConfiguration."""
        answers = {"yaml": YAML_SETTINGS, "http": {}, "[yaml]": {}, "editor": {}}
        if any(item.section == "yaml" for item in params.items):
            configured.set()
        return [answers.get(item.section or "", {}) for item in params.items]

    def register(params: types.RegistrationParams) -> None:
        """Sent because VS Code's capabilities allow dynamic registration."""

    def publish(params: types.PublishDiagnosticsParams) -> None:
        publishes.setdefault(params.uri, []).append(params.diagnostics)

    def factory() -> LanguageClient:
        client = LanguageClient(converter_factory=default_converter)
        features = {
            **DEFAULT_CLIENT_FEATURES,
            types.WORKSPACE_CONFIGURATION: configuration,
            types.CLIENT_REGISTER_CAPABILITY: register,
            types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish,
        }
        register_lsp_features(client, features)
        return client

    config = ClientServerConfig(server_command=[node, str(YLS), "--stdio"], client_factory=factory)
    client = cast(LanguageClient, await config.start())  # what factory() made
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=REPO.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=REPO.as_uri(), name="sidecar-lsp")],
        )
    )
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await asyncio.wait_for(configured.wait(), 10)

    docs = {uri_of(p): p for p in all_documents()}
    start = time.monotonic()
    for uri, path in docs.items():
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="yaml", version=1, text=path.read_text()
                )
            )
        )
    await wait_quiet(publishes, list(docs))
    elapsed = time.monotonic() - start
    yield Session(client, publishes, docs, elapsed)
    await client.shutdown_session()
    await client.stop()


def final(session: Session, path: Path) -> list[types.Diagnostic]:
    return session.publishes[uri_of(path)][-1]


def describe(diagnostics: list[types.Diagnostic]) -> list[str]:
    return [f"{d.range.start.line + 1}:{d.range.start.character + 1} {d.message}" for d in diagnostics]


# --- valid documents -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
async def test_valid_fixture_has_no_diagnostic(yls: Session, path: Path) -> None:
    assert describe(final(yls, path)) == []


UNKNOWN_KEY = re.compile(r"^Property \S+ is not allowed\.$")


async def test_some_generated_manifests_are_accepted() -> None:
    assert len(GENERATED) >= GENERATED_COUNT // 4


@pytest.mark.parametrize("path", GENERATED, ids=[p.name for p in GENERATED])
async def test_generated_manifest_copilot_accepts_has_only_unknown_key_diagnostics(
    yls: Session, path: Path
) -> None:
    """The schema alone flags nothing Copilot accepts except unknown keys (harness seed 21)."""
    others = [d for d in final(yls, path) if not UNKNOWN_KEY.match(d.message)]
    assert describe(others) == [], path.read_text()


@pytest.mark.parametrize("path", own_params())
async def test_own_manifest_has_no_diagnostic(yls: Session, path: Path) -> None:
    messages = [d.message for d in final(yls, path)]
    assert messages == OWN_ALLOWED.get(own_name(path), []), describe(final(yls, path))


@pytest.mark.parametrize("path", corpus_params())
async def test_corpus_manifest_has_no_diagnostic(yls: Session, path: Path | None) -> None:
    require_corpus()
    assert path is not None
    messages = [d.message for d in final(yls, path)]
    assert messages == CORPUS_ALLOWED.get(path.name, []), describe(final(yls, path))


# --- invalid documents ---------------------------------------------------------------------------


def expected_pointers(path: Path) -> list[str]:
    match = re.match(r"#\s*expect:\s*(\S*(?: \S+)*)", path.read_text().splitlines()[0])
    assert match, f"{path.name}: first line must be '# expect: <json pointer>...'"
    return match.group(1).split(" ")


def pointer_lines(path: Path, pointer: str) -> set[int]:
    """0-based lines where a diagnostic for ``pointer`` may start.

    The deepest node of the pointer that exists: its key's line and the line where its value
    starts (an unknown key or a wrong value is reported at the key or value; a missing required
    key at the object that lacks it).
    """
    root = YAML(typ="rt").load(path.read_text())
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    node: Any = root
    lines: set[int] = {_start_line(root)}
    for part in parts:
        if isinstance(node, dict) and part in node:
            key_line, _key_col, value_line, _value_col = node.lc.data[part]
            child = node[part]
            lines = {key_line, value_line}
            if hasattr(child, "lc"):
                lines.add(child.lc.line)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            item_line, _col = node.lc.data[int(part)]
            child = node[int(part)]
            lines = {item_line}
            if hasattr(child, "lc"):
                lines.add(child.lc.line)
        else:
            break
        node = child
    return lines


def _start_line(node: Any) -> int:
    return int(node.lc.line) if hasattr(node, "lc") else 0


@pytest.mark.parametrize("path", INVALID, ids=[p.name for p in INVALID])
async def test_invalid_fixture_has_diagnostic_on_the_expected_line(yls: Session, path: Path) -> None:
    pointers = expected_pointers(path)
    diagnostics = final(yls, path)
    assert diagnostics, f"{path.name}: no diagnostic for {pointers}"
    assert len(diagnostics) == len(pointers), (
        f"{path.name}: one diagnostic per problem ({pointers}); got {describe(diagnostics)}"
    )
    for pointer in pointers:
        lines = pointer_lines(path, pointer)
        on_line = [d for d in diagnostics if d.range.start.line in lines]
        assert on_line, (
            f"{path.name}: expected a diagnostic for {pointer} on line(s) {sorted(n + 1 for n in lines)}, "
            f"got {describe(diagnostics)}"
        )


# --- completion, hover, modeline -----------------------------------------------------------------

SIDECAR_DOC = (
    LBWS_IMAGE
    + """\
sidecars:
  nginx:
    image: public.ecr.aws/nginx/nginx:latest
    mount_points:
      - source_volume: data
        path: /data
"""
)


async def open_and_wait(session: Session, path: Path, text: str) -> str:
    uri = uri_of(path)
    session.publishes.pop(uri, None)
    session.client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)
        )
    )
    await wait_quiet(session.publishes, [uri], timeout=15)
    return uri


async def test_completion_offers_schema_enum_and_keys(yls: Session, tmp_path: Path) -> None:
    text = "name: api\ntype: \nimage:\n  location: nginx\n  \n"
    uri = await open_and_wait(yls, tmp_path / "manifest.yml", text)
    result = await yls.client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=1, character=6)
        )
    )
    items = result.items if isinstance(result, types.CompletionList) else (result or [])
    labels = {i.label for i in items}
    assert {"Load Balanced Web Service", "Backend Service", "Worker Service", "Scheduled Job"} <= labels, (
        labels
    )

    result = await yls.client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=4, character=2)
        )
    )
    items = result.items if isinstance(result, types.CompletionList) else (result or [])
    assert {"port", "credentials"} <= {i.label for i in items}


async def test_hover_shows_schema_description(yls: Session, tmp_path: Path) -> None:
    uri = await open_and_wait(yls, tmp_path / "manifest.yml", SIDECAR_DOC)
    line = SIDECAR_DOC.splitlines().index("      - source_volume: data")
    hover = await yls.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=line, character=10),
        )
    )
    assert hover is not None
    value = hover.contents.value if isinstance(hover.contents, types.MarkupContent) else str(hover.contents)
    assert "Source volume to mount in this sidecar" in value


async def test_modeline_selects_the_schema_without_settings(yls: Session, tmp_path: Path) -> None:
    # Outside the configured globs (*.yml, *.yaml): only the modeline can bring the schema in.
    shutil.copy(SCHEMA, tmp_path / "copilot-manifest.schema.json")
    text = (
        "# yaml-language-server: $schema=./copilot-manifest.schema.json\n"
        "name: api\ntype: Backend Service\nimage:\n  location: nginx\nbogus: 1\n"
    )
    await open_and_wait(yls, tmp_path / "manifest.copilot", text)
    messages = [(d.range.start.line, d.message) for d in final(yls, tmp_path / "manifest.copilot")]
    assert (5, "Property bogus is not allowed.") in messages, messages


async def test_all_documents_checked_quickly(yls: Session) -> None:
    """Guard the cost: every fixture and corpus manifest is validated in one batch."""
    assert yls.seconds_to_all_diagnostics < 30, yls.seconds_to_all_diagnostics
