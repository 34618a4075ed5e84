"""Training/validation tensors per model, from the cached windows (clipgen_models.data)."""
import numpy as np
import torch

from clipgen_models.converters import roll_to_classes
from clipgen_models.data import cache
from clipgen_models.data.melodies import events_to_classes

TRANSPOSE = (-5, 6)  # melody augmentation, semitones, inclusive


class Dataset:
    """x: model input source, y: target source for one split; batch() returns tensors."""

    def __init__(self, cfg, split, shared=cache.DEFAULT_SHARED,
                 melody_sources=("nottingham", "pop909")):
        self.cfg = cfg
        self.split = split
        kind = cfg["data"]
        if kind == "melody":
            self.events = cache.melody_windows(shared, cfg["bars"], melody_sources)[split].astype(np.int64)
            conv = cfg["converter"]
            self.min_pitch, self.max_pitch = conv["minPitch"], conv["maxPitch"]
            self.size = len(self.events)
        elif kind == "drums4":
            d = cache.drum_windows(shared, 4)
            self.drum_classes = roll_to_classes(d[split + "_groove"][:, :, :9] > 0.5)
            self.size = len(self.drum_classes)
        else:
            d = cache.drum_windows(shared, 2, with_tap=True)
            self.target = d[split + "_groove"]
            if kind == "groove_humanize":
                self.inputs = self.target.copy()
                self.inputs[:, :, 9:] = 0.0
            else:
                self.inputs = d[split + "_tap"]
            self.qpm = d[split + "_qpm"]
            self.size = len(self.target)

    def classes(self, idx, rng=None):
        """int64 [B,T] classes for melody/drum models (train split transposed at random)."""
        if self.cfg["data"] == "melody":
            if rng is not None:
                t = rng.integers(TRANSPOSE[0], TRANSPOSE[1] + 1, size=(len(idx), 1))
            else:
                t = 0
            return torch.from_numpy(events_to_classes(self.events[idx], self.min_pitch,
                                                      self.max_pitch, t))
        return torch.from_numpy(self.drum_classes[idx])

    def groove(self, idx):
        return torch.from_numpy(self.inputs[idx]), torch.from_numpy(self.target[idx])
