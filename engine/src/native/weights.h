// A model's parameters and scalar attributes as plain data: model.cpp copies them out of the
// TorchScript module, so the native runtime builds and runs without LibTorch.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace clipgen::engine::native {

// Buffers of 2 MiB and more go on 2 MiB-aligned memory that Linux may back with huge pages
// (madvise): a decoder step reads megabytes of kernel, and through 4 KiB pages that was a
// first-level TLB miss every 4 KiB, and a step time that moved by half between processes.
// Smaller ones start on a 64-byte cache line, so that a packed panel's 16-float rows are whole
// lines: operator new's 16-byte alignment left them 0, 16, 32 or 48 bytes off, whichever the
// allocations before gave, and 16 bytes off, tiny models' sampling ran 6-31 % slower (measured
// in one process, the same kernel on both copies of the weights).
void* allocate_large(std::size_t bytes);
void free_large(void* p, std::size_t bytes);

template <class T>
struct LargeAllocator {
  using value_type = T;
  LargeAllocator() = default;
  template <class U>
  LargeAllocator(const LargeAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(allocate_large(n * sizeof(T))); }
  void deallocate(T* p, std::size_t n) { free_large(p, n * sizeof(T)); }
  bool operator==(const LargeAllocator&) const { return true; }
  bool operator!=(const LargeAllocator&) const { return false; }
};

using ParamData = std::vector<float, LargeAllocator<float>>;

struct Param {
  std::vector<int64_t> shape;
  ParamData data;  // row-major
};

struct Weights {
  std::map<std::string, Param> params;        // "decoder.core.rnn.cells.0.kernel", ...
  std::map<std::string, int64_t> attributes;  // int and bool attributes: "attn_length", ...

  const Param* find(const std::string& name) const;
  // Frees the data of every matrix (kernels, attn_w), keeping shapes: once the layers are
  // built they read packed copies and the row-major rows they asked for, and only vectors
  // (biases, attn_v) are read from here. The model's resident size drops by a copy.
  void free_matrices();
  // Attribute or `fallback` when absent.
  int64_t attribute(const std::string& name, int64_t fallback) const;
};

}  // namespace clipgen::engine::native
