"""Extracted windows cached as .npz under models/runs/cache/ (git-ignored)."""
import os

import numpy as np

from .drums import extract_drum_windows
from .melodies import extract_melody_windows

MODELS_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
DEFAULT_SHARED = os.path.abspath(os.path.join(MODELS_DIR, "..", "..", "shared", "data"))
CACHE_DIR = os.path.join(MODELS_DIR, "runs", "cache")


def _cached(name, build):
    path = os.path.join(CACHE_DIR, name + ".npz")
    if os.path.exists(path):
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files}
    data = build()
    os.makedirs(CACHE_DIR, exist_ok=True)
    np.savez_compressed(path + ".tmp.npz", **data)
    os.replace(path + ".tmp.npz", path)
    return data


def melody_windows(shared=DEFAULT_SHARED, bars=4, sources=("nottingham", "pop909")):
    """{'train': int16 [N, bars*16], 'validation': ...} (0 hold, -1 off, >0 MIDI pitch)."""
    sources = tuple(sorted(sources))

    def build():
        w, _ = extract_melody_windows(shared, bars, sources=sources)
        return w
    name = "melody_%dbar" % bars
    if sources != ("nottingham", "pop909"):
        name += "_" + "_".join(sources)
    return _cached(name, build)


def drum_windows(shared=DEFAULT_SHARED, bars=4, with_tap=False):
    """{'<split>_groove': [N, T, 27], '<split>_qpm', '<split>_tap' (with_tap)}."""
    def build():
        r = extract_drum_windows(os.path.join(shared, "groove-midi"), bars, with_tap=with_tap)
        out = {}
        for split, d in r.items():
            for k, v in d.items():
                if k != "file":
                    out[split + "_" + k] = v
        return out
    return _cached("drums_%dbar%s" % (bars, "_tap" if with_tap else ""), build)
