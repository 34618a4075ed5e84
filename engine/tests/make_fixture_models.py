#!/usr/bin/env python3
"""Writes the engine tests' model fixtures: tiny RANDOM-WEIGHT models made by the model
engineer's export code (models/export.py example ...), one per tool and kind. They test the
pipeline (shapes, sampling, tools), never musical quality, and are never shipped.

With PARITY_DIR (tests/data/parity), also imports each random-weight magenta.js checkpoint
there into OUT_DIR/parity/<case>.pt with the model engineer's importer, for the C++ parity test.

usage: make_fixture_models.py MODELS_DIR OUT_DIR [PARITY_DIR]
"""
import os
import sys


def main():
    models_dir, out_dir = sys.argv[1], sys.argv[2]
    sys.path.insert(0, os.path.abspath(models_dir))
    import torch  # noqa: E402

    torch.set_num_threads(1)
    from export import example  # models/export.py  # noqa: E402
    from clipgen_models.export import save  # noqa: E402

    # file id: (example kind, metadata changes)
    fixtures = {
        "drums_rnn": ("drumsrnn", {}),
        "drums_vae": ("drumsvae", {}),
        "drumify_tap": ("groovae", {"tools": ["drumify"],
                                    "converter": {"humanize": False, "tapify": True}}),
        "groove_humanize": ("groovae", {}),
        "mel_2bar_vae": ("musicvae", {"tools": ["interpolate"]}),
        "mel_4bar_vae": ("hiervae", {"tools": ["generate"]}),
        "mel_rnn": ("musicrnn", {}),
    }
    os.makedirs(out_dir, exist_ok=True)
    for name, (kind, changes) in fixtures.items():
        module, meta = example(kind)
        meta = dict(meta, id=name)
        for key, value in changes.items():
            if isinstance(value, dict):
                meta[key] = dict(meta[key], **value)
            else:
                meta[key] = value
        tmp = os.path.join(out_dir, name + ".pt.tmp")
        save(module, meta, tmp)
        os.replace(tmp, os.path.join(out_dir, name + ".pt"))
        print("wrote", name, "from", kind)

    if len(sys.argv) > 3 and os.path.isdir(sys.argv[3]):
        from clipgen_models.magenta_import import import_checkpoint  # noqa: E402

        parity_out = os.path.join(out_dir, "parity")
        os.makedirs(parity_out, exist_ok=True)
        for case in sorted(os.listdir(sys.argv[3])):
            folder = os.path.join(sys.argv[3], case)
            if not os.path.exists(os.path.join(folder, "reference.json")):
                continue
            model, meta = import_checkpoint(folder)
            meta["id"] = case
            meta.setdefault("source", "random-weight magenta.js parity checkpoint " + case)
            tmp = os.path.join(parity_out, case + ".pt.tmp")
            save(model, meta, tmp)
            os.replace(tmp, os.path.join(parity_out, case + ".pt"))
            print("imported parity case", case)


if __name__ == "__main__":
    main()
