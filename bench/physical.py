"""The physical-limit columns.

Bandwidth limit: weight bytes that must be read per sequential step x steps, at 65 GB/s (the
memory bandwidth the targets assume). Batched rows share a step's weights, so it does not grow
with variations; the input rows of a first LSTM layer fed one-hot or a constant z are read once,
not per step, and are left out.

Arithmetic floor: every batch row multiplies every one of those weights (2 flops each), at the
GFLOP/s one core sustains on a sampling-step product (`clipgen_bench peak`, measured in the same
run). Input projections of dense inputs are left out, so the floor is on the low side. With a
handful of rows it is above the bandwidth limit: these weights sit in L2/L3, and the products are
bound by the core's multiply-adds, not by memory.
"""
import os
from typing import Dict, List, Optional

BANDWIDTH = 65e9  # bytes/s
CONTINUE_VARIATIONS = 4
PRIMER_STEPS = 32  # inputs.py primers are 2 bars


def _params(pt: str) -> Dict[str, tuple]:
    import torch
    m = torch.jit.load(pt, map_location="cpu")
    return {k: (tuple(v.shape), v.element_size()) for k, v in m.state_dict().items()}


def _bytes(shape_size: tuple) -> int:
    shape, size = shape_size
    n = 1
    for d in shape:
        n *= d
    return n * size


def _stack(p: Dict[str, tuple], prefix: str) -> int:
    """Per-step bytes of an LSTM stack: h rows of cell 0, whole kernels of the others."""
    total, k = 0, 0
    while f"{prefix}cells.{k}.kernel" in p:
        shape, size = p[f"{prefix}cells.{k}.kernel"]
        units = shape[1] // 4
        total += (units if k == 0 else shape[0]) * shape[1] * size
        k += 1
    return total


def _bidi(p: Dict[str, tuple], prefix: str) -> int:
    total = 0
    for d in ("fw", "bw"):
        shape, size = p[f"{prefix}{d}.kernel"]
        total += (shape[1] // 4) * shape[1] * size
    return total


def _decode_bytes(p, meta) -> int:
    steps = meta["converter"]["numSteps"]
    per = _stack(p, "decoder.core.rnn.") + _bytes(p["decoder.core.output_projection.kernel"])
    total = steps * per
    segments = meta["converter"].get("numSegments", 0)
    if segments:
        total += segments * _stack(p, "decoder.conductor.")
    return total


def _encode_bytes(p, meta) -> int:
    steps = meta["converter"]["numSteps"]
    segments = meta["converter"].get("numSegments", 0)
    if segments:
        return (steps // segments) * _bidi(p, "encoder.level0.") + \
            segments * _bidi(p, "encoder.level1.")
    return steps * _bidi(p, "encoder.rnn.")


def _rnn_step_bytes(p) -> int:
    total = _stack(p, "rnn.") + _bytes(p["fully_connected.kernel"])
    for k, v in p.items():
        if k.startswith("attention.") and len(v[0]) >= 1:
            total += _bytes(v)
    return total


def _phases(p: Dict[str, tuple], meta: Dict, work: str) -> Optional[List[tuple]]:
    """[(bytes per pass, batch rows)] of the work's sequential passes."""
    n = int(work.lstrip("abcdefghijklmnopqrstuvwxyz") or 0)
    if work.startswith("sample"):
        return [(_decode_bytes(p, meta), n)]
    if work.startswith("interpolate"):
        return [(_encode_bytes(p, meta), 2), (_decode_bytes(p, meta), n)]
    if work.startswith(("groove", "drumify")):
        windows = max(1, n * 16 // meta["converter"]["numSteps"])  # n bars, 16 steps a bar
        return [(_encode_bytes(p, meta), windows), (_decode_bytes(p, meta), windows)]
    if work.startswith("continue"):
        return [((PRIMER_STEPS + n) * _rnn_step_bytes(p), CONTINUE_VARIATIONS)]
    return None


def work_limit_ms(p: Dict[str, tuple], meta: Dict, work: str,
                  gflops: float = 0.0) -> Optional[Dict[str, float]]:
    """{"bandwidth": ms, "arithmetic": ms (0 without gflops), "limit": the larger}."""
    phases = _phases(p, meta, work)
    if phases is None:
        return None
    bandwidth = sum(b for b, _ in phases) / BANDWIDTH * 1000.0
    flops = sum(2.0 * (b / 4) * rows for b, rows in phases)  # fp32: 4 bytes a weight
    arithmetic = flops / (gflops * 1e9) * 1000.0 if gflops > 0 else 0.0
    return {"bandwidth": bandwidth, "arithmetic": arithmetic, "limit": max(bandwidth, arithmetic)}


def limits_ms(pt: str, meta: Dict, works: List[str], gflops: float = 0.0) -> Dict[str, Dict]:
    p = _params(pt)
    out = {}
    for w in works:
        v = work_limit_ms(p, meta, w, gflops)
        if v is not None:
            out[w] = v
    return out


TOOL_OF = {"sample": "generate", "interpolate": "interpolate", "continue": "continue",
           "groove": "groove", "drumify": "drumify"}


def shipped_limit_ms(folder: str, metas: List[Dict], kind: str, work: str,
                     gflops: float = 0.0) -> Optional[Dict[str, float]]:
    """The limit for the model the engine would pick (first in file-name order)."""
    tool = TOOL_OF[work.rstrip("0123456789")]
    conv = {"melody": "melody", "drums": "drums"}[kind]
    if tool in ("groove", "drumify"):
        conv = "groove"
    for m in metas:
        if tool in m["tools"] and m["converter"]["type"] == conv and "controls" not in m:
            pt = _find_file(folder, m["id"])
            if pt:
                return work_limit_ms(_params(pt), m, work, gflops)
    return None


def _find_file(folder: str, model_id: str) -> Optional[str]:
    import json
    import zipfile
    for name in sorted(f for f in os.listdir(folder) if f.endswith(".pt")):
        path = os.path.join(folder, name)
        with zipfile.ZipFile(path) as z:
            for n in z.namelist():
                if n.endswith("extra/clipgen.json") and json.loads(z.read(n))["id"] == model_id:
                    return path
    return None
