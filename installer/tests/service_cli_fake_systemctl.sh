#!/usr/bin/env bash
# `clipgen service install/uninstall` end to end through real processes, with CLIPGEN_SYSTEMCTL
# naming a fake systemctl that records its arguments: idempotent, and nothing left behind.
# usage: service_cli_fake_systemctl.sh CLIPGEND PROGRAM [WORDS...]
#   runs `PROGRAM WORDS... install ...`: clipgen_service_tool alone, or `clipgen service`.
set -euo pipefail
daemon=$1
shift
cmd=("$@")
tool() { "${cmd[@]}" "$@"; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home/.config" "$tmp/fake"
cat >"$tmp/fake/systemctl" <<FAKE
#!/bin/sh
echo "systemctl \$*" >>"$tmp/calls"
FAKE
chmod +x "$tmp/fake/systemctl"
export HOME="$tmp/home" CLIPGEN_SYSTEMCTL="$tmp/fake/systemctl"
unset XDG_CONFIG_HOME XDG_STATE_HOME CLIPGEN_CONFIG
unit="$HOME/.config/systemd/user/clipgend.service"
snapshot() { (cd "$HOME" && find . | sort); }
before=$(snapshot)

# Without --daemon, the service runs the clipgend beside the program.
tool print --platform linux | grep -qE '^ExecStart=/.*/clipgend$' ||
  { echo "FAIL: default daemon is not an absolute .../clipgend"; exit 1; }
tool install --platform linux --daemon "$daemon"
first=$(cat "$unit")
tool install --platform linux --daemon "$daemon"
[ "$first" = "$(cat "$unit")" ] || { echo "FAIL: second install changed the unit"; exit 1; }
grep -qF "ExecStart=$daemon" "$unit" || { echo "FAIL: unit does not run $daemon"; exit 1; }
tool status --platform linux | grep -qF "$unit"
tool uninstall --platform linux
tool uninstall --platform linux | grep -q "nothing to remove"
[ "$before" = "$(snapshot)" ] || { echo "FAIL: HOME changed:"; diff <(echo "$before") <(snapshot); exit 1; }

expected="systemctl --user daemon-reload
systemctl --user enable clipgend.service
systemctl --user restart clipgend.service
systemctl --user daemon-reload
systemctl --user enable clipgend.service
systemctl --user restart clipgend.service
systemctl --user status --no-pager clipgend.service
systemctl --user disable --now clipgend.service
systemctl --user daemon-reload
systemctl --user reset-failed clipgend.service"
if [ "$(cat "$tmp/calls")" != "$expected" ]; then
  echo "FAIL: systemctl calls differ:"; diff <(echo "$expected") "$tmp/calls"; exit 1
fi

# A systemctl that fails (no user session) makes install fail and leaves nothing behind.
printf '#!/bin/sh\necho "Failed to connect to bus" >&2\nexit 1\n' >"$tmp/fake/systemctl"
if tool install --platform linux --daemon "$daemon" 2>"$tmp/err"; then
  echo "FAIL: install succeeded without a user session"; exit 1
fi
grep -q "Failed to connect to bus" "$tmp/err"
[ "$before" = "$(snapshot)" ] || { echo "FAIL: failed install left files"; exit 1; }
echo "PASS: install/uninstall idempotent, nothing left behind"
