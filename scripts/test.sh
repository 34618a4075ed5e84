#!/usr/bin/env bash
# One command: install dependencies, build everything with AddressSanitizer and
# UndefinedBehaviorSanitizer and warnings as errors (build-asan/), and run every test (ctest) on
# that build: unit, model, integration, load, faults, fuzz (clang, time-bounded), Python, node,
# packaging and a short benchmark. Extra arguments go to ctest (e.g. -L unit).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/scripts/install-deps.sh"
CLIPGEN_SANITIZE_ALL=1 exec "$here/scripts/sanitize.sh" "$@"
