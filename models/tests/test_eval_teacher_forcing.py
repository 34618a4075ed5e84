"""The fast teacher-forced passes of train_forward.py agree with the nets' own inference:
encode equals model.encode, and feeding the model's greedy decode back as targets gives
logits whose argmax is that same decode (so training optimises what inference runs)."""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from clipgen_models.nets import MusicRNN, build_groove_vae, build_music_vae  # noqa
import train_forward as tf  # noqa

torch.manual_seed(0)


def _onehot(classes, depth):
    return torch.nn.functional.one_hot(classes, depth).float()


def test_hierarchical_vae_matches_inference():
    m = build_music_vae(20, 20, 8, [6, 5], [7], 16, num_segments=4, conductor_layers=[6]).eval()
    x = _onehot(torch.randint(0, 20, (3, 16)), 20)
    mu, sigma = m.encode(x, torch.full([3], 16, dtype=torch.long))
    mu2, sigma2 = tf.encode(m, x)
    assert torch.allclose(mu, mu2, atol=1e-5) and torch.allclose(sigma, sigma2, atol=1e-5)
    z = torch.randn(3, 8)
    with torch.no_grad():
        greedy = m.decode(z, 0.0, torch.zeros(3, 16))
        logits = tf.categorical_decoder_logits(m, z, _onehot(greedy, 20))
    assert torch.equal(logits.argmax(-1), greedy)


def test_drum_roll_input_vae_matches_inference():
    m = build_music_vae(10, 512, 8, [6], [7], 16, roll_input=True).eval()
    x = _onehot(torch.randint(0, 512, (2, 16)), 512)
    mu, _ = m.encode(x, torch.full([2], 16, dtype=torch.long))
    assert torch.allclose(mu, tf.encode(m, x)[0], atol=1e-5)
    z = torch.randn(2, 8)
    with torch.no_grad():
        greedy = m.decode(z, 0.0, torch.zeros(2, 16))
        assert torch.equal(tf.categorical_decoder_logits(m, z, _onehot(greedy, 512)).argmax(-1),
                           greedy)


def test_groove_vae_matches_inference():
    m = build_groove_vae(8, 6, [7], 16).eval()
    z = torch.randn(2, 8)
    with torch.no_grad():
        out = m.decode(z, 0.0, torch.zeros(2, 16, 9))
        raw = tf.groove_decoder_outputs(m, z, out)
    assert torch.equal((torch.sigmoid(raw[..., :9]) > 0.5).float(), out[..., :9])
    assert torch.allclose(torch.sigmoid(raw[..., 9:18]), out[..., 9:18], atol=1e-5)
    assert torch.allclose(torch.tanh(raw[..., 18:]), out[..., 18:], atol=1e-5)


def test_rnn_matches_generate():
    for attn in (0, 4):
        rnn = MusicRNN(12, [6, 5], attn_length=attn, aux_bits=3).eval()
        primer = torch.randint(0, 12, (2, 3))
        with torch.no_grad():
            gen = rnn.generate(primer, 10, 0.0, torch.zeros(2, 10))
            seq = torch.cat([primer, gen], 1)
            logits = tf.rnn_logits(rnn, seq)
        assert torch.equal(logits[:, 2:-1].argmax(-1), gen), attn
