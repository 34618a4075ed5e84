"""Parity with magenta.js: import the committed random-weight magenta.js checkpoints in
tests/data/parity/ and compare with magenta.js' own outputs stored beside them
(tests/parity/generate_reference.js wrote both)."""
import json
import os
import sys

import pytest
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))

from clipgen_models.export import load, save  # noqa: E402
from clipgen_models.magenta_import import import_checkpoint  # noqa: E402

PARITY_DIR = os.environ.get("CLIPGEN_PARITY_DIR",
                            os.path.join(HERE, "..", "..", "tests", "data", "parity"))


def _cases():
    out = {"MusicVAE": [], "MusicRNN": []}
    if os.path.isdir(PARITY_DIR):
        for d in sorted(os.listdir(PARITY_DIR)):
            ref = os.path.join(PARITY_DIR, d, "reference.json")
            if os.path.exists(ref):
                with open(ref) as f:
                    out[json.load(f)["type"]].append(d)
    return out


CASES = _cases()
MU_TOL = 1e-4
GROOVE_TOL = 1e-4
PROB_TOL = 1e-5


def max_abs(a, b):
    return float((torch.as_tensor(a) - torch.as_tensor(b)).abs().max())


def rnn_probs(model, classes, continuation, controls):
    """softmax(logits) before each continuation step, feeding magenta.js' own choices back."""
    seq = torch.tensor([classes + continuation])
    plen = len(classes)
    cs, hs = model.rnn.zero_state(1, model.fully_connected.bias)
    attention = torch.zeros(1, model.attention.attn_size)
    window = torch.zeros(1, model.attn_length, 2 * model.attention.attn_size)
    probs = []
    for i in range(seq.size(1) - 1):
        x = model._input(seq[:, i], i, controls)
        output, cs, hs, attention, window = model._step(x, cs, hs, attention, window)
        if i >= plen - 1:
            probs.append(torch.softmax(model.fully_connected(output), 1)[0])
    return torch.stack(probs)


def imported(name, tmp_path_factory):
    folder = os.path.join(PARITY_DIR, name)
    with open(os.path.join(folder, "reference.json")) as f:
        ref = json.load(f)
    model, meta = import_checkpoint(folder)
    meta["id"] = name
    path = str(tmp_path_factory.mktemp("pt") / f"{name}.pt")
    save(model, meta, path)
    scripted, meta = load(path)  # compare the saved TorchScript file, as the engine runs it
    return ref, scripted, meta, model


@pytest.fixture(scope="module", params=CASES["MusicVAE"])
def vae_case(request, tmp_path_factory):
    return imported(request.param, tmp_path_factory)


@pytest.fixture(scope="module", params=CASES["MusicRNN"])
def rnn_case(request, tmp_path_factory):
    return imported(request.param, tmp_path_factory)


def vae_input(ref, meta):
    conv = meta["converter"]
    if conv["type"] == "groove":
        return torch.tensor([i["tensor"] for i in ref["inputs"]], dtype=torch.float32)
    depth = 512 if conv["type"] == "drums" else conv["maxPitch"] - conv["minPitch"] + 3
    classes = torch.tensor([i["classes"] for i in ref["inputs"]])
    return torch.nn.functional.one_hot(classes, depth).float()


def test_parity_cases_present():
    assert len(CASES["MusicVAE"]) >= 4 and len(CASES["MusicRNN"]) >= 3, \
        f"parity references missing in {PARITY_DIR}"


def test_encode_matches_magenta_js(vae_case):
    ref, model, meta, _ = vae_case
    x = vae_input(ref, meta)
    lengths = torch.full([x.size(0)], x.size(1), dtype=torch.long)
    with torch.no_grad():
        mu, sigma = model.encode(x, lengths)
    err = max_abs(mu, ref["mu"])
    print(f"{ref['case']}: max |dz| = {err:.3g}")
    assert err < MU_TOL, f"{ref['case']}: max |mu - magenta.js mu| = {err}"
    if "muFromNoteSequences" in ref:
        assert max_abs(ref["muFromNoteSequences"], ref["mu"]) == 0.0


def test_decode_matches_magenta_js(vae_case):
    ref, model, meta, _ = vae_case
    z = torch.tensor(ref["z"], dtype=torch.float32)
    steps = meta["converter"]["numSteps"]
    groove = meta["kind"] == "groovae"
    u = torch.rand(z.size(0), steps, 9) if groove else torch.rand(z.size(0), steps)
    with torch.no_grad():
        out = model.decode(z, 0.0, u)
    want = torch.tensor(ref["decoded"])
    if groove:
        assert torch.equal(out[..., :9], want[..., :9].float()), "groove hits differ"
        err = max_abs(out[..., 9:], want[..., 9:])
        print(f"{ref['case']}: max |d velocity/offset| = {err:.3g}")
        assert err < GROOVE_TOL
    else:
        assert out.tolist() == want.tolist()


def test_generate_matches_magenta_js(rnn_case):
    ref, model, meta, eager = rnn_case
    u = torch.rand(1, ref["steps"])
    for p in ref["primers"]:
        primer = torch.tensor([p["classes"]])
        controls = torch.tensor([p["controls"]], dtype=torch.float32) if "controls" in p else None
        with torch.no_grad():
            if controls is not None:
                out = model.generate_with_controls(primer, controls, ref["steps"], 0.0, u)
            else:
                out = model.generate(primer, ref["steps"], 0.0, u)
            assert out[0].tolist() == p["continuation"]
            if "probs" in p:
                probs = rnn_probs(eager, p["classes"], p["continuation"], controls)
                err = max_abs(probs, p["probs"])
                print(f"{ref['case']}: max |d prob| = {err:.3g}")
                assert err < PROB_TOL
