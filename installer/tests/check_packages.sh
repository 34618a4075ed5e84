#!/usr/bin/env bash
# Builds the .deb and .tar.gz with CPack from the build folder and checks what they hold: the
# two programs, every shipped model, the docs; and that Depends names the Debian package of
# every shared library the programs link directly.
# usage: check_packages.sh BUILD_DIR SOURCE_DIR WITH_CLI(0|1)
set -euo pipefail
build=$1 source=$2 with_cli=$3
for tool in cpack dpkg-deb readelf; do
  command -v "$tool" >/dev/null || { echo "SKIP: $tool not installed"; exit 77; }
done
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && cpack -G "DEB;TGZ" --config "$build/CPackConfig.cmake" -B "$tmp/out" >"$tmp/cpack.log") ||
  { echo "FAIL: cpack"; cat "$tmp/cpack.log"; exit 1; }
deb=$(ls "$tmp"/out/*.deb)
tgz=$(ls "$tmp"/out/*.tar.gz)
echo "built $(basename "$deb") and $(basename "$tgz")"

# Columns: mode owner size date time path (paths may hold spaces: "ClipGen Groove.amxd").
dpkg-deb -c "$deb" | sed -E 's#^([^ ]+ +){5}\./#/#' >"$tmp/deb.list"
need() {  # path in the package
  grep -qxF "$1" "$tmp/deb.list" || { echo "FAIL: $(basename "$deb") lacks $1"; cat "$tmp/deb.list"; exit 1; }
}
need /usr/bin/clipgend
[ "$with_cli" = 1 ] && need /usr/bin/clipgen
grep -qE '^/usr/lib/([^/]+/)?clipgen/libclipgen_torch\.so$' "$tmp/deb.list" ||
  { echo "FAIL: $(basename "$deb") lacks LibTorch's plugin (<libdir>/clipgen/libclipgen_torch.so)"; exit 1; }
need /usr/share/doc/clipgen/clipgend.conf.example
need /usr/share/doc/clipgen/README.md
[ -f "$source/docs/install.md" ] && need /usr/share/doc/clipgen/install.md

# Exactly the shipped models, in share/clipgen/models.
want=$(cd "$source/models/shipped" 2>/dev/null && ls *.pt 2>/dev/null | sort || true)
have=$(sed -nE 's#^/usr/share/clipgen/models/([^/]+\.pt)$#\1#p' "$tmp/deb.list" | sort)
if [ "$want" != "$have" ]; then
  echo "FAIL: models in the package [$have] differ from models/shipped [$want]"; exit 1
fi
[ -n "$want" ] || echo "note: models/shipped has no *.pt yet"

# The Max for Live devices that were built (node m4l/build.js), with the scripts they load.
want=$(cd "$source/m4l/dist" 2>/dev/null && ls *.amxd *.js 2>/dev/null | sort || true)
have=$(sed -nE 's#^/usr/share/clipgen/m4l/([^/]+\.(amxd|js))$#\1#p' "$tmp/deb.list" | sort)
if [ "$want" != "$have" ]; then
  echo "FAIL: devices in the package [$have] differ from m4l/dist [$want]"; exit 1
fi

# Depends covers every NEEDED library of the packaged programs and of LibTorch's plugin.
dpkg-deb -x "$deb" "$tmp/root"
depends=$(dpkg-deb -f "$deb" Depends)
ldconfig -p >"$tmp/ldconfig"
sed 's/([^)]*)//g; s/ //g' <<<"$depends" | tr ',|' '\n\n' >"$tmp/depends.names"
echo "Depends: $depends"
for exe in "$tmp/root/usr/bin/"* $(find "$tmp/root/usr/lib" -name '*.so' 2>/dev/null); do
  for soname in $(readelf -d "$exe" | sed -nE 's/.*NEEDED.*\[(.*)\]/\1/p'); do
    # CI packages its ASan + UBSan test build; the sanitizer runtimes belong to that build only
    # (a release build, scripts/build.sh, links neither).
    case "$soname" in libasan.so.* | libubsan.so.*) continue ;; esac
    path=$(awk -v s="$soname" '$1 == s {print $NF; exit}' "$tmp/ldconfig")
    [ -n "$path" ] || { echo "FAIL: $soname (needed by $(basename "$exe")) is not on this system"; exit 1; }
    owner=""
    for candidate in "$path" "$(realpath "$path")" "${path#/usr}" "/usr${path}"; do
      owner=$( (dpkg -S "$candidate" 2>/dev/null || true) | sed -n '1s/:.*//p')
      [ -n "$owner" ] && break
    done
    [ -n "$owner" ] || { echo "FAIL: no Debian package owns $path"; exit 1; }
    if ! grep -qxF "$owner" "$tmp/depends.names"; then
      echo "FAIL: $(basename "$exe") needs $soname from $owner, which Depends does not name"; exit 1
    fi
  done
done

# The tarball is relocatable: programs under bin/, models under share/clipgen/models.
tar -tzf "$tgz" >"$tmp/tgz.list"
grep -qE '^[^/]+/bin/clipgend$' "$tmp/tgz.list" || { echo "FAIL: tarball lacks bin/clipgend"; exit 1; }
echo "PASS: packages hold the programs, models and docs; Depends covers the linked libraries"
