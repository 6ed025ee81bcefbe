"""pytest-lsp fixtures: the real ``sidecar-lsp --stdio`` driven with real client capabilities.

``client`` is one session per module and client kind: a test that uses it opens its documents at URIs
of its own (under ``tmp_path``) and leaves the server's settings alone, so what one test opens cannot
change what another sees. A test that changes the settings takes ``fresh_client``. Both run on the
module's event loop: mark the module ``pytest.mark.asyncio(loop_scope="module")``.
"""

from __future__ import annotations

import pytest
import pytest_lsp
from e2e_helpers import CLIENTS, CONFIG, RecordingClient, start


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS, scope="module")
async def client(lsp_client: RecordingClient, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A session shared by the module's tests, with the client named by the parameter (Neovim 0.11 or
    VS Code capabilities)."""
    await start(lsp_client, request.param)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG, params=CLIENTS, loop_scope="module")
async def fresh_client(lsp_client: RecordingClient, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A session of the test's own, for a test that changes the server's settings."""
    await start(lsp_client, request.param)
    yield
    await lsp_client.shutdown_session()
