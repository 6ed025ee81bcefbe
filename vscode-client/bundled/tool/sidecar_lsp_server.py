"""Start the sidecar-lsp bundled with the VS Code extension, with the Python that runs this file.

The extension runs ``<python> -I bundled/tool/sidecar_lsp_server.py --stdio``: ``-I`` keeps the
workspace folder, ``PYTHONPATH`` and user site-packages off ``sys.path``, and ``../libs`` (filled by
``scripts/bundle_python.py``) goes first, so the bundled libraries win over whatever this Python has
installed. An interpreter the package does not cover gets one line on stderr that says so, and exit
code 3, instead of a traceback.
"""

# ruff: noqa: UP031, UP036  (written for any Python 3, so that an old one gets the message, not a SyntaxError)
import json
import os
import sys

LIBS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "libs")
UNSUPPORTED = 3


def _covered():
    try:
        with open(os.path.join(LIBS, "sidecar-bundle.json"), encoding="utf-8") as handle:
            bundle = json.load(handle)
        return bundle.get("target", "?"), bundle.get("pythons", [])
    except (OSError, ValueError):
        return "?", []


def _refuse(reason):
    target, pythons = _covered()
    running = "%s %d.%d (%s)" % (
        sys.implementation.name,
        sys.version_info[0],
        sys.version_info[1],
        sys.executable,
    )
    covered = ", ".join(pythons) or "none"
    sys.stderr.write(
        "sidecar-lsp bundled: unsupported Python: %s; %s. This package (%s) covers CPython %s. "
        "Point sidecarLsp.server.pythonPath at one of those, or install sidecar-lsp into that Python.\n"
        % (running, reason, target, covered)
    )
    sys.exit(UNSUPPORTED)


def main():
    if sys.version_info < (3, 10):
        _refuse("the server needs Python 3.10 or newer")
    sys.path.insert(0, LIBS)
    try:
        import rpds  # noqa: F401  (compiled: proves the bundle has a build for this interpreter)
    except ImportError as error:
        _refuse("no compiled rpds-py for it in the bundle (%s)" % error)
    from sidecar_lsp.__main__ import main as server_main

    sys.exit(server_main())


if __name__ == "__main__":
    main()
