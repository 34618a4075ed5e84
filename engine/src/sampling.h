// Seeded randomness drawn on the CPU in a fixed order, then handed to the model as tensors
// (docs/models.md): the same request and seed give the same clips on every device and build.
// mt19937_64 (mt19937_64.h: the standard's stream, refilled faster) and our own Box-Muller are
// fully specified, unlike std::normal_distribution.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "mt19937_64.h"

namespace clipgen::engine::detail {

class Rng {
 public:
  explicit Rng(std::uint64_t seed) : gen_(seed) {}
  // [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(gen_() >> 11) * 0x1.0p-53; }
  double normal();
  std::vector<std::vector<float>> uniforms(size_t rows, size_t width);
  std::vector<std::vector<float>> normals(size_t rows, size_t width);

 private:
  Mt19937_64 gen_;
  bool has_spare_ = false;
  double spare_ = 0.0;
};

// A fresh seed for requests without one (0 .. 2^31 - 1, easy to read back and type).
std::uint64_t pick_seed();

// Spherical interpolation (magenta.js slerp); linear when the vectors are (anti)parallel.
std::vector<float> slerp(const std::vector<float>& a, const std::vector<float>& b, double t);

}  // namespace clipgen::engine::detail
