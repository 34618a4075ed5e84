"""Deterministic input clips for the bench (quantized NoteSequence JSON, 120 qpm, 4/4, 16ths).

Both sides read the same file: magentajs_bench.js and clipgen_bench take keys a, b (interpolate
ends), primer (continue), groove4/groove16 (drum clips), drumify4 (a rhythm to drumify).
"""
import random
from typing import Dict, List, Tuple

SPQ = 4
QPM = 120.0
STEP_S = 60.0 / QPM / SPQ
DRUMS = [36, 38, 42, 46, 45, 48, 50, 49, 51]


def sequence(notes: List[Tuple[int, int, int]], steps: int, drums: bool) -> Dict:
    return {
        "notes": [{"pitch": p, "velocity": 90, "startTime": s * STEP_S, "endTime": e * STEP_S,
                   "quantizedStartStep": s, "quantizedEndStep": e, "isDrum": drums}
                  for p, s, e in notes],
        "tempos": [{"time": 0, "qpm": QPM}],
        "timeSignatures": [{"time": 0, "numerator": 4, "denominator": 4}],
        "quantizationInfo": {"stepsPerQuarter": SPQ},
        "totalQuantizedSteps": steps,
        "totalTime": steps * STEP_S,
    }


def melody(r: random.Random, steps: int, lo: int, hi: int) -> Dict:
    notes, s = [], 0
    while s < steps:
        length = r.choice([1, 2, 2, 4])
        e = min(s + length, steps)
        notes.append((r.randint(lo, hi), s, e))
        s = e + (1 if r.random() < 0.2 else 0)
    return sequence(notes, steps, False)


def drums(r: random.Random, steps: int) -> Dict:
    notes = [(p, s, s + 1) for s in range(steps) for i, p in enumerate(DRUMS)
             if r.random() < (0.35 if i < 3 else 0.08)]
    return sequence(notes, steps, True)


def inputs_for(converter: str, num_steps: int) -> Dict:
    """num_steps: the VAE's window (interpolate ends have exactly that length)."""
    r = random.Random(7)
    out: Dict = {}
    if converter == "melody":
        out["a"] = melody(r, num_steps or 32, 48, 84)
        out["b"] = melody(r, num_steps or 32, 55, 79)
        out["primer"] = melody(r, 32, 48, 83)
    else:
        out["a"] = drums(r, num_steps or 32)
        out["b"] = drums(r, num_steps or 32)
        out["primer"] = drums(r, 32)
    out["groove4"] = drums(r, 64)
    out["groove16"] = drums(r, 256)
    out["drumify4"] = drums(r, 64)
    return out
