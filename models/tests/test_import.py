"""import_magenta: variable naming against real magenta.js manifests (random shards with their
shapes), quantized decoding, and one-line errors naming the variable."""
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..")
sys.path.insert(0, MODELS)

from clipgen_models.export import load  # noqa: E402
from clipgen_models.magenta_import import CheckpointError, import_checkpoint, read_weights  # noqa: E402

SHARED = os.environ.get("CLIPGEN_SHARED_DIR", os.path.join(MODELS, "..", "..", "shared"))
FORMAT_DIR = os.path.join(SHARED, "magenta-format")
REAL = ["mel_2bar_small", "basic_rnn", "chord_pitches_improv"]


def need_shared(name):
    folder = os.path.join(FORMAT_DIR, name)
    if not os.path.exists(os.path.join(folder, "weights_manifest.json")):
        pytest.skip(f"shared data {folder} is absent")
    return folder


def fake_checkpoint(src, dst, seed=0, drop=None, reshape=None, truncate=0):
    """Copies config.json and the manifest from src and writes random shards of those shapes.
    Returns {name: values} as written."""
    os.makedirs(dst, exist_ok=True)
    shutil.copy(os.path.join(src, "config.json"), dst)
    with open(os.path.join(src, "weights_manifest.json")) as f:
        manifest = json.load(f)
    rng = np.random.default_rng(seed)
    values = {}
    for group in manifest:
        if drop:
            group["weights"] = [w for w in group["weights"] if w["name"] != drop]
        if reshape:
            for w in group["weights"]:
                if w["name"] == reshape:
                    w["shape"] = [w["shape"][0] + 1] + w["shape"][1:]
        blob = b"".join(_values(rng, w, values) for w in group["weights"])
        if truncate:
            blob = blob[:-truncate]
        # Split over the group's shard names to exercise concatenation.
        n = len(group["paths"])
        cuts = [len(blob) * i // n for i in range(n + 1)]
        for i, p in enumerate(group["paths"]):
            with open(os.path.join(dst, p), "wb") as f:
                f.write(blob[cuts[i]:cuts[i + 1]])
    with open(os.path.join(dst, "weights_manifest.json"), "w") as f:
        json.dump(manifest, f)
    return values


def _values(rng, w, values):
    v = (rng.standard_normal(w["shape"]) * 0.1).astype(np.float32)
    values[w["name"]] = v
    return v.tobytes()


@pytest.mark.parametrize("name", REAL)
def test_real_manifests_map_every_variable(name, tmp_path):
    src = need_shared(name)
    values = fake_checkpoint(src, str(tmp_path / name))
    model, meta = import_checkpoint(str(tmp_path / name))
    assert "unusedVariables" not in meta, meta.get("unusedVariables")
    params = dict(model.named_parameters())
    total = sum(v.size for v in values.values())
    assert sum(p.numel() for p in params.values()) == total
    if name == "mel_2bar_small":
        assert meta["kind"] == "musicvae" and meta["zSize"] == 256 and meta["bars"] == 2
        k = values["encoder/cell_0/bidirectional_rnn/fw/multi_rnn_cell/cell_0/lstm_cell/kernel"]
        assert np.array_equal(params["encoder.rnn.fw.kernel"].detach().numpy(), k)
        k = values["decoder/multi_rnn_cell/cell_1/lstm_cell/bias"]
        assert np.array_equal(params["decoder.core.rnn.cells.1.bias"].detach().numpy(), k)
    else:
        assert meta["kind"] == "musicrnn"
        k = values["fully_connected/weights"]
        assert np.array_equal(params["fully_connected.kernel"].detach().numpy(), k)
        if name == "chord_pitches_improv":
            assert meta["controls"]["depth"] == 37 and model.control_size == 37


def test_cli_writes_loadable_model(tmp_path):
    src = need_shared("basic_rnn")
    fake_checkpoint(src, str(tmp_path / "ck"))
    out = str(tmp_path / "basic_rnn.pt")
    r = subprocess.run([sys.executable, os.path.join(MODELS, "import_magenta.py"),
                        str(tmp_path / "ck"), out], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    module, meta = load(out)
    assert meta["id"] == "basic_rnn" and meta["source"].startswith("imported from magenta.js")
    assert module.generate(torch.tensor([[2, 0, 0]]), 5, 0.0, torch.rand(1, 5)).shape == (1, 5)


@pytest.mark.parametrize("damage, needle", [
    (dict(drop="decoder/multi_rnn_cell/cell_1/lstm_cell/kernel"),
     "variable decoder/multi_rnn_cell/cell_1/lstm_cell/kernel is missing: expected shape [512, 1024]"),
    (dict(reshape="encoder/mu/kernel"),
     "variable encoder/mu/kernel has shape [1025, 256]: expected [1024, 256]"),
    (dict(truncate=8), "is truncated"),
])
def test_damaged_checkpoint_gives_one_line_naming_the_variable(damage, needle, tmp_path):
    src = need_shared("mel_2bar_small")
    fake_checkpoint(src, str(tmp_path / "ck"), **damage)
    r = subprocess.run([sys.executable, os.path.join(MODELS, "import_magenta.py"),
                        str(tmp_path / "ck"), str(tmp_path / "x.pt")], capture_output=True, text=True)
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], r.stderr
    assert not os.path.exists(tmp_path / "x.pt")


def test_truncation_names_the_last_variable(tmp_path):
    src = need_shared("basic_rnn")
    fake_checkpoint(src, str(tmp_path / "ck"), truncate=4)
    with pytest.raises(CheckpointError, match=r"variable fully_connected/biases \[38\] is truncated"):
        import_checkpoint(str(tmp_path / "ck"))


def test_quantized_weights_decode(tmp_path):
    manifest = [{"paths": ["a", "b"], "weights": [
        {"name": "u8", "shape": [2, 2], "dtype": "float32",
         "quantization": {"dtype": "uint8", "min": -1.0, "scale": 0.5}},
        {"name": "u16", "shape": [3], "dtype": "float32",
         "quantization": {"dtype": "uint16", "min": 2.0, "scale": 0.25}},
        {"name": "f", "shape": [], "dtype": "float32"}]}]
    blob = bytes([0, 1, 2, 255]) + np.array([0, 4, 65535], np.uint16).tobytes() + \
        np.array([3.5], np.float32).tobytes()
    (tmp_path / "a").write_bytes(blob[:5])
    (tmp_path / "b").write_bytes(blob[5:])
    v = read_weights(str(tmp_path), manifest)
    assert v["u8"].tolist() == [[-1.0, -0.5], [0.0, 126.5]]
    assert v["u16"].tolist() == [2.0, 3.0, 65535 * 0.25 + 2.0]
    assert float(v["f"]) == 3.5


def test_unsupported_model_is_refused(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps(
        {"type": "MusicVAE", "dataConverter": {"type": "TrioConverter", "args": {"numSteps": 32}}}))
    (tmp_path / "weights_manifest.json").write_text("[]")
    with pytest.raises(CheckpointError, match="missing|not supported"):
        import_checkpoint(str(tmp_path))
