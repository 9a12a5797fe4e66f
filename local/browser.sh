#!/usr/bin/env bash
# The web console's browser test (part of `make test`): installs what it needs on a fresh machine
# (Debian's chromium package, and the npm package playwright-core pinned below, into .stack/),
# starts the dev server on a free 127.0.0.1 port with a fresh stage against the running
# stand-ins (local/test.sh starts them and exports their endpoints), and walks the console in
# headless Chromium (tests/browser/console.mjs). Screenshots: $CARGO_TARGET_DIR/console/screenshots.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

readonly PLAYWRIGHT_VERSION=1.65.1
STACK_DIR=${BAZAAR_STACK_DIR:-$PWD/.stack}
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
readonly BROWSER_DIR=$STACK_DIR/browser
readonly OUT=$TARGET/console
CHROMIUM=${BAZAAR_CHROMIUM:-/usr/bin/chromium}

log() { printf 'browser: %s\n' "$*" >&2; }
die() { printf 'browser: ERROR: %s\n' "$*" >&2; exit 1; }

install_chromium() {
  [[ -x $CHROMIUM ]] && return
  local sudo=()
  if ((EUID != 0)); then
    command -v sudo >/dev/null 2>&1 || die "$CHROMIUM is missing: apt-get install chromium (as root)"
    sudo=(sudo)
  fi
  log "installing Debian's chromium package"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
  [[ -x $CHROMIUM ]] || die "apt installed chromium, but $CHROMIUM is not there"
}

install_playwright() {
  local installed
  installed=$(node -p "require('$BROWSER_DIR/node_modules/playwright-core/package.json').version" 2>/dev/null || true)
  [[ $installed == "$PLAYWRIGHT_VERSION" ]] && return
  log "installing playwright-core@$PLAYWRIGHT_VERSION with npm into $BROWSER_DIR"
  rm -rf -- "$BROWSER_DIR"
  mkdir -p -- "$BROWSER_DIR"
  # No lockfile, no install scripts (Playwright's own browser download is not used).
  npm install --prefix "$BROWSER_DIR" --no-save --no-package-lock --no-audit --no-fund \
    --ignore-scripts --loglevel=error "playwright-core@$PLAYWRIGHT_VERSION" >/dev/null
}

server_binary() {
  local binary=$TARGET/debug/bazaar-local
  if [[ ! -x $binary ]]; then
    log "building bazaar-local"
    cargo build --locked -q -p bazaar-local
  fi
  printf '%s\n' "$binary"
}

install_chromium
install_playwright
binary=$(server_binary)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stage="b$(head -c 6 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mkdir -p -- "$OUT"
rm -rf -- "$OUT/screenshots"
log "dev server on 127.0.0.1:$port (stage $stage); log: $OUT/server.log"
"$binary" --port "$port" --stage "$stage" --visibility-timeout 1 >"$OUT/server.log" 2>&1 &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -f -- "$STACK_DIR/local-admin-$stage.txt"
}
trap cleanup EXIT

admin_line=
for _ in $(seq 1 240); do
  admin_line=$(grep -m1 '^  local admin ' "$OUT/server.log" || true)
  [[ -n $admin_line ]] && break
  kill -0 "$server" 2>/dev/null || { cat "$OUT/server.log" >&2; die "the dev server stopped"; }
  sleep 0.5
done
[[ -n $admin_line ]] || { cat "$OUT/server.log" >&2; die "the dev server did not start within 2 minutes"; }
# "  local admin  EMAIL / PASSWORD   (kept in FILE)": what a newcomer reads must sign in.
read -r _ _ admin_email _ admin_password _ <<<"$admin_line"
kept=$(tr -d '\n' <"$STACK_DIR/local-admin-$stage.txt")
[[ $admin_password == "$kept" ]] || die "the printed admin password ($admin_password) is not the kept one ($kept)"

BAZAAR_URL="http://127.0.0.1:$port" ADMIN_EMAIL=$admin_email ADMIN_PASSWORD=$admin_password \
  SCREENSHOTS=$OUT/screenshots PLAYWRIGHT_DIR=$BROWSER_DIR/node_modules/playwright-core CHROMIUM=$CHROMIUM \
  node tests/browser/console.mjs
