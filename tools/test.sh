#!/usr/bin/env bash
# `npm test`: everything CI proves, in one command, ending with one summary line.
#   typecheck · lint · unit + integration (Vitest, real SQLite, real HTTP, real Secret Service)
#   · build · Electronegativity gate · e2e (Playwright in Debian's Chromium, browser mode)
# It installs the OS packages it needs where they are missing and it is permitted to (root, or
# passwordless sudo), the way `playwright install --with-deps` does.
set -uo pipefail
cd "$(dirname "$0")/.."

OS_PACKAGES=(chromium libsecret-1-dev gnome-keyring dbus dbus-x11)
RESULTS_DIR=test-results
mkdir -p "$RESULTS_DIR"

missing_packages() {
  local missing=()
  for p in "${OS_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  echo "${missing[@]:-}"
}

ensure_os_packages() {
  local missing
  missing=$(missing_packages)
  [ -z "$missing" ] && return 0
  echo "Installing missing OS packages: $missing"
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
      echo "Missing OS packages ($missing) and no permission to install them. Run: sudo apt-get install -y $missing" >&2
      exit 1
    fi
  fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing >/dev/null || {
    echo "Could not install: $missing" >&2
    exit 1
  }
}

ensure_keytar() {
  # keytar is optional for `npm install` (the app falls back to an in-memory key), but the
  # tests prove the keychain path for real, so build it now that libsecret's headers exist.
  if ! node -e "require('keytar')" 2>/dev/null; then
    echo "Building keytar against libsecret…"
    npm rebuild keytar --foreground-scripts >/dev/null 2>&1 || { echo "keytar failed to build" >&2; exit 1; }
  fi
}

ensure_os_packages
ensure_keytar

if [ -z "${DBUS_SESSION_BUS_ADDRESS:-}" ] || [ -z "${ATTEST_IN_TEST_SESSION:-}" ]; then
  # A private D-Bus session with an unlocked gnome-keyring: keytar talks to a real Secret Service.
  exec dbus-run-session -- env ATTEST_IN_TEST_SESSION=1 bash "$0" "$@"
fi
# A throwaway keyring: the daemon keeps its files under XDG_DATA_HOME, so a developer's own login
# keyring (with its own password) is never touched, and every run starts unlocked.
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
echo -n "attest-test-keyring" | XDG_DATA_HOME="$keyring_home" gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1
export ATTEST_TEST_KEYCHAIN=1
export ATTEST_CHROMIUM="${ATTEST_CHROMIUM:-$(command -v chromium || echo /usr/bin/chromium)}"

failed_steps=()
step() {
  local name=$1
  shift
  echo
  echo "── $name ──"
  local start=$SECONDS
  if "$@"; then
    echo "✓ $name ($((SECONDS - start)) s)"
  else
    echo "✗ $name ($((SECONDS - start)) s)"
    failed_steps+=("$name")
  fi
}

step typecheck npm run --silent typecheck
step lint npm run --silent lint
step "unit and integration" npx vitest run --reporter=default --reporter=json --outputFile="$RESULTS_DIR/vitest.json"
step build npm run --silent build
step electronegativity npm run --silent test:electronegativity
# The e2e specs share this keyring, as several profiles of the app share a person's keychain: each
# spec's app has its own data folder, and what is kept per data folder (the last-session note)
# cannot leak from one spec into the next.
step e2e npx playwright test

node tools/summarize-tests.mjs "${failed_steps[@]}"
