"""magenta.js checkpoint folder (config.json, weights_manifest.json, shards) -> ClipGen nets.

Every variable magenta.js reads is mapped to one parameter; a missing, mis-shaped or truncated
variable raises CheckpointError with one line naming it and the shape expected.
"""
import json
import os
from typing import Any, Dict, List, Optional, Tuple

import numpy as np
import torch

from .nets import MusicRNN, build_groove_vae, build_music_vae

# magenta.js core/constants.js DEFAULT_DRUM_PITCH_CLASSES (what its converters use).
MAGENTA_JS_DRUM_PITCH_CLASSES = [
    [36, 35],
    [38, 27, 28, 31, 32, 33, 34, 37, 39, 40, 56, 65, 66, 75, 85],
    [42, 44, 54, 68, 69, 70, 71, 73, 78, 80],
    [46, 67, 72, 74, 79, 81],
    [45, 29, 41, 61, 64, 84],
    [48, 47, 60, 63, 77, 86, 87],
    [50, 30, 43, 62, 76, 83],
    [49, 55, 57, 58],
    [51, 52, 53, 59, 82],
]
# magenta.js core/chords.ts encoder depths.
CHORD_ENCODER_DEPTH = {"PitchChordEncoder": 37, "MajorMinorChordEncoder": 25,
                       "TriadChordEncoder": 49}
DEFAULT_STEPS_PER_QUARTER = 4

_DTYPES = {"float32": np.float32, "int32": np.int32, "uint8": np.uint8, "uint16": np.uint16,
           "float16": np.float16}


class CheckpointError(Exception):
    """One line a user can act on."""


def read_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        raise CheckpointError(f"{path} not found: point at a magenta.js checkpoint folder")
    except json.JSONDecodeError as e:
        raise CheckpointError(f"{path} is not valid JSON ({e})")


def read_weights(folder: str, manifest: List[Dict[str, Any]]) -> Dict[str, np.ndarray]:
    """Decodes every variable; shards of a group are concatenated in manifest order."""
    out: Dict[str, np.ndarray] = {}
    for group in manifest:
        chunks = []
        for p in group["paths"]:
            path = os.path.join(folder, p)
            if not os.path.exists(path):
                raise CheckpointError(f"weight shard {path} is missing")
            with open(path, "rb") as f:
                chunks.append(f.read())
        buf = b"".join(chunks)
        offset = 0
        for w in group["weights"]:
            name, shape = w["name"], [int(d) for d in w["shape"]]
            quant = w.get("quantization")
            dtype = (quant or {}).get("dtype", w.get("dtype", "float32"))
            if dtype not in _DTYPES:
                raise CheckpointError(f"variable {name}: unsupported dtype {dtype}")
            count = int(np.prod(shape)) if shape else 1
            nbytes = count * np.dtype(_DTYPES[dtype]).itemsize
            if offset + nbytes > len(buf):
                raise CheckpointError(
                    f"variable {name} {shape} is truncated: shards end {offset + nbytes - len(buf)} "
                    "bytes early")
            raw = np.frombuffer(buf, dtype=_DTYPES[dtype], count=count, offset=offset)
            offset += nbytes
            if quant and dtype in ("uint8", "uint16"):
                value = raw.astype(np.float32) * np.float32(quant["scale"]) + np.float32(quant["min"])
            else:
                value = raw.astype(np.float32)
            out[name] = value.reshape(shape)
    return out


class _Vars:
    """Checked access to the decoded variables; records which were used."""

    def __init__(self, values: Dict[str, np.ndarray]):
        self.values = values
        self.used = set()

    def has(self, name: str) -> bool:
        return name in self.values

    def shape(self, name: str, what: str) -> List[int]:
        if name not in self.values:
            raise CheckpointError(f"variable {name} is missing (needed for {what})")
        return list(self.values[name].shape)

    def get(self, name: str, expected: List[int]) -> torch.Tensor:
        if name not in self.values:
            raise CheckpointError(f"variable {name} is missing: expected shape {expected}")
        v = self.values[name]
        if list(v.shape) != list(expected):
            raise CheckpointError(
                f"variable {name} has shape {list(v.shape)}: expected {list(expected)}")
        self.used.add(name)
        return torch.from_numpy(np.ascontiguousarray(v))


def _assign(param: torch.nn.Parameter, value: torch.Tensor) -> None:
    with torch.no_grad():
        param.copy_(value.reshape(param.shape))


def _load_dense(vars_: _Vars, dense, prefix: str, kernel="kernel", bias="bias") -> None:
    _assign(dense.kernel, vars_.get(prefix + kernel, list(dense.kernel.shape)))
    _assign(dense.bias, vars_.get(prefix + bias, list(dense.bias.shape)))


def _load_cell(vars_: _Vars, cell, prefix: str) -> None:
    _load_dense(vars_, cell, prefix)


def _count_layers(vars_: _Vars, fmt: str) -> List[int]:
    """Units of each layer found by probing fmt % n + kernel|bias (magenta.js getLstmLayers);
    a layer with only one of the two is kept so that the other is reported missing."""
    units = []
    while True:
        prefix = fmt % len(units)
        if vars_.has(prefix + "bias"):
            units.append(vars_.shape(prefix + "bias", "layer size")[0] // 4)
        elif vars_.has(prefix + "kernel"):
            units.append(vars_.shape(prefix + "kernel", "layer size")[-1] // 4)
        else:
            return units


def _melody_depth(args: Dict[str, Any]) -> int:
    return int(args["maxPitch"]) - int(args["minPitch"]) + 3


def _reject_unsupported(config: Dict[str, Any], vars_: _Vars) -> None:
    for key in ("extraControls", "conditionOnKey", "useBooleanDecoder"):
        if config.get(key):
            raise CheckpointError(f"config.json: '{key}' models are not supported by ClipGen")


def _import_vae(config: Dict[str, Any], vars_: _Vars, tf_semantics: bool
                ) -> Tuple[torch.nn.Module, Dict[str, Any]]:
    _reject_unsupported(config, vars_)
    if config.get("chordEncoder"):
        raise CheckpointError("config.json: chord-conditioned MusicVAE is not supported by ClipGen")
    conv = config["dataConverter"]
    ctype, args = conv["type"], conv.get("args", {})
    num_steps = int(args.get("numSteps") or 0)
    num_segments = int(args.get("numSegments") or 0)
    if not num_steps:
        raise CheckpointError("config.json: dataConverter.args.numSteps is required for MusicVAE")
    for bad in ("control_preprocessing/cell_0/bidirectional_rnn/fw/multi_rnn_cell/cell_0/lstm_cell/kernel",):
        if vars_.has(bad):
            raise CheckpointError("control-conditioned MusicVAE is not supported by ClipGen")
    core_prefix = "core_decoder/decoder/" if num_segments else "decoder/"
    if vars_.has(core_prefix + "nade/w_enc"):
        raise CheckpointError("NADE decoders (drums_*_nade) are not supported by ClipGen")
    z_size = vars_.shape("encoder/mu/bias", "the latent size")[0]
    dec_layers = _count_layers(vars_, core_prefix + "multi_rnn_cell/cell_%d/lstm_cell/")
    if not dec_layers:
        raise CheckpointError(f"variable {core_prefix}multi_rnn_cell/cell_0/lstm_cell/kernel is missing")
    spq = int(args.get("stepsPerQuarter") or DEFAULT_STEPS_PER_QUARTER)
    meta: Dict[str, Any] = {"zSize": z_size, "stepsPerQuarter": spq,
                            "bars": num_steps // (4 * spq)}

    if num_segments:
        fmt = "encoder/hierarchical_level_%d/cell_0/bidirectional_rnn/fw/multi_rnn_cell/cell_0/lstm_cell/"
        enc_units = _count_layers(vars_, fmt)
        if len(enc_units) != 2:
            raise CheckpointError(
                f"hierarchical encoder needs 2 levels ({fmt % 0}kernel, {fmt % 1}kernel); found "
                f"{len(enc_units)}")
        cond_layers = _count_layers(vars_, "decoder/hierarchical_level_0/cell_%d/lstm_cell/")
        if not cond_layers:
            raise CheckpointError("variable decoder/hierarchical_level_0/cell_0/lstm_cell/kernel is missing")
    else:
        if vars_.has("encoder/cell_1/bidirectional_rnn/fw/multi_rnn_cell/cell_0/lstm_cell/kernel"):
            raise CheckpointError("multi-layer flat encoders are not supported (magenta.js refuses them too)")
        enc_units = [vars_.shape(
            "encoder/cell_0/bidirectional_rnn/fw/multi_rnn_cell/cell_0/lstm_cell/bias", "encoder size")[0] // 4]
        cond_layers = []

    if ctype == "MelodyConverter":
        depth = _melody_depth(args)
        model = build_music_vae(depth, depth, z_size, enc_units, dec_layers, num_steps,
                                num_segments, cond_layers)
        meta["converter"] = {"type": "melody", "minPitch": int(args["minPitch"]),
                             "maxPitch": int(args["maxPitch"]), "numSteps": num_steps,
                             "stepsPerQuarter": spq}
        meta["kind"], meta["tools"] = "musicvae", ["generate", "interpolate"]
    elif ctype == "DrumsConverter":
        enc_in = _first_encoder_input(vars_, num_segments, enc_units[0])
        if enc_in not in (10, 512):
            raise CheckpointError(f"drums encoder input depth {enc_in}: expected 10 (roll) or 512 (one-hot)")
        model = build_music_vae(enc_in, 512, z_size, enc_units, dec_layers, num_steps,
                                num_segments, cond_layers, roll_input=(enc_in == 10),
                                magenta_js_roll=not tf_semantics)
        meta["converter"] = {"type": "drums", "numSteps": num_steps, "stepsPerQuarter": spq,
                             "rollInput": enc_in == 10,
                             "drumPitchClasses": args.get("pitchClasses") or MAGENTA_JS_DRUM_PITCH_CLASSES}
        meta["kind"], meta["tools"] = "musicvae", ["generate", "interpolate"]
    elif ctype == "GrooveConverter":
        if num_segments:
            raise CheckpointError("hierarchical GrooVAE is not supported by ClipGen")
        if args.get("splitInstruments"):
            raise CheckpointError("GrooveConverter splitInstruments is not supported by ClipGen")
        pitch_classes = args.get("pitchClasses") or MAGENTA_JS_DRUM_PITCH_CLASSES
        model = build_groove_vae(z_size, enc_units[0], dec_layers, num_steps, len(pitch_classes))
        tapify = bool(args.get("tapify"))
        meta["converter"] = {"type": "groove", "numSteps": num_steps, "stepsPerQuarter": spq,
                             "humanize": bool(args.get("humanize")), "tapify": tapify,
                             "drumPitchClasses": pitch_classes}
        meta["kind"], meta["tools"] = "groovae", ["drumify"] if tapify else ["groove"]
    else:
        raise CheckpointError(f"config.json: dataConverter {ctype} is not supported by ClipGen "
                              "(MelodyConverter, DrumsConverter, GrooveConverter are)")
    if num_segments:
        meta["converter"]["numSegments"] = num_segments

    # Encoder.
    if num_segments:
        enc = model.encoder
        for level, rnn in ((0, enc.level0), (1, enc.level1)):
            for d, cell in (("fw", rnn.fw), ("bw", rnn.bw)):
                _load_cell(vars_, cell, f"encoder/hierarchical_level_{level}/cell_0/bidirectional_rnn/"
                                        f"{d}/multi_rnn_cell/cell_0/lstm_cell/")
    else:
        rnn = model.encoder.rnn
        for d, cell in (("fw", rnn.fw), ("bw", rnn.bw)):
            _load_cell(vars_, cell, f"encoder/cell_0/bidirectional_rnn/{d}/multi_rnn_cell/cell_0/lstm_cell/")
    _load_dense(vars_, model.mu, "encoder/mu/")
    if vars_.has("encoder/sigma/kernel"):
        _load_dense(vars_, model.sigma, "encoder/sigma/")
        meta["sigma"] = True
    else:  # magenta.js never reads sigma; some exported checkpoints drop it.
        with torch.no_grad():
            model.sigma.kernel.zero_()
            model.sigma.bias.fill_(-30.0)
        meta["sigma"] = False

    # Decoder.
    core = model.decoder.core
    for n, cell in enumerate(core.rnn.cells):
        _load_cell(vars_, cell, f"{core_prefix}multi_rnn_cell/cell_{n}/lstm_cell/")
    _load_dense(vars_, core.z_to_initial_state, core_prefix + "z_to_initial_state/")
    _load_dense(vars_, core.output_projection, core_prefix + "output_projection/")
    if num_segments:
        dec = model.decoder
        for n, cell in enumerate(dec.conductor.cells):
            _load_cell(vars_, cell, f"decoder/hierarchical_level_0/cell_{n}/lstm_cell/")
        _load_dense(vars_, dec.initial_state, "decoder/hierarchical_level_0/initial_state/")
    return model, meta


def _first_encoder_input(vars_: _Vars, num_segments: int, units: int) -> int:
    name = ("encoder/hierarchical_level_0/cell_0/bidirectional_rnn/fw/multi_rnn_cell/cell_0/lstm_cell/kernel"
            if num_segments else "encoder/cell_0/bidirectional_rnn/fw/multi_rnn_cell/cell_0/lstm_cell/kernel")
    return vars_.shape(name, "the encoder input depth")[0] - units


def _import_rnn(config: Dict[str, Any], vars_: _Vars, tf_semantics: bool
                ) -> Tuple[torch.nn.Module, Dict[str, Any]]:
    _reject_unsupported(config, vars_)
    conv = config["dataConverter"]
    ctype, args = conv["type"], conv.get("args", {})
    meta: Dict[str, Any] = {"kind": "musicrnn", "tools": ["continue"], "bars": 0,
                            "stepsPerQuarter": DEFAULT_STEPS_PER_QUARTER}
    if ctype == "MelodyConverter":
        depth = _melody_depth(args)
        meta["converter"] = {"type": "melody", "minPitch": int(args["minPitch"]),
                             "maxPitch": int(args["maxPitch"]),
                             "stepsPerQuarter": DEFAULT_STEPS_PER_QUARTER}
    elif ctype == "DrumsOneHotConverter":
        depth = 512
        meta["converter"] = {"type": "drums", "stepsPerQuarter": DEFAULT_STEPS_PER_QUARTER,
                             "drumPitchClasses": args.get("pitchClasses") or MAGENTA_JS_DRUM_PITCH_CLASSES}
    else:
        raise CheckpointError(f"config.json: MusicRNN dataConverter {ctype} is not supported by ClipGen "
                              "(MelodyConverter, DrumsOneHotConverter are)")
    attention = vars_.has("rnn/attention_cell_wrapper/kernel")
    prefix = "rnn/attention_cell_wrapper/" if attention else "rnn/"
    cell_fmt = prefix + "multi_rnn_cell/cell_%d/basic_lstm_cell/"
    layers = _count_layers(vars_, cell_fmt)
    if not layers:
        raise CheckpointError(f"variable {cell_fmt % 0}kernel is missing")
    control = 0
    if config.get("chordEncoder"):
        if config["chordEncoder"] not in CHORD_ENCODER_DEPTH:
            raise CheckpointError(f"config.json: chordEncoder {config['chordEncoder']} is not supported")
        control = CHORD_ENCODER_DEPTH[config["chordEncoder"]]
        meta["controls"] = {"type": "chords", "encoder": config["chordEncoder"], "depth": control}
    aux_bits = 0
    for aux in config.get("auxInputs") or []:
        if aux.get("type") != "BinaryCounter" or aux_bits:
            raise CheckpointError(f"config.json: auxInputs {aux} not supported (one BinaryCounter is)")
        aux_bits = int(aux["args"]["numBits"])
    attn_length = 0
    if attention:
        attn_length = int(config.get("attentionLength") or 0)
        if attn_length <= 0:
            raise CheckpointError("config.json: attentionLength is required for an attention MusicRNN")
        if len(set(layers)) != 1:
            raise CheckpointError("attention MusicRNN needs equal layer sizes (as magenta.js)")
        meta["attentionLength"] = attn_length
    model = MusicRNN(depth, layers, attn_length, control, aux_bits, attn_query_bias=tf_semantics)
    for n, cell in enumerate(model.rnn.cells):
        _load_cell(vars_, cell, cell_fmt % n)
    _load_dense(vars_, model.fully_connected, "fully_connected/", "weights", "biases")
    if attention:
        a = model.attention
        _load_dense(vars_, a.input_projection, prefix)
        _assign(a.attn_w, vars_.get(prefix + "attention/attn_w", [1, 1] + list(a.attn_w.shape)))
        _assign(a.attn_v, vars_.get(prefix + "attention/attn_v", list(a.attn_v.shape)))
        _load_dense(vars_, a.query, prefix + "attention/")
        _load_dense(vars_, a.output_projection, prefix + "attention_output_projection/")
    return model, meta


def import_checkpoint(folder: str, tf_semantics: bool = False
                      ) -> Tuple[torch.nn.Module, Dict[str, Any]]:
    """Returns (network, partial clipgen.json) for a magenta.js checkpoint folder.

    By default the network reproduces magenta.js exactly, including two of its quirks: the
    drums roll input's shifted 'no hit' bit and the attention query without its bias.
    tf_semantics=True follows TensorFlow Magenta instead (what the checkpoints were trained on).
    """
    config = read_json(os.path.join(folder, "config.json"))
    manifest = read_json(os.path.join(folder, "weights_manifest.json"))
    vars_ = _Vars(read_weights(folder, manifest))
    mtype = config.get("type")
    if "dataConverter" not in config:
        raise CheckpointError("config.json: dataConverter is missing")
    if mtype == "MusicVAE":
        model, meta = _import_vae(config, vars_, tf_semantics)
    elif mtype == "MusicRNN":
        model, meta = _import_rnn(config, vars_, tf_semantics)
    else:
        raise CheckpointError(f"config.json: model type {mtype!r} is not supported (MusicVAE, MusicRNN are)")
    unused = sorted(set(vars_.values) - vars_.used)
    if unused:  # magenta.js ignores them too (e.g. global_step); listed for the curious.
        meta["unusedVariables"] = unused
    meta["semantics"] = "tensorflow" if tf_semantics else "magenta.js"
    meta["source"] = f"imported from magenta.js checkpoint {os.path.basename(os.path.normpath(folder))}"
    return model.eval(), meta
