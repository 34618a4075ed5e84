#!/usr/bin/env bash
# `systemd-analyze verify --user` accepts the unit `clipgen service` writes, also for a daemon
# in a folder with a space. Needs no running systemd: a private XDG_RUNTIME_DIR is enough.
# usage: verify_systemd_unit.sh CLIPGEN_SERVICE_TOOL CLIPGEND
set -euo pipefail
tool=$1 daemon=$2
if ! command -v systemd-analyze >/dev/null; then
  echo "SKIP: systemd-analyze not installed (Debian package systemd)"; exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home" "$tmp/run" "$tmp/Clip Gen/bin" "$tmp/units"
chmod 700 "$tmp/run"
ln -s "$daemon" "$tmp/Clip Gen/bin/clipgend"

verify() {  # unit file -> prints problems, returns non-zero when there are any
  local out rc=0
  out=$(XDG_RUNTIME_DIR="$tmp/run" systemd-analyze verify --user --man=no "$1" 2>&1) || rc=$?
  # verify exits 0 on some parse warnings; any line about our unit counts as a failure.
  if [ "$rc" -ne 0 ] || grep -q "$(basename "$1")" <<<"$out"; then
    echo "$out"; return 1
  fi
}

for exe in "$daemon" "$tmp/Clip Gen/bin/clipgend"; do
  HOME="$tmp/home" "$tool" print --platform linux --daemon "$exe" --models "$tmp/Clip Gen/models" \
    --port 7400 >"$tmp/units/clipgend.service"
  grep -q '^Restart=on-failure$' "$tmp/units/clipgend.service"
  grep -qF -- "--port 7400" "$tmp/units/clipgend.service"
  verify "$tmp/units/clipgend.service" || { echo "FAIL: unit for '$exe' rejected"; exit 1; }
done

# The check itself must be able to fail: a misspelt directive is reported.
sed 's/^Restart=on-failure$/Restart=sometimes/' "$tmp/units/clipgend.service" >"$tmp/units/x.service"
mv "$tmp/units/x.service" "$tmp/units/clipgend.service"
if verify "$tmp/units/clipgend.service" >/dev/null; then
  echo "FAIL: systemd-analyze accepted a broken unit; the check proves nothing"; exit 1
fi
echo "PASS: systemd-analyze verify accepts the generated unit"
