"""Data converters between NoteSequence dicts (magenta.js JSON) and model tensors.

They mirror magenta.js core/data.js; the C++ engine has its own copies, checked against the
golden files in tests/data/converters/ (see its README.md).
"""
from .drum_classes import (GM_DRUM_PITCH_CLASSES, MAGENTA_JS_DRUM_PITCH_CLASSES,
                           ROLAND_DRUM_PITCH_CLASSES, NUM_DRUM_CLASSES, DRUM_CLASS_NAMES)
from .melody import MelodyConverter, one_hot, NO_EVENT, NOTE_OFF, FIRST_PITCH
from .drums import DrumsConverter, roll_to_classes, classes_to_roll, DRUM_DEPTH
from .groove import GrooveConverter, GROOVE_DEPTH, TAPIFY_CHANNEL
from .noteseq import quantize, quantize_to_step


def converter_from_settings(settings):
    """Build a converter from a clipgen.json "converter" object."""
    t = settings["type"]
    spq = settings.get("stepsPerQuarter", 4)
    if t == "melody":
        return MelodyConverter(settings["minPitch"], settings["maxPitch"],
                               settings.get("numSteps"), spq)
    if t == "drums":
        return DrumsConverter(settings.get("numSteps"), spq, settings.get("drumPitchClasses"))
    if t == "groove":
        return GrooveConverter(settings.get("numSteps", 32), spq, settings.get("humanize", False),
                               settings.get("tapify", False), settings.get("drumPitchClasses"))
    raise ValueError("unknown converter type %r" % t)
