#!/usr/bin/env python3
"""Train one of the six shipped models and export it to models/shipped/<id>.pt.

    cd models && /usr/bin/python3 train.py --model mel_4bar_vae --minutes 10

Fixed seeds, one CPU thread by default, a checkpoint in models/runs/<id>/ckpt.pt every minute
and at the end; --resume continues from it (the step count and elapsed time carry on; the
data order is re-seeded by step). --minutes is the wall-clock budget of this invocation.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from clipgen_models import export  # noqa: E402
import train_forward as tf  # noqa: E402
from train_configs import CONFIGS, build_net  # noqa: E402
from train_data import Dataset  # noqa: E402

LN2 = math.log(2.0)


def kl_term(mu, sigma):
    return 0.5 * (mu ** 2 + sigma ** 2 - 1.0 - 2.0 * torch.log(sigma + 1e-8)).sum(1)


def vae_loss(cfg, model, batch, step):
    """-> (loss, stats). ELBO with free bits and a beta ramp (magenta's recipe)."""
    if cfg["loss"] == "categorical_vae":
        classes = batch
        depth = cfg["net"]["num_classes"]
        x = F.one_hot(classes, depth).float()
        mu, sigma = tf.encode(model, x)
        z = mu + sigma * torch.randn_like(mu)
        logits = tf.categorical_decoder_logits(model, z, x)
        rec = F.cross_entropy(logits.reshape(-1, depth), classes.reshape(-1),
                              reduction="none").reshape(classes.shape).sum(1)
        acc = (logits.argmax(-1) == classes).float().mean()
    else:
        inputs, target = batch
        mu, sigma = tf.encode(model, inputs)
        z = mu + sigma * torch.randn_like(mu)
        raw = tf.groove_decoder_outputs(model, z, target)
        hits_t = target[..., :9]
        vel_err = (torch.sigmoid(raw[..., 9:18]) - target[..., 9:18]) ** 2
        if model.decoder.core.velocity_given_hit:
            # Over every step the head learns P(hit) x velocity; on hits only, a hit's velocity.
            vel_err = vel_err * hits_t
        rec = (F.binary_cross_entropy_with_logits(raw[..., :9], hits_t, reduction="none")
               .sum((1, 2)) + vel_err.sum((1, 2)) +
               ((torch.tanh(raw[..., 18:]) - target[..., 18:]) ** 2).sum((1, 2)))
        acc = ((raw[..., :9] > 0).float() == hits_t).float().mean()
    kl = kl_term(mu, sigma)
    free_nats = cfg["free_bits"] * LN2
    beta = cfg["max_beta"] * (1.0 - 0.999 ** step)
    kl_cost = torch.clamp(kl.mean() - free_nats, min=0.0)
    loss = rec.mean() + beta * kl_cost
    return loss, {"rec": rec.mean().item(), "kl_bits": kl.mean().item() / LN2, "acc": acc.item()}


def rnn_loss(cfg, model, classes, step):
    logits = tf.rnn_logits(model, classes)[:, :-1]
    target = classes[:, 1:]
    loss = F.cross_entropy(logits.reshape(-1, logits.size(-1)), target.reshape(-1))
    acc = (logits.argmax(-1) == target).float().mean()
    return loss, {"nll": loss.item(), "acc": acc.item()}


def get_batch(cfg, data, idx, rng):
    if cfg["data"] in ("melody", "drums4"):
        return data.classes(idx, rng)
    return data.groove(idx)


def loss_fn(cfg, model, batch, step):
    if cfg["kind"] == "musicrnn":
        return rnn_loss(cfg, model, batch, step)
    return vae_loss(cfg, model, batch, step)


@torch.no_grad()
def validate(cfg, model, data, limit=512):
    model.eval()
    idx = np.arange(min(limit, data.size))
    stats = {}
    n = 0
    for s in range(0, len(idx), 128):
        part = idx[s:s + 128]
        torch.manual_seed(1234)
        _, st = loss_fn(cfg, model, get_batch(cfg, data, part, None), 10 ** 9)
        for k, v in st.items():
            stats[k] = stats.get(k, 0.0) + v * len(part)
        n += len(part)
    model.train()
    return {k: v / n for k, v in stats.items()}


def metadata(model_id, cfg, info):
    meta = {"id": model_id, "kind": cfg["kind"], "tools": cfg["tools"],
            "converter": cfg["converter"], "bars": cfg["bars"], "stepsPerQuarter": 4,
            "source": info}
    if cfg["kind"] != "musicrnn":
        meta["zSize"] = cfg["net"]["z_size"]
    return meta


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", required=True, choices=sorted(CONFIGS))
    ap.add_argument("--minutes", type=float, default=10.0, help="wall-clock budget of this run")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--max-beta", type=float,
                    help="VAEs: KL weight instead of the config's max_beta (e.g. a resumed run "
                         "that pulls the posteriors toward the prior so prior samples look "
                         "more like the data, at some cost in reconstruction)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--resume", action="store_true", help="continue from runs/<id>/ckpt.pt")
    ap.add_argument("--runs", default=os.path.join(HERE, "runs"))
    ap.add_argument("--out", default=os.path.join(HERE, "shipped"))
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--melody-sources", default="nottingham,pop909",
                    help="melody models: comma list of nottingham, pop909 (e.g. pop909 only,\n"
                         "to keep GPL-3.0 Nottingham tunes out of the weights)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    cfg = dict(CONFIGS[args.model])
    if args.max_beta is not None:
        cfg["max_beta"] = args.max_beta
    run_dir = os.path.join(args.runs, args.model)
    os.makedirs(run_dir, exist_ok=True)
    ckpt_path = os.path.join(run_dir, "ckpt.pt")

    t_load = time.time()
    sources = tuple(args.melody_sources.split(","))
    train = Dataset(cfg, "train", melody_sources=sources)
    val = Dataset(cfg, "validation", melody_sources=sources)
    print(f"[{args.model}] data: {train.size} train / {val.size} validation windows "
          f"({time.time() - t_load:.1f} s)", flush=True)

    model = build_net(cfg)
    params = sum(p.numel() for p in model.parameters())
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    step, elapsed = 0, 0.0
    if args.resume and os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step, elapsed = ck["step"], ck["elapsed"]
        print(f"[{args.model}] resumed at step {step} ({elapsed / 60:.1f} min)", flush=True)
    print(f"[{args.model}] {params} parameters", flush=True)

    def save_ckpt():
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step,
                    "elapsed": elapsed, "args": vars(args)}, ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)

    model.train()
    start = run_start = time.time()
    last_ckpt = last_log = start
    run_stats = {}
    while time.time() - run_start < args.minutes * 60:
        rng = np.random.default_rng([args.seed, step])
        idx = rng.integers(0, train.size, size=args.batch)
        for g in opt.param_groups:  # exponential decay to 1/10 over ~20k steps
            g["lr"] = max(args.lr * 0.9999 ** step, args.lr / 10)
        loss, st = loss_fn(cfg, model, get_batch(cfg, train, idx, rng), step)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        for k, v in st.items():
            run_stats[k] = 0.98 * run_stats.get(k, v) + 0.02 * v
        now = time.time()
        if now - last_log > 30:
            print(f"[{args.model}] step {step} {elapsed / 60 + (now - start) / 60:.1f} min "
                  + " ".join(f"{k}={v:.3f}" for k, v in run_stats.items()), flush=True)
            last_log = now
        if now - last_ckpt > 60:
            elapsed += now - start  # elapsed counts training time across resumed runs
            start = now
            save_ckpt()
            last_ckpt = now
    elapsed += time.time() - start
    save_ckpt()
    vstats = validate(cfg, model, val)
    print(f"[{args.model}] done: {step} steps, {elapsed / 60:.1f} min; validation "
          + " ".join(f"{k}={v:.3f}" for k, v in vstats.items()), flush=True)
    summary = {"model": args.model, "steps": step, "minutes": round(elapsed / 60, 1),
               "batch": args.batch, "parameters": params, "validation": vstats,
               "train_windows": train.size, "validation_windows": val.size}
    with open(os.path.join(run_dir, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    if args.no_export:
        return
    data_name = DATA_NAMES[cfg["data"]]
    if cfg["data"] == "melody" and sources != ("nottingham", "pop909"):
        data_name = f"{args.melody_sources} 4-bar melody windows, transposed -5..+6"
    info = (f"trained by models/train.py on {data_name}: {step} steps of "
            f"{args.batch}, {elapsed / 60:.0f} min on 1 CPU thread, seed {args.seed}")
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, args.model + ".pt")
    export.save(model, metadata(args.model, cfg, info), path)
    print(f"[{args.model}] wrote {path} ({os.path.getsize(path) / 1e6:.1f} MB)", flush=True)


DATA_NAMES = {
    "melody": "Nottingham (4/4) + POP909 MELODY 4-bar windows, transposed -5..+6",
    "drums4": "Groove MIDI Dataset train split, 4-bar windows",
    "groove_humanize": "Groove MIDI Dataset train split, 2-bar windows (humanize)",
    "groove_tap": "Groove MIDI Dataset train split, 2-bar windows (tapify)",
}

if __name__ == "__main__":
    main()
