"""Writes the converter golden files tests/data/converters/{melody,drums,groove}.json.

    cd models && /usr/bin/python3 -m clipgen_models.converters.goldens ../tests/data/converters

The format is described in tests/data/converters/README.md. test_converters_golden.py checks
that the committed files equal what this module produces.
"""
import json
import os
import sys

import numpy as np

from . import MelodyConverter, DrumsConverter, GrooveConverter


def qnote(pitch, start, end, velocity=None, drum=False):
    n = {"pitch": pitch, "quantizedStartStep": start, "quantizedEndStep": end}
    if velocity is not None:
        n["velocity"] = velocity
    if drum:
        n["isDrum"] = True
    return n


def qseq(notes, total, spq=4, qpm=120.0):
    return {"notes": notes, "quantizationInfo": {"stepsPerQuarter": spq},
            "tempos": [{"qpm": qpm}], "totalQuantizedSteps": total}


def tnote(pitch, start, velocity, dur=0.1):
    return {"pitch": pitch, "startTime": start, "endTime": start + dur, "velocity": velocity,
            "isDrum": True}


def useq(notes, qpm=120.0):
    end = max([n["endTime"] for n in notes] + [0.0])
    return {"notes": notes, "tempos": [{"qpm": qpm}], "totalTime": end}


def f32(x):
    return [[float(np.float32(v)) for v in row] for row in np.asarray(x)]


def melody_cases():
    small = MelodyConverter(48, 83, 32)
    vae = MelodyConverter(21, 108, 64)
    specs = [
        ("hold_rest_hold", small, qseq([qnote(60, 0, 4), qnote(64, 4, 6), qnote(67, 8, 16)], 32)),
        ("repeated_pitch", small, qseq([qnote(60, 0, 2), qnote(60, 2, 4), qnote(60, 6, 7)], 32)),
        ("octave_shift_into_range", small,
         qseq([qnote(30, 0, 4), qnote(100, 4, 8), qnote(48, 8, 9), qnote(83, 9, 10)], 32)),
        ("chord_reduced_to_top_note", small,
         qseq([qnote(60, 0, 4), qnote(67, 0, 4), qnote(64, 0, 4), qnote(62, 4, 8),
               qnote(55, 4, 6)], 32)),
        ("later_onset_cuts_and_early_off_cuts", small,
         qseq([qnote(60, 0, 8), qnote(62, 4, 12), qnote(65, 12, 14), qnote(72, 13, 20)], 32)),
        ("past_end_dropped", small, qseq([qnote(70, 28, 40), qnote(71, 33, 35)], 40)),
        ("empty", small, qseq([], 32)),
        ("vae_range_4_bars", vae,
         qseq([qnote(21, 0, 4), qnote(108, 8, 12), qnote(110, 16, 20), qnote(69, 60, 64)], 64)),
    ]
    cases = []
    for name, conv, ns in specs:
        classes, report = conv.to_classes(ns)
        cases.append({"name": name, "converter": conv.settings(), "input": ns,
                      "tensor": classes.tolist(), "report": report,
                      "decoded": conv.to_note_sequence(classes)})
    # Decode-only: hold at the start is silence, a dangling note-on runs to the end.
    for name, classes in [("decode_hold_first_then_open_note", [0, 0, 1, 14, 0, 0, 1, 1, 16,
                                                                0, 0, 0, 0, 0, 0, 0] + [0] * 16)]:
        cases.append({"name": name, "converter": small.settings(), "input": None,
                      "tensor": classes, "decoded": small.to_note_sequence(classes)})
    return {"converter": small.settings(), "tensorForm": "classes", "cases": cases}


def drums_cases():
    conv = DrumsConverter(16)
    beat = []
    for s in range(0, 16, 2):
        beat.append(qnote(42, s, s + 1, 80, True))
    for s in (0, 8):
        beat.append(qnote(36, s, s + 1, 100, True))
    for s in (4, 12):
        beat.append(qnote(38, s, s + 1, 100, True))
    folding = [qnote(p, i, i + 1, 90, True)
               for i, p in enumerate([35, 44, 22, 26, 58, 52, 43, 47, 30, 53, 37, 40])]
    all_nine = [qnote(c[0], 0, 1, 90, True) for c in conv.pitch_classes] + [
        qnote(51, 15, 16, 90, True)]
    specs = [
        ("backbeat", qseq(beat, 16)),
        ("gm_and_roland_pitches_fold", qseq(folding, 16)),
        ("same_class_twice_sets_bit_once", qseq([qnote(36, 3, 4, 90, True),
                                                 qnote(35, 3, 4, 70, True)], 16)),
        ("unknown_pitch_skipped", qseq([qnote(20, 0, 1, 90, True), qnote(100, 1, 2, 90, True),
                                        qnote(38, 2, 3, 90, True)], 16)),
        ("all_nine_classes", qseq(all_nine, 16)),
        ("past_end_dropped", qseq([qnote(36, 15, 16, 90, True), qnote(36, 16, 17, 90, True)], 17)),
    ]
    cases = []
    for name, ns in specs:
        classes, report = conv.to_classes(ns)
        cases.append({"name": name, "converter": conv.settings(), "input": ns,
                      "tensor": classes.tolist(), "report": report,
                      "decoded": conv.to_note_sequence(classes)})
    return {"converter": conv.settings(), "tensorForm": "classes", "cases": cases}


def groove_cases():
    full = GrooveConverter(32)
    hum = GrooveConverter(32, humanize=True)
    tap = GrooveConverter(32, tapify=True)
    # 120 qpm: a step is 0.125 s.
    groove = useq([
        tnote(36, 0.0, 100), tnote(38, 0.51, 90), tnote(42, 0.24, 60), tnote(42, 0.3125, 50),
        tnote(46, 0.6, 70), tnote(49, 1.0, 127), tnote(51, 1.49, 64), tnote(45, 2.0, 40),
        tnote(48, 2.13, 41), tnote(50, 2.26, 42), tnote(36, 3.9, 110)])
    loudest = useq([tnote(38, 0.5, 40), tnote(40, 0.52, 90), tnote(37, 0.49, 90),
                    tnote(36, 1.0, 80), tnote(36, 1.0, 80)])
    tap_in = useq([tnote(60, 0.02, 90), tnote(36, 0.5, 100), tnote(38, 0.49, 30),
                   tnote(42, 0.99, 64), tnote(100, 1.5, 10)])
    slow = useq([tnote(36, 0.0, 100), tnote(38, 0.7, 100), tnote(42, 1.3, 80),
                 tnote(36, 5.0, 90)], qpm=90.0)
    quantized_in = qseq([dict(tnote(38, 0.26, 77), quantizedStartStep=2, quantizedEndStep=3)], 32)
    specs = [
        ("full_offsets_and_velocities", full, groove),
        ("loudest_note_wins_first_on_ties", full, loudest),
        ("tempo_90", full, slow),
        ("already_quantized_input", full, quantized_in),
        ("humanize_drops_velocity_and_offset", hum, groove),
        ("tapify_all_notes_on_open_hihat", tap, tap_in),
        ("tapify_groove", tap, groove),
    ]
    cases = []
    for name, conv, ns in specs:
        t = conv.to_tensor(ns)
        qpm = ns["tempos"][0]["qpm"]
        cases.append({"name": name, "converter": conv.settings(), "input": ns, "tensor": f32(t),
                      "qpm": qpm, "decoded": conv.to_note_sequence(t, qpm)})
    # Decode-only: threshold, velocity and offset clipping, JS rounding (0.5 -> up).
    t = np.zeros((32, 27), dtype=np.float32)
    t[0, 0], t[0, 9], t[0, 18] = 0.51, 1.3, 1.5
    t[1, 1], t[1, 10], t[1, 19] = 0.5, 0.9, 0.0
    t[2, 2], t[2, 11], t[2, 20] = 0.9, 0.5 / 127 * 127 / 127, -3.0
    t[3, 8], t[3, 17], t[3, 26] = 1.0, -0.2, -0.4
    t[4, 4], t[4, 13], t[4, 22] = 0.7, 63.5 / 127, 0.25
    cases.append({"name": "decode_threshold_and_clipping", "converter": full.settings(),
                  "input": None, "tensor": f32(t), "qpm": 100.0,
                  "decoded": full.to_note_sequence(t, 100.0)})
    return {"converter": full.settings(), "tensorForm": "groove27", "cases": cases}


def all_goldens():
    return {"melody": melody_cases(), "drums": drums_cases(), "groove": groove_cases()}


def dumps(obj):
    return json.dumps(obj, indent=1, sort_keys=True) + "\n"


def main(argv):
    out = argv[1] if len(argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "..", "..", "tests", "data", "converters")
    os.makedirs(out, exist_ok=True)
    for name, obj in all_goldens().items():
        with open(os.path.join(out, name + ".json"), "w") as f:
            f.write(dumps(obj))
        print("wrote", os.path.join(out, name + ".json"), len(obj["cases"]), "cases")


if __name__ == "__main__":
    main(sys.argv)
