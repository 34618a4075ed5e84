"""The committed golden files equal what the reference converters produce now, and
decoding each golden tensor gives the golden NoteSequence."""
import json
import os
import sys

import numpy as np
import pytest

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, ".."))
from clipgen_models.converters import converter_from_settings  # noqa
from clipgen_models.converters.goldens import all_goldens, dumps  # noqa

GOLDEN_DIR = os.path.join(HERE, "..", "..", "tests", "data", "converters")


@pytest.mark.parametrize("name", ["melody", "drums", "groove"])
def test_golden_file_is_current(name):
    with open(os.path.join(GOLDEN_DIR, name + ".json")) as f:
        committed = f.read()
    assert committed == dumps(all_goldens()[name]), \
        "regenerate with python3 -m clipgen_models.converters.goldens"


@pytest.mark.parametrize("name", ["melody", "drums", "groove"])
def test_golden_cases_decode(name):
    with open(os.path.join(GOLDEN_DIR, name + ".json")) as f:
        data = json.load(f)
    assert len(data["cases"]) >= 5
    for case in data["cases"]:
        conv = converter_from_settings(case["converter"])
        if name == "groove":
            dec = conv.to_note_sequence(case["tensor"], case["qpm"])
            if case["input"] is not None:
                t = conv.to_tensor(case["input"])
                assert np.abs(t - np.array(case["tensor"])).max() < 1e-6, case["name"]
        else:
            dec = conv.to_note_sequence(case["tensor"])
            if case["input"] is not None:
                classes, _ = conv.to_classes(case["input"])
                assert classes.tolist() == case["tensor"], case["name"]
        assert json.loads(json.dumps(dec)) == case["decoded"], case["name"]
