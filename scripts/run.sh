#!/usr/bin/env bash
# One command: install dependencies, build, start clipgend in the foreground with the shipped models.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
"$here/scripts/build.sh" -DCLIPGEN_BUILD_TESTS=OFF  # the product only; scripts/test.sh builds the tests
exec "${CLIPGEN_BUILD_DIR:-$here/build}/bin/clipgend" --models "$here/models/shipped" "$@"
