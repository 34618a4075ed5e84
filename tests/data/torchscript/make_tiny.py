#!/usr/bin/env python3
"""Writes tiny.pt: the smallest TorchScript file with everything the archive reader reads (a
parameter, a nested module in a ModuleList, a buffer, int and bool attributes, two methods, an
extra file), with known values. The reader's unit test
(engine/tests/torchscript_archive_unit_test.cpp) checks its contents and breaks it at every
length; it seeds the torchscript_archive fuzz target (tests/fuzz/corpus/make_archive_seeds.py).
The .debug_pkl records (source ranges for error messages) are left out to keep it small;
torch.jit.load reads it without them.

usage: /usr/bin/python3 make_tiny.py tests/data/torchscript/tiny.pt
"""
import io
import sys
import zipfile

import torch
from torch import nn


class Cell(nn.Module):
    def __init__(self):
        super().__init__()
        self.units = 2
        self.bias = nn.Parameter(torch.tensor([0.5, -0.5]))

    def forward(self, x):
        return x + self.bias


class Tiny(nn.Module):
    def __init__(self):
        super().__init__()
        self.kernel = nn.Parameter(torch.arange(6, dtype=torch.float32).reshape(3, 2))
        self.register_buffer("scale", torch.tensor([2.0]))
        self.depth = 3
        self.flag = True
        self.cells = nn.ModuleList([Cell()])

    def forward(self, x):
        return self.encode(x) * self.scale

    @torch.jit.export
    def encode(self, x):
        return x @ self.kernel


def main():
    buf = io.BytesIO()
    torch.jit.save(torch.jit.script(Tiny()), buf, _extra_files={"clipgen.json": '{"id": "tiny"}'})
    buf.seek(0)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(sys.argv[1], "w") as zout:
        for info in zin.infolist():
            if not info.filename.endswith(".debug_pkl"):
                zout.writestr(info, zin.read(info.filename), compress_type=info.compress_type)
    loaded = torch.jit.load(sys.argv[1])
    assert [n for n, _ in loaded.named_parameters()] == ["kernel", "cells.0.bias"]


if __name__ == "__main__":
    main()
