#include "sampling.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace clipgen::engine::detail {

double Rng::normal() {
  if (has_spare_) {
    has_spare_ = false;
    return spare_;
  }
  double u1 = uniform();
  while (u1 <= 0.0) u1 = uniform();
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double a = 2.0 * M_PI * u2;
  spare_ = r * std::sin(a);
  has_spare_ = true;
  return r * std::cos(a);
}

std::vector<std::vector<float>> Rng::uniforms(size_t rows, size_t width) {
  std::vector<std::vector<float>> out(rows, std::vector<float>(width));
  for (auto& r : out) {
    for (auto& v : r) {
      // float32 rounding could reach 1.0f; the interface promises [0, 1).
      v = static_cast<float>(uniform());
      if (v >= 1.0f) v = std::nextafter(1.0f, 0.0f);
    }
  }
  return out;
}

std::vector<std::vector<float>> Rng::normals(size_t rows, size_t width) {
  std::vector<std::vector<float>> out(rows, std::vector<float>(width));
  for (auto& r : out) {
    for (auto& v : r) v = static_cast<float>(normal());
  }
  return out;
}

std::uint64_t pick_seed() {
  // Opening a std::random_device costs ~10 us, a tenth of a small model's whole call: open it
  // once per thread and draw the seeds from a generator it seeded.
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen() & 0x7fffffffu;
}

std::vector<float> slerp(const std::vector<float>& a, const std::vector<float>& b, double t) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    dot += double(a[i]) * b[i];
    na += double(a[i]) * a[i];
    nb += double(b[i]) * b[i];
  }
  std::vector<float> out(a.size());
  const double denom = std::sqrt(na) * std::sqrt(nb);
  const double cosine = denom > 0 ? std::clamp(dot / denom, -1.0, 1.0) : 1.0;
  const double omega = std::acos(cosine);
  const double so = std::sin(omega);
  for (size_t i = 0; i < a.size(); ++i) {
    if (so < 1e-6) {
      out[i] = static_cast<float>((1 - t) * a[i] + t * b[i]);
    } else {
      out[i] = static_cast<float>(std::sin((1 - t) * omega) / so * a[i] +
                                  std::sin(t * omega) / so * b[i]);
    }
  }
  return out;
}

}  // namespace clipgen::engine::detail
