"""The pure core: text and 0-based (line, code point) positions in, plain data out.

No module here imports pygls or lsprotocol, and only ``workspace/scan.py`` and ``schema/store.py``
reach the disk (import-linter contracts in pyproject.toml). The packages are layers, each importing
only those below it: ``features`` and ``workspace``; ``check``; ``rules``; ``manifest``; ``schema``;
``decoding``; ``yaml``; and ``model`` and ``lines`` at the bottom.
"""
