"""Unit tests of the Python reference converters (no data, no models)."""
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from clipgen_models.converters import (MelodyConverter, DrumsConverter, GrooveConverter,  # noqa
                                       classes_to_roll, roll_to_classes, converter_from_settings,
                                       GM_DRUM_PITCH_CLASSES, MAGENTA_JS_DRUM_PITCH_CLASSES,
                                       ROLAND_DRUM_PITCH_CLASSES)
from clipgen_models.converters.goldens import qseq, qnote, useq, tnote  # noqa


def test_melody_round_trip_monophonic():
    conv = MelodyConverter(48, 83, 32)
    ns = qseq([qnote(60, 0, 3), qnote(62, 3, 4), qnote(79, 8, 32)], 32)
    classes, report = conv.to_classes(ns)
    assert report == {"octaveShifted": 0, "droppedPolyphony": 0, "droppedPastEnd": 0}
    back = conv.to_note_sequence(classes)
    assert [(n["pitch"], n["quantizedStartStep"], n["quantizedEndStep"]) for n in back["notes"]] \
        == [(60, 0, 3), (62, 3, 4), (79, 8, 32)]
    oh = conv.to_tensor(ns)
    assert oh.shape == (32, 38) and np.all(oh.sum(1) == 1)


def test_melody_octave_fold_and_top_note():
    conv = MelodyConverter(48, 83, 16)
    classes, report = conv.to_classes(qseq([qnote(24, 0, 2), qnote(96, 0, 2), qnote(40, 4, 6)],
                                           16))
    assert report["octaveShifted"] == 3 and report["droppedPolyphony"] == 1
    assert classes[0] == 72 - 48 + 2 and classes[4] == 52 - 48 + 2


def test_melody_rejects_unquantized():
    with pytest.raises(ValueError):
        MelodyConverter(48, 83, 16).to_classes({"notes": []})


def test_drum_classes_roll_round_trip():
    rng = np.random.default_rng(0)
    roll = (rng.random((64, 9)) < 0.3).astype(np.uint8)
    assert np.array_equal(classes_to_roll(roll_to_classes(roll)), roll)


def test_drums_decode_first_pitch_of_each_class():
    conv = DrumsConverter(4)
    ns = conv.to_note_sequence([511, 0, 1, 256])
    assert [n["pitch"] for n in ns["notes"]] == [c[0] for c in GM_DRUM_PITCH_CLASSES] + [36, 51]
    # All three lists decode to the same GM pitches except the toms' first pitch in Roland's.
    assert [c[0] for c in MAGENTA_JS_DRUM_PITCH_CLASSES] == [c[0] for c in GM_DRUM_PITCH_CLASSES]
    assert len(ROLAND_DRUM_PITCH_CLASSES) == 9


def test_groove_offsets_sign_and_round_trip():
    conv = GrooveConverter(16)
    ns = useq([tnote(36, 0.49, 100), tnote(38, 1.01, 64)])  # 120 qpm: step 0.125 s
    t = conv.to_tensor(ns)
    assert t[4, 0] == 1 and t[8, 1] == 1 and t.sum(axis=0)[:9].sum() == 2
    assert t[4, 18] == pytest.approx(2 * 0.01 / 0.125, abs=1e-5)    # early -> positive
    assert t[8, 19] == pytest.approx(-2 * 0.01 / 0.125, abs=1e-5)   # late -> negative
    assert t[4, 9] == pytest.approx(100 / 127)
    back = conv.to_note_sequence(t, 120.0)
    assert [n["startTime"] for n in back["notes"]] == pytest.approx([0.49, 1.01], abs=1e-6)
    assert [n["velocity"] for n in back["notes"]] == [100, 64]


def test_groove_modes_reduce_input():
    ns = useq([tnote(36, 0.49, 100), tnote(100, 1.01, 64)])  # 100: no drum class
    hum = GrooveConverter(16, humanize=True).to_tensor(ns)
    assert hum[:, 9:].sum() == 0 and hum[4, 0] == 1 and hum[8].sum() == 0
    tap = GrooveConverter(16, tapify=True).to_tensor(ns)
    assert tap[4, 3] == 1 and tap[8, 3] == 1 and tap[:, 9:18].sum() == 0
    assert tap[4, 21] != 0


def test_groove_past_end_is_an_error_unless_dropped():
    ns = useq([tnote(36, 5.0, 100)])
    with pytest.raises(ValueError):
        GrooveConverter(16).to_tensor(ns)
    assert GrooveConverter(16).to_tensor(ns, drop_past_end=True).sum() == 0


def test_converter_from_settings():
    for conv in (MelodyConverter(21, 108, 64), DrumsConverter(64), GrooveConverter(32, tapify=True)):
        again = converter_from_settings(conv.settings())
        assert again.settings() == conv.settings()
