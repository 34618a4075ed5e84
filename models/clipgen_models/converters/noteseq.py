"""NoteSequence helpers on plain dicts in magenta.js JSON (camelCase) form.

Only the fields the converters read or write are handled: notes (pitch, velocity, startTime,
endTime, quantizedStartStep, quantizedEndStep, isDrum), tempos, quantizationInfo,
totalQuantizedSteps, totalTime.
"""
import copy
import math

QUANTIZE_CUTOFF = 0.5  # magenta.js sequences.js
DEFAULT_QPM = 120.0
DEFAULT_STEPS_PER_QUARTER = 4


def quantize_to_step(seconds, steps_per_second, cutoff=QUANTIZE_CUTOFF):
    """magenta.js quantizeToStep: floor(x + 1 - cutoff)."""
    return int(math.floor(seconds * steps_per_second + (1.0 - cutoff)))


def qpm_of(ns):
    tempos = ns.get("tempos") or []
    return float(tempos[0]["qpm"]) if tempos else DEFAULT_QPM


def is_quantized(ns):
    return (ns.get("quantizationInfo") or {}).get("stepsPerQuarter", 0) > 0


def quantize(ns, steps_per_quarter):
    """magenta.js quantizeNoteSequence for one tempo (the first): returns a quantized copy."""
    qns = copy.deepcopy(ns)
    qns["quantizationInfo"] = {"stepsPerQuarter": steps_per_quarter}
    sps = qpm_of(ns) / 60.0 * steps_per_quarter
    total = 0
    for n in qns.get("notes", []):
        n["quantizedStartStep"] = quantize_to_step(n.get("startTime", 0.0), sps)
        n["quantizedEndStep"] = quantize_to_step(n.get("endTime", 0.0), sps)
        if n["quantizedEndStep"] == n["quantizedStartStep"]:
            n["quantizedEndStep"] += 1
        if n["quantizedStartStep"] < 0 or n["quantizedEndStep"] < 0:
            raise ValueError("negative note time")
        total = max(total, n["quantizedEndStep"])
    qns["totalQuantizedSteps"] = total
    return qns


def quantized_sequence(steps_per_quarter=DEFAULT_STEPS_PER_QUARTER, qpm=DEFAULT_QPM):
    """magenta.js createQuantizedNoteSequence."""
    return {"notes": [], "quantizationInfo": {"stepsPerQuarter": steps_per_quarter},
            "tempos": [{"qpm": qpm}]}
