"""Teacher-forced forward passes over the networks of clipgen_models.nets, for training and
evaluation.

The nets only implement inference (encode, autoregressive decode, generate). Training needs
the decoder fed with the *target* of the previous step; for speed the recurrent layers here
run through torch's fused LSTM (torch.lstm) with the TF-layout weights re-ordered on the fly
(TF gate order i, j, f, o with forget bias +1 -> torch order i, f, g, o), so gradients reach
the nets' own parameters. test_eval_teacher_forcing.py checks these passes against the nets'
scripted inference.
"""
from typing import List, Tuple

import torch
from torch import Tensor

from clipgen_models.nets.layers import initial_state_from_z


def torch_lstm_params(cell) -> List[Tensor]:
    """TFLSTMCell -> [w_ih, w_hh, b_ih, b_hh] in torch.lstm layout."""
    n = cell.units
    k = cell.kernel  # [in + units, 4n], columns i, j, f, o
    b = cell.bias

    def reorder(m):
        i, j, f, o = m[..., :n], m[..., n:2 * n], m[..., 2 * n:3 * n], m[..., 3 * n:]
        return torch.cat([i, f, j, o], -1)

    w_ih = reorder(k[: cell.input_size]).t()
    w_hh = reorder(k[cell.input_size:]).t()
    i, j, f, o = b[:n], b[n:2 * n], b[2 * n:3 * n], b[3 * n:]
    b_ih = torch.cat([i, f + 1.0, j, o])
    return [w_ih.contiguous(), w_hh.contiguous(), b_ih, torch.zeros_like(b_ih)]


def run_cell(cell, x: Tensor, c0: Tensor, h0: Tensor) -> Tuple[Tensor, Tensor, Tensor]:
    """x [B,T,in] -> outputs [B,T,H], final c, final h."""
    out, h, c = torch.lstm(x, (h0.unsqueeze(0), c0.unsqueeze(0)), torch_lstm_params(cell),
                           True, 1, 0.0, False, False, True)
    return out, c[0], h[0]


def run_stack(stack, x: Tensor, cs: List[Tensor], hs: List[Tensor]) -> Tensor:
    for k, cell in enumerate(stack.cells):
        x, _, _ = run_cell(cell, x, cs[k], hs[k])
    return x


def zeros_state(stack, batch, like):
    return stack.zero_state(batch, like)


def bilstm_final(layer, x: Tensor) -> Tensor:
    """BidirectionalLSTM over full-length sequences: concat(final fw h, final bw h)."""
    b = x.size(0)
    z = x.new_zeros(b, layer.units)
    _, _, hf = run_cell(layer.fw, x, z, z)
    _, _, hb = run_cell(layer.bw, torch.flip(x, [1]), z, z)
    return torch.cat([hf, hb], 1)


def encode(model, x: Tensor) -> Tuple[Tensor, Tensor]:
    """model.encode for full-length inputs, differentiable and fast."""
    if model.roll_input:
        from clipgen_models.nets.music_vae import drum_onehot_to_roll
        x = drum_onehot_to_roll(x, model.num_drums)
    enc = model.encoder
    if hasattr(enc, "level0"):
        b, t, d = x.shape
        seg = t // enc.num_segments
        emb = bilstm_final(enc.level0, x.reshape(b * enc.num_segments, seg, d))
        h = bilstm_final(enc.level1, emb.reshape(b, enc.num_segments, -1))
    else:
        h = bilstm_final(enc.rnn, x)
    return model.mu(h), torch.nn.functional.softplus(model.sigma(h))


def core_logits(core, z: Tensor, inputs: Tensor) -> Tensor:
    """CategoricalDecoder/GrooveDecoder teacher-forced: inputs [B,T,D] are the previous
    steps' targets (row 0 = what inference feeds first). Returns raw outputs [B,T,D_out]."""
    cs, hs = initial_state_from_z(core.z_to_initial_state(z), core.rnn.layer_sizes)
    t = inputs.size(1)
    x = torch.cat([inputs, z.unsqueeze(1).expand(-1, t, -1)], 2)
    return core.output_projection(run_stack(core.rnn, x, cs, hs))


def shift_onehot(onehot: Tensor) -> Tensor:
    """Targets [B,T,C] -> decoder inputs: zeros then targets[:, :-1]."""
    return torch.cat([torch.zeros_like(onehot[:, :1]), onehot[:, :-1]], 1)


def categorical_decoder_logits(model, z: Tensor, target_onehot: Tensor) -> Tensor:
    dec = model.decoder
    if hasattr(dec, "conductor"):
        b, t, c = target_onehot.shape
        s = dec.num_segments
        seg = t // s
        cs, hs = initial_state_from_z(dec.initial_state(z), dec.conductor.layer_sizes)
        dummy = z.new_zeros(b, s, 1)
        emb = run_stack(dec.conductor, dummy, cs, hs)  # [B,S,E]
        inputs = shift_onehot(target_onehot).reshape(b * s, seg, c)
        logits = core_logits(dec.core, emb.reshape(b * s, -1), inputs)
        return logits.reshape(b, t, c)
    return core_logits(dec.core, z, shift_onehot(target_onehot))


def groove_decoder_outputs(model, z: Tensor, target: Tensor) -> Tensor:
    """[B,T,27] raw outputs: hit logits, velocity logits, offset pre-tanh."""
    return core_logits(model.decoder.core, z, shift_onehot(target))


def rnn_logits(rnn, classes: Tensor) -> Tensor:
    """MusicRNN teacher-forced: logits [B,T,C] where row i predicts classes[:, i+1]."""
    b, t = classes.shape
    if not rnn.has_attention:
        xs = torch.stack([rnn._input(classes[:, i], i, None) for i in range(t)], 1)
        cs, hs = rnn.rnn.zero_state(b, rnn.fully_connected.bias)
        return rnn.fully_connected(run_stack(rnn.rnn, xs, cs, hs))
    # The nets' _step re-projects the whole attention window every step; here each output is
    # projected once (features of a sliding window = sliding window of features).
    att = rnn.attention
    dummy = rnn.fully_connected.bias
    cs, hs = rnn.rnn.zero_state(b, dummy)
    attention = dummy.new_zeros(b, att.attn_size)
    states = dummy.new_zeros(b, rnn.attn_length, att.attn_size)
    feats = torch.matmul(states, att.attn_w)
    outs = []
    for i in range(t):
        x = att.input_projection(torch.cat([rnn._input(classes[:, i], i, None), attention], 1))
        cs, hs = rnn.rnn.step(rnn.rnn.cells[0].project_input(x), cs, hs)
        parts = []
        for k in range(len(cs)):
            parts.append(cs[k])
            parts.append(hs[k])
        y = torch.matmul(torch.cat(parts, 1), att.query.kernel)
        if att.query_bias:
            y = y + att.query.bias
        a = torch.softmax(torch.sum(att.attn_v * torch.tanh(feats + y.unsqueeze(1)), 2), 1)
        attention = torch.sum(a.unsqueeze(2) * states, 1)
        output = att.output_projection(torch.cat([hs[-1], attention], 1))
        states = torch.cat([states[:, 1:], output.unsqueeze(1)], 1)
        feats = torch.cat([feats[:, 1:], torch.matmul(output, att.attn_w).unsqueeze(1)], 1)
        outs.append(output)
    return rnn.fully_connected(torch.stack(outs, 1))
