"""The physical-limit columns.

Bandwidth limit: weight bytes that must be read per sequential step x steps, at one core's read
bandwidth for a working set of that step's bytes (`clipgen_bench peak` measures it in the same
run, from 16 KiB to 64 MiB: a step whose weights fit in L2 is charged L2's rate, a larger one
L3's or memory's). Without a measurement, 65 GB/s: the single-core bandwidth measured on the
machine the targets were written on. Batched rows share a step's weights, so it does not grow
with variations. Rows of a kernel that multiply a one-hot input are a lookup (one row read), and
rows that multiply an input known for every step ahead (an encoder's input, the binary counter)
or a constant one (z, a conductor embedding) are read once per call, not per step: both are left
out of the per-step bytes.

Arithmetic floor: 2 flops for every multiply-add a batch row cannot avoid, at the GFLOP/s one
core sustains on a sampling-step product (`clipgen_bench peak`, measured in the same run). That
is every weight row that multiplies a dense input, once per step and row: recurrent rows, the
upper layers, the output layer, the attention layers, and the dense inputs (a GrooVAE decoder's
previous output, a GrooVAE or drum-roll encoder's input, the attention's mix, the binary
counter). One-hot inputs (lookups) and constant ones (z) are left out. With a handful of rows
the floor is above the bandwidth limit: these weights sit in L2/L3, and the products are bound
by the core's multiply-adds, not by memory.

Activation floor: the transcendental evaluations a step cannot avoid, at the time one core takes
for one in a tight loop over data in L1 (the runtime's cheaper of sigmoid and tanh over 4096
floats, `clipgen_bench peak`, same run). Per step and row: 5 per LSTM unit (the input, forget and
output gates' sigmoids, the candidate's tanh and the cell's), one per output column (a softmax's
exponentials before a categorical draw; a GrooVAE's hit and velocity sigmoids and offset tanh),
and for attention one tanh per window entry and attention unit plus the window's softmax.
They run on the same vector units as the products, so the floors add. Left out, so that the
floor stays a lower bound: the cell's multiply-adds, the max and sum passes and the search of a
draw, initial states from z, and an exponential being ~10 % cheaper than a tanh.
"""
import os
from typing import Dict, List, Optional

BANDWIDTH = 65e9  # bytes/s, when no ladder was measured

CONTINUE_VARIATIONS = 4
PRIMER_STEPS = 32  # inputs.py primers are 2 bars
FLOAT = 4  # bytes of an fp32 weight


def read_bandwidth(nbytes: float, bandwidth) -> float:
    """Bytes/s for a working set of `nbytes`. `bandwidth`: a number, or the measured ladder
    [{"bytes", "bytesPerSecond"}, ...]: the rate of the largest size not above nbytes (of the
    smallest when nbytes is below all), so a step is never charged a slower level than the one
    its weights fit in."""
    if isinstance(bandwidth, (int, float)):
        return float(bandwidth)
    ladder = sorted(bandwidth, key=lambda x: x["bytes"])
    rate = ladder[0]["bytesPerSecond"]
    for x in ladder:
        if x["bytes"] <= nbytes:
            rate = x["bytesPerSecond"]
    return rate


def _params(pt: str) -> Dict[str, tuple]:
    import torch
    m = torch.jit.load(pt, map_location="cpu")
    return {k: tuple(v.shape) for k, v in m.state_dict().items()}


def _size(shape: tuple) -> int:
    n = 1
    for d in shape:
        n *= d
    return n


class Pass:
    """One sequential pass: `read` weights read per step (bandwidth), `mul` weights each row
    multiplies per step (arithmetic), `steps` sequential steps, `rows` batch rows, `act`
    transcendental evaluations per step and row (activation floor)."""

    def __init__(self, read: int, mul: int, steps: int, rows: int, act: int = 0):
        self.read, self.mul, self.steps, self.rows, self.act = read, mul, steps, rows, act


CELL_ACTIVATIONS = 5  # sigmoid(i), sigmoid(f), sigmoid(o), tanh(j), tanh(c) per unit


def _units(p, kernel: str) -> int:
    return p[kernel][1] // 4


def _cells(p, prefix: str) -> List[tuple]:
    """Kernel shapes of an LSTM stack's cells, bottom first."""
    shapes, k = [], 0
    while f"{prefix}cells.{k}.kernel" in p:
        shapes.append(p[f"{prefix}cells.{k}.kernel"])
        k += 1
    return shapes


def _stack(p, prefix: str, dense_in: int = 0) -> int:
    """Weights an LSTM stack multiplies per step and row: cell 0's recurrent rows and its
    `dense_in` input rows, every row of the other cells (their input is the layer below)."""
    return sum(((cols // 4 + dense_in) if k == 0 else rows) * cols
               for k, (rows, cols) in enumerate(_cells(p, prefix)))


def _stack_units(p, prefix: str) -> int:
    return sum(cols // 4 for _, cols in _cells(p, prefix))


def _bidi(p, prefix: str, dense: bool):
    """(recurrent weights, input weights multiplied when the input is dense) of a bidirectional
    layer, both directions."""
    rec, inp = 0, 0
    for d in ("fw", "bw"):
        rows, cols = p[f"{prefix}{d}.kernel"]
        rec += (cols // 4) * cols
        inp += (rows - cols // 4) * cols if dense else 0
    return rec, inp


def _bidi_act(p, prefix: str) -> int:
    return CELL_ACTIVATIONS * sum(_units(p, f"{prefix}{d}.kernel") for d in ("fw", "bw"))


def _encode(p, meta, rows: int) -> List[Pass]:
    conv = meta["converter"]
    steps = conv["numSteps"]
    dense = conv["type"] != "melody"  # melody inputs are one-hot; drum rolls and grooves dense
    segments = conv.get("numSegments", 0)
    if segments:
        rec0, in0 = _bidi(p, "encoder.level0.", dense)
        rec1, in1 = _bidi(p, "encoder.level1.", True)  # level 0's outputs
        # Level 0 runs every segment as its own batch row.
        return [Pass(rec0, rec0 + in0, steps // segments, rows * segments,
                     _bidi_act(p, "encoder.level0.")),
                Pass(rec1, rec1 + in1, segments, rows, _bidi_act(p, "encoder.level1."))]
    rec, inp = _bidi(p, "encoder.rnn.", dense)
    return [Pass(rec, rec + inp, steps, rows, _bidi_act(p, "encoder.rnn."))]


def _decode(p, meta, rows: int) -> List[Pass]:
    conv = meta["converter"]
    steps = conv["numSteps"]
    out = _size(p["decoder.core.output_projection.kernel"])
    # A GrooVAE decoder's input is its previous (dense) output; the others' a one-hot class.
    dense_in = p["decoder.core.output_projection.kernel"][1] if conv["type"] == "groove" else 0
    per = _stack(p, "decoder.core.rnn.", dense_in) + out
    act = (CELL_ACTIVATIONS * _stack_units(p, "decoder.core.rnn.")
           + p["decoder.core.output_projection.kernel"][1])
    passes = [Pass(per, per, steps, rows, act)]
    segments = conv.get("numSegments", 0)
    if segments:
        cond = _stack(p, "decoder.conductor.")
        passes.append(Pass(cond, cond, segments, rows,
                           CELL_ACTIVATIONS * _stack_units(p, "decoder.conductor.")))
    return passes


def _rnn_step(p, meta) -> tuple:
    """(weights read, weights multiplied per row, activations per row) of a MusicRNN step."""
    units0 = _units(p, "rnn.cells.0.kernel")
    classes = p["fully_connected.kernel"][1]
    ip = p.get("attention.input_projection.kernel", (0, 0))
    act = CELL_ACTIVATIONS * _stack_units(p, "rnn.") + classes
    if ip[0]:
        window = int(meta.get("attentionLength", 0))
        act += window * p["attention.attn_v"][0] + window
        # The attention mix rows of its input projection (the one-hot rows are a lookup) and the
        # first cell's whole input, the projection's output.
        attention = (ip[0] - ip[1]) * ip[1]
        for k in ("attention.attn_w", "attention.attn_v", "attention.query.kernel",
                  "attention.output_projection.kernel"):
            attention += _size(p[k])
        mul = _stack(p, "rnn.", ip[1]) + _size(p["fully_connected.kernel"]) + attention
        return mul, mul, act
    # The first cell's input: one-hot class rows, then aux inputs (the binary counter), which
    # are known for every step and projected in one product per call.
    aux = p["rnn.cells.0.kernel"][0] - units0 - classes
    read = _stack(p, "rnn.") + _size(p["fully_connected.kernel"])
    return read, read + aux * p["rnn.cells.0.kernel"][1], act


def _passes(p: Dict[str, tuple], meta: Dict, work: str) -> Optional[List[Pass]]:
    n = int(work.lstrip("abcdefghijklmnopqrstuvwxyz") or 0)
    if work.startswith("sample"):
        return _decode(p, meta, n)
    if work.startswith("interpolate"):
        return _encode(p, meta, 2) + _decode(p, meta, n)
    if work.startswith(("groove", "drumify")):
        windows = max(1, n * 16 // meta["converter"]["numSteps"])  # n bars, 16 steps a bar
        return _encode(p, meta, windows) + _decode(p, meta, windows)
    if work.startswith("continue"):
        read, mul, act = _rnn_step(p, meta)
        return [Pass(read, mul, PRIMER_STEPS + n, CONTINUE_VARIATIONS, act)]
    return None


def work_limit_ms(p: Dict[str, tuple], meta: Dict, work: str, gflops: float = 0.0,
                  activation_ns: float = 0.0, bandwidth=BANDWIDTH) -> Optional[Dict[str, float]]:
    """{"bandwidth": ms, "arithmetic": ms (0 without gflops), "activations": ms (0 without
    activation_ns), "limit": the larger of bandwidth and arithmetic + activations}.
    bandwidth: bytes/s, or the measured ladder (read_bandwidth)."""
    passes = _passes(p, meta, work)
    if passes is None:
        return None
    bandwidth = sum(x.read * FLOAT * x.steps / read_bandwidth(x.read * FLOAT, bandwidth)
                    for x in passes) * 1000.0
    flops = sum(2.0 * x.mul * x.steps * x.rows for x in passes)
    arithmetic = flops / (gflops * 1e9) * 1000.0 if gflops > 0 else 0.0
    activations = sum(x.act * x.steps * x.rows for x in passes) * activation_ns / 1e6
    return {"bandwidth": bandwidth, "arithmetic": arithmetic, "activations": activations,
            "limit": max(bandwidth, arithmetic + activations)}


def limits_ms(pt: str, meta: Dict, works: List[str], gflops: float = 0.0,
              activation_ns: float = 0.0, bandwidth=BANDWIDTH) -> Dict[str, Dict]:
    p = _params(pt)
    out = {}
    for w in works:
        v = work_limit_ms(p, meta, w, gflops, activation_ns, bandwidth)
        if v is not None:
            out[w] = v
    return out


TOOL_OF = {"sample": "generate", "interpolate": "interpolate", "continue": "continue",
           "groove": "groove", "drumify": "drumify"}


def shipped_limit_ms(folder: str, metas: List[Dict], kind: str, work: str, gflops: float = 0.0,
                     activation_ns: float = 0.0, bandwidth=BANDWIDTH) -> Optional[Dict[str, float]]:
    """The limit for the model the engine would pick (first in file-name order)."""
    tool = TOOL_OF[work.rstrip("0123456789")]
    conv = {"melody": "melody", "drums": "drums"}[kind]
    if tool in ("groove", "drumify"):
        conv = "groove"
    for m in metas:
        if tool in m["tools"] and m["converter"]["type"] == conv and "controls" not in m:
            pt = _find_file(folder, m["id"])
            if pt:
                return work_limit_ms(_params(pt), m, work, gflops, activation_ns, bandwidth)
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
