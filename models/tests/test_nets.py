"""Networks: TorchScript equals eager, the interface shapes, sampling rules, masking."""
import os
import sys

import pytest
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from clipgen_models.export import load, save  # noqa: E402
from clipgen_models.nets import MusicRNN, build_groove_vae, build_music_vae  # noqa: E402
from clipgen_models.nets.encoders import BidirectionalLSTM  # noqa: E402
from clipgen_models.nets.layers import TFLSTMCell, addmm_small, sample_categorical  # noqa: E402
from clipgen_models.nets.music_vae import drum_onehot_to_roll  # noqa: E402

import export as export_cli  # noqa: E402


def onehot(idx, depth):
    return torch.nn.functional.one_hot(idx, depth).float()


def test_lstm_cell_matches_tf_formula():
    torch.manual_seed(0)
    cell = TFLSTMCell(3, 2)
    x, c, h = torch.randn(1, 3), torch.randn(1, 2), torch.randn(1, 2)
    g = torch.cat([x, h], 1) @ cell.kernel + cell.bias
    i, j, f, o = g[:, 0:2], g[:, 2:4], g[:, 4:6], g[:, 6:8]
    c2 = c * torch.sigmoid(f + 1.0) + torch.sigmoid(i) * torch.tanh(j)
    h2 = torch.tanh(c2) * torch.sigmoid(o)
    got_c, got_h = cell(x, c, h)
    assert torch.allclose(got_c, c2, atol=1e-6) and torch.allclose(got_h, h2, atol=1e-6)


@pytest.mark.parametrize("rows,inner,cols", [(1, 256, 1024), (8, 256, 1024), (16, 192, 768),
                                             (3, 100, 50), (8, 512, 2000)])
def test_addmm_small_equals_addmm(rows, inner, cols):
    torch.manual_seed(7)
    x, w = torch.randn(rows, inner), torch.randn(inner, cols)
    for bias in (torch.randn(cols), torch.randn(rows, cols)):
        want = torch.addmm(bias, x, w)
        got = addmm_small(bias, x, w)
        assert got.shape == want.shape and torch.allclose(got, want, atol=1e-4)
    assert torch.allclose(torch.jit.script(addmm_small)(bias, x, w), want, atol=1e-4)


@pytest.mark.parametrize("rows", [1, 2, 8])
def test_full_length_step_loop_equals_fused_lstm(rows):
    torch.manual_seed(8)
    enc = BidirectionalLSTM(5, 12)
    x = torch.randn(rows, 7, 5)
    with torch.no_grad():
        zeros = x.new_zeros(2, rows, 12)
        params = enc.fw.torch_weights() + enc.bw.torch_weights()
        _, h_n, _ = torch.lstm(x, [zeros, zeros], params, True, 1, 0.0, False, True, True)
        fused = torch.cat([h_n[0], h_n[1]], 1)
        masked = enc(x, torch.full([rows], 6, dtype=torch.long))
        assert torch.allclose(enc.full_length_steps(x), fused, atol=1e-5)
        assert torch.allclose(enc.full_length(x), fused, atol=1e-5)
        assert not torch.allclose(masked, fused, atol=1e-4)  # lengths < T take the masked loop


def test_groove_velocity_given_hit_zeroes_steps_without_hits():
    torch.manual_seed(9)
    plain = build_groove_vae(6, 8, [16], 16).eval()
    given = build_groove_vae(6, 8, [16], 16, velocity_given_hit=True).eval()
    given.load_state_dict(plain.state_dict())
    z = torch.randn(3, 6)
    u = torch.rand(3, 16, 9)
    with torch.no_grad():
        a = plain.decode(z, 1.0, u)
        b = torch.jit.script(given).decode(z, 1.0, u)
    assert torch.equal(b[..., 9:18], b[..., 9:18] * b[..., :9])  # velocity 0 without a hit
    assert (a[..., 9:18][a[..., :9] < 0.5] > 0).any()  # magenta.js semantics keep P(hit) x v
    # The first step sees the same input in both, so its hits and offsets agree.
    assert torch.equal(a[:, 0, :9], b[:, 0, :9]) and torch.equal(a[:, 0, 18:], b[:, 0, 18:])


def test_sample_categorical_rules():
    logits = torch.tensor([[0.0, 2.0, 2.0, -1.0]])
    assert sample_categorical(logits, 0.0, torch.tensor([0.3])).item() == 1  # first max
    p = torch.softmax(logits / 0.7, 1).cumsum(1)[0]
    for u, want in ((0.0, 0), (float(p[0]) + 1e-4, 1), (float(p[1]) + 1e-4, 2), (0.999999, 3)):
        assert sample_categorical(logits, 0.7, torch.tensor([u])).item() == want


def test_drum_roll_conversion():
    idx = torch.tensor([[0, 1, 256 + 4, 511]])
    roll = drum_onehot_to_roll(onehot(idx, 512), 9, False)
    assert roll[0, 0].tolist() == [0] * 9 + [1]
    assert roll[0, 1].tolist() == [1] + [0] * 8 + [0]
    assert roll[0, 2].tolist() == [0, 0, 1, 0, 0, 0, 0, 0, 1, 0]
    assert roll[0, 3].tolist() == [1] * 9 + [0]


VAES = {
    "flat": lambda: build_music_vae(12, 12, 6, [10], [8, 8], 16),
    "hier": lambda: build_music_vae(12, 12, 6, [10, 9], [8], 16, 4, [7, 7]),
    "drums": lambda: build_music_vae(10, 512, 6, [10], [8], 16, roll_input=True),
    "groove": lambda: build_groove_vae(6, 10, [8], 16),
}


def vae_inputs(name, batch=3):
    if name == "groove":
        x = torch.rand(batch, 16, 27)
        u = torch.rand(batch, 16, 9)
    else:
        depth = 512 if name == "drums" else 12
        x = onehot(torch.randint(0, depth, (batch, 16)), depth)
        u = torch.rand(batch, 16)
    return x, u


@pytest.mark.parametrize("name", sorted(VAES))
def test_vae_script_equals_eager_and_roundtrips_file(name, tmp_path):
    torch.manual_seed(1)
    model = VAES[name]().eval()
    x, u = vae_inputs(name)
    lengths = torch.tensor([16, 11, 3])
    path = str(tmp_path / "m.pt")
    meta = {"id": "t", "kind": "groovae" if name == "groove" else "musicvae", "tools": ["generate"],
            "bars": 1, "stepsPerQuarter": 4, "zSize": 6, "source": "test",
            "converter": {"type": "groove" if name == "groove" else "drums" if name == "drums" else "melody",
                          "minPitch": 0, "maxPitch": 9, "numSteps": 16, "drumPitchClasses": [[36]] * 9}}
    save(model, meta, path)
    loaded, got_meta = load(path)
    assert got_meta["formatVersion"] == 1 and got_meta["id"] == "t"
    with torch.no_grad():
        mu, sigma = model.encode(x, lengths)
        mu2, sigma2 = loaded.encode(x, lengths)
        assert mu.shape == (3, 6) and torch.allclose(mu, mu2, atol=1e-6)
        assert torch.allclose(sigma, sigma2, atol=1e-6) and bool((sigma > 0).all())
        for temp in (0.0, 0.8):
            a, b = model.decode(mu, temp, u), loaded.decode(mu, temp, u)
            assert torch.equal(a, b)
            if name == "groove":
                assert a.shape == (3, 16, 27) and a.dtype == torch.float32
                assert set(a[..., :9].unique().tolist()) <= {0.0, 1.0}
            else:
                assert a.shape == (3, 16) and a.dtype == torch.long


@pytest.mark.parametrize("name", ["flat", "groove"])
def test_encode_ignores_steps_past_length(name):
    torch.manual_seed(2)
    model = VAES[name]().eval()
    x, _ = vae_inputs(name, 1)
    y = x.clone()
    y[:, 9:] = vae_inputs(name, 1)[0][:, 9:]
    with torch.no_grad():
        a = model.encode(x, torch.tensor([9]))[0]
        b = model.encode(y, torch.tensor([9]))[0]
        c = model.encode(y, torch.tensor([16]))[0]
    assert torch.allclose(a, b, atol=1e-6)
    assert not torch.allclose(a, c, atol=1e-4)


def test_decode_temperature_uses_uniforms():
    torch.manual_seed(3)
    model = VAES["flat"]().eval()
    z = torch.randn(2, 6) * 3
    with torch.no_grad():
        a = model.decode(z, 1.5, torch.rand(2, 16))
        b = model.decode(z, 1.5, torch.rand(2, 16))
        assert not torch.equal(a, b)
        u = torch.rand(2, 16)
        assert torch.equal(model.decode(z, 1.5, u), model.decode(z, 1.5, u))


RNNS = {
    "basic": dict(),
    "attention": dict(attn_length=5),
    "aux": dict(aux_bits=4),
}


@pytest.mark.parametrize("name", sorted(RNNS))
def test_rnn_script_equals_eager(name):
    torch.manual_seed(4)
    model = MusicRNN(20, [8, 8, 8], **RNNS[name]).eval()
    scripted = torch.jit.script(model)
    primer = torch.randint(0, 20, (2, 7))
    u = torch.rand(2, 9)
    with torch.no_grad():
        for temp in (0.0, 1.0):
            a = model.generate(primer, 9, temp, u)
            assert a.shape == (2, 9) and a.dtype == torch.long
            assert torch.equal(a, scripted.generate(primer, 9, temp, u))


def test_rnn_controls_required_and_used():
    torch.manual_seed(5)
    model = torch.jit.script(MusicRNN(20, [8], control_size=5).eval())
    primer = torch.randint(0, 20, (1, 3))
    with pytest.raises(Exception, match="controls"):
        model.generate(primer, 4, 0.0, torch.rand(1, 4))
    u = torch.rand(1, 4)
    c1 = torch.rand(1, 7, 5) * 10
    first = model.generate_with_controls(primer, c1, 4, 0.0, u)
    assert torch.equal(first, model.generate_with_controls(primer, c1, 4, 0.0, u))
    others = [model.generate_with_controls(primer, torch.rand(1, 7, 5) * 10, 4, 0.0, u)
              for _ in range(8)]
    assert any(not torch.equal(first, o) for o in others)


@pytest.mark.parametrize("kind", ["musicvae", "hiervae", "drumsvae", "groovae", "musicrnn",
                                  "attentionrnn", "drumsrnn"])
def test_example_files_load_and_answer_every_method(kind, tmp_path, capsys):
    path = str(tmp_path / f"{kind}.pt")
    export_cli.main(["example", kind, path])
    export_cli.main(["check", path])
    out = capsys.readouterr().out
    assert ("generate:" in out) if kind.endswith("rnn") else ("encode:" in out and "decode:" in out)


@pytest.mark.parametrize("broken, needle", [
    (dict(kind="transformer"), "kind"),
    (dict(converter={"type": "melody", "numSteps": 16}), "minPitch"),
    (dict(zSize=None), "zSize"),
    (dict(tools=["generate", "remix"]), "remix"),
])
def test_save_refuses_bad_metadata(broken, needle, tmp_path):
    meta = {"id": "t", "kind": "musicvae", "tools": ["generate"], "bars": 1, "stepsPerQuarter": 4,
            "zSize": 6, "source": "test",
            "converter": {"type": "melody", "minPitch": 0, "maxPitch": 9, "numSteps": 16}}
    meta.update(broken)
    meta = {k: v for k, v in meta.items() if v is not None}
    with pytest.raises(ValueError, match=needle):
        save(VAES["flat"](), meta, str(tmp_path / "m.pt"))
    assert not (tmp_path / "m.pt").exists()


def test_wrong_shapes_raise_clear_errors():
    vae = torch.jit.script(VAES["flat"]().eval())
    with pytest.raises(Exception, match="uniforms must be"):
        vae.decode(torch.randn(2, 6), 0.0, torch.rand(2, 5))
    with pytest.raises(Exception, match="z must be"):
        vae.decode(torch.randn(2, 7), 0.0, torch.rand(2, 16))
    rnn = torch.jit.script(MusicRNN(20, [8]).eval())
    with pytest.raises(Exception, match="uniforms must be"):
        rnn.generate(torch.tensor([[1, 2]]), 4, 0.0, torch.rand(1, 3))
    with pytest.raises(Exception, match="at least one step"):
        rnn.generate(torch.zeros(1, 0, dtype=torch.long), 4, 0.0, torch.rand(1, 4))
