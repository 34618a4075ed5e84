"""MusicVAE decoders: flat core decoders (categorical, groove) and the conductor."""
from typing import List, Tuple

import torch
from torch import Tensor, nn

from .layers import Dense, LSTMStack, initial_state_from_z, sample_categorical


class CategoricalDecoder(nn.Module):
    """Autoregressive LSTM; step input [previous one-hot, z]; initial state tanh(dense(z)).

    Variables: <prefix>multi_rnn_cell/cell_N/lstm_cell, z_to_initial_state, output_projection.
    """

    def __init__(self, num_classes: int, z_size: int, layer_sizes: List[int]):
        super().__init__()
        self.num_classes = num_classes
        self.z_size = z_size
        self.rnn = LSTMStack(num_classes + z_size, layer_sizes)
        self.z_to_initial_state = Dense(z_size, 2 * sum(layer_sizes))
        self.output_projection = Dense(layer_sizes[-1], num_classes)

    def forward(self, z: Tensor, steps: int, temperature: float, uniforms: Tensor,
                prev: Tensor) -> Tensor:
        """z [B,Z]; uniforms [B,steps]; prev [B] int64 class fed first (-1 = zeros).
        Returns [B,steps] int64."""
        cs, hs = initial_state_from_z(self.z_to_initial_state(z), self.rnn.layer_sizes)
        kernel0 = self.rnn.cells[0].kernel
        # The z part of the first cell's input projection is the same at every step.
        w_h, w_x, b_f = self.rnn.fast_weights()
        zw = torch.addmm(b_f[0], z, kernel0[self.num_classes: self.num_classes + self.z_size])
        class_rows = kernel0[: self.num_classes]
        out = torch.empty(z.size(0), steps, dtype=torch.long, device=z.device)
        for t in range(steps):
            prev_rows = class_rows.index_select(0, prev.clamp(min=0))
            xw = zw + torch.where((prev >= 0).unsqueeze(1), prev_rows, torch.zeros_like(prev_rows))
            cs, hs = self.rnn.fast_step(xw, cs, hs, w_h, w_x, b_f)
            logits = self.output_projection(hs[-1])
            prev = sample_categorical(logits, temperature, uniforms[:, t])
            out[:, t] = prev
        return out


class GrooveDecoder(nn.Module):
    """GrooVAE core decoder: 27 outputs per step = 9 hits, 9 velocities, 9 offsets.

    Hits: sigmoid(logit) > 0.5 at temperature 0, else sigmoid(logit / T) > u (magenta.js
    GrooveDecoder); velocities sigmoid, offsets tanh; the whole 27-vector is fed back.

    velocity_given_hit: the velocity head was trained on hit steps only (ClipGen's own
    models), so it estimates the velocity of a hit, and steps without a hit carry velocity 0
    as the training inputs did. magenta.js checkpoints were trained over every step (their
    head estimates P(hit) x velocity) and keep it False, which is magenta.js' behaviour.
    """

    velocity_given_hit: bool

    def __init__(self, num_drums: int, z_size: int, layer_sizes: List[int],
                 velocity_given_hit: bool = False):
        super().__init__()
        self.velocity_given_hit = velocity_given_hit
        self.num_drums = num_drums
        self.output_depth = 3 * num_drums
        self.z_size = z_size
        self.rnn = LSTMStack(self.output_depth + z_size, layer_sizes)
        self.z_to_initial_state = Dense(z_size, 2 * sum(layer_sizes))
        self.output_projection = Dense(layer_sizes[-1], self.output_depth)

    def forward(self, z: Tensor, steps: int, temperature: float, uniforms: Tensor,
                prev: Tensor) -> Tensor:
        """z [B,Z]; uniforms [B,steps,9]; prev [B,27] fed first. Returns [B,steps,27]."""
        cs, hs = initial_state_from_z(self.z_to_initial_state(z), self.rnn.layer_sizes)
        kernel0 = self.rnn.cells[0].kernel
        w_h, w_x, b_f = self.rnn.fast_weights()
        zw = torch.addmm(b_f[0], z, kernel0[self.output_depth: self.output_depth + self.z_size])
        prev_rows = kernel0[: self.output_depth]
        n = self.num_drums
        out = z.new_empty(z.size(0), steps, self.output_depth)
        for t in range(steps):
            cs, hs = self.rnn.fast_step(torch.addmm(zw, prev, prev_rows), cs, hs, w_h, w_x, b_f)
            y = self.output_projection(hs[-1])
            if temperature > 0.0:
                hits = (torch.sigmoid(y[:, :n] / temperature) > uniforms[:, t]).to(y.dtype)
            else:
                hits = (torch.sigmoid(y[:, :n]) > 0.5).to(y.dtype)
            velocities = torch.sigmoid(y[:, n: 2 * n])
            if self.velocity_given_hit:
                velocities = velocities * hits
            prev = torch.cat([hits, velocities, torch.tanh(y[:, 2 * n:])], 1)
            out[:, t] = prev
        return out


class FlatCategoricalDecoder(nn.Module):
    def __init__(self, core: CategoricalDecoder, num_steps: int):
        super().__init__()
        self.core = core
        self.num_steps = num_steps

    def forward(self, z: Tensor, temperature: float, uniforms: Tensor) -> Tensor:
        prev = torch.full([z.size(0)], -1, dtype=torch.long, device=z.device)
        return self.core(z, self.num_steps, temperature, uniforms, prev)


class FlatGrooveDecoder(nn.Module):
    def __init__(self, core: GrooveDecoder, num_steps: int):
        super().__init__()
        self.core = core
        self.num_steps = num_steps

    def forward(self, z: Tensor, temperature: float, uniforms: Tensor) -> Tensor:
        prev = z.new_zeros(z.size(0), self.core.output_depth)
        return self.core(z, self.num_steps, temperature, uniforms, prev)


class ConductorDecoder(nn.Module):
    """magenta.js ConductorDecoder (one core decoder): a conductor LSTM with zero [B,1] input
    and initial state tanh(dense(z)) runs num_segments steps; its last-layer h is the core
    decoder's z for that segment; each segment starts from the previous segment's last output.

    Variables: decoder/hierarchical_level_0/cell_N/lstm_cell, .../initial_state,
    core_decoder/decoder/... for the core.
    """

    def __init__(self, core: CategoricalDecoder, z_size: int, layer_sizes: List[int],
                 num_steps: int, num_segments: int):
        super().__init__()
        self.conductor = LSTMStack(1, layer_sizes)
        self.initial_state = Dense(z_size, 2 * sum(layer_sizes))
        self.core = core
        self.num_steps = num_steps
        self.num_segments = num_segments

    def forward(self, z: Tensor, temperature: float, uniforms: Tensor) -> Tensor:
        cs, hs = initial_state_from_z(self.initial_state(z), self.conductor.layer_sizes)
        seg = self.num_steps // self.num_segments
        # Zero dummy input: the first cell's input projection is its bias.
        w_h, w_x, b_f = self.conductor.fast_weights()
        xw = b_f[0].unsqueeze(0).expand(z.size(0), -1)
        prev = torch.full([z.size(0)], -1, dtype=torch.long, device=z.device)
        outs: List[Tensor] = []
        for s in range(self.num_segments):
            cs, hs = self.conductor.fast_step(xw, cs, hs, w_h, w_x, b_f)
            part = self.core(hs[-1], seg, temperature, uniforms[:, s * seg: (s + 1) * seg], prev)
            prev = part[:, -1]
            outs.append(part)
        return torch.cat(outs, 1)
