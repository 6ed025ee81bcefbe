"""Typing in a manifest: each version is parsed from the previous tree and checked from the previous analysis
(what the edit left alone is taken, not computed again). Over the wire, every version's diagnostics are
those of the same text opened fresh in another document."""

from __future__ import annotations

from typing import Any

import pytest
from e2e_helpers import RecordingClient, change, edit, manifest_uri, next_publish, open_doc
from lsprotocol import types

pytestmark = pytest.mark.asyncio(loop_scope="module")

MANIFEST = """name: api
type: Load Balanced Web Service
image:
  build: ./Dockerfile
  port: 8080
http:
  path: /
  target_container: nginx
cpu: 256
memory: 512
sidecars:
  nginx:
    image: nginx
    port: 80
    depends_on:
      api: start
    mount_points:
      - source_volume: data
        path: /data
  logs:
    image: fluent
    variables:
      LEVEL: info
storage:
  volumes:
    data:
      path: /data
environments:
  test:
    count: 2
  prod:
    sidecars:
      nginx:
        port: 8081
"""

# (line, column, end column, new text): keystrokes in a top-level value, in a sidecar field some rules read
# and one none reads, in an override, a new line, and back.
EDITS = [
    (8, 5, 8, "1024"),  # cpu
    (13, 10, 12, "8080"),  # nginx's port: now the main container's too
    (15, 6, 9, "gone"),  # nginx depends on a container that does not exist
    (22, 13, 17, "debug"),  # logs' variables: no rule reads them
    (33, 14, 18, "8080"),  # prod moves nginx's port back onto the main container's
    (17, 23, 27, "dat"),  # a volume that does not exist
    (9, 11, 11, "\nexec: true"),  # a line more: everything below moves
    (18, 23, 26, "data"),
    (16, 6, 10, "api"),
]


def _seen(params: types.PublishDiagnosticsParams) -> list[tuple[Any, ...]]:
    return sorted(
        (
            d.range.start.line,
            d.range.start.character,
            d.range.end.line,
            d.range.end.character,
            str(d.code),
            d.message,
        )
        for d in params.diagnostics
    )


async def test_every_version_typed_has_the_diagnostics_of_its_text_opened_fresh(
    client: RecordingClient, tmp_path: Any
) -> None:
    uri = manifest_uri(tmp_path, "typed")
    await open_doc(client, uri, MANIFEST)
    text = MANIFEST
    changed = 0
    previous: list[tuple[Any, ...]] = []
    for version, (line, col, end_col, new) in enumerate(EDITS, start=2):
        lines = text.split("\n")
        lines[line] = lines[line][:col] + new + lines[line][end_col:]
        text = "\n".join(lines)
        keystroke = edit(line, col, line, end_col, new)
        typed = await next_publish(client, uri, lambda v=version, e=keystroke: change(client, uri, v, e))
        assert typed.version == version
        fresh = await open_doc(client, manifest_uri(tmp_path, f"fresh{version}"), text)
        assert _seen(typed) == _seen(fresh), text
        changed += _seen(typed) != previous
        previous = _seen(typed)
    assert changed >= len(EDITS) - 2  # the edits make and mend problems
