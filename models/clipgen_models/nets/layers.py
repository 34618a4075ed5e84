"""TensorFlow-layout building blocks shared by every network.

Weights keep TF's shapes ([in, out] kernels) so magenta.js checkpoints map 1:1 and the
parity with tfjs' basicLSTMCell is exact (gate order i, j, f, o; forget bias +1 at run time).
"""
from typing import List, Tuple

import torch
from torch import Tensor, nn

FORGET_BIAS = 1.0  # added to the f gate at run time, never stored


# OpenBLAS (0.3.21, AVX-512 kernels) multiplies without packing its operands only when
# M*N*K <= 100^3; above that every sgemm call first copies the whole weight panel. A sampling
# step is [B<=16, K] x [K, 4*units]: the copy costs more than the product, so such steps are
# done in column chunks under the limit (B=8, [256,1024]: ~1.1 ms -> ~50 us here).
def addmm_small(bias: Tensor, x: Tensor, w: Tensor) -> Tensor:
    """bias + x @ w, x [M,K], w [K,N]; on the CPU in column chunks with M*chunk*K <= 100^3."""
    limit = 1000000  # a local: TorchScript cannot read module globals
    m = x.size(0)
    k = x.size(1)
    n = w.size(1)
    if x.is_cuda or m * n * k <= limit:
        return torch.addmm(bias, x, w)
    widest = limit // (m * k)
    widest -= widest % 16
    if widest < 16:
        return torch.addmm(bias, x, w)
    parts = (n + widest - 1) // widest
    chunk = (n + parts - 1) // parts
    chunk += (16 - chunk % 16) % 16  # equal chunks on 16-float (one AVX-512 row) bounds
    out = x.new_empty(m, n)
    j = 0
    while j < n:
        e = min(j + chunk, n)
        torch.addmm(bias[..., j:e], x, w[:, j:e], out=out[:, j:e])
        j = e
    return out


class Dense(nn.Module):
    """y = x @ kernel + bias, kernel [in, out] as in TF."""

    def __init__(self, in_size: int, out_size: int):
        super().__init__()
        self.kernel = nn.Parameter(torch.empty(in_size, out_size))
        self.bias = nn.Parameter(torch.zeros(out_size))
        if self.kernel.numel() > 0:
            nn.init.xavier_uniform_(self.kernel)

    def forward(self, x: Tensor) -> Tensor:
        return torch.matmul(x, self.kernel) + self.bias


class TFLSTMCell(nn.Module):
    """tf.contrib.rnn.LSTMBlockCell / BasicLSTMCell: kernel [input+units, 4*units]."""

    def __init__(self, input_size: int, units: int):
        super().__init__()
        self.input_size = input_size
        self.units = units
        self.kernel = nn.Parameter(torch.empty(input_size + units, 4 * units))
        self.bias = nn.Parameter(torch.zeros(4 * units))
        if self.kernel.numel() > 0:
            nn.init.xavier_uniform_(self.kernel)

    def project_input(self, x: Tensor) -> Tensor:
        """Input part of the gates (bias included); x [..., input_size] -> [..., 4*units]."""
        return torch.matmul(x, self.kernel[: self.input_size]) + self.bias

    def step(self, xw: Tensor, c: Tensor, h: Tensor) -> Tuple[Tensor, Tensor]:
        """One step from a precomputed input projection xw [B, 4*units]."""
        gates = xw + torch.matmul(h, self.kernel[self.input_size:])
        i, j, f, o = gates.chunk(4, 1)
        # 1.0 = FORGET_BIAS (TorchScript cannot read module globals).
        new_c = c * torch.sigmoid(f + 1.0) + torch.sigmoid(i) * torch.tanh(j)
        new_h = torch.tanh(new_c) * torch.sigmoid(o)
        return new_c, new_h

    def forward(self, x: Tensor, c: Tensor, h: Tensor) -> Tuple[Tensor, Tensor]:
        return self.step(self.project_input(x), c, h)

    def fast_step(self, xwf: Tensor, c: Tensor, h: Tensor, w_h: Tensor) -> Tuple[Tensor, Tensor]:
        """step() in fewer TorchScript ops for sampling loops: w_h = kernel[input_size:] and
        the forget bias already in xwf (see LSTMStack.fast_weights). One sigmoid over all four
        gates (j's is unused), tanh on j alone."""
        u = self.units
        gates = addmm_small(xwf, h, w_h)
        s = torch.sigmoid(gates)
        new_c = torch.addcmul(c * s[:, 2 * u: 3 * u], s[:, :u], torch.tanh(gates[:, u: 2 * u]))
        return new_c, torch.tanh(new_c) * s[:, 3 * u:]

    def forget_bias(self) -> Tensor:
        """bias + FORGET_BIAS on the f gate: [4*units]."""
        u = self.units
        b = self.bias
        return torch.cat([b[: 2 * u], b[2 * u: 3 * u] + 1.0, b[3 * u:]])

    def torch_weights(self) -> List[Tensor]:
        """[w_ih, w_hh, b_ih, b_hh] in PyTorch's layout (gates i, f, g, o; [4*units, in]) with
        the forget bias folded into b_ih, for the fused aten::lstm (same function)."""
        u = self.units
        k = self.kernel
        kp = torch.cat([k[:, :u], k[:, 2 * u: 3 * u], k[:, u: 2 * u], k[:, 3 * u:]], 1)
        b = self.bias
        bp = torch.cat([b[:u], b[2 * u: 3 * u] + 1.0, b[u: 2 * u], b[3 * u:]])
        return [kp[: self.input_size].t().contiguous(), kp[self.input_size:].t().contiguous(),
                bp, torch.zeros_like(bp)]


class LSTMStack(nn.Module):
    """tf MultiRNNCell of TFLSTMCells (names multi_rnn_cell/cell_N/...)."""

    def __init__(self, input_size: int, layer_sizes: List[int]):
        super().__init__()
        cells = []
        size = input_size
        for units in layer_sizes:
            cells.append(TFLSTMCell(size, units))
            size = units
        self.cells = nn.ModuleList(cells)
        self.layer_sizes: List[int] = list(layer_sizes)
        self.input_size = input_size
        self.output_size = layer_sizes[-1]

    def zero_state(self, batch: int, like: Tensor) -> Tuple[List[Tensor], List[Tensor]]:
        cs: List[Tensor] = []
        hs: List[Tensor] = []
        for units in self.layer_sizes:
            cs.append(like.new_zeros(batch, units))
            hs.append(like.new_zeros(batch, units))
        return cs, hs

    def step(self, xw0: Tensor, cs: List[Tensor], hs: List[Tensor]) -> Tuple[List[Tensor], List[Tensor]]:
        """One step; xw0 is the first cell's input projection (bias included)."""
        new_cs: List[Tensor] = []
        new_hs: List[Tensor] = []
        x = xw0
        k = 0
        for cell in self.cells:
            if k > 0:
                x = cell.project_input(x)
            c, h = cell.step(x, cs[k], hs[k])
            new_cs.append(c)
            new_hs.append(h)
            x = h
            k += 1
        return new_cs, new_hs

    def fast_weights(self) -> Tuple[List[Tensor], List[Tensor], List[Tensor]]:
        """Per call, for fast_step: (h rows, input rows, bias with the forget bias) per cell."""
        w_h: List[Tensor] = []
        w_x: List[Tensor] = []
        b_f: List[Tensor] = []
        for cell in self.cells:
            w_h.append(cell.kernel[cell.input_size:])
            w_x.append(cell.kernel[: cell.input_size])
            b_f.append(cell.forget_bias())
        return w_h, w_x, b_f

    def fast_step(self, xwf0: Tensor, cs: List[Tensor], hs: List[Tensor], w_h: List[Tensor],
                  w_x: List[Tensor], b_f: List[Tensor]) -> Tuple[List[Tensor], List[Tensor]]:
        """step() for sampling loops: xwf0 is the first cell's input projection with its bias
        and the forget bias (b_f[0]); weights from fast_weights()."""
        new_cs: List[Tensor] = []
        new_hs: List[Tensor] = []
        x = xwf0
        k = 0
        for cell in self.cells:
            if k > 0:
                x = addmm_small(b_f[k], x, w_x[k])
            c, h = cell.fast_step(x, cs[k], hs[k], w_h[k])
            new_cs.append(c)
            new_hs.append(h)
            x = h
            k += 1
        return new_cs, new_hs

    def first(self) -> TFLSTMCell:
        return self.cells[0]


def initial_state_from_z(projected: Tensor, layer_sizes: List[int]) -> Tuple[List[Tensor], List[Tensor]]:
    """tanh(dense(z)) split as (c0, h0, c1, h1, ...), as magenta.js initLstmCells;
    projected = dense(z)."""
    flat = torch.tanh(projected)
    cs: List[Tensor] = []
    hs: List[Tensor] = []
    offset = 0
    for units in layer_sizes:
        cs.append(flat[:, offset: offset + units])
        hs.append(flat[:, offset + units: offset + 2 * units])
        offset += 2 * units
    return cs, hs


def sample_categorical(logits: Tensor, temperature: float, u: Tensor) -> Tensor:
    """Argmax at temperature 0, else inverse-CDF sampling of softmax(logits / T) with u [B]."""
    if temperature <= 0.0:
        return torch.argmax(logits, 1)
    cdf = torch.cumsum(torch.softmax(logits / temperature, 1), 1)
    idx = (cdf <= u.unsqueeze(1)).sum(1)
    return idx.clamp(max=logits.size(1) - 1)
