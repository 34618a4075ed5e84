#!/usr/bin/env python3
"""Evaluate a model file on a folder of .mid files, beside baselines (issue 5).

    cd models && /usr/bin/python3 eval.py --model shipped/mel_4bar_vae.pt \
        --data ../../shared/data/nottingham-melody [--train-data ...] [--split validation]

Windows are cut from --data exactly as for training (see docs/training.md). For our dataset
folders --split validation (the default) keeps the held-out files only; use --split all for a
foreign folder. Prints a table; --json FILE also writes the numbers.

  VAEs (musicvae): reconstruction accuracy from the encoder's mu, teacher-forced and sampled at
    T=1, over all steps and over onset steps, vs majority-class and random-window baselines;
    prior samples (z ~ N(0, I), T=1) vs held-out windows by feature KL and overlapped area (OA),
    next to a real-vs-real control (train windows vs held-out).
  RNNs (musicrnn): NLL per step and next-step accuracy vs an interpolated 3-gram fitted on train.
  GrooVAE humanize: timing error (ms at the file's tempo) and velocity error over true hits vs
    no change (on the grid, one velocity), random jitter from the training distributions, and
    nearest neighbour (the training window with the closest hit pattern).
  GrooVAE tap (Drumify): per-instrument onset F1 and hits per bar vs a fixed backbeat; timing and
    velocity errors as above.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from clipgen_models import export  # noqa: E402
from clipgen_models.converters import roll_to_classes, GM_DRUM_PITCH_CLASSES  # noqa: E402
from clipgen_models.data.drums import folder_drum_windows  # noqa: E402
from clipgen_models.data.melodies import events_to_classes, folder_melody_windows  # noqa: E402
import eval_features as ef  # noqa: E402
import train_forward as tf  # noqa: E402
from train_configs import CONFIGS, build_net  # noqa: E402

DEFAULT_SHARED = os.path.abspath(os.path.join(HERE, "..", "..", "shared", "data"))


def python_net(module, meta):
    """Rebuild the Python network (for teacher forcing) and load the scripted weights."""
    cfg = CONFIGS.get(meta["id"])
    if cfg is None:
        return None
    net = build_net(cfg)
    net.load_state_dict(module.state_dict())
    return net.eval()


def load_windows(meta, folders, split, limit, rng):
    """Windows of every folder in the comma list, pooled as training pools them, then at most
    limit of them drawn at random."""
    parts = [folder_windows(meta, f, split) for f in folders.split(",")]
    data = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    n = len(data["classes"])
    if limit and n > limit:
        idx = np.sort(rng.choice(n, limit, replace=False))
        data = {k: v[idx] for k, v in data.items()}
    return data


def folder_windows(meta, folder, split):
    conv = meta["converter"]
    steps = conv.get("numSteps") or meta["bars"] * 16
    bars = steps // 16
    if conv["type"] == "melody":
        ev = folder_melody_windows(folder, bars, split)
        classes = events_to_classes(ev, conv["minPitch"], conv["maxPitch"])
        data = {"classes": classes}
    else:
        d = folder_drum_windows(folder, bars, split, with_tap=conv["type"] == "groove")
        data = dict(d)
        data["classes"] = roll_to_classes(d["groove"][:, :, :9] > 0.5)
    return data


def onehot(classes, depth):
    return torch.nn.functional.one_hot(torch.as_tensor(classes, dtype=torch.long), depth).float()


def batches(n, size=128):
    for s in range(0, n, size):
        yield slice(s, min(n, s + size))


def onset_mask(classes, conv_type):
    return classes >= 2 if conv_type == "melody" else classes != 0


@torch.no_grad()
def eval_vae(module, net, meta, held, train, args, rng):
    conv = meta["converter"]
    depth = (conv["maxPitch"] - conv["minPitch"] + 3) if conv["type"] == "melody" else 512
    y = held["classes"]
    n, t = y.shape
    tf_pred = np.zeros_like(y)
    samp_pred = np.zeros_like(y)
    for sl in batches(n):
        x = onehot(y[sl], depth)
        lengths = torch.full([x.size(0)], t, dtype=torch.long)
        mu, _ = module.encode(x, lengths)
        if net is not None:
            tf_pred[sl] = tf.categorical_decoder_logits(net, mu, x).argmax(-1).numpy()
        u = torch.from_numpy(rng.random((x.size(0), t)).astype(np.float32))
        samp_pred[sl] = module.decode(mu, 1.0, u).numpy()
    on = onset_mask(y, conv["type"])
    rows = []

    def acc(pred, mask=None):
        ok = pred == y
        return float(ok[mask].mean()) if mask is not None else float(ok.mean())
    majority = np.bincount(train["classes"].reshape(-1)).argmax()
    shuffled = y[rng.permutation(n)]
    if net is not None:
        rows.append(("recon acc, teacher-forced, all steps", acc(tf_pred), None))
        rows.append(("recon acc, teacher-forced, onsets", acc(tf_pred, on), None))
    rows.append(("recon acc, sampled T=1, all steps", acc(samp_pred), None))
    rows.append(("recon acc, sampled T=1, onsets", acc(samp_pred, on), None))
    rows.append(("baseline: majority class (%d), all steps" % majority,
                 float((y == majority).mean()), None))
    rows.append(("baseline: random held-out window, all steps", acc(shuffled), None))
    rows.append(("baseline: random held-out window, onsets", acc(shuffled, on), None))
    # Prior samples.
    k = min(args.samples, n)
    z = torch.from_numpy(rng.standard_normal((k, meta["zSize"])).astype(np.float32))
    samples = np.concatenate([module.decode(z[sl], 1.0, torch.from_numpy(
        rng.random((sl.stop - sl.start, t)).astype(np.float32))).numpy()
        for sl in batches(k)])
    real_ctrl = train["classes"][rng.choice(len(train["classes"]), min(k, len(train["classes"])),
                                            replace=False)]
    ref = held["classes"][rng.choice(n, k, replace=False)]
    if conv["type"] == "melody":
        fr, fs, fc = (ef.melody_features(w, conv["minPitch"]) for w in (ref, samples, real_ctrl))
    else:
        fr, fs, fc = (ef.drum_features(w) for w in (ref, samples, real_ctrl))
    feats = []
    for name in fr:
        kl_s, oa_s = ef.compare(fr[name], fs[name])
        kl_c, oa_c = ef.compare(fr[name], fc[name])
        feats.append((name, kl_s, oa_s, kl_c, oa_c, float(np.mean(fs[name]) if fs[name] else 0),
                      float(np.mean(fr[name]) if fr[name] else 0)))
    degenerate = float(np.mean([len(set(w.tolist())) <= 2 for w in samples]))
    return {"reconstruction": rows, "prior": feats, "prior_samples": k,
            "prior_degenerate_fraction": degenerate}


@torch.no_grad()
def eval_rnn(module, net, meta, held, train, args):
    conv = meta["converter"]
    depth = (conv["maxPitch"] - conv["minPitch"] + 3) if conv["type"] == "melody" else 512
    y = held["classes"]
    rows = []
    def model_scores(windows):
        nll, hit, cnt = 0.0, 0, 0
        for sl in batches(len(windows)):
            c = torch.as_tensor(windows[sl], dtype=torch.long)
            logits = tf.rnn_logits(net, c)[:, :-1]
            target = c[:, 1:]
            nll += torch.nn.functional.cross_entropy(logits.reshape(-1, depth),
                                                     target.reshape(-1), reduction="sum").item()
            hit += (logits.argmax(-1) == target).sum().item()
            cnt += target.numel()
        return nll / cnt, hit / cnt
    k = min(len(y), args.trigram_windows)
    if net is not None:
        rows.append(("model: all %d windows" % len(y), *model_scores(y)))
        rows.append(("model: first %d windows" % k, *model_scores(y[:k])))
    tri = ef.TrigramBaseline(train["classes"], depth)
    tri_nll, tri_acc = tri.evaluate(y[: args.trigram_windows])
    rows.append(("3-gram fitted on train: first %d windows" % k, tri_nll, tri_acc))
    return {"rnn": rows}


def groove_errors(pred, target, qpm, hits=None):
    """Mean |timing error| in ms and |velocity error| (MIDI units) over true hits (or the
    given mask)."""
    if hits is None:
        hits = target[..., :9] > 0.5
    step_ms = 60000.0 / qpm / 4.0  # offsets are in half steps
    dt = np.abs(pred[..., 18:] - target[..., 18:]) * (step_ms[:, None, None] / 2.0)
    dv = np.abs(pred[..., 9:18] - target[..., 9:18]) * 127.0
    return float(dt[hits].mean()), float(dv[hits].mean())


def onset_f1(pred_hits, true_hits):
    out = []
    for d in range(9):
        p, t = pred_hits[..., d], true_hits[..., d]
        tp = float((p & t).sum())
        prec = tp / max(p.sum(), 1)
        rec = tp / max(t.sum(), 1)
        out.append(0.0 if tp == 0 else 2 * prec * rec / (prec + rec))
    return out


@torch.no_grad()
def eval_groove(module, meta, held, train, args, rng):
    conv = meta["converter"]
    target = held["groove"]
    inp = held["tap"] if conv.get("tapify") else target.copy()
    if conv.get("humanize"):
        inp[..., 9:] = 0.0
    n, t, _ = target.shape
    pred = np.zeros_like(target)
    for sl in batches(n):
        x = torch.from_numpy(inp[sl])
        mu, _ = module.encode(x, torch.full([x.size(0)], t, dtype=torch.long))
        pred[sl] = module.decode(mu, 0.0, torch.zeros(x.size(0), t, 9)).numpy()
    qpm = held["qpm"]
    true_hits = target[..., :9] > 0.5
    tr = train["groove"]
    tr_hits = tr[..., :9] > 0.5
    rows = []
    m_t, m_v = groove_errors(pred, target, qpm)
    rows.append(("model", m_t, m_v))
    if conv.get("humanize"):
        # As ClipGen's Groove runs it: z = mu, the decoder fed the input's own hits (a uniform
        # of -1 forces a hit, 2 forbids one), so every true hit gets the model's feel.
        forced = np.zeros_like(target)
        force = np.where(target[..., :9] > 0.5, -1.0, 2.0).astype(np.float32)
        for sl in batches(n):
            x = torch.from_numpy(inp[sl])
            mu, _ = module.encode(x, torch.full([x.size(0)], t, dtype=torch.long))
            forced[sl] = module.decode(mu, 1.0, torch.from_numpy(force[sl])).numpy()
        rows.append(("model, input hits forced (ClipGen's Groove)",
                     *groove_errors(forced, target, qpm)))
    # No change: on the grid, one velocity (the training mean over hits).
    mean_vel = float(tr[..., 9:18][tr_hits].mean())
    nc = np.zeros_like(target)
    nc[..., 9:18] = mean_vel
    rows.append(("no change (grid, velocity %d)" % round(mean_vel * 127),
                 *groove_errors(nc, target, qpm)))
    # Random jitter: per instrument, draw offset and velocity from the training hits.
    rj = np.zeros_like(target)
    for d in range(9):
        vals = np.nonzero(tr_hits[..., d].reshape(-1))[0]
        if len(vals) == 0:
            continue
        pick = rng.choice(vals, size=n * t)
        rj[..., 9 + d] = tr[..., 9 + d].reshape(-1)[pick].reshape(n, t)
        rj[..., 18 + d] = tr[..., 18 + d].reshape(-1)[pick].reshape(n, t)
    rows.append(("random jitter (training distributions)", *groove_errors(rj, target, qpm)))
    # Nearest neighbour on the (reduced) input pattern; copy its velocities/offsets.
    key_tr = (train["tap"][..., :9] if conv.get("tapify") else tr[..., :9]).reshape(len(tr), -1)
    key_h = inp[..., :9].reshape(n, -1)
    a = key_h.astype(np.float32)
    b = key_tr.astype(np.float32)
    dist = (a ** 2).sum(1)[:, None] + (b ** 2).sum(1)[None, :] - 2 * a @ b.T
    if conv.get("tapify"):
        off_tr = train["tap"][..., 18:].reshape(len(tr), -1)
        dist = dist + ((inp[..., 18:].reshape(n, -1)[:, None, :] - off_tr[None]) ** 2).sum(2) \
            if n * len(tr) * off_tr.shape[1] < 2e8 else dist
    nn_idx = dist.argmin(1)
    nnp = tr[nn_idx].copy()
    nnp[..., 9:18] = np.where(tr_hits[nn_idx], nnp[..., 9:18], mean_vel)
    rows.append(("nearest neighbour (train)", *groove_errors(nnp, target, qpm)))
    # Diagnostic: only the true hits the model also plays (a dropped hit has a low velocity).
    both = true_hits & (pred[..., :9] > 0.5)
    share = 100.0 * both.sum() / max(true_hits.sum(), 1)
    rows.append(("model, on the %.0f%% of hits it plays" % share,
                 *groove_errors(pred, target, qpm, both)))
    rows.append(("no change, on those hits", *groove_errors(nc, target, qpm, both)))
    rows.append(("nearest neighbour, on those hits", *groove_errors(nnp, target, qpm, both)))
    res = {"groove": rows, "windows": n}
    # Onsets (Drumify's measure; for humanize, how faithfully the input hits come back).
    pred_hits = pred[..., :9] > 0.5
    bb = np.zeros_like(true_hits)
    bb[:, 0::8, 0] = True          # kick on beats 1 and 3
    bb[:, 4::8, 1] = True          # snare on 2 and 4
    bb[:, 0::2, 2] = True          # closed hi-hat on eighths
    bars = t / 16.0
    res["f1"] = [("model", onset_f1(pred_hits, true_hits), float(pred_hits.sum() / n / bars)),
                 ("backbeat", onset_f1(bb, true_hits), float(bb.sum() / n / bars)),
                 ("nearest neighbour", onset_f1(tr_hits[nn_idx], true_hits),
                  float(tr_hits[nn_idx].sum() / n / bars))]
    res["true_density"] = float(true_hits.sum() / n / bars)
    return res


def print_report(meta, res, args):
    print(f"model {args.model} ({meta['id']}, {meta['kind']}); held-out: {args.data} "
          f"split={args.split}, {res['held_windows']} windows; train: {res['train_windows']}")
    if "reconstruction" in res:
        print("\nReconstruction (z = encoder mu)")
        for name, v, _ in res["reconstruction"]:
            print(f"  {name:<50s} {v:6.3f}")
        print(f"\nPrior samples ({res['prior_samples']}, T=1) vs held-out; control = train vs "
              f"held-out (lower KL, higher OA = closer)")
        print(f"  {'feature':<15s} {'KL model':>9s} {'OA model':>9s} {'KL ctrl':>9s} "
              f"{'OA ctrl':>9s} {'mean model':>11s} {'mean held':>10s}")
        for name, kl_s, oa_s, kl_c, oa_c, ms, mr in res["prior"]:
            print(f"  {name:<15s} {kl_s:9.3f} {oa_s:9.3f} {kl_c:9.3f} {oa_c:9.3f} {ms:11.2f} "
                  f"{mr:10.2f}")
        print(f"  samples with <= 2 distinct classes: {res['prior_degenerate_fraction']:.2f}")
    if "rnn" in res:
        print("\nNext-step prediction on held-out windows (NLL in nats per step)")
        for name, nll, acc in res["rnn"]:
            print(f"  {name:<62s} NLL {nll:6.3f}  acc {acc:6.3f}")
    if "groove" in res:
        print(f"\nGroove errors over true hits ({res['windows']} windows)")
        print(f"  {'method':<42s} {'timing ms':>10s} {'velocity':>9s}")
        for name, dt, dv in res["groove"]:
            print(f"  {name:<42s} {dt:10.2f} {dv:9.2f}")
        names = ["kick", "snare", "c.hh", "o.hh", "lowT", "midT", "hiT", "crash", "ride"]
        print(f"\nOnset F1 per instrument (true hits/bar {res['true_density']:.2f})")
        print("  " + f"{'method':<20s}" + "".join(f"{n:>7s}" for n in names) + "  hits/bar")
        for name, f1, dens in res["f1"]:
            print("  " + f"{name:<20s}" + "".join(f"{v:7.3f}" for v in f1) + f"  {dens:8.2f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--data", required=True,
                    help="folder of .mid files (held-out); a comma list pools several, as "
                         "training does (e.g. a melody model's nottingham-melody,pop909)")
    ap.add_argument("--train-data", help="folder for baselines/control (default: --data)")
    ap.add_argument("--split", default="validation", choices=["validation", "train", "all"])
    ap.add_argument("--limit", type=int, default=2000, help="max held-out windows")
    ap.add_argument("--train-limit", type=int, default=20000)
    ap.add_argument("--samples", type=int, default=500, help="prior samples")
    ap.add_argument("--trigram-windows", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    module, meta = export.load(args.model)
    net = python_net(module, meta)
    split = None if args.split == "all" else args.split
    held = load_windows(meta, args.data, split, args.limit, rng)
    train = load_windows(meta, args.train_data or args.data,
                         "train" if args.split != "train" else None, args.train_limit, rng)
    if len(held["classes"]) == 0:
        sys.exit(f"no usable windows in {args.data} (split {args.split})")
    res = {"held_windows": len(held["classes"]), "train_windows": len(train["classes"])}
    if meta["kind"] == "musicvae":
        res.update(eval_vae(module, net, meta, held, train, args, rng))
    elif meta["kind"] == "musicrnn":
        res.update(eval_rnn(module, net, meta, held, train, args))
    else:
        res.update(eval_groove(module, meta, held, train, args, rng))
    print_report(meta, res, args)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(res, f, indent=1)


if __name__ == "__main__":
    main()
