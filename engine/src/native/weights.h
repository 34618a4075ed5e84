// A model's parameters and scalar attributes as plain data: model.cpp copies them out of the
// TorchScript module, so the native runtime builds and runs without LibTorch.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace clipgen::engine::native {

struct Param {
  std::vector<int64_t> shape;
  std::vector<float> data;  // row-major
};

struct Weights {
  std::map<std::string, Param> params;        // "decoder.core.rnn.cells.0.kernel", ...
  std::map<std::string, int64_t> attributes;  // int and bool attributes: "attn_length", ...

  const Param* find(const std::string& name) const;
  // Attribute or `fallback` when absent.
  int64_t attribute(const std::string& name, int64_t fallback) const;
};

}  // namespace clipgen::engine::native
