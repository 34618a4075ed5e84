#!/usr/bin/env python3
"""Import a magenta.js checkpoint folder as a ClipGen model file.

  import_magenta.py CHECKPOINT_FOLDER OUT.pt [--id ID] [--tools generate,interpolate]
                    [--tf-semantics]

CHECKPOINT_FOLDER holds config.json, weights_manifest.json and the weight shards (e.g. one of
Magenta Studio's models/<name>/ folders). Errors are one line on stderr, exit status 1.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clipgen_models.export import save  # noqa: E402
from clipgen_models.magenta_import import CheckpointError, import_checkpoint  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("checkpoint")
    ap.add_argument("out")
    ap.add_argument("--id", help="model id (default: OUT file name without .pt)")
    ap.add_argument("--tools", help="comma-separated tools (default: from the model type)")
    ap.add_argument("--tf-semantics", action="store_true",
                    help="follow TensorFlow Magenta where magenta.js differs (drums roll "
                         "'no hit' bit, attention query bias); default: exactly magenta.js")
    args = ap.parse_args(argv)
    try:
        model, meta = import_checkpoint(args.checkpoint, tf_semantics=args.tf_semantics)
        meta["id"] = args.id or os.path.splitext(os.path.basename(args.out))[0]
        if args.tools:
            meta["tools"] = [t.strip() for t in args.tools.split(",") if t.strip()]
        save(model, meta, args.out)
    except (CheckpointError, ValueError, OSError) as e:
        print(f"import_magenta: error: {e}", file=sys.stderr)
        return 1
    print(f"import_magenta: wrote {args.out} ({meta['kind']}, {meta['converter']['type']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
