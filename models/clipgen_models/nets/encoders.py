"""MusicVAE encoders: flat bidirectional LSTM and magenta.js' two-level hierarchical one."""
from typing import List

import torch
from torch import Tensor, nn

from .layers import TFLSTMCell


class BidirectionalLSTM(nn.Module):
    """One bidirectional layer (encoder/cell_0/bidirectional_rnn/{fw,bw}/...).

    Returns concat(final fw h, final bw h). Steps at t >= length leave the state unchanged, so
    the forward state is the one after step length-1 and the backward pass starts at length-1
    (tf.reverse_sequence semantics); length == T is exactly magenta.js.
    """

    def __init__(self, input_size: int, units: int):
        super().__init__()
        self.fw = TFLSTMCell(input_size, units)
        self.bw = TFLSTMCell(input_size, units)
        self.units = units
        self.output_size = 2 * units

    def forward(self, x: Tensor, lengths: Tensor) -> Tensor:
        batch, steps = x.size(0), x.size(1)
        if bool((lengths >= steps).all()):
            return self.full_length(x)
        xw_fw = self.fw.project_input(x)
        xw_bw = self.bw.project_input(x)
        zeros = x.new_zeros(batch, self.units)
        c_f, h_f, c_b, h_b = zeros, zeros, zeros, zeros
        for t in range(steps):
            valid = (lengths > t).unsqueeze(1)
            c, h = self.fw.step(xw_fw[:, t], c_f, h_f)
            c_f = torch.where(valid, c, c_f)
            h_f = torch.where(valid, h, h_f)
            tb = steps - 1 - t
            valid_b = (lengths > tb).unsqueeze(1)
            c, h = self.bw.step(xw_bw[:, tb], c_b, h_b)
            c_b = torch.where(valid_b, c, c_b)
            h_b = torch.where(valid_b, h, h_b)
        return torch.cat([h_f, h_b], 1)

    def full_length(self, x: Tensor) -> Tensor:
        """Every sequence full length (what magenta.js and the engine always ask). On a GPU,
        and for one row, one fused aten::lstm call over both directions. Otherwise a loop of
        fast steps: aten::lstm multiplies by the transposed recurrent weight, which OpenBLAS
        packs on every step for more than one row (see layers.addmm_small); the TF-layout
        kernel takes the unpacked kernel (shipped GrooVAE encode x8: 9.3 -> 4.6 ms)."""
        if not x.is_cuda and x.size(0) > 1:
            return self.full_length_steps(x)
        zeros = x.new_zeros(2, x.size(0), self.units)
        params = self.fw.torch_weights() + self.bw.torch_weights()
        _, h_n, _ = torch.lstm(x, [zeros, zeros], params, True, 1, 0.0, False, True, True)
        return torch.cat([h_n[0], h_n[1]], 1)

    def full_length_steps(self, x: Tensor) -> Tensor:
        steps = x.size(1)
        xw_f = torch.matmul(x, self.fw.kernel[: self.fw.input_size]) + self.fw.forget_bias()
        xw_b = torch.matmul(x, self.bw.kernel[: self.bw.input_size]) + self.bw.forget_bias()
        w_f = self.fw.kernel[self.fw.input_size:]
        w_b = self.bw.kernel[self.bw.input_size:]
        zeros = x.new_zeros(x.size(0), self.units)
        c_f, h_f, c_b, h_b = zeros, zeros, zeros, zeros
        for t in range(steps):
            c_f, h_f = self.fw.fast_step(xw_f[:, t], c_f, h_f, w_f)
            c_b, h_b = self.bw.fast_step(xw_b[:, steps - 1 - t], c_b, h_b, w_b)
        return torch.cat([h_f, h_b], 1)


class FlatEncoder(nn.Module):
    def __init__(self, input_size: int, units: int):
        super().__init__()
        self.rnn = BidirectionalLSTM(input_size, units)
        self.output_size = self.rnn.output_size

    def forward(self, x: Tensor, lengths: Tensor) -> Tensor:
        return self.rnn(x, lengths)


class HierarchicalEncoder(nn.Module):
    """magenta.js HierarchicalEncoder: level 0 encodes each of num_segments segments, level 1
    encodes the sequence of segment embeddings (encoder/hierarchical_level_{0,1}/...).

    Segment s sees lengths - s*segment_steps clipped to [0, segment_steps]; level 1 always
    sees every segment (as magenta.js).
    """

    def __init__(self, input_size: int, units0: int, units1: int, num_segments: int):
        super().__init__()
        self.level0 = BidirectionalLSTM(input_size, units0)
        self.level1 = BidirectionalLSTM(2 * units0, units1)
        self.num_segments = num_segments
        self.output_size = 2 * units1

    def forward(self, x: Tensor, lengths: Tensor) -> Tensor:
        batch, steps, depth = x.size(0), x.size(1), x.size(2)
        seg = steps // self.num_segments
        xs = x.reshape(batch * self.num_segments, seg, depth)
        offsets = torch.arange(self.num_segments, device=x.device, dtype=lengths.dtype) * seg
        seg_lengths = (lengths.unsqueeze(1) - offsets.unsqueeze(0)).clamp(0, seg).reshape(-1)
        emb = self.level0(xs, seg_lengths).reshape(batch, self.num_segments, -1)
        full = torch.full([batch], self.num_segments, dtype=lengths.dtype, device=x.device)
        return self.level1(emb, full)
