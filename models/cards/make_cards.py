#!/usr/bin/env python3
"""Writes models/cards/<id>.md from the shipped file's metadata, models/runs/<id>/summary.json
(train.py) and models/runs/eval/<id>.txt (eval.py output), plus the notes below.

    cd models && /usr/bin/python3 cards/make_cards.py [ids...]
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.dirname(HERE)
sys.path.insert(0, MODELS)
from clipgen_models import export  # noqa: E402
from train_configs import CONFIGS  # noqa: E402

GROOVE_LICENCE = ("Groove MIDI Dataset, CC BY 4.0 (Gillick et al. 2019, Magenta). The weights "
                  "may be used and redistributed, commercially too, with that credit.")
MELODY_LICENCE = (
    "POP909 (MIT) and the Nottingham Music Database as cleaned by Jukedeck (GPL-3.0). MIT needs "
    "only the notice. For GPL-3.0 it is unsettled whether trained weights are a work based on "
    "the data; the cautious reading is that this file is distributed under GPL-3.0 terms "
    "(training code and data are public, so it can be reproduced). To avoid the question, "
    "retrain with `train.py --melody-sources pop909`. See docs/data-credits.md.")

EVAL_CMD = {
    "melody": "eval.py --model shipped/{id}.pt --data "
              "../../shared/data/nottingham-melody,../../shared/data/pop909 (and each alone)",
    "drums": "eval.py --model shipped/{id}.pt --data ../../shared/data/groove-midi",
    "groove": "eval.py --model shipped/{id}.pt --data ../../shared/data/groove-midi",
}

NOTES = {
    "mel_4bar_vae": {
        "use": "Generate (prior samples) and Interpolate (slerp between encoded clips), 4 bars "
               "of monophonic melody, MIDI 21-108.",
        "weak": ["128 minutes on one CPU thread (27,400 steps; KL weight 0.2, the last 24 "
                 "minutes 0.5): far from magenta's mel_4bar (about 0.92 / 0.81 teacher-forced / "
                 "sampled on 16-bar melodies, trained on ~1.5 M files). Reconstruction gets "
                 "47-67 % of onsets teacher-forced and 19-26 % sampled: well above the "
                 "random-window baseline (2-7 %) but not faithful, so Interpolate's end points "
                 "resemble, not reproduce, the clips.",
                 "Prior samples against the held-out data it was trained for (Nottingham and "
                 "POP909 pooled, metrics file mel_4bar_vae.txt): every feature's overlap is at "
                 "least 80 % of the real-vs-real control (pitch range 0.80 vs 0.92 is the "
                 "lowest); the same holds on POP909 alone. Against Nottingham alone pitch "
                 "classes (OA 0.64 vs 0.96) and note lengths (0.55 vs 0.97) are off: the model "
                 "is trained transposed over 12 keys and mixes folk and pop rhythms, while "
                 "Nottingham tunes sit in a few keys.",
                 "4/4 only; pickups and POP909 bar alignment are not corrected (windows start "
                 "at tick 0 of each file).",
                 "Polyphonic input keeps magenta.js's line (chord top note, newest onset)."]},
    "drums_4bar_vae": {
        "use": "Generate and Interpolate, 4 bars of drums on 9 classes, no velocity or timing.",
        "weak": ["55 minutes on one CPU thread (5,400 steps): prior samples now match held-out "
                 "density and feature overlap (OA within 1-2 % of the real-vs-real control), "
                 "but reconstruction gets 56 % of onsets (teacher-forced), 42 % sampled, so "
                 "Interpolate's end points are close to, not the same as, the input clips. "
                 "Training loss is well below validation loss: more data, not more steps, is "
                 "the next gain.",
                 "Quantized output only (the 512-class roll has no velocity)."]},
    "melody_rnn": {
        "use": "Continue: extends a monophonic primer (MIDI 48-83, octave-folded) step by step.",
        "weak": ["43 minutes on one CPU thread (1,600 steps): beats the 3-gram on held-out "
                 "windows (NLL 0.98 vs 1.22 on Nottingham, 1.34 vs 1.67 on POP909), but "
                 "phrases longer than a few bars are not learned.",
                 "The binary step counter assumes the primer starts on a bar line."]},
    "drum_kit_rnn": {
        "use": "Continue: extends a drum primer on 9 classes.",
        "weak": ["42 minutes on one CPU thread (5,700 steps): beats the 3-gram on held-out "
                 "windows (NLL 1.59 vs 2.41), but training NLL (1.18) is well below validation "
                 "(1.60): it starts to memorise the 897 training performances.",
                 "The binary step counter assumes the primer starts on a bar line."]},
    "groovae_humanize": {
        "use": "Groove: adds timing offsets and velocities to a quantized 2-bar drum clip "
               "(input reduced to hits).",
        "weak": ["84 minutes on one CPU thread (17,400 steps); the last 35 minutes with the "
                 "velocity loss on hits only (magenta's loss runs over every step, so its head "
                 "learns P(hit) x velocity and a forced hit the model doubts came out soft). As "
                 "ClipGen's Groove runs it (input hits forced) the timing error is 20.0 ms: 35 % "
                 "below random jitter (30.9) and below nearest neighbour (24.1); velocity 23.5 "
                 "against 26.4 for nearest neighbour and 31.5 for one fixed velocity.",
                 "Sampled freely (the 'model' row) it drops about a quarter of the hits, which "
                 "then count as velocity 0; Groove never does that, it forces the clip's hits.",
                 "2 bars at a time; longer clips are processed in 2-bar windows by the engine."]},
    "groovae_tap": {
        "use": "Drumify: turns a rhythm (any notes, timing kept) into a 2-bar drum groove.",
        "weak": ["43 minutes on one CPU thread (6,200 steps): kick/snare/hi-hat onset F1 "
                 "0.52/0.58/0.64 against 0.43/0.33/0.57 for a fixed backbeat and 0.39/0.49/0.58 "
                 "for nearest neighbour; toms, open hi-hat, crash and ride are rarely written; "
                 "15.6 hits per bar against 18.2 from real drummers at temperature 0.",
                 "Velocity error over all true hits is high because dropped hits count; on "
                 "the hits it plays, timing and velocity beat the baselines.",
                 "2 bars at a time."]},
}


def card(model_id):
    path = os.path.join(MODELS, "shipped", model_id + ".pt")
    module, meta = export.load(path)
    params = sum(p.numel() for p in module.parameters())
    size = os.path.getsize(path) / 1e6
    summ_path = os.path.join(MODELS, "runs", model_id, "summary.json")
    summ = json.load(open(summ_path)) if os.path.exists(summ_path) else {}
    import glob
    ev_paths = sorted(glob.glob(os.path.join(MODELS, "runs", "eval", model_id + ".txt")) +
                      glob.glob(os.path.join(MODELS, "runs", "eval", model_id + "_*.txt")))
    ev = "\n\n".join(open(p).read().strip() for p in ev_paths) or "(not evaluated yet)"
    cfg = CONFIGS[model_id]
    conv = meta["converter"]
    notes = NOTES[model_id]
    lic = GROOVE_LICENCE if conv["type"] in ("drums", "groove") else MELODY_LICENCE
    lines = [
        f"# {model_id}", "",
        f"{notes['use']}", "",
        "| | |", "|---|---|",
        f"| kind | `{meta['kind']}`, tools {', '.join(meta['tools'])} |",
        f"| converter | `{json.dumps({k: v for k, v in conv.items() if k != 'drumPitchClasses'})}` |",
        f"| network | `{json.dumps(cfg['net'])}` |",
        f"| parameters | {params:,} (float32, {size:.1f} MB) |",
        f"| data | {meta['source']} |",
        f"| split | see docs/training.md (Groove MIDI's own split; melodies by content hash) |",
        f"| windows | {summ.get('train_windows', '?')} train / "
        f"{summ.get('validation_windows', '?')} validation |",
        f"| training | {summ.get('steps', '?')} steps of {summ.get('batch', '?')}, "
        f"{summ.get('minutes', '?')} min, 1 CPU thread (shared machine), seed 0 |",
        f"| validation loss | `{json.dumps({k: round(v, 3) for k, v in summ.get('validation', {}).items()})}` |",
        "", "## Metrics (models/eval.py, held-out split)", "",
        "`" + EVAL_CMD[conv['type']].format(id=model_id) + "`", "",
        "```", ev, "```", "",
        "## Weaknesses", ""] + [f"* {w}" for w in notes["weak"]] + [
        "", "## Data licence", "", lic, ""]
    with open(os.path.join(HERE, model_id + ".md"), "w") as f:
        f.write("\n".join(lines))
    print("wrote", os.path.join(HERE, model_id + ".md"))


if __name__ == "__main__":
    for mid in sys.argv[1:] or [m for m in CONFIGS
                                if os.path.exists(os.path.join(MODELS, "shipped", m + ".pt"))]:
        card(mid)
