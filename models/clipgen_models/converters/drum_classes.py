"""The 9 drum classes: kick, snare, closed hi-hat, open hi-hat, low/mid/high tom, crash, ride.

Decoding always writes the first pitch of a class, so every list below decodes to the same
General MIDI pitches except where noted.
"""

# magenta (Python) drums_encoder_decoder.DEFAULT_DRUM_TYPE_PITCHES, a.k.a. music_vae
# REDUCED_DRUM_PITCH_CLASSES: General MIDI plus the Roland edge pitches 22 and 26. This is what
# ClipGen's own models carry in their metadata (converter.drumPitchClasses), because clips from
# Live use General MIDI.
GM_DRUM_PITCH_CLASSES = [
    [36, 35],
    [38, 27, 28, 31, 32, 33, 34, 37, 39, 40, 56, 65, 66, 75, 85],
    [42, 44, 54, 68, 69, 70, 71, 73, 78, 80, 22],
    [46, 67, 72, 74, 79, 81, 26],
    [45, 29, 41, 43, 61, 64, 84],
    [48, 47, 60, 63, 77, 86, 87],
    [50, 30, 62, 76, 83],
    [49, 52, 55, 57, 58],
    [51, 53, 59, 82],
]

# magenta.js core/constants.js DEFAULT_DRUM_PITCH_CLASSES (an older list: 43 is a high tom,
# 52 a ride, no 22/26). Used for checkpoints imported from magenta.js.
MAGENTA_JS_DRUM_PITCH_CLASSES = [
    [36, 35],
    [38, 27, 28, 31, 32, 33, 34, 37, 39, 40, 56, 65, 66, 75, 85],
    [42, 44, 54, 68, 69, 70, 71, 73, 78, 80],
    [46, 67, 72, 74, 79, 81],
    [45, 29, 41, 61, 64, 84],
    [48, 47, 60, 63, 77, 86, 87],
    [50, 30, 43, 62, 76, 83],
    [49, 55, 57, 58],
    [51, 52, 53, 59, 82],
]

# magenta music_vae data.ROLAND_DRUM_PITCH_CLASSES: how the Groove MIDI Dataset (Roland TD-11
# kit) folds, used by magenta's GrooVAE training. On the TD-11, 48/50 are tom 1 head/rim,
# 45/47 tom 2, 43/58 tom 3 (floor): the GM list above would put 48 on the mid tom and 58 on
# the crash. We use this list only when *reading the training data*.
ROLAND_DRUM_PITCH_CLASSES = [
    [36],
    [38, 37, 40],
    [42, 22, 44],
    [46, 26],
    [43, 58],
    [47, 45],
    [50, 48],
    [49, 52, 55, 57],
    [51, 53, 59],
]

NUM_DRUM_CLASSES = 9
DRUM_CLASS_NAMES = ["kick", "snare", "closed_hh", "open_hh", "low_tom", "mid_tom", "high_tom",
                    "crash", "ride"]


def pitch_to_class(pitch_classes):
    """Map pitch -> class index (the last list wins on duplicates, as in magenta.js)."""
    table = {}
    for c, pitches in enumerate(pitch_classes):
        for p in pitches:
            table[p] = c
    return table
