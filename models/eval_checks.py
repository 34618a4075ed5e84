"""Sanity checks of a model file: loads, samples valid and non-degenerate output.

Used by test_eval_shipped.py and before committing a shipped model:
    cd models && /usr/bin/python3 eval_checks.py shipped/*.pt
"""
import sys

import numpy as np
import torch

from clipgen_models import export
from clipgen_models.converters import (DrumsConverter, GrooveConverter, MelodyConverter,
                                       classes_to_roll)
from clipgen_models.converters.goldens import qnote, qseq

MAX_FILE_MB = 25


def _melody_primer(conv):
    ns = qseq([qnote(p, s, s + 2) for s, p in zip(range(0, 16, 2),
                                                 [60, 62, 64, 65, 67, 65, 64, 62])], 16)
    return MelodyConverter(conv["minPitch"], conv["maxPitch"], 16).to_classes(ns)[0]


def _drum_ns(steps):
    notes = []
    for s in range(steps):
        if s % 2 == 0:
            notes.append(qnote(42, s, s + 1, 80, True))
        if s % 8 == 0:
            notes.append(qnote(36, s, s + 1, 100, True))
        if s % 8 == 4:
            notes.append(qnote(38, s, s + 1, 100, True))
    return qseq(notes, steps)


def check_outputs(module, meta, seed=0, batch=8):
    """Raises AssertionError with a reason when the output is invalid or degenerate;
    returns a short description of what was sampled."""
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    conv = meta["converter"]
    kind = meta["kind"]
    if kind == "musicvae":
        steps = conv["numSteps"]
        z = torch.from_numpy(rng.standard_normal((batch, meta["zSize"])).astype(np.float32))
        u = torch.from_numpy(rng.random((batch, steps)).astype(np.float32))
        with torch.no_grad():
            out = module.decode(z, 0.5, u).numpy()
        assert out.shape == (batch, steps), out.shape
        return _check_classes(out, conv, min_notes=3)
    if kind == "musicrnn":
        steps = 32
        if conv["type"] == "melody":
            primer = _melody_primer(conv)
        else:
            primer = DrumsConverter(16, pitch_classes=conv["drumPitchClasses"]).to_classes(
                _drum_ns(16))[0]
        p = torch.from_numpy(np.tile(primer, (batch, 1)))
        u = torch.from_numpy(rng.random((batch, steps)).astype(np.float32))
        with torch.no_grad():
            out = module.generate(p, steps, 1.0, u).numpy()
        assert out.shape == (batch, steps), out.shape
        return _check_classes(out, conv, min_notes=2)
    # groovae
    steps = conv["numSteps"]
    gc = GrooveConverter(steps, humanize=conv.get("humanize", False),
                         tapify=conv.get("tapify", False), pitch_classes=conv["drumPitchClasses"])
    x = torch.from_numpy(np.tile(gc.to_tensor(_drum_ns(steps)), (batch, 1, 1)))
    with torch.no_grad():
        mu, sigma = module.encode(x, torch.full([batch], steps, dtype=torch.long))
        assert torch.isfinite(mu).all() and (sigma > 0).all()
        z = mu + sigma * torch.from_numpy(rng.standard_normal(mu.shape).astype(np.float32))
        u = torch.from_numpy(rng.random((batch, steps, 9)).astype(np.float32))
        out = module.decode(z, 0.5, u).numpy()
    assert out.shape == (batch, steps, 27), out.shape
    hits = out[..., :9]
    assert set(np.unique(hits)) <= {0.0, 1.0}, "hits not 0/1"
    assert (out[..., 9:18] >= 0).all() and (out[..., 9:18] <= 1).all(), "velocity out of 0..1"
    assert (np.abs(out[..., 18:]) <= 1).all(), "offset out of -1..1"
    per = hits.sum((1, 2))
    assert (per >= 4).mean() >= 0.75, f"too few hits per sample: {per.tolist()}"
    vel = out[..., 9:18][hits > 0.5]
    off = out[..., 18:][hits > 0.5]
    assert vel.std() > 0.01, "all velocities equal"
    assert np.abs(off).max() > 0.01, "all offsets zero"
    ns = gc.to_note_sequence(out[0], 120.0)
    return f"{int(per.mean())} hits/sample, velocity sd {vel.std() * 127:.1f}, " \
           f"{len(ns['notes'])} notes decoded"


def _check_classes(out, conv, min_notes):
    if conv["type"] == "melody":
        depth = conv["maxPitch"] - conv["minPitch"] + 3
        assert out.min() >= 0 and out.max() < depth, "class out of range"
        mc = MelodyConverter(conv["minPitch"], conv["maxPitch"], out.shape[1])
        good = 0
        for row in out:
            notes = mc.to_note_sequence(row)["notes"]
            if len(notes) >= min_notes and len({n["pitch"] for n in notes}) >= 2:
                good += 1
        desc = "melodies"
    else:
        assert out.min() >= 0 and out.max() < 512, "class out of range"
        good = 0
        for row in out:
            roll = classes_to_roll(row)
            if roll.sum() >= min_notes + 2 and (roll.sum(0) > 0).sum() >= 2:
                good += 1
        desc = "drum patterns"
    assert good >= 0.75 * len(out), f"only {good}/{len(out)} non-degenerate {desc}"
    assert len({tuple(r) for r in out.tolist()}) > 1, "every sample identical"
    return f"{good}/{len(out)} non-degenerate {desc}"


def check_file(path):
    import os
    size_mb = os.path.getsize(path) / 1e6
    assert size_mb <= MAX_FILE_MB, f"{path}: {size_mb:.1f} MB > {MAX_FILE_MB} MB"
    module, meta = export.load(path)
    export.check_metadata(meta)
    for p in module.parameters():
        assert p.dtype == torch.float32, "weights must be float32"
    return meta, check_outputs(module, meta)


if __name__ == "__main__":
    bad = 0
    for path in sys.argv[1:]:
        try:
            meta, desc = check_file(path)
            print(f"OK   {path}: {desc}")
        except AssertionError as e:
            bad += 1
            print(f"FAIL {path}: {e}")
    sys.exit(1 if bad else 0)
