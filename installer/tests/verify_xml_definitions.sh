#!/usr/bin/env bash
# The LaunchAgent plist and the Task Scheduler XML are well-formed and carry the installed
# paths (plutil and schtasks exist only on their systems; python3 and xmllint check here).
# usage: verify_xml_definitions.sh CLIPGEN_SERVICE_TOOL CLIPGEND CHECK_SCRIPT
set -euo pipefail
tool=$1 daemon=$2 check=$3
python=/usr/bin/python3
[ -x "$python" ] || python=python3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/home"
models="$tmp/R&B <models>"
export HOME="$tmp/home" USERNAME=ana USERDOMAIN=STUDIO
# On a real install, clipgen service install writes exactly these files (see manager_test).
"$tool" print --platform macos --daemon "$daemon" --models "$models" >"$tmp/clipgend.plist"
"$tool" install --dry-run --platform windows --daemon "$daemon" --models "$models" \
  >"$tmp/windows.out"
"$tool" print --platform windows --daemon "$daemon" --models "$models" >"$tmp/task-utf8.xml"
# Task Scheduler gets UTF-16; convert exactly as the installer does and check that file.
iconv -f UTF-8 -t UTF-16 "$tmp/task-utf8.xml" >"$tmp/task.xml"
if command -v xmllint >/dev/null; then
  xmllint --noout "$tmp/clipgend.plist" "$tmp/task.xml"
fi
"$python" "$check" "$tmp/clipgend.plist" "$tmp/task.xml" "$daemon" "$models"
grep -q "schtasks /Create /TN ClipGen /XML" "$tmp/windows.out"
echo "PASS: plist and task XML are well-formed and name the daemon"
