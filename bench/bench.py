#!/usr/bin/env python3
"""Runs magenta.js and ClipGen side by side and prints one table per model (bench/run.sh).

For each magenta.js checkpoint of the parity set (tests/data/parity) the same folder is imported
into ClipGen (models/import_magenta.py) and both sides run the same work on the same input
clips in this invocation: magentajs_bench.js (node, tfjs cpu), clipgen_bench engine (the C++
engine API in-process) and clipgen_bench http (the real clipgend). ClipGen's shipped models
(models/shipped) get the ClipGen columns, plus daemon cold start, resident memory and
requests/s at concurrency 4. Times are the median and p90 of repeated runs, warm-up excluded.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from typing import Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

import inputs as bench_inputs  # noqa: E402
import physical  # noqa: E402

PYTHON = os.environ.get("CLIPGEN_PYTHON", "/usr/bin/python3")
PARITY = os.path.join(ROOT, "tests", "data", "parity")

VAE_WORK = ["sample1", "sample8", "interpolate16"]
RNN_WORK = ["continue32", "continue128", "continue512"]

# case -> (checkpoint folder, tools, kind, work, note)
CASES = [
    ("mel_2bar_small", "mel_2bar_small", "generate,interpolate", "melody", VAE_WORK,
     "MusicVAE, real mel_2bar_small shapes (2 bars, so sample = 2 bars)"),
    ("mel_4bar_hier", "mel_4bar_hier", "generate,interpolate", "melody", VAE_WORK,
     "hierarchical MusicVAE, 4 bars, 4 segments (small random shapes)"),
    ("drums_2bar", "drums_2bar", "generate,interpolate", "drums", VAE_WORK,
     "drums MusicVAE, roll input (2 bars, so sample = 2 bars)"),
    ("groovae_2bar", "groovae_2bar", "groove", "drums", ["groove4", "groove16"],
     "GrooVAE humanize, 2-bar windows"),
    ("groovae_2bar_tap", "groovae_2bar", "drumify", "drums", ["drumify4"],
     "the same GrooVAE weights with magenta.js' tapify converter"),
    ("basic_rnn", "basic_rnn", "continue", "melody", RNN_WORK, "MusicRNN basic (2 layers)"),
    ("attention_rnn", "attention_rnn", "continue", "melody", RNN_WORK,
     "MusicRNN with attention (3 layers)"),
    ("drum_kit_rnn", "drum_kit_rnn", "continue", "drums", RNN_WORK,
     "drum-kit MusicRNN, 512 classes, binary-counter inputs"),
]

WORK_TEXT = {
    "sample1": "sample x1", "sample8": "sample x8", "interpolate16": "interpolate 16",
    "continue32": "continue 32 steps x4", "continue128": "continue 128 steps x4",
    "continue512": "continue 512 steps x4", "groove4": "groove 4 bars",
    "groove16": "groove 16 bars", "drumify4": "drumify 4 bars",
}


def log(msg: str) -> None:
    print(f"bench: {msg}", file=sys.stderr, flush=True)


def run(cmd: List[str], env: Optional[Dict[str, str]] = None, timeout: int = 1800) -> None:
    r = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                       timeout=timeout)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout[-2000:]}"
                           f"\n{r.stderr[-4000:]}")


def stats(ms: List[float]) -> Dict[str, float]:
    s = sorted(ms)
    p90 = s[min(len(s) - 1, int(round(0.9 * (len(s) - 1))))]
    return {"median": statistics.median(s), "p90": p90, "n": len(s)}


def fmt(st: Optional[Dict[str, float]]) -> str:
    if not st:
        return "—"
    d = 3 if st["median"] < 1 else 2 if st["median"] < 10 else 1 if st["median"] < 100 else 0
    return f"{st['median']:.{d}f} / {st['p90']:.{d}f}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid: int) -> Dict[str, int]:
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    return out


class Daemon:
    """clipgend on a free loopback port; measures the time from exec to a 200 /v1/health."""

    def __init__(self, exe: str, models: str, threads: int = 0):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = dict(os.environ)
        env.pop("CLIPGEN_API_KEY", None)
        # An empty settings file: the user's own clipgend.conf must not change the numbers.
        self.config = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)
        self.config.close()
        cmd = [exe, "--models", models, "--port", str(self.port), "--log-file", "none",
               "--log-level", "warn", "--config", self.config.name]
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True)
        deadline = t0 + 120
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"clipgend exited ({self.proc.returncode}): "
                                   f"{self.proc.stderr.read()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/v1/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except Exception:
                pass
            if time.perf_counter() > deadline:
                self.stop()
                raise RuntimeError("clipgend did not become healthy in 120 s")
            time.sleep(0.005)
        self.cold_start_ms = (time.perf_counter() - t0) * 1000.0

    def stop(self) -> None:
        if os.path.exists(self.config.name):
            os.remove(self.config.name)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def model_meta(pt: str) -> Dict:
    import zipfile
    with zipfile.ZipFile(pt) as z:
        for name in z.namelist():
            if name.endswith("extra/clipgen.json"):
                return json.loads(z.read(name))
    raise RuntimeError(f"{pt}: no clipgen.json")


def shipped_work(metas: List[Dict]) -> List[tuple]:
    """(kind, work items) the shipped models serve, one engine pass per kind."""
    plan: Dict[str, List[str]] = {"melody": [], "drums": []}
    for m in metas:
        conv = m["converter"]["type"]
        kind = "melody" if conv == "melody" else "drums"
        tools = m.get("tools", [])
        if "controls" in m:
            continue
        if "generate" in tools:
            plan[kind] += ["sample1", "sample8"]
        if "interpolate" in tools:
            plan[kind] += ["interpolate16"]
        if "continue" in tools:
            plan[kind] += RNN_WORK
        if "groove" in tools:
            plan["drums"] += ["groove4", "groove16"]
        if "drumify" in tools:
            plan["drums"] += ["drumify4"]
    out = []
    for kind, works in plan.items():
        seen: List[str] = []
        for w in works:
            if w not in seen:
                seen.append(w)
        if seen:
            out.append((kind, seen))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build-dir", required=True)
    ap.add_argument("--quick", action="store_true", help="1 warm-up, 1 timed run (CI)")
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--budget-ms", type=int, default=4000, help="time per work item and side")
    ap.add_argument("--only", help="comma-separated case names (and/or 'shipped')")
    ap.add_argument("--no-magentajs", action="store_true")
    ap.add_argument("--no-http", action="store_true")
    ap.add_argument("--no-torchscript", action="store_true",
                    help="skip the column of the same engine on TorchScript (--runtime torchscript)")
    ap.add_argument("--threads", type=int, default=0, help="engine intra-op threads (0 = auto)")
    ap.add_argument("--shipped", default=os.path.join(ROOT, "models", "shipped"))
    ap.add_argument("--json", help="also write every raw timing here")
    args = ap.parse_args()
    warmup, reps, budget = (1, 1, 0) if args.quick else (2, args.reps, args.budget_ms)
    timing = ["--warmup", str(warmup), "--reps", str(reps), "--budget-ms", str(budget)]
    bench_exe = os.path.join(args.build_dir, "bin", "clipgen_bench")
    daemon_exe = os.path.join(args.build_dir, "bin", "clipgend")
    for exe in (bench_exe, daemon_exe):
        if not os.access(exe, os.X_OK):
            log(f"{exe} is missing; build it first (bash bench/run.sh builds it)")
            return 1
    node_modules = next((p for p in (os.path.join(HERE, "node_modules"),
                                     os.path.join(ROOT, "tests", "parity", "node_modules"))
                         if os.path.isdir(os.path.join(p, "@magenta", "music"))), None)
    use_js = not args.no_magentajs and node_modules is not None and shutil.which("node")
    if not use_js and not args.no_magentajs:
        log("magenta.js columns skipped: no node or no node_modules (npm ci in tests/parity)")
    only = set(args.only.split(",")) if args.only else None
    work_root = tempfile.mkdtemp(prefix="clipgen-bench-")
    raw: Dict = {"cases": {}, "machine": machine()}
    args.windows = 1 if args.quick else WINDOWS
    args.later = []  # the one-thread windows after the first, run in passes at the end
    peak = best_peak(bench_exe, work_root, 0)
    log(f"first window: one core sustains {peak['gflops']:.0f} GFLOP/s")
    tables: List = []  # functions that print a table once every window has run
    try:
        for case, folder, tools, kind, works, note in CASES:
            if only and case not in only:
                continue
            tables.append(bench_case(args, case, folder, tools, kind, works, note, use_js,
                                     node_modules, timing, bench_exe, daemon_exe, work_root,
                                     raw))
        if (not only or "shipped" in only) and os.path.isdir(args.shipped):
            pts = sorted(p for p in os.listdir(args.shipped) if p.endswith(".pt"))
            if pts:
                tables.append(shipped_tables(args, bench_exe, daemon_exe, pts, timing, work_root,
                                             raw))
            else:
                log(f"no shipped models in {args.shipped}")
        for n in range(1, args.windows):
            log(f"window {n + 1} of {args.windows}: the peak rates and every one-thread run again")
            peak = best_peak(bench_exe, work_root, n, peak)
            for again in args.later:
                again(n)
        args.gflops, args.activation_ns = peak["gflops"], peak["activationNs"]
        args.bandwidth = peak["readBandwidth"]
        raw["machine"]["peakGflopsOneCore"] = args.gflops
        raw["machine"]["activationNsOneCore"] = args.activation_ns
        raw["machine"]["readBandwidthOneCore"] = args.bandwidth
        log_rates(args)
        for render in tables:
            print(render(), flush=True)
    finally:
        if args.json:
            with open(args.json, "w") as f:
                json.dump(raw, f, indent=1)
        shutil.rmtree(work_root, ignore_errors=True)
    return 0


def log_rates(args) -> None:
    log(f"one core sustains {args.gflops:.0f} GFLOP/s on a sampling-step product, "
        f"{args.activation_ns:.3f} ns per activation, and reads "
        + ", ".join(f"{physical.read_bandwidth(b, args.bandwidth) / 1e9:.0f} GB/s from "
                    f"{b >> 20 if b >= 1 << 20 else b >> 10} {'MiB' if b >= 1 << 20 else 'KiB'}"
                    for b in (256 << 10, 1 << 20, 4 << 20, 64 << 20)))


def bench_case(args, case, folder, tools, kind, works, note, use_js, node_modules, timing,
               bench_exe, daemon_exe, work_root, raw):
    """Imports one parity checkpoint and runs every column once; returns the function that
    renders its table after the last window."""
    log(f"{case}: importing")
    cdir = os.path.join(work_root, case)
    ckpt = os.path.join(cdir, "checkpoint")
    shutil.copytree(os.path.join(PARITY, folder), ckpt)
    os.remove(os.path.join(ckpt, "reference.json"))
    if case.endswith("_tap"):  # same weights, tapify converter (as drumify checkpoints)
        cfg_path = os.path.join(ckpt, "config.json")
        with open(cfg_path) as f:
            cfg = json.load(f)
        cfg["dataConverter"]["args"] = {"numSteps": 32, "tapify": True}
        with open(cfg_path, "w") as f:
            json.dump(cfg, f)
    models = os.path.join(cdir, "models")
    os.makedirs(models)
    pt = os.path.join(models, case + ".pt")
    run([PYTHON, os.path.join(ROOT, "models", "import_magenta.py"), ckpt, pt,
         "--tools", tools])
    meta = model_meta(pt)
    inp = os.path.join(cdir, "inputs.json")
    with open(inp, "w") as f:
        json.dump(bench_inputs.inputs_for(kind, meta["converter"].get("numSteps", 0)), f)
    res: Dict[str, Dict] = {}
    if use_js:
        log(f"{case}: magenta.js")
        out = os.path.join(cdir, "js.json")
        env = dict(os.environ, NODE_PATH=node_modules)
        run(["node", os.path.join(HERE, "magentajs_bench.js"), "--checkpoint", ckpt,
             "--inputs", inp, "--work", ",".join(works), "--out", out] + timing, env=env)
        with open(out) as f:
            res["magentajs"] = json.load(f)
    res.update(run_clipgen(bench_exe, daemon_exe, models, inp, kind, works, timing,
                           cdir, args))
    raw["cases"][case] = {"results": res, "meta": meta}

    def render() -> str:
        limits = physical.limits_ms(pt, meta, works, args.gflops, args.activation_ns,
                                    args.bandwidth)
        raw["cases"][case]["limits"] = limits
        return table(case, note, meta, works, res, limits)
    return render


def run_clipgen(bench_exe, daemon_exe, models, inp, kind, works, timing, cdir, args) -> Dict:
    res: Dict[str, Dict] = {}
    out = os.path.join(cdir, "engine.json")
    run([bench_exe, "engine", "--models", models, "--inputs", inp, "--kind", kind, "--work",
         ",".join(works), "--out", out, "--threads", str(args.threads)] + timing)
    with open(out) as f:
        res["engine"] = json.load(f)
    res.update(run_one_thread(bench_exe, args, models, inp, kind, works, timing, cdir))
    res.update(run_torchscript(bench_exe, args, models, inp, kind, works, timing, cdir))
    if not args.no_http:
        d = Daemon(daemon_exe, models)
        try:
            out = os.path.join(cdir, "http.json")
            run([bench_exe, "http", "--url", d.url, "--inputs", inp, "--kind", kind, "--work",
                 ",".join(works), "--out", out] + timing)
            with open(out) as f:
                res["http"] = json.load(f)
            res["http"]["coldStartMs"] = d.cold_start_ms
        finally:
            d.stop()
    return res


def run_engine_variant(bench_exe, args, models, inp, kind, works, timing, folder, name,
                       extra) -> Dict:
    """One more `clipgen_bench engine` run with extra flags; its JSON under `name`."""
    out = os.path.join(folder, f"{name}_{kind}.json")
    run([bench_exe, "engine", "--models", models, "--inputs", inp, "--kind", kind, "--work",
         ",".join(works), "--out", out, "--threads", str(args.threads)] + extra + timing)
    with open(out) as f:
        return {name: json.load(f)}


# The rates of the limit and the one-thread times are each the best of this many windows: the
# first beside each row's other columns, the others in passes over every row at the end of the
# run, minutes apart. This host's core is shared: the same process ran tiny attention Continue
# 512 x 4 at 1.6 ms or 2.5 ms for seconds to minutes at a time (and the peak product at 63 or
# 93 GFLOP/s), so a median from a slow window against rates from a fast one (or the reverse)
# measured the neighbour, not the code.
WINDOWS = 3


def best_peak(bench_exe, work_root, window: int, best: Optional[Dict] = None) -> Dict:
    """One more `clipgen_bench peak`, merged into `best`: the highest GFLOP/s and bandwidth
    per size, the lowest ns per activation."""
    out = os.path.join(work_root, f"peak{window}.json")
    run([bench_exe, "peak", "--out", out])
    with open(out) as f:
        p = json.load(f)
    if not best:
        return p
    best["gflops"] = max(best["gflops"], p["gflops"])
    for key in ("sigmoidNs", "tanhNs", "activationNs"):
        best[key] = min(best[key], p[key])
    for b, q in zip(best["readBandwidth"], p["readBandwidth"]):
        b["bytesPerSecond"] = max(b["bytesPerSecond"], q["bytesPerSecond"])
    return best


def run_one_thread(bench_exe, args, models, inp, kind, works, timing, folder) -> Dict:
    """The native engine kept to one thread per request (`--native-threads 1`): the limits
    are one core's, so the ratio to them is taken from this run. It runs once per window
    (args.windows; the later ones at the end of the bench, in args.later), each a process with
    its share of the time budget; "results" pools their times, "windowMedians" keeps each
    one's median."""
    t = list(timing)
    i = t.index("--budget-ms") + 1
    t[i] = str(int(t[i]) // args.windows)
    pooled: Dict = {}

    def window(n: int) -> None:
        r = run_engine_variant(bench_exe, args, models, inp, kind, works, t, folder,
                               f"engine1_{n}", ["--native-threads", "1"])[f"engine1_{n}"]
        if not pooled:
            pooled.update(r, results={w: [] for w in r["results"]},
                          windowMedians={w: [] for w in r["results"]})
        for w, ms in r["results"].items():
            pooled["results"][w] += ms
            if ms:
                pooled["windowMedians"][w].append(statistics.median(ms))

    window(0)
    args.later.append(window)
    return {"engine1": pooled}


def run_torchscript(bench_exe, args, models, inp, kind, works, timing, folder) -> Dict:
    """The same engine forced onto TorchScript (what ran on the CPU before the native runtime)."""
    if args.no_torchscript:
        return {}
    return run_engine_variant(bench_exe, args, models, inp, kind, works, timing, folder,
                              "torchscript", ["--runtime", "torchscript"])


HEADER = ("| work | magenta.js (node, tfjs cpu) ms | ClipGen engine ms | ClipGen over HTTP ms | "
          "engine, 1 thread ms | engine on TorchScript ms | bandwidth limit ms | "
          "arithmetic floor ms | activation floor ms | 1-thread engine / physical limit | "
          "speed-up |")
RULE = "|---|---|---|---|---|---|---|---|---|---|---|"


def row(work_text, res, w, lim) -> str:
    """lim: physical.work_limit_ms (None when unknown)."""
    js = res.get("magentajs", {}).get("results", {}).get(w)
    en = res.get("engine", {}).get("results", {}).get(w)
    ht = res.get("http", {}).get("results", {}).get(w)
    ts = res.get("torchscript", {}).get("results", {}).get(w)
    e1 = res.get("engine1", {}).get("results", {}).get(w)
    sj, se, sh, st, s1 = (stats(x) if x else None for x in (js, en, ht, ts, e1))
    speed = f"{sj['median'] / se['median']:.0f}x" if sj and se else "—"
    bw = f"{lim['bandwidth']:.3f}" if lim else "—"
    ar = f"{lim['arithmetic']:.3f}" if lim and lim["arithmetic"] else "—"
    act = f"{lim['activations']:.3f}" if lim and lim["activations"] else "—"
    one = s1 or se
    windows = res.get("engine1", {}).get("windowMedians", {}).get(w)
    fastest = min(windows) if windows else (one["median"] if one else None)
    over = f"{fastest / lim['limit']:.1f}x" if fastest and lim else "—"
    return (f"| {work_text} | {fmt(sj)} | {fmt(se)} | {fmt(sh)} | {fmt(s1)} | {fmt(st)} | {bw} | "
            f"{ar} | {act} | {over} | {speed} |")


def table(case, note, meta, works, res, limits) -> str:
    lines = [f"### {case}: {note}", "", HEADER, RULE]
    for w in works:
        lines.append(row(WORK_TEXT[w], res, w, limits.get(w)))
    lines.append("")
    lines.append("Times: median / p90 ms. Bandwidth limit: weight bytes read per sequential step "
                 "x steps at one core's measured read bandwidth for a working set of that step's "
                 "bytes (the rate of the cache level the weights fit in); arithmetic floor: 2 "
                 "flops per multiply-add a batch row cannot avoid (dense inputs included, one-hot"
                 " lookups left out) at the measured peak of one core; activation floor: the "
                 "sigmoids, tanhs and exponentials a step cannot avoid (5 per LSTM unit, 1 per "
                 "output column, attention's per window entry) at one core's measured rate in L1;"
                 " physical limit: the larger of the bandwidth limit and the sum of the two "
                 "floors, taken against the engine kept to one thread (`--native-threads 1`): the"
                 " fastest of the median times of 3 processes (one beside the row's other "
                 "columns, two at the end of the run), as the rates are each the best of 3 "
                 "`clipgen_bench peak` runs at those times (a shared core runs the same work 1.5x"
                 " slower for minutes at a time). The engine and HTTP columns are the defaults: "
                 "batches of enough work split over two threads.")
    return "\n".join(lines) + "\n"


def shipped_tables(args, bench_exe, daemon_exe, pts, timing, work_root, raw):
    """Runs the shipped models' columns and the daemon's numbers once; returns the function
    that renders the table after the last window."""
    metas = [model_meta(os.path.join(args.shipped, p)) for p in pts]
    plan = shipped_work(metas)
    rows: List[tuple] = []  # (kind, work, results)
    lines: List[str] = []  # the daemon's table
    raw["shipped"] = {"models": pts, "results": {}}
    # Cold start parts: the process alone (no LibTorch: the engine loads it as a plugin only when
    # it needs TorchScript)
    # and Engine::open of the folder without and with the warm-up calls (second open: warm
    # file cache, first calls of a fresh process otherwise).
    t0 = time.perf_counter()
    run([daemon_exe, "--version"])
    proc_ms = (time.perf_counter() - t0) * 1000.0
    out = os.path.join(work_root, "open.json")
    run([bench_exe, "open", "--models", args.shipped, "--out", out])
    with open(out) as f:
        opened = json.load(f)
    run([bench_exe, "open", "--models", args.shipped, "--runtime", "torchscript", "--out", out])
    with open(out) as f:
        opened_torch = json.load(f)
    raw["shipped"]["processStartMs"] = proc_ms
    raw["shipped"]["openTorchScript"] = opened_torch
    raw["shipped"]["open"] = opened
    d = None if args.no_http else Daemon(daemon_exe, args.shipped)
    try:
        if d:
            raw["shipped"]["coldStartMs"] = d.cold_start_ms
            raw["shipped"]["rssAfterStartKiB"] = rss_kib(d.proc.pid)
        load_work = None
        for kind, works in plan:
            num_steps = next((m["converter"].get("numSteps", 0) for m in metas
                              if m["converter"]["type"] == kind and "interpolate" in m["tools"]), 32)
            inp = os.path.join(work_root, f"shipped_inputs_{kind}.json")  # read again later
            with open(inp, "w") as f:
                json.dump(bench_inputs.inputs_for(kind, num_steps), f)
            res = run_shipped_kind(bench_exe, d, args, inp, kind, works, timing, work_root)
            raw["shipped"]["results"][kind] = res
            rows += [(kind, w, res) for w in works]
            if load_work is None:
                load_work = (kind, "sample8" if "sample8" in works else works[0])
        if d:
            kind, w = load_work
            inp = os.path.join(work_root, "shipped_load_inputs.json")
            with open(inp, "w") as f:
                json.dump(bench_inputs.inputs_for(kind, 32), f)
            out = os.path.join(work_root, "load.json")
            dur = "1000" if args.quick else "5000"
            run([bench_exe, "load", "--url", d.url, "--inputs", inp, "--kind", kind, "--work", w,
                 "--concurrency", "4", "--duration-ms", dur, "--out", out])
            with open(out) as f:
                load = json.load(f)
            mem = rss_kib(d.proc.pid)
            raw["shipped"]["load"] = load
            raw["shipped"]["rssAfterWorkKiB"] = mem
            lines += [
                "| daemon | value |", "|---|---|",
                f"| cold start to healthy (all default models loaded and warmed) | "
                f"{d.cold_start_ms:.0f} ms |",
                f"| of which: process start alone (`clipgend --version`) | "
                f"{proc_ms:.0f} ms |",
                f"| of which: Engine::open, load only / load + warm-up calls | "
                f"{opened['openMs']:.0f} ms / {opened['openWarmMs']:.0f} ms |",
                f"| the same on TorchScript (`--runtime torchscript`: loads LibTorch's plugin) | "
                f"{opened_torch['openMs']:.0f} ms / {opened_torch['openWarmMs']:.0f} ms |",
                f"| resident memory after start | {raw['shipped']['rssAfterStartKiB']['VmRSS'] / 1024:.0f} MiB |",
                f"| resident memory after the bench (peak) | {mem['VmRSS'] / 1024:.0f} MiB "
                f"({mem['VmHWM'] / 1024:.0f} MiB) |",
                f"| requests/s at concurrency 4 ({WORK_TEXT[w]}, {kind}) | "
                f"{load['requestsPerSecond']:.1f} |",
            ]
    finally:
        if d:
            d.stop()

    def render() -> str:
        out = [f"### shipped models ({', '.join(pts)})", "", HEADER, RULE]
        for kind, w, res in rows:
            lim = physical.shipped_limit_ms(args.shipped, metas, kind, w, args.gflops,
                                            args.activation_ns, args.bandwidth)
            out.append(row(f"{WORK_TEXT[w]} ({kind})", res, w, lim))
        return "\n".join(out + [""] + lines) + "\n"
    return render


def run_shipped_kind(bench_exe, d, args, inp, kind, works, timing, work_root) -> Dict:
    res: Dict = {}
    out = os.path.join(work_root, f"shipped_{kind}_engine.json")
    run([bench_exe, "engine", "--models", args.shipped, "--inputs", inp, "--kind", kind,
         "--work", ",".join(works), "--out", out, "--threads", str(args.threads)] + timing)
    with open(out) as f:
        res["engine"] = json.load(f)
    res.update(run_one_thread(bench_exe, args, args.shipped, inp, kind, works, timing, work_root))
    res.update(run_torchscript(bench_exe, args, args.shipped, inp, kind, works, timing, work_root))
    if d:
        out = os.path.join(work_root, f"shipped_{kind}_http.json")
        run([bench_exe, "http", "--url", d.url, "--inputs", inp, "--kind", kind, "--work",
             ",".join(works), "--out", out] + timing)
        with open(out) as f:
            res["http"] = json.load(f)
    return res


def machine() -> Dict:
    info = {"nproc": os.cpu_count()}
    try:
        out = subprocess.run(["lscpu"], stdout=subprocess.PIPE, text=True).stdout
        for line in out.splitlines():
            k, _, v = line.partition(":")
            if k.strip() in ("Model name", "CPU(s)", "L2 cache", "L3 cache"):
                info[k.strip()] = v.strip()
        info["loadavg"] = open("/proc/loadavg").read().split()[:3]
    except OSError:
        pass
    return info


if __name__ == "__main__":
    sys.exit(main())
