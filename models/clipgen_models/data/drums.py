"""Drum windows from the Groove MIDI Dataset (4/4 files only, the dataset's own split).

Each file is read at its single tempo, quantized as magenta.js does (nearest step, 4 steps
per quarter) and folded to 9 classes with ROLAND_DRUM_PITCH_CLASSES (the TD-11 kit map magenta's
GrooVAE used; the models' metadata carries the General MIDI list, same decoded pitches).
Windows start on every bar (hop one bar):
  * drum rolls [N, steps, 9] for the drum VAE and RNN (windows with at least `min_hits` hits),
  * groove tensors [N, 32, 27] (full target) plus tapify inputs for GrooVAE.
"""
import numpy as np

from ..converters import GrooveConverter, ROLAND_DRUM_PITCH_CLASSES
from ..converters.noteseq import quantize
from .midi import MidiNotes
from .splits import groove_info

STEPS_PER_BAR = 16


def file_sequence(path):
    m = MidiNotes(path)
    notes = [{"pitch": n["pitch"], "velocity": n["velocity"], "startTime": n["startTime"],
              "endTime": n["endTime"], "isDrum": True} for n in m.notes]
    ns = {"notes": notes, "tempos": [{"qpm": m.qpm}]}
    return quantize(ns, 4), m.qpm


def window_sequence(qns, start_step, num_steps, qpm):
    """Notes of steps [start, start + num_steps), re-timed so the window starts at 0."""
    step_len = 60.0 / qpm / 4
    t0 = start_step * step_len
    notes = []
    for n in qns["notes"]:
        s = n["quantizedStartStep"]
        if start_step <= s < start_step + num_steps:
            m = dict(n)
            m["quantizedStartStep"] = s - start_step
            m["quantizedEndStep"] = n["quantizedEndStep"] - start_step
            m["startTime"] = n["startTime"] - t0
            m["endTime"] = n["endTime"] - t0
            notes.append(m)
    return {"notes": notes, "tempos": [{"qpm": qpm}], "quantizationInfo": {"stepsPerQuarter": 4},
            "totalQuantizedSteps": num_steps}


def extract_drum_windows(groove_dir, bars, min_hits=8, with_tap=False, limit_files=None):
    """-> dict split -> dict(groove [N,T,27] float32, tap [N,T,27] (with_tap), qpm [N],
    file [N] names)."""
    steps = bars * STEPS_PER_BAR
    full = GrooveConverter(steps, pitch_classes=ROLAND_DRUM_PITCH_CLASSES)
    tap = GrooveConverter(steps, tapify=True, pitch_classes=ROLAND_DRUM_PITCH_CLASSES)
    out = {}
    rows = [r for r in groove_info(groove_dir) if r["time_signature"] == "4-4"]
    if limit_files:
        rows = rows[:limit_files]
    for r in rows:
        qns, qpm = file_sequence(r["path"])
        total = max([n["quantizedStartStep"] for n in qns["notes"]] + [0]) + 1
        d = out.setdefault(r["split"], {"groove": [], "tap": [], "qpm": [], "file": []})
        for start in range(0, max(total - steps // 2, 1), STEPS_PER_BAR):
            w = window_sequence(qns, start, steps, qpm)
            g = full.to_tensor(w, drop_past_end=True)
            if g[:, :9].sum() < min_hits:
                continue
            d["groove"].append(g)
            if with_tap:
                d["tap"].append(tap.to_tensor(w, drop_past_end=True))
            d["qpm"].append(qpm)
            d["file"].append(r["midi_filename"])
    res = {}
    for split, d in out.items():
        res[split] = {"groove": np.array(d["groove"], dtype=np.float32),
                      "qpm": np.array(d["qpm"], dtype=np.float32), "file": np.array(d["file"])}
        if with_tap:
            res[split]["tap"] = np.array(d["tap"], dtype=np.float32)
    return res


def folder_drum_windows(folder, bars, split=None, pitch_classes=None, min_hits=8,
                        with_tap=False):
    """Drum windows from every .mid under folder (recursive). When folder holds a Groove MIDI
    info.csv, only 4/4 files of `split` (None = all) are read; otherwise every file.
    -> dict(groove [N,T,27], qpm [N], tap [N,T,27] when with_tap)."""
    import glob
    import os
    steps = bars * STEPS_PER_BAR
    pcs = pitch_classes or ROLAND_DRUM_PITCH_CLASSES
    full = GrooveConverter(steps, pitch_classes=pcs)
    tap = GrooveConverter(steps, tapify=True, pitch_classes=pcs)
    if os.path.exists(os.path.join(folder, "info.csv")):
        paths = [r["path"] for r in groove_info(folder)
                 if r["time_signature"] == "4-4" and (split is None or r["split"] == split)]
    else:
        paths = sorted(glob.glob(os.path.join(folder, "**", "*.mid"), recursive=True))
    res = {"groove": [], "qpm": [], "tap": []}
    for path in paths:
        qns, qpm = file_sequence(path)
        total = max([n["quantizedStartStep"] for n in qns["notes"]] + [0]) + 1
        for start in range(0, max(total - steps // 2, 1), STEPS_PER_BAR):
            w = window_sequence(qns, start, steps, qpm)
            g = full.to_tensor(w, drop_past_end=True)
            if g[:, :9].sum() < min_hits:
                continue
            res["groove"].append(g)
            res["qpm"].append(qpm)
            if with_tap:
                res["tap"].append(tap.to_tensor(w, drop_past_end=True))
    out = {"groove": np.array(res["groove"], dtype=np.float32).reshape(-1, steps, 27),
           "qpm": np.array(res["qpm"], dtype=np.float32)}
    if with_tap:
        out["tap"] = np.array(res["tap"], dtype=np.float32).reshape(-1, steps, 27)
    return out
