#!/usr/bin/env python3
"""Engine timings under each thread setting: torch intra-op threads x OPENBLAS_NUM_THREADS.

  /usr/bin/python3 bench/thread_sweep.py --build-dir build-bench [--reps 10]

Imports a few parity checkpoints (real mel_2bar_small shapes among them) and runs
clipgen_bench engine once per setting; prints median / p90 ms per work item.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import inputs as bench_inputs  # noqa: E402
from bench import PARITY, PYTHON, fmt, run, stats  # noqa: E402

CASES = [("mel_2bar_small", "melody", "generate,interpolate", ["sample8", "interpolate16"]),
         ("groovae_2bar", "drums", "groove", ["groove16"]),
         ("basic_rnn", "melody", "continue", ["continue128"])]
SETTINGS = [(1, "1"), (2, "1"), (1, "2")]  # (torch threads, OPENBLAS_NUM_THREADS)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--reps", type=int, default=10)
    args = ap.parse_args()
    exe = os.path.join(args.build_dir, "bin", "clipgen_bench")
    tmp = tempfile.mkdtemp(prefix="clipgen-threads-")
    header = "| work | " + " | ".join(f"torch {t}, OpenBLAS {b}" for t, b in SETTINGS) + " |"
    lines = [header, "|---" * (len(SETTINGS) + 1) + "|"]
    try:
        for case, kind, tools, works in CASES:
            models = os.path.join(tmp, case)
            os.makedirs(models)
            pt = os.path.join(models, case + ".pt")
            run([PYTHON, os.path.join(ROOT, "models", "import_magenta.py"),
                 os.path.join(PARITY, case), pt, "--tools", tools])
            inp = os.path.join(tmp, case + ".json")
            with open(inp, "w") as f:
                json.dump(bench_inputs.inputs_for(kind, 32), f)
            cells = {w: [] for w in works}
            for threads, blas in SETTINGS:
                out = os.path.join(tmp, "out.json")
                env = dict(os.environ, OPENBLAS_NUM_THREADS=blas)
                run([exe, "engine", "--models", models, "--inputs", inp, "--kind", kind,
                     "--work", ",".join(works), "--threads", str(threads), "--reps",
                     str(args.reps), "--budget-ms", "3000", "--out", out], env=env)
                with open(out) as f:
                    res = json.load(f)["results"]
                for w in works:
                    cells[w].append(fmt(stats(res[w])))
            for w in works:
                lines.append(f"| {case} {w} | " + " | ".join(cells[w]) + " |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
