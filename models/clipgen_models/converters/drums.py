"""Drum converter: 9-class drum rolls as 512-way one-hot classes (magenta.js
DrumsOneHotConverter encoding, DrumsConverter decoding).

Class per step = sum of 2**c over the drum classes c hit at that step. Two ClipGen choices
where magenta.js misbehaves (both as in Python magenta's MultiDrumOneHotEncoding):
  * two pitches of the same class on one step set the bit once (magenta.js adds 2**c twice);
  * pitches in no class are skipped and counted (magenta.js produces NaN).
Decoding writes the first pitch of each class, one step long, isDrum true.
"""
import numpy as np

from .drum_classes import GM_DRUM_PITCH_CLASSES, NUM_DRUM_CLASSES, pitch_to_class
from .melody import one_hot
from .noteseq import quantized_sequence, DEFAULT_QPM

DRUM_DEPTH = 2 ** NUM_DRUM_CLASSES


class DrumsConverter:
    def __init__(self, num_steps=None, steps_per_quarter=4, pitch_classes=None):
        self.pitch_classes = [list(c) for c in (pitch_classes or GM_DRUM_PITCH_CLASSES)]
        if len(self.pitch_classes) != NUM_DRUM_CLASSES:
            raise ValueError("drum converter needs 9 pitch classes")
        self.pitch_to_class = pitch_to_class(self.pitch_classes)
        self.num_steps = num_steps
        self.steps_per_quarter = steps_per_quarter
        self.depth = DRUM_DEPTH

    def settings(self):
        d = {"type": "drums", "stepsPerQuarter": self.steps_per_quarter,
             "drumPitchClasses": self.pitch_classes}
        if self.num_steps is not None:
            d["numSteps"] = self.num_steps
        return d

    def to_roll(self, ns):
        """Quantized NoteSequence -> (uint8 roll [T, 9], report)."""
        if not (ns.get("quantizationInfo") or {}).get("stepsPerQuarter"):
            raise ValueError("drum converter needs a quantized NoteSequence")
        num_steps = self.num_steps if self.num_steps is not None else int(
            ns.get("totalQuantizedSteps", 0))
        roll = np.zeros((num_steps, NUM_DRUM_CLASSES), dtype=np.uint8)
        report = {"unknownPitches": 0, "droppedPastEnd": 0}
        for n in ns.get("notes", []):
            c = self.pitch_to_class.get(int(n["pitch"]))
            if c is None:
                report["unknownPitches"] += 1
                continue
            s = int(n.get("quantizedStartStep", 0))
            if s >= num_steps or s < 0:
                report["droppedPastEnd"] += 1
                continue
            roll[s, c] = 1
        return roll, report

    def to_classes(self, ns):
        roll, report = self.to_roll(ns)
        return roll_to_classes(roll), report

    def to_tensor(self, ns):
        classes, _ = self.to_classes(ns)
        return one_hot(classes, self.depth)

    def to_note_sequence(self, classes, steps_per_quarter=None, qpm=DEFAULT_QPM):
        ns = quantized_sequence(steps_per_quarter or self.steps_per_quarter, qpm)
        classes = [int(c) for c in classes]
        for s, label in enumerate(classes):
            for p in range(NUM_DRUM_CLASSES):
                if (label >> p) & 1:
                    ns["notes"].append({"pitch": self.pitch_classes[p][0],
                                        "quantizedStartStep": s, "quantizedEndStep": s + 1,
                                        "isDrum": True})
        ns["totalQuantizedSteps"] = len(classes)
        return ns


def roll_to_classes(roll):
    weights = (1 << np.arange(NUM_DRUM_CLASSES)).astype(np.int64)
    return (np.asarray(roll, dtype=np.int64) * weights).sum(axis=-1)


def classes_to_roll(classes):
    classes = np.asarray(classes, dtype=np.int64)
    return ((classes[..., None] >> np.arange(NUM_DRUM_CLASSES)) & 1).astype(np.uint8)
