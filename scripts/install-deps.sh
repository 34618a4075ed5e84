#!/usr/bin/env bash
# Installs every build, run and test dependency from Debian 12 packages and npm.
# Safe to run again: apt-get and npm ci are idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libtorch-dev libopenblas0-pthread
  libcpp-httplib-dev nlohmann-json3-dev libspdlog-dev libgtest-dev libgmock-dev
  python3-torch python3-numpy python3-mido python3-pytest python3-yaml
  curl
  systemd libxml2-utils
  clang libfuzzer-14-dev
)
# Node.js 20 may come from NodeSource, whose nodejs package bundles npm and
# conflicts with Debian's npm: ask apt for them only when the commands are missing.
if ! command -v node >/dev/null 2>&1; then PACKAGES+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then PACKAGES+=(npm); fi
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "clipgen: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Node packages for the device tests and the magenta.js reference (tests only).
for dir in m4l tests/parity bench; do
  if [ -f "$here/$dir/package-lock.json" ]; then
    (cd "$here/$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
done
