#!/usr/bin/env bash
# The benchmark table: magenta.js beside ClipGen (engine API and over HTTP) for every parity
# architecture, then ClipGen's shipped models and the daemon (cold start, memory, requests/s).
# Usage: bash bench/run.sh [--quick] [--build-dir DIR] [bench.py options, e.g. --only basic_rnn]
# Without --build-dir it configures and builds build-bench/ (clipgend, clipgen_bench) first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
python=${CLIPGEN_PYTHON:-/usr/bin/python3}
build=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build-dir) build=$2; shift 2 ;;
    --build-dir=*) build=${1#*=}; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
if [ -z "$build" ]; then
  build="$root/build-bench"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build" -j2 --target clipgend clipgen_bench >/dev/null
fi
exec "$python" "$here/bench.py" --build-dir "$build" "${args[@]}"
