"""Groove converter: magenta.js GrooveConverter (core/data.js), splitInstruments false.

Per step, [9 hits (0/1) | 9 velocities (velocity/127) | 9 offsets], offsets =
2 * (grid time - played time) / step length, so -1..1 (half a step either way), positive when
the note was played EARLY (magenta.js sign). Quantization is magenta.js quantizeNoteSequence at
the first tempo (a note belongs to the nearest step). One note per (step, drum): the loudest,
the first on ties.

Modes reduce the *input*:
  * humanize: hits only (velocities and offsets 0);
  * tapify: every note, whatever its pitch, is a hit on class 3 (open hi-hat, magenta.js
    TAPIFY_CHANNEL), velocity 0, offset kept.
Decoding: hit > 0.5, velocity = clip(round(v * 127), 0, 127), offset = clip(o / 2, -.5, .5),
startTime = (step - offset) * stepLength, one step long, General MIDI pitch = first of class.
"""
import math

import numpy as np

from .drum_classes import GM_DRUM_PITCH_CLASSES, NUM_DRUM_CLASSES, pitch_to_class
from .noteseq import quantize, is_quantized, qpm_of, DEFAULT_QPM

MAX_MIDI_VELOCITY = 127
TAPIFY_CHANNEL = 3
GROOVE_DEPTH = 3 * NUM_DRUM_CLASSES


def js_round(x):
    """JavaScript Math.round (half up), unlike Python's round (half to even)."""
    return int(math.floor(x + 0.5))


class GrooveConverter:
    def __init__(self, num_steps=32, steps_per_quarter=4, humanize=False, tapify=False,
                 pitch_classes=None):
        self.pitch_classes = [list(c) for c in (pitch_classes or GM_DRUM_PITCH_CLASSES)]
        self.pitch_to_class = pitch_to_class(self.pitch_classes)
        self.num_steps = num_steps
        self.steps_per_quarter = steps_per_quarter
        self.humanize = humanize
        self.tapify = tapify
        self.depth = GROOVE_DEPTH

    def settings(self):
        return {"type": "groove", "numSteps": self.num_steps,
                "stepsPerQuarter": self.steps_per_quarter, "humanize": self.humanize,
                "tapify": self.tapify, "drumPitchClasses": self.pitch_classes}

    def to_tensor(self, ns, drop_past_end=False):
        """NoteSequence (quantized or not; startTime used for offsets) -> float32 [T, 27].

        magenta.js throws on notes past numSteps; drop_past_end=True skips them instead
        (used when cutting training windows)."""
        qns = ns if is_quantized(ns) else quantize(ns, self.steps_per_quarter)
        qpm = qpm_of(qns)
        step_length = (60.0 / qpm) / self.steps_per_quarter
        chosen = [dict() for _ in range(self.num_steps)]
        for n in qns.get("notes", []):
            pitch = int(n["pitch"])
            if not (self.tapify or pitch in self.pitch_to_class):
                continue
            s = int(n["quantizedStartStep"])
            if s >= self.num_steps:
                if drop_past_end:
                    continue
                raise ValueError(
                    "Model does not support sequences with more than %d steps (%g seconds at "
                    "qpm %g)." % (self.num_steps, self.num_steps * step_length, qpm))
            d = TAPIFY_CHANNEL if self.tapify else self.pitch_to_class[pitch]
            prev = chosen[s].get(d)
            if prev is None or prev.get("velocity", 0) < n.get("velocity", 0):
                chosen[s][d] = n
        out = np.zeros((self.num_steps, GROOVE_DEPTH), dtype=np.float32)
        k = NUM_DRUM_CLASSES
        for s in range(self.num_steps):
            for d, note in chosen[s].items():
                out[s, d] = 1.0
                if not self.humanize and not self.tapify:
                    out[s, k + d] = note.get("velocity", 0) / MAX_MIDI_VELOCITY
                if not self.humanize:
                    if "startTime" in note:
                        q_onset = note["quantizedStartStep"] * step_length
                        out[s, 2 * k + d] = 2.0 * (q_onset - note["startTime"]) / step_length
        return out

    def to_note_sequence(self, tensor, qpm=DEFAULT_QPM):
        tensor = np.asarray(tensor, dtype=np.float32)
        step_length = (60.0 / qpm) / self.steps_per_quarter
        num_steps = tensor.shape[0]
        ns = {"notes": [], "tempos": [{"qpm": qpm}], "totalTime": num_steps * step_length}
        k = NUM_DRUM_CLASSES
        for s in range(num_steps):
            for d in range(k):
                if float(tensor[s, d]) > 0.5:
                    vel = min(max(js_round(float(tensor[s, k + d]) * MAX_MIDI_VELOCITY), 0),
                              MAX_MIDI_VELOCITY)
                    off = min(max(float(tensor[s, 2 * k + d]) / 2.0, -0.5), 0.5)
                    ns["notes"].append({"pitch": self.pitch_classes[d][0],
                                        "startTime": (s - off) * step_length,
                                        "endTime": (s - off + 1) * step_length,
                                        "velocity": vel, "isDrum": True})
        return ns
