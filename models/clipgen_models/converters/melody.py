"""Melody converter: magenta.js MelodyConverter (core/data.js + core/melodies.js).

Classes per step: 0 = no event (hold the sounding note or keep resting), 1 = note-off,
2 + k = note-on of pitch minPitch + k.

Encoding is magenta.js Melody.fromNoteSequence with ignorePolyphony = true, plus one ClipGen
step before it: pitches outside [minPitch, maxPitch] are moved by whole octaves into range
(magenta.js throws instead); the count is reported. Faithful magenta.js details:
  * notes are visited by start step, higher pitch first; a later note on the same start step is
    dropped, so a chord is reduced to its top note;
  * each note writes note-on at its start and note-off at its end, in that order, so a later
    onset cuts a sounding note, and an earlier note's note-off can cut a later, longer note;
  * writes past numSteps are ignored (notes starting at or after numSteps are dropped).
"""
import numpy as np

from .noteseq import quantized_sequence, DEFAULT_QPM

NO_EVENT = 0
NOTE_OFF = 1
FIRST_PITCH = 2


class MelodyConverter:
    def __init__(self, min_pitch=21, max_pitch=108, num_steps=None, steps_per_quarter=4):
        if max_pitch - min_pitch < 11:
            raise ValueError("melody range must span at least an octave")
        self.min_pitch = min_pitch
        self.max_pitch = max_pitch
        self.num_steps = num_steps
        self.steps_per_quarter = steps_per_quarter
        self.depth = max_pitch - min_pitch + 1 + FIRST_PITCH

    def settings(self):
        d = {"type": "melody", "minPitch": self.min_pitch, "maxPitch": self.max_pitch,
             "stepsPerQuarter": self.steps_per_quarter}
        if self.num_steps is not None:
            d["numSteps"] = self.num_steps
        return d

    def fold_pitch(self, pitch):
        """Move a pitch by whole octaves into [min_pitch, max_pitch]."""
        while pitch < self.min_pitch:
            pitch += 12
        while pitch > self.max_pitch:
            pitch -= 12
        return pitch

    def to_classes(self, ns):
        """Quantized NoteSequence dict -> (int64 classes [T], report dict)."""
        if not (ns.get("quantizationInfo") or {}).get("stepsPerQuarter"):
            raise ValueError("melody converter needs a quantized NoteSequence")
        num_steps = self.num_steps if self.num_steps is not None else int(
            ns.get("totalQuantizedSteps", 0))
        report = {"octaveShifted": 0, "droppedPolyphony": 0, "droppedPastEnd": 0}
        notes = []
        for n in ns.get("notes", []):
            if n.get("isDrum"):
                continue
            p = int(n["pitch"])
            fp = self.fold_pitch(p)
            if fp != p:
                report["octaveShifted"] += 1
            notes.append((int(n.get("quantizedStartStep", 0)), fp,
                          int(n.get("quantizedEndStep", 0))))
        # magenta.js sort: by start step, then higher pitch first (JS sort is stable).
        notes.sort(key=lambda t: (t[0], -t[1]))
        events = np.zeros(num_steps, dtype=np.int64)
        last_start = -1
        for start, pitch, end in notes:
            if start == last_start:
                report["droppedPolyphony"] += 1
                continue
            if start >= num_steps:
                report["droppedPastEnd"] += 1
            if 0 <= start < num_steps:
                events[start] = pitch - self.min_pitch + FIRST_PITCH
            if 0 <= end < num_steps:
                events[end] = NOTE_OFF
            last_start = start
        return events, report

    def to_tensor(self, ns):
        classes, _ = self.to_classes(ns)
        return one_hot(classes, self.depth)

    def to_note_sequence(self, classes, steps_per_quarter=None, qpm=DEFAULT_QPM):
        """Class indices [T] -> quantized NoteSequence (magenta.js Melody.toNoteSequence)."""
        ns = quantized_sequence(steps_per_quarter or self.steps_per_quarter, qpm)
        cur = None
        classes = [int(c) for c in classes]
        for s, ev in enumerate(classes):
            if ev == NO_EVENT:
                continue
            if ev == NOTE_OFF:
                if cur is not None:
                    cur["quantizedEndStep"] = s
                    ns["notes"].append(cur)
                    cur = None
                continue
            if cur is not None:
                cur["quantizedEndStep"] = s
                ns["notes"].append(cur)
            cur = {"pitch": ev - FIRST_PITCH + self.min_pitch, "quantizedStartStep": s}
        if cur is not None:
            cur["quantizedEndStep"] = len(classes)
            ns["notes"].append(cur)
        ns["totalQuantizedSteps"] = len(classes)
        return ns


def one_hot(classes, depth):
    classes = np.asarray(classes, dtype=np.int64)
    out = np.zeros((len(classes), depth), dtype=np.float32)
    out[np.arange(len(classes)), classes] = 1.0
    return out
