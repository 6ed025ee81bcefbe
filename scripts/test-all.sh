#!/usr/bin/env bash
# Install everything the tests need from the project's own files, then run every test.
# Works on a fresh Debian 12 machine as root (Python 3.11, node 20); safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"

# Node projects, Debian packages, code-server and the VS Code extension for the client tests.
if [ -f scripts/install-client-deps.sh ]; then
  bash scripts/install-client-deps.sh
fi

.venv/bin/ruff check server tests benchmarks scripts schema
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
