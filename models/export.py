#!/usr/bin/env python3
"""ClipGen model files: inspect one, or write interface fixtures.

  export.py check MODEL.pt            load with its clipgen.json and call every method
  export.py reexport MODEL.pt         rewrite a trained file with today's network code (same
                                      weights and metadata): a .pt file carries the TorchScript
                                      code of the day it was saved, so speed-ups in nets/ reach
                                      shipped models only through this or a new training run
  export.py example KIND OUT.pt       tiny random-weight model of KIND (musicvae, hiervae,
                                      drumsvae, groovae, musicrnn, attentionrnn, drumsrnn) for
                                      engine interface tests only; its source says so.

Trained and imported models are saved through clipgen_models.export.save().
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clipgen_models.export import load, save  # noqa: E402
from clipgen_models.magenta_import import MAGENTA_JS_DRUM_PITCH_CLASSES  # noqa: E402
from clipgen_models.nets import MusicRNN, build_groove_vae, build_music_vae  # noqa: E402

FIXTURE = "random weights: interface fixture for tests, musically meaningless"


def example(kind: str):
    """(module, metadata) of a tiny random-weight model."""
    torch.manual_seed(0)
    mel = {"type": "melody", "minPitch": 21, "maxPitch": 108, "stepsPerQuarter": 4}
    drums = {"type": "drums", "drumPitchClasses": MAGENTA_JS_DRUM_PITCH_CLASSES, "stepsPerQuarter": 4}
    common = {"id": f"example_{kind}", "stepsPerQuarter": 4, "source": FIXTURE}
    if kind == "musicvae":
        return (build_music_vae(90, 90, 8, [16], [16], 32),
                dict(common, kind="musicvae", tools=["generate", "interpolate"], bars=2, zSize=8,
                     converter=dict(mel, numSteps=32)))
    if kind == "hiervae":
        return (build_music_vae(90, 90, 8, [16, 16], [16], 64, 4, [16]),
                dict(common, kind="musicvae", tools=["generate", "interpolate"], bars=4, zSize=8,
                     converter=dict(mel, numSteps=64, numSegments=4)))
    if kind == "drumsvae":
        return (build_music_vae(10, 512, 8, [16], [16], 32, roll_input=True),
                dict(common, kind="musicvae", tools=["generate", "interpolate"], bars=2, zSize=8,
                     converter=dict(drums, numSteps=32)))
    if kind == "groovae":
        return (build_groove_vae(8, 16, [16], 32),
                dict(common, kind="groovae", tools=["groove"], bars=2, zSize=8,
                     converter=dict(drums, type="groove", numSteps=32, humanize=True)))
    if kind in ("musicrnn", "attentionrnn"):
        return (MusicRNN(38, [16, 16, 16], attn_length=8 if kind == "attentionrnn" else 0),
                dict(common, kind="musicrnn", tools=["continue"], bars=0,
                     converter=dict(mel, minPitch=48, maxPitch=83)))
    if kind == "drumsrnn":
        return (MusicRNN(512, [16, 16], aux_bits=6),
                dict(common, kind="musicrnn", tools=["continue"], bars=0, converter=drums))
    raise SystemExit(f"unknown example kind {kind!r}")


def check(path: str) -> None:
    module, meta = load(path)
    conv = meta["converter"]
    torch.manual_seed(0)
    if meta["kind"] == "musicrnn":
        depth = {"melody": conv.get("maxPitch", 0) - conv.get("minPitch", 0) + 3, "drums": 512}[conv["type"]]
        primer = torch.randint(0, depth, (2, 4))
        print("generate:", module.generate(primer, 8, 0.0, torch.rand(2, 8)).tolist())
        return
    steps, zsize = conv["numSteps"], meta["zSize"]
    if meta["kind"] == "groovae":
        x = torch.rand(2, steps, 27)
        u = torch.rand(2, steps, 9)
    else:
        depth = 512 if conv["type"] == "drums" else conv["maxPitch"] - conv["minPitch"] + 3
        x = torch.nn.functional.one_hot(torch.randint(0, depth, (2, steps)), depth).float()
        u = torch.rand(2, steps)
    mu, sigma = module.encode(x, torch.full([2], steps, dtype=torch.long))
    print("encode: mu", tuple(mu.shape), "sigma", tuple(sigma.shape))
    out = module.decode(torch.randn(2, zsize), 0.0, u)
    print("decode:", tuple(out.shape), out.dtype)


def reexport(path: str) -> None:
    from train_configs import CONFIGS, build_net
    module, meta = load(path)
    cfg = CONFIGS.get(meta["id"])
    if cfg is None:
        raise SystemExit(f"{path}: {meta['id']!r} is not a ClipGen training config; "
                         "re-import magenta.js checkpoints with import_magenta.py")
    net = build_net(cfg)
    net.load_state_dict(module.state_dict())  # strict: the config must still fit the weights
    save(net, meta, path)
    print(f"rewrote {path} with the current network code")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("check")
    c.add_argument("model")
    r = sub.add_parser("reexport")
    r.add_argument("model", nargs="+")
    e = sub.add_parser("example")
    e.add_argument("kind")
    e.add_argument("out")
    args = ap.parse_args(argv)
    if args.cmd == "check":
        check(args.model)
    elif args.cmd == "reexport":
        for path in args.model:
            reexport(path)
    else:
        module, meta = example(args.kind)
        save(module, meta, args.out)
        print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
