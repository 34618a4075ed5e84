#!/usr/bin/env bash
# `cmake --install` into a DESTDIR, then start the installed clipgend from there: it must find
# its models in <prefix>/share/clipgen/models by itself, read the settings file (the shipped
# example with every setting switched on) from the per-user folder, and answer /v1/health; run
# the models natively without loading LibTorch, and through the installed LibTorch plugin with
# --runtime torchscript.
# usage: destdir_health.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1 source=$2
python=/usr/bin/python3
[ -x "$python" ] || python=python3
tmp=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

DESTDIR="$tmp/root" cmake --install "$build" --prefix /usr >"$tmp/install.log"
prefix="$tmp/root/usr"
daemon="$prefix/bin/clipgend"
[ -x "$daemon" ] || { echo "FAIL: no $daemon after cmake --install"; cat "$tmp/install.log"; exit 1; }
models="$prefix/share/clipgen/models"
expected_ids=$(cd "$source/models/shipped" 2>/dev/null && ls *.pt 2>/dev/null | sed 's/\.pt$//' | sort || true)
if [ -z "$expected_ids" ]; then
  echo "note: models/shipped has no *.pt yet; checking that the daemon looks in $models"
  mkdir -p "$models"
fi

# The example settings file with every `# key = value` line switched on, in the Linux place.
export HOME="$tmp/home"
unset XDG_CONFIG_HOME XDG_STATE_HOME
for v in $(env | grep -o '^CLIPGEN_[A-Z_]*'); do unset "$v"; done
mkdir -p "$HOME/.config/clipgen"
sed -nE 's/^# ([a-z-]+ = .*)$/\1/p' "$source/installer/templates/clipgend.conf.example" |
  grep -v '^models = ' >"$HOME/.config/clipgen/clipgend.conf"
key=$(sed -nE 's/^api-key = (.*)$/\1/p' "$HOME/.config/clipgen/clipgend.conf")
[ -n "$key" ] || { echo "FAIL: the example sets no api-key"; exit 1; }

# Run from another folder so nothing relative to the working directory helps.
(cd / && exec "$daemon" --port 0 >"$tmp/stdout" 2>"$tmp/stderr") &
pid=$!
url=""
for _ in $(seq 1800); do
  url=$(sed -nE 's/^clipgend listening on (http:[^ ]+)$/\1/p' "$tmp/stdout")
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || { echo "FAIL: clipgend exited"; cat "$tmp/stderr"; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "FAIL: clipgend never said where it listens"; cat "$tmp/stderr"; exit 1; }

status=""
for _ in $(seq 1800); do
  status=$(curl -s -o "$tmp/health" -w '%{http_code}' "$url/v1/health" || true)
  [ "$status" = 200 ] && break
  sleep 0.1
done
[ "$status" = 200 ] || { echo "FAIL: /v1/health answered $status"; cat "$tmp/stderr"; exit 1; }
grep -q '"ok"' "$tmp/health"

grep -qF "models folder: $(realpath "$models")" "$tmp/stderr" ||
  grep -qF "models folder: $models" "$tmp/stderr" ||
  { echo "FAIL: the installed daemon did not pick $models:"; cat "$tmp/stderr"; exit 1; }
grep -qF "settings file: $HOME/.config/clipgen/clipgend.conf" "$tmp/stderr" ||
  { echo "FAIL: the settings file was not read:"; cat "$tmp/stderr"; exit 1; }

# The api-key from the file is in force; with it, the installed models are listed.
[ "$(curl -s -o /dev/null -w '%{http_code}' "$url/v1/models")" = 401 ] ||
  { echo "FAIL: /v1/models answered without the api-key from the settings file"; exit 1; }
curl -s -H "Authorization: Bearer $key" "$url/v1/models" >"$tmp/models.json"
listed=$("$python" -c 'import json,sys; print("\n".join(sorted(m["id"] for m in json.load(open(sys.argv[1]))["models"])))' "$tmp/models.json")
if [ "$listed" != "$expected_ids" ]; then
  echo "FAIL: /v1/models lists [$listed], the package ships [$expected_ids]"; exit 1
fi
[ -n "$expected_ids" ] && "$python" - "$tmp/models.json" <<'PY' || { echo "FAIL: not every installed model runs natively without LibTorch"; cat "$tmp/models.json"; exit 1; }
import json, sys
models = json.load(open(sys.argv[1]))["models"]
sys.exit(0 if all(m["status"] == "ready" and m.get("runtime") == "native" for m in models) else 1)
PY
grep -q libtorch "/proc/$pid/maps" && { echo "FAIL: the installed clipgend loaded LibTorch on the CPU"; exit 1; }
kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""

# LibTorch's plugin is found where it was installed: TorchScript on every model.
plugin=$(find "$tmp/root/usr/lib" -name 'libclipgen_torch.so' 2>/dev/null | head -1)
if [ -n "$plugin" ] && [ -n "$expected_ids" ]; then
  (cd / && exec "$daemon" --port 0 --runtime torchscript >"$tmp/stdout2" 2>"$tmp/stderr2") &
  pid=$!
  url=""
  for _ in $(seq 1800); do
    url=$(sed -nE 's/^clipgend listening on (http:[^ ]+)$/\1/p' "$tmp/stdout2")
    [ -n "$url" ] && break
    sleep 0.1
  done
  for _ in $(seq 1800); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$url/v1/health" || true)" = 200 ] && break
    sleep 0.1
  done
  curl -s -H "Authorization: Bearer $key" "$url/v1/models" >"$tmp/models2.json"
  "$python" - "$tmp/models2.json" <<'PY' || { echo "FAIL: the installed plugin ($plugin) did not load the models"; cat "$tmp/models2.json"; cat "$tmp/stderr2"; exit 1; }
import json, sys
models = json.load(open(sys.argv[1]))["models"]
sys.exit(0 if models and all(m["status"] == "ready" and m.get("runtime") == "torchscript" for m in models) else 1)
PY
fi
echo "PASS: installed clipgend found $models, read the settings file, answered /v1/health, ran the models natively without LibTorch${plugin:+ and on TorchScript through $plugin}"
