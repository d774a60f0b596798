#!/usr/bin/env bash
# Install the system packages the test-suite needs, only when they are missing.
#
#   scripts/system-deps.sh             # everything
#   scripts/system-deps.sh postgresql  # only the named parts
#
# Idempotent and quiet: a part whose binaries are present is left alone, apt-get runs only when
# something is missing (and 'apt-get update' at most once). As a non-root user, or without
# apt-get, it installs nothing: it prints a note naming what is missing and exits 0.
#
# To add a part: write have_NAME (exit 0 when present) and ensure_NAME, and add NAME to PARTS.
set -euo pipefail

PARTS=(postgresql chromium axe java)

APT_UPDATED=0

note() { echo "system-deps: $*" >&2; }

can_install() {
  if [ "$(id -u)" -ne 0 ]; then
    note "not root: not installing $*; install it yourself (e.g. sudo apt-get install $*)"
    return 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    note "apt-get not found: install $* with your system's package manager"
    return 1
  fi
  return 0
}

# apt_install PKG...: install packages non-interactively; quiet unless it fails.
apt_install() {
  can_install "$@" || return 0
  local log
  log="$(mktemp)"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$APT_UPDATED" -eq 0 ]; then
    if ! apt-get -o DPkg::Lock::Timeout=300 update -qq >"$log" 2>&1; then
      cat "$log" >&2; rm -f "$log"; return 1
    fi
    APT_UPDATED=1
  fi
  note "installing $*"
  if ! apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "$@" >"$log" 2>&1; then
    cat "$log" >&2; rm -f "$log"; return 1
  fi
  rm -f "$log"
}

# ---- PostgreSQL: server binaries for tests/pg_server.py (initdb, pg_ctl, postgres)
have_postgresql() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && [ -x "$dir/postgres" ]; then
      return 0
    fi
  done
  return 1
}

ensure_postgresql() {
  have_postgresql || apt_install postgresql
}

# ---- Chromium: headless browser for tests/test_report_browser.py (driven by Playwright)
have_chromium() {
  [ -x /usr/bin/chromium ]
}

ensure_chromium() {
  have_chromium || apt_install chromium
}

# ---- axe-core: the accessibility engine tests/test_report_browser.py injects into the report page.
# Taken from the npm registry with npm (not a system package, but a test-time file like the browser);
# kept in the venv so `make clean` drops it. The report itself never loads it.
AXE_VERSION=4.14.1
AXE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/${VENV:-.venv}/share/axe-core"

have_axe() {
  [ -s "$AXE_DIR/axe.min.js" ] && grep -q "$AXE_VERSION" "$AXE_DIR/VERSION" 2>/dev/null
}

ensure_axe() {
  have_axe && return 0
  command -v npm >/dev/null 2>&1 || apt_install npm
  if ! command -v npm >/dev/null 2>&1; then
    note "npm not found: axe-core $AXE_VERSION not installed (the accessibility test will skip, or fail in CI)"
    return 0
  fi
  local tmp tarball
  tmp="$(mktemp -d)"
  note "fetching axe-core $AXE_VERSION with npm"
  if ! tarball="$(cd "$tmp" && npm pack "axe-core@$AXE_VERSION" --silent 2>"$tmp/log")"; then
    cat "$tmp/log" >&2; rm -rf "$tmp"; return 1
  fi
  tar -xzf "$tmp/$tarball" -C "$tmp" package/axe.min.js package/LICENSE
  mkdir -p "$AXE_DIR"
  mv "$tmp/package/axe.min.js" "$tmp/package/LICENSE" "$AXE_DIR/"
  echo "$AXE_VERSION" >"$AXE_DIR/VERSION"
  rm -rf "$tmp"
}

# ---- Java: the JVM pyspark needs for tests/test_spark.py (the Spark engine in local mode)
have_java() {
  command -v java >/dev/null 2>&1
}

ensure_java() {
  have_java || apt_install openjdk-17-jre-headless
}

main() {
  local part
  local parts=("$@")
  [ ${#parts[@]} -gt 0 ] || parts=("${PARTS[@]}")
  for part in "${parts[@]}"; do
    if ! declare -F "ensure_$part" >/dev/null; then
      note "unknown part '$part' (known: ${PARTS[*]})"
      return 2
    fi
    "ensure_$part"
  done
}

main "$@"
