"""Positions at the edge: the server's conversion agrees with pygls' codec in every encoding, and back."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.workspace import TextDocument
from pygls.workspace.position_codec import PositionCodec

from sidecar_lsp.core.model import Pos
from sidecar_lsp.lsp.convert import from_lsp_position, to_lsp_position

TEXT = "name: api\nimage: nginx # café\nsidecars: {proxy: 🚀}\n\n"
ENCODINGS = [
    types.PositionEncodingKind.Utf16,
    types.PositionEncodingKind.Utf8,
    types.PositionEncodingKind.Utf32,
]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_every_column_converts_like_the_codec_and_back(encoding: types.PositionEncodingKind) -> None:
    codec = PositionCodec(encoding)
    doc = TextDocument("file:///w/copilot/api/manifest.yml", TEXT, position_codec=codec)
    lines = doc.lines
    for line, text in enumerate(lines):
        for col in range(len(text.rstrip("\n")) + 1):
            expected = codec.position_to_client_units(lines, types.Position(line=line, character=col))
            client = to_lsp_position(doc, Pos(line, col))
            assert client == expected, (line, col)
            assert from_lsp_position(doc, client) == Pos(line, col)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_positions_past_the_end_are_clamped(encoding: types.PositionEncodingKind) -> None:
    doc = TextDocument("file:///w/copilot/api/manifest.yml", TEXT, position_codec=PositionCodec(encoding))
    assert from_lsp_position(doc, types.Position(line=0, character=99)) == Pos(0, len("name: api"))
    assert to_lsp_position(doc, Pos(0, 99)) == types.Position(line=0, character=len("name: api"))
