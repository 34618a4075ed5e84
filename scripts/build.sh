#!/usr/bin/env bash
# Configures and builds ClipGen into build/ (Release). Extra arguments go to cmake configure.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${CLIPGEN_BUILD_DIR:-$here/build}
jobs=${CLIPGEN_JOBS:-$(nproc)}
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$build" -j "$jobs"
# The Max for Live devices (m4l/dist/*.amxd), so that an install carries them.
if command -v node >/dev/null 2>&1; then
  node "$here/m4l/build.js" >/dev/null
fi
