#!/usr/bin/env bash
# Builds and runs the libFuzzer targets (clang, ASan + UBSan).
#   run.sh build            configure and build every target (CXX=clang++)
#   run.sh fuzz TARGET      replay seeds and regressions, then fuzz for $CLIPGEN_FUZZ_SECONDS (60)
#   run.sh replay TARGET    replay the seed corpus and every regression input only
#   run.sh list             the target names
# Build folder: $CLIPGEN_FUZZ_BUILD_DIR (default build-fuzz/ at the repository root). Inputs the
# fuzzer finds go to <build>/work/TARGET/corpus, never into the repository; a crash is written to
# <build>/work/TARGET/ and the run fails: minimize it, fix the bug, then commit the input to
# tests/fuzz/regressions/TARGET/ so every later run replays it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=${CLIPGEN_FUZZ_BUILD_DIR:-$repo/build-fuzz}
seconds=${CLIPGEN_FUZZ_SECONDS:-60}
targets=(note_sequence_json midi_read midi_roundtrip tool_request json_text torchscript_archive)

# Per target: largest input and extra read-only seed folders.
max_len() {
  case $1 in
    midi_read) echo 8192 ;;
    midi_roundtrip) echo 2048 ;;
    *) echo 8192 ;;
  esac
}
extra_seeds() {
  case $1 in
    midi_read) [ -d "$repo/tests/data/midi" ] && echo "$repo/tests/data/midi" ;;
    json_text) echo "$here/corpus/note_sequence_json" ;;
  esac
  return 0
}
dict() {
  case $1 in
    note_sequence_json | tool_request | json_text) echo "-dict=$here/dict/note_sequence.dict" ;;
    midi_read) echo "-dict=$here/dict/midi.dict" ;;
    torchscript_archive) echo "-dict=$here/dict/torchscript_archive.dict" ;;
  esac
}

check_target() {
  for t in "${targets[@]}"; do [ "$t" = "$1" ] && return 0; done
  echo "run.sh: unknown target '$1' (targets: ${targets[*]})" >&2
  exit 2
}

# Crashes abort with a report; leaks in the libraries under test count as bugs too. Our own
# options, not the caller's: scripts/sanitize.sh turns leak checks off for the LibTorch tests.
export ASAN_OPTIONS=${CLIPGEN_FUZZ_ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

do_build() {
  command -v clang++ >/dev/null || { echo "run.sh: clang++ is not installed (scripts/install-deps.sh)" >&2; exit 1; }
  CXX=clang++ cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$build" -j "${CLIPGEN_JOBS:-2}"
}

do_replay() {
  local t=$1 bin="$build/fuzz_$1"
  [ -x "$bin" ] || { echo "run.sh: $bin is missing; run 'run.sh build' first" >&2; exit 1; }
  local files=()
  for dir in "$here/corpus/$t" "$here/regressions/$t"; do
    [ -d "$dir" ] || continue
    while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$dir" -type f ! -name '*.md' -print0 | sort -z)
  done
  if [ "${#files[@]}" -eq 0 ]; then
    echo "run.sh: no seed or regression inputs for $t" >&2
    exit 1
  fi
  echo "== $t: replaying ${#files[@]} seed and regression inputs"
  # Given files, libFuzzer runs each once and fails on the first crash.
  local log="$build/work/$t.replay.txt" rc=0
  mkdir -p "$build/work"
  "$bin" -rss_limit_mb=2048 -timeout=30 "${files[@]}" >"$log" 2>&1 || rc=$?
  if [ "$rc" -ne 0 ]; then
    tail -n 60 "$log"
    echo "== $t: a seed or regression input fails (exit $rc)" >&2
    exit 1
  fi
  echo "== $t: $(grep -c '^Executed ' "$log") inputs pass"
}

do_fuzz() {
  local t=$1 bin="$build/fuzz_$1" work="$build/work/$1"
  do_replay "$t"
  mkdir -p "$work/corpus"
  local seeds=("$here/corpus/$t")
  local extra
  extra=$(extra_seeds "$t")
  [ -n "$extra" ] && seeds+=("$extra")
  echo "== $t: fuzzing for $seconds s (new inputs: $work/corpus)"
  local rc=0
  # shellcheck disable=SC2046
  "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
    -print_final_stats=1 -artifact_prefix="$work/" $(dict "$t") \
    "$work/corpus" "${seeds[@]}" >"$work/log.txt" 2>&1 || rc=$?
  grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss_mb)' "$work/log.txt" || true
  if [ "$rc" -ne 0 ]; then
    tail -n 60 "$work/log.txt"
    echo "== $t: FAILED (exit $rc). The input is in $work/ (crash-*, timeout-*, oom-* or leak-*)." >&2
    echo "   Minimize: $bin -minimize_crash=1 -runs=10000 <input>; after the fix, commit it to" >&2
    echo "   tests/fuzz/regressions/$t/ so every run replays it." >&2
    exit 1
  fi
  echo "== $t: no crash in $seconds s"
}

case ${1:-} in
  build) do_build ;;
  fuzz) check_target "${2:-}"; do_fuzz "$2" ;;
  replay) check_target "${2:-}"; do_replay "$2" ;;
  list) printf '%s\n' "${targets[@]}" ;;
  *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
