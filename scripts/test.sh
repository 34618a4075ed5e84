#!/usr/bin/env bash
# One command: install dependencies, build with warnings as errors, run every test (ctest).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
"$here/scripts/build.sh" -DCLIPGEN_WERROR=ON -DCLIPGEN_BUILD_TESTS=ON
cd "${CLIPGEN_BUILD_DIR:-$here/build}"
ctest --output-on-failure --timeout 900 "$@"
