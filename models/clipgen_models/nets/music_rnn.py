"""MusicRNN (magenta.js music_rnn): LSTM stack, optional attention wrapper, optional chord
controls and binary-counter auxiliary inputs, fully_connected output projection.

Per step the RNN input is [controls[i+1], one-hot(event i), binary_counter(i)] exactly as
magenta.js sampleRnn; with attention, that input and the previous attention vector go through
rnn/attention_cell_wrapper/kernel first (tf AttentionCellWrapper).
"""
from typing import List, Optional, Tuple

import torch
from torch import Tensor, nn

from .layers import Dense, LSTMStack, sample_categorical


class Attention(nn.Module):
    """tf.contrib.rnn.AttentionCellWrapper (state_is_tuple) over the last attn_length outputs.

    magenta.js drops the bias of the query projection (attention/bias); query_bias=False
    reproduces magenta.js, True reproduces TensorFlow.
    """

    def __init__(self, input_size: int, attn_size: int, attn_length: int, query_size: int,
                 query_bias: bool):
        super().__init__()
        self.input_projection = Dense(input_size + attn_size, input_size)
        self.attn_w = nn.Parameter(torch.empty(attn_size, attn_size))
        self.attn_v = nn.Parameter(torch.empty(attn_size))
        self.query = Dense(query_size, attn_size)
        self.output_projection = Dense(2 * attn_size, attn_size)
        if attn_size > 0:
            nn.init.xavier_uniform_(self.attn_w)
            nn.init.uniform_(self.attn_v, -0.1, 0.1)
        self.attn_size = attn_size
        self.attn_length = attn_length
        self.query_bias = query_bias

    def attend(self, cs: List[Tensor], hs: List[Tensor], window: Tensor) -> Tuple[Tensor, Tensor]:
        """window [B,L,2A] = the last L outputs and their attn_w features (each output's
        features are computed once, when it enters the window) -> (output, attention) [B,A]."""
        states = window[:, :, : self.attn_size]
        features = window[:, :, self.attn_size:]
        parts: List[Tensor] = []
        for k in range(len(cs)):
            parts.append(cs[k])
            parts.append(hs[k])
        y = torch.matmul(torch.cat(parts, 1), self.query.kernel)
        if self.query_bias:
            y = y + self.query.bias
        s = torch.sum(self.attn_v * torch.tanh(features + y.unsqueeze(1)), 2)
        a = torch.softmax(s, 1)
        attention = torch.sum(a.unsqueeze(2) * states, 1)
        output = self.output_projection(torch.cat([hs[-1], attention], 1))
        return output, attention


class MusicRNN(nn.Module):
    def __init__(self, num_classes: int, layer_sizes: List[int], attn_length: int = 0,
                 control_size: int = 0, aux_bits: int = 0, attn_query_bias: bool = False):
        super().__init__()
        self.num_classes = num_classes
        self.control_size = control_size
        self.aux_bits = aux_bits
        self.input_size = control_size + num_classes + aux_bits
        self.rnn = LSTMStack(self.input_size, layer_sizes)
        self.attn_length = attn_length
        self.has_attention = attn_length > 0
        out_size = layer_sizes[-1]
        # Without attention an empty (size-0) module keeps the scripted type fixed.
        if attn_length > 0:
            self.attention = Attention(self.input_size, out_size, attn_length,
                                       2 * sum(layer_sizes), attn_query_bias)
        else:
            self.attention = Attention(0, 0, 0, 0, False)
        self.fully_connected = Dense(out_size, num_classes)

    def _step(self, x: Tensor, cs: List[Tensor], hs: List[Tensor], attention: Tensor,
              states: Tensor) -> Tuple[Tensor, List[Tensor], List[Tensor], Tensor, Tensor]:
        """One step from the full step input x (see _input)."""
        rows, bias = self._input_rows()
        w_h, w_x, b_f = self.rnn.fast_weights()
        return self._step_projected(torch.matmul(x, rows) + bias, cs, hs, attention, states, -1,
                                    w_h, w_x, b_f)

    def _step_projected(self, xw: Tensor, cs: List[Tensor], hs: List[Tensor], attention: Tensor,
                        states: Tensor, slot: int, w_h: List[Tensor], w_x: List[Tensor],
                        b_f: List[Tensor]
                        ) -> Tuple[Tensor, List[Tensor], List[Tensor], Tensor, Tensor]:
        """xw: the step input already multiplied by the first layer's input rows (bias
        included): attention/input_projection with attention, else the first LSTM cell (then
        with the forget bias too; see _input_rows). w_h, w_x, b_f: rnn.fast_weights().
        slot >= 0: the attention window is a ring and this output overwrites its oldest entry
        in place (attention is a softmax-weighted sum, blind to the order of the window);
        slot < 0: the window shifts (a new tensor, as TensorFlow's concat)."""
        if self.has_attention:
            ip = self.attention.input_projection
            x = torch.addmm(xw, attention, ip.kernel[self.input_size:])
            xw = torch.addmm(b_f[0], x, w_x[0])
        cs, hs = self.rnn.fast_step(xw, cs, hs, w_h, w_x, b_f)
        if self.has_attention:
            output, attention = self.attention.attend(cs, hs, states)
            entry = torch.cat([output, torch.matmul(output, self.attention.attn_w)], 1)
            if slot >= 0:
                states[:, slot] = entry
            else:
                states = torch.cat([states[:, 1:], entry.unsqueeze(1)], 1)
            return output, cs, hs, attention, states
        return hs[-1], cs, hs, attention, states

    def _input(self, classes: Tensor, i: int, controls: Optional[Tensor]) -> Tensor:
        """The full step input [controls(i+1), one-hot, binary counter(i)] (teacher-forced
        training builds it; sampling uses _fixed_inputs and kernel rows instead)."""
        parts: List[Tensor] = []
        batch = classes.size(0)
        if controls is not None:
            parts.append(controls[:, i + 1])
        parts.append(torch.nn.functional.one_hot(classes, self.num_classes).to(torch.float32))
        if self.aux_bits > 0:
            pow2 = torch.pow(2.0, torch.arange(self.aux_bits, dtype=torch.float32))
            bits = torch.remainder(torch.floor((i + 1) / pow2), 2.0)
            parts.append((bits * 2.0 - 1.0).unsqueeze(0).expand(batch, -1).to(classes.device))
        return torch.cat(parts, 1)

    def _input_rows(self) -> Tuple[Tensor, Tensor]:
        """(kernel rows of the step input [input_size, N], bias [N]) of the first layer that
        reads the step input; an LSTM cell's bias includes the forget bias (fast_step)."""
        if self.has_attention:
            ip = self.attention.input_projection
            return ip.kernel[: self.input_size], ip.bias
        cell = self.rnn.cells[0]
        return cell.kernel[: self.input_size], cell.forget_bias()

    def _fixed_inputs(self, batch: int, count: int, controls: Optional[Tensor],
                      rows: Tensor, bias: Tensor) -> Tensor:
        """The projection of the parts of inputs 0..count-1 that do not depend on sampling
        (bias, controls[i+1], binary counter(i)), all steps in one matmul: [B or 1, count, N]."""
        fixed = bias.unsqueeze(0).unsqueeze(0)
        if controls is not None:
            fixed = fixed + torch.matmul(controls[:, 1: count + 1], rows[: self.control_size])
        if self.aux_bits > 0:
            pow2 = torch.pow(2.0, torch.arange(self.aux_bits, dtype=torch.float32,
                                               device=rows.device))
            i = torch.arange(1, count + 1, dtype=torch.float32, device=rows.device).unsqueeze(1)
            bits = torch.remainder(torch.floor(i / pow2), 2.0) * 2.0 - 1.0
            aux_rows = rows[self.control_size + self.num_classes:]
            fixed = fixed + torch.matmul(bits, aux_rows).unsqueeze(0)
        return fixed.expand(batch, count, rows.size(1))

    def _generate(self, primer: Tensor, steps: int, temperature: float, uniforms: Tensor,
                  controls: Optional[Tensor]) -> Tensor:
        batch, plen = primer.size(0), primer.size(1)
        if plen < 1:
            raise RuntimeError("generate: the primer needs at least one step")
        if uniforms.size(0) != batch or uniforms.size(1) < steps:
            raise RuntimeError("generate: uniforms must be [B, steps]")
        dummy = self.fully_connected.bias
        cs, hs = self.rnn.zero_state(batch, dummy)
        attention = dummy.new_zeros(batch, self.attention.attn_size)
        states = dummy.new_zeros(batch, self.attn_length, 2 * self.attention.attn_size)
        output = dummy.new_zeros(batch, 1)
        # One-hot inputs select kernel rows; everything else is projected once for all steps.
        rows, bias = self._input_rows()
        w_h, w_x, b_f = self.rnn.fast_weights()
        fixed = self._fixed_inputs(batch, plen + steps - 1, controls, rows, bias)
        class_rows = rows[self.control_size: self.control_size + self.num_classes]
        window = max(self.attn_length, 1)  # the ring's size (unused without attention)
        for i in range(plen):
            xw = fixed[:, i] + class_rows.index_select(0, primer[:, i])
            output, cs, hs, attention, states = self._step_projected(
                xw, cs, hs, attention, states, i % window, w_h, w_x, b_f)
        out = torch.empty(batch, steps, dtype=torch.long, device=primer.device)
        for k in range(steps):
            cls = sample_categorical(self.fully_connected(output), temperature, uniforms[:, k])
            out[:, k] = cls
            if k < steps - 1:
                xw = fixed[:, plen + k] + class_rows.index_select(0, cls)
                output, cs, hs, attention, states = self._step_projected(
                    xw, cs, hs, attention, states, (plen + k) % window, w_h, w_x, b_f)
        return out

    @torch.jit.export
    def generate(self, primer: Tensor, steps: int, temperature: float, uniforms: Tensor) -> Tensor:
        if self.control_size > 0:
            raise RuntimeError("generate: this model needs controls; call generate_with_controls")
        return self._generate(primer, steps, temperature, uniforms, None)

    @torch.jit.export
    def generate_with_controls(self, primer: Tensor, controls: Tensor, steps: int,
                               temperature: float, uniforms: Tensor) -> Tensor:
        """controls [B, P+steps, control_size] (e.g. PitchChordEncoder, one row per step)."""
        if controls.size(2) != self.control_size or controls.size(1) < primer.size(1) + steps:
            raise RuntimeError("generate_with_controls: controls must be [B, P+steps, control_size]")
        return self._generate(primer, steps, temperature, uniforms, controls)

    def forward(self, primer: Tensor, steps: int, temperature: float, uniforms: Tensor) -> Tensor:
        return self.generate(primer, steps, temperature, uniforms)
