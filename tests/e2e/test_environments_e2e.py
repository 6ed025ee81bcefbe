"""Every environment where you type, over the wire: hover with each environment's value and container,
in a workspace whose environments the server reads from ``copilot/environments/*``."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import pytest_lsp
from e2e_helpers import CONFIG, RecordingClient, completion_labels, hover_at, open_doc, start
from lsprotocol import types

from manifest_sets import position_of

pytestmark = pytest.mark.asyncio(loop_scope="module")

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from workspace_support import environments, service, write_workspace  # noqa: E402

API = service(
    "api",
    """
    count: 1
    sidecars:
      nginx:
        image: nginx:1
        port: 8080
    environments:
      prod:
        count: 4
        sidecars:
          nginx:
            image: nginx:2
    """,
)


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: RecordingClient):  # type: ignore[no-untyped-def]
    """One session for the module: each test has a workspace of its own (under ``tmp_path``)."""
    await start(lsp_client, "visual-studio-code")
    yield
    await lsp_client.shutdown_session()


async def opened(client: RecordingClient, tmp_path: Path, text: str = API) -> str:
    root = write_workspace(tmp_path, {**environments("dev", "prod"), "api/manifest.yml": text})
    uri = (root / "api" / "manifest.yml").as_uri()
    await open_doc(client, uri, (root / "api" / "manifest.yml").read_text())
    return uri


def hover_text(result: types.Hover | None) -> str:
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    return result.contents.value


async def test_hover_lists_the_base_and_every_environment_with_links(
    client: RecordingClient, tmp_path: Path
) -> None:
    uri = await opened(client, tmp_path)
    line, col = position_of(API, "count: 4")
    text = hover_text(await hover_at(client, uri, line, col))
    base_line = position_of(API, "count: 1")[0] + 1
    assert f"| base | `1` | [line {base_line}]({uri}#L{base_line}) |" in text
    assert (
        f"| dev (no override) | `1` | [line {base_line}]({uri}#L{base_line}) |" in text
    )  # from the workspace
    assert f"| prod | `4` | [line {line + 1}]({uri}#L{line + 1}) |" in text


async def test_hover_on_a_sidecar_shows_its_container_per_environment(
    client: RecordingClient, tmp_path: Path
) -> None:
    uri = await opened(client, tmp_path)
    line, col = position_of(API, "nginx:\n    image")
    text = hover_text(await hover_at(client, uri, line, col))
    assert "**`nginx` in each environment**" in text
    rows = [row for row in text.split("\n") if row.startswith(("| base", "| dev", "| prod"))]
    assert len(rows) == 3
    assert "`nginx:1`" in rows[0] and "`nginx:1`" in rows[1] and "`nginx:2`" in rows[2]
    assert all("| 8080 |" in row for row in rows)


async def test_hover_types_read_as_strings(client: RecordingClient, tmp_path: Path) -> None:
    uri = await opened(client, tmp_path)
    line, col = position_of(API, "image: nginx:1")
    title = hover_text(await hover_at(client, uri, line, col)).split("\n")[0]
    assert title == "**`sidecars.nginx.image`** · *string (URI), or a map with build or location*"


async def test_document_links_go_to_files_that_exist(client: RecordingClient, tmp_path: Path) -> None:
    text = API.replace(
        "  location: nginx\n", "  build:\n    dockerfile: api/Dockerfile\n    context: api\n"
    ) + ("env_file: missing.env\n")
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "Dockerfile").write_text("FROM scratch\n")
    uri = await opened(client, tmp_path, text)
    links = await client.text_document_document_link_async(
        types.DocumentLinkParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert links is not None
    found = {(link.range.start.line, link.target) for link in links}
    assert found == {
        (position_of(text, "api/Dockerfile")[0], (tmp_path / "api" / "Dockerfile").resolve().as_uri()),
        (position_of(text, "context: api")[0], (tmp_path / "api").resolve().as_uri()),
    }  # missing.env does not exist: no link


async def test_completion_under_environments_offers_the_workspaces(
    client: RecordingClient, tmp_path: Path
) -> None:
    text = API + "  d\n"
    uri = await opened(client, tmp_path, text)
    line = text.count("\n") - 1
    items = await completion_labels(client, uri, line, 3)
    offered = {item.label: item.detail for item in items}
    assert offered == {
        "dev": "environment · copilot/environments/dev/manifest.yml"
    }  # prod is written already
