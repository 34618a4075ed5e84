"""Every shipped model loads, carries valid clipgen.json, and samples valid, non-degenerate
output (CTest label `model`)."""
import glob
import os
import sys

import pytest

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, ".."))
import eval_checks  # noqa: E402

SHIPPED = os.path.join(HERE, "..", "shipped")
EXPECTED = ["mel_4bar_vae", "drums_4bar_vae", "melody_rnn", "drum_kit_rnn", "groovae_humanize",
            "groovae_tap"]
FILES = sorted(glob.glob(os.path.join(SHIPPED, "*.pt")))


@pytest.mark.parametrize("path", FILES, ids=[os.path.basename(p) for p in FILES])
def test_shipped_model_samples(path):
    meta, _ = eval_checks.check_file(path)
    assert meta["id"] == os.path.basename(path)[:-3]


def test_shipped_set_and_total_size():
    if not FILES:
        pytest.skip("no models in models/shipped yet")
    names = {os.path.basename(p)[:-3] for p in FILES}
    assert names <= set(EXPECTED), names - set(EXPECTED)
    total = sum(os.path.getsize(p) for p in FILES) / 1e6
    assert total <= 100, f"shipped models total {total:.1f} MB > 100 MB"
