#!/usr/bin/env bash
# Builds ClipGen with AddressSanitizer + UndefinedBehaviorSanitizer (gcc, build-asan/, warnings
# as errors) and runs the ctest suite on it. Extra arguments go to ctest (e.g. -L unit).
#
# Left out by default, because the sanitizers cannot see into them: the fuzz targets (label
# fuzz: already ASan+UBSan, clang), and the suites that run no C++ of ours: Python (pytest) and
# node (m4l device tests, magenta.js parity), and package building (label install).
# CLIPGEN_SANITIZE_ALL=1 runs every test anyway: scripts/test.sh (CI) does, so this one build
# serves the whole suite.
#
# LibTorch is not instrumented. Its allocations are still intercepted, and it keeps caches and
# thread pools alive until exit that LeakSanitizer would report as leaks of ours, so leak
# checking is off (detect_leaks=0); the fuzz targets, which never load torch, keep it on. UBSan
# stops at the first report (halt_on_error) so that a finding fails the test it happened in.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${CLIPGEN_ASAN_BUILD_DIR:-$here/build-asan}
jobs=${CLIPGEN_JOBS:-$(nproc)}
# gcc's -Wmaybe-uninitialized gives false positives under -fsanitize=address (its manual says so;
# here: std::regex's std::function in bench/), so that one warning is off; the rest stay errors.
flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
flags="$flags -Wno-maybe-uninitialized"

start=$(date +%s)
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCMAKE_MODULE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DCLIPGEN_WERROR=ON -DCLIPGEN_BUILD_TESTS=ON
cmake --build "$build" -j "$jobs"
built=$(date +%s)

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

select=(-LE 'fuzz|install|m4l|parity' -E 'pytest')
if [ "${CLIPGEN_SANITIZE_ALL:-0}" = "1" ]; then select=(); fi
cd "$build"
rc=0
if [ "${CLIPGEN_SANITIZE_ALL:-0}" = "1" ] && [ "$#" -eq 0 ]; then
  # The whole suite (CI): the fuzz targets two at a time, each on its own core (they are
  # single-threaded and time-bounded: 6 x 60 s take 3 min instead of 6), then every other test
  # one at a time, as the benchmark, load and timing-sensitive tests expect a quiet machine.
  ctest --output-on-failure --timeout 900 -L fuzz -j 2 || rc=$?
  ctest --output-on-failure --timeout 900 -LE fuzz || rc=$?
else
  ctest --output-on-failure --timeout 900 "${select[@]}" "$@" || rc=$?
fi
end=$(date +%s)
echo "sanitize.sh: build $((built - start)) s, tests $((end - built)) s (exit $rc)"
exit "$rc"
