"""pytest-lsp fixtures: the real ``sidecar-lsp --stdio`` driven with real client capabilities."""

from __future__ import annotations

import pytest
import pytest_lsp
from e2e_helpers import CLIENTS, CONFIG, RecordingClient, start


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS)
async def client(lsp_client: RecordingClient, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A session with the client named by the parameter (Neovim 0.11 or VS Code capabilities)."""
    await start(lsp_client, request.param)
    yield
    await lsp_client.shutdown_session()
