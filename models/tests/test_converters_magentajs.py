"""Cross-check the golden files against magenta.js itself (needs node and the parity
node_modules; skipped when absent)."""
import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(__file__)
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
NODE_MODULES = os.path.join(ROOT, "tests", "parity", "node_modules")


def test_goldens_match_magenta_js():
    node = shutil.which("node")
    if node is None or not os.path.isdir(os.path.join(NODE_MODULES, "@magenta", "music")):
        pytest.skip("node or tests/parity/node_modules/@magenta/music absent (npm install there)")
    script = os.path.join(ROOT, "models", "clipgen_models", "converters", "check_magentajs.js")
    proc = subprocess.run([node, script, NODE_MODULES,
                           os.path.join(ROOT, "tests", "data", "converters")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "mismatches 0" in proc.stdout
