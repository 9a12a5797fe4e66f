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

install_chromium
install_playwright
mkdir -p -- "$OUT"
rm -rf -- "$OUT/screenshots"
# shellcheck source=local/dev-server.sh
source local/dev-server.sh
start_dev_server b "$OUT" --visibility-timeout 1 || die "the dev server did not start"
log "dev server at $DEV_URL (stage $DEV_STAGE); log: $DEV_LOG"
# What a newcomer reads must sign in: the printed password is the kept one.
kept=$(tr -d '\n' <"$DEV_STACK_DIR/local-admin-$DEV_STAGE.txt")
[[ $DEV_ADMIN_PASSWORD == "$kept" ]] || die "the printed admin password ($DEV_ADMIN_PASSWORD) is not the kept one ($kept)"

BAZAAR_URL=$DEV_URL ADMIN_EMAIL=$DEV_ADMIN_EMAIL ADMIN_PASSWORD=$DEV_ADMIN_PASSWORD \
  SCREENSHOTS=$OUT/screenshots PLAYWRIGHT_DIR=$BROWSER_DIR/node_modules/playwright-core CHROMIUM=$CHROMIUM \
  node tests/browser/console.mjs
