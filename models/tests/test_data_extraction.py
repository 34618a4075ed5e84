"""Window extraction on a few files of ../shared/data (skipped when it is absent)."""
import os
import sys

import numpy as np
import pytest

HERE = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(HERE, ".."))
from clipgen_models.data import melodies, drums, splits  # noqa: E402
from clipgen_models.data.midi import MidiNotes  # noqa: E402
from clipgen_models.converters import MelodyConverter  # noqa: E402

SHARED = os.path.join(os.environ.get("CLIPGEN_SHARED_DIR") or
                      os.path.join(HERE, "..", "..", "..", "shared"), "data")
need_shared = pytest.mark.skipif(not os.path.isdir(SHARED),
                                 reason=f"shared data absent at {SHARED}")


@need_shared
def test_pop909_melody_track_windows():
    path = os.path.join(SHARED, "pop909", "001.mid")
    m = MidiNotes(path)
    assert "MELODY" in [n.strip().upper() for n in m.track_names]
    notes, _ = melodies.file_monophonic_events(path, "MELODY")
    ev = melodies.monophonic_line(notes)
    ws = melodies.windows_from_events(ev, 4)
    assert len(ws) > 10
    for w in ws:
        assert w.shape == (64,) and (w > 0).sum() >= 4
    classes = melodies.events_to_classes(np.array(ws), 21, 108, transpose=3)
    assert classes.min() >= 0 and classes.max() < 90
    # Transposition moves every note-on class by 3 where it stays in range.
    base = melodies.events_to_classes(np.array(ws), 21, 108)
    on = base >= 2
    assert np.all((classes[on] - base[on]) % 12 == 3)


@need_shared
def test_nottingham_non_four_four_skipped():
    # ashover1 is in 3/4 (and 2/4): no 4/4 windows from it.
    assert melodies.file_monophonic_events(
        os.path.join(SHARED, "nottingham-melody", "ashover1.mid"), None) is None


@need_shared
def test_melody_events_agree_with_converter():
    path = os.path.join(SHARED, "pop909", "002.mid")
    notes, total = melodies.file_monophonic_events(path, "MELODY")
    ev = melodies.monophonic_line(notes)[:64]
    ns = {"notes": [{"pitch": p, "quantizedStartStep": s, "quantizedEndStep": e}
                    for s, p, e in notes],
          "quantizationInfo": {"stepsPerQuarter": 4}}
    classes, _ = MelodyConverter(21, 108, 64).to_classes(ns)
    assert np.array_equal(melodies.events_to_classes(ev[None], 21, 108)[0], classes)


@need_shared
def test_groove_windows_and_split():
    rows = splits.groove_info(os.path.join(SHARED, "groove-midi"))
    assert {r["split"] for r in rows} == {"train", "validation"}
    row = next(r for r in rows if r["time_signature"] == "4-4" and r["beat_type"] == "beat")
    qns, qpm = drums.file_sequence(row["path"])
    assert abs(qpm - float(row["bpm"])) < 1
    w = drums.window_sequence(qns, 16, 32, qpm)
    from clipgen_models.converters import GrooveConverter, ROLAND_DRUM_PITCH_CLASSES
    g = GrooveConverter(32, pitch_classes=ROLAND_DRUM_PITCH_CLASSES).to_tensor(
        w, drop_past_end=True)
    hits = g[:, :9] > 0.5
    assert hits.sum() > 8
    assert np.all(g[:, 9:18][hits] > 0) and np.all(np.abs(g[:, 18:]) <= 1)
    assert np.all(g[:, 9:][~np.concatenate([hits, hits], 1)] == 0)


@need_shared
def test_content_split_is_deterministic_and_about_ten_percent():
    import glob
    files = sorted(glob.glob(os.path.join(SHARED, "nottingham-melody", "*.mid")))[:300]
    s1 = [splits.content_split(p) for p in files]
    assert s1 == [splits.content_split(p) for p in files]
    frac = s1.count("validation") / len(s1)
    assert 0.03 < frac < 0.2
