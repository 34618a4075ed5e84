#!/usr/bin/env bash
# Regenerates the checkpoints and magenta.js references into a temporary folder, checks that the
# checkpoints equal the committed tests/data/parity byte for byte, then runs the Python parity
# test against the fresh references (outputs are compared with tolerances there, so another
# node/V8 build may round differently without failing). Exit 77 (CTest: skipped) when npm ci has not been run.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
python=${CLIPGEN_PYTHON:-/usr/bin/python3}
if [ ! -d "$here/node_modules/@magenta/music" ]; then
  echo "parity: SKIP: tests/parity/node_modules is missing (run: cd tests/parity && npm ci)"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
node "$here/generate_reference.js" "$tmp" | grep -v '^$' | grep -v 'Hi there\|=====\|tfjs-node\|Initialized model' || true
if ! diff -rq -x reference.json "$tmp" "$root/tests/data/parity"; then
  echo "parity: generated checkpoints differ from tests/data/parity (regenerate with node tests/parity/generate_reference.js and review)"
  exit 1
fi
CLIPGEN_PARITY_DIR="$tmp" "$python" -m pytest -q -p no:cacheprovider "$root/models/tests/test_parity.py"
