#!/usr/bin/env python3
"""Writes TorchScript files that the archive reader's test (torchscript_archive_test.cpp)
compares with torch.jit.load: tensor layouts and attribute types our exported models never have.
Into OUT_DIR, each checked here to really have what its name says.

  layouts.pt   parameters transposed (non-contiguous), at a storage offset, float64, float16,
               bfloat16, expanded (stride 0), 0-d and empty; a float and an int64 buffer; a
               None parameter; int, bool, Optional, float, str, list, dict and tuple attributes;
               nested modules in a ModuleList and a ModuleDict; methods forward and encode
  deflated.pt  layouts.pt rezipped with every entry deflated (data.pkl and storages too)
  shared.pt    one submodule reachable under two names, and two parameters over one storage

usage: make_archive_edge_models.py OUT_DIR
"""
import os
import sys
import zipfile
from typing import Dict, List, Optional, Tuple

import torch
from torch import nn


class Leaf(nn.Module):
    def __init__(self, units: int):
        super().__init__()
        self.units = units
        self.kernel = nn.Parameter(torch.randn(units, units))

    def forward(self, x):
        return x @ self.kernel


class Layouts(nn.Module):
    flag: bool
    maybe_int: Optional[int]
    names: List[str]
    table: Dict[str, int]
    pair: Tuple[int, float]

    def __init__(self):
        super().__init__()
        base = torch.randn(6, 4)
        self.transposed = nn.Parameter(torch.randn(3, 5).t())
        self.offset = nn.Parameter(base[2:])  # shares base's storage, 8 elements in
        self.wide = nn.Parameter(torch.randn(2, 3, dtype=torch.float64))
        self.half_precision = nn.Parameter(torch.tensor([1.0, -2.5, 6e-8, 65504.0, float("inf")],
                                                 dtype=torch.float16))
        self.brain_float = nn.Parameter(torch.randn(4, dtype=torch.bfloat16))
        self.expanded = nn.Parameter(torch.randn(3, 1).expand(3, 4))
        self.scalar = nn.Parameter(torch.tensor(0.5))
        self.empty = nn.Parameter(torch.zeros(0, 3))
        self.register_parameter("missing", None)
        self.register_buffer("running", torch.randn(4))
        self.register_buffer("steps", torch.tensor([7], dtype=torch.int64))
        self.depth = 3
        self.big = 1 << 40
        self.negative = -123456
        self.flag = True
        self.maybe_int = None
        self.ratio = 0.25
        self.label = "edge"
        self.sizes = [1, 2, 3]
        self.names = ["a", "b"]
        self.table = {"x": 1}
        self.pair = (2, 0.5)
        self.cells = nn.ModuleList([Leaf(2), Leaf(3)])
        self.heads = nn.ModuleDict({"left": Leaf(1)})

    def forward(self, x):
        return x * self.scalar

    @torch.jit.export
    def encode(self, x):
        return x + self.offset.sum()


class Shared(nn.Module):
    def __init__(self):
        super().__init__()
        leaf = Leaf(2)
        self.first = leaf
        self.second = leaf
        base = torch.randn(10)
        self.low = nn.Parameter(base[:5])
        self.high = nn.Parameter(base[5:])

    def forward(self, x):
        return self.first(x) + self.second(x)


def save(module, path, json_text):
    torch.jit.save(torch.jit.script(module), path, _extra_files={"clipgen.json": json_text})


def deflate_copy(src, dst):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))


def check(path, storage_tensors):
    """The properties the test relies on, seen in the saved file itself."""
    loaded = torch.jit.load(path)
    for name, check_fn in storage_tensors.items():
        t = loaded
        for part in name.split("."):
            t = getattr(t, part)
        assert check_fn(t), (path, name)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(7)
    layouts = os.path.join(out, "layouts.pt")
    save(Layouts(), layouts, '{"edge": "layouts"}')
    check(layouts, {
        "transposed": lambda t: not t.is_contiguous(),
        "offset": lambda t: t.storage_offset() == 8,
        "wide": lambda t: t.dtype == torch.float64,
        "half_precision": lambda t: t.dtype == torch.float16,
        "brain_float": lambda t: t.dtype == torch.bfloat16,
        "expanded": lambda t: t.stride() == (1, 0),
        "steps": lambda t: t.dtype == torch.int64,
    })
    deflate_copy(layouts, os.path.join(out, "deflated.pt"))
    shared = os.path.join(out, "shared.pt")
    save(Shared(), shared, "")
    check(shared, {"high": lambda t: t.storage_offset() == 5})
    print("wrote", sorted(os.listdir(out)))


if __name__ == "__main__":
    main()
