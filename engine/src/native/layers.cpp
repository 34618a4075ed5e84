#include "native/layers.h"

#include <algorithm>
#include <cmath>

#include "native/kernels.h"

namespace clipgen::engine::native {

const Param& need(const Weights& w, const std::string& name, int rows, int cols) {
  const Param* p = w.find(name);
  if (!p) throw LayoutError{"no parameter " + name};
  const auto& s = p->shape;
  const bool ok = cols == -2
                      ? (s.size() == 1 && (rows < 0 || s[0] == rows))
                      : (s.size() == 2 && (rows < 0 || s[0] == rows) && (cols < 0 || s[1] == cols));
  if (!ok) throw LayoutError{"parameter " + name + " has an unexpected shape"};
  return *p;
}

namespace {
constexpr int kVector = -2;  // need(): a 1-D parameter
}

Dense Dense::load(const Weights& w, const std::string& prefix, int lookup_rows) {
  Dense d;
  const Param& k = need(w, prefix + "kernel", -1, -1);
  d.in = static_cast<int>(k.shape[0]);
  d.out = static_cast<int>(k.shape[1]);
  if (lookup_rows < 0 || lookup_rows > d.in) throw LayoutError{prefix + "kernel is too small"};
  d.bias = need(w, prefix + "bias", d.out, kVector).data.data();
  d.packed = PackedWeight::pack(k.data.data(), d.in, d.out, d.out);
  d.lookup.assign(k.data.begin(), k.data.begin() + static_cast<long>(lookup_rows) * d.out);
  return d;
}

void Dense::apply(int m, const float* x, int ldx, float* y, int ldy) const {
  gemm_packed(m, in, x, ldx, packed, 0, bias, y, ldy);
}

Cell Cell::load(const Weights& w, const std::string& prefix, bool input_rows) {
  Cell c;
  const Param& k = need(w, prefix + "kernel", -1, -1);
  const Param& b = need(w, prefix + "bias", static_cast<int>(k.shape[1]), kVector);
  c.units = static_cast<int>(k.shape[1] / 4);
  c.in = static_cast<int>(k.shape[0]) - c.units;
  if (c.units * 4 != k.shape[1] || c.in < 0) throw LayoutError{prefix + "kernel is not an LSTM"};
  c.bias_f.assign(b.data.begin(), b.data.end());
  for (int u = 2 * c.units; u < 3 * c.units; ++u) c.bias_f[u] += 1.0f;  // FORGET_BIAS
  // The candidate gate j doubled in its columns and bias, exactly (a power of two): the step
  // then takes tanh(j) as 2 sigmoid(2j) - 1 in the same sigmoid pass as the other gates, with
  // no pass doubling j first (lstm_update).
  std::vector<float> kernel(k.data.begin(), k.data.end());
  for (long r = 0; r < c.in + c.units; ++r) {
    float* row = kernel.data() + r * c.gates();
    for (int u = c.units; u < 2 * c.units; ++u) row[u] *= 2.0f;
  }
  for (int u = c.units; u < 2 * c.units; ++u) c.bias_f[u] *= 2.0f;
  c.packed = PackedWeight::pack(kernel.data(), c.in + c.units, c.gates(), c.gates());
  if (input_rows) {
    c.x_rows.assign(kernel.begin(), kernel.begin() + static_cast<long>(c.in) * c.gates());
  }
  return c;
}

void Cell::project(int m, const float* x, int ldx, float* g, int ldg, int first_row,
                   int rows) const {
  gemm_packed(m, rows < 0 ? in : rows, x, ldx, packed, first_row, bias_f.data(), g, ldg);
}

void Cell::step(int m, float* g, float* c, float* h) const {
  gemm_packed(m, units, h, units, packed, in, nullptr, g, gates());
  lstm_update(m, units, g, c, h);
}

Stack Stack::load(const Weights& w, const std::string& prefix, bool input_rows) {
  Stack s;
  for (int i = 0; w.find(prefix + "cells." + std::to_string(i) + ".kernel"); ++i) {
    s.cells.push_back(
        Cell::load(w, prefix + "cells." + std::to_string(i) + ".", input_rows && i == 0));
    if (i > 0 && s.cells[i].in != s.cells[i - 1].units) {
      throw LayoutError{prefix + "cells do not chain"};
    }
  }
  if (s.cells.empty()) throw LayoutError{"no LSTM cells under " + prefix};
  return s;
}

long Stack::step_weights() const {
  long n = 0;
  for (const auto& c : cells) n += c.weights();
  return n - static_cast<long>(cells.front().in) * cells.front().gates();
}

int Stack::total_units() const {
  int n = 0;
  for (const auto& c : cells) n += c.units;
  return n;
}

StackState Stack::zeros(int m) const {
  StackState s;
  for (const auto& c : cells) {
    s.c.emplace_back(static_cast<size_t>(m) * c.units, 0.0f);
    s.h.emplace_back(static_cast<size_t>(m) * c.units, 0.0f);
  }
  return s;
}

StackState Stack::from_projection(int m, const std::vector<float>& projected) const {
  StackState s = zeros(m);
  const int width = 2 * total_units();
  for (int r = 0; r < m; ++r) {
    const float* row = projected.data() + static_cast<long>(r) * width;
    int off = 0;
    for (size_t l = 0; l < cells.size(); ++l) {
      const int u = cells[l].units;
      tanh_rows(u, row + off, s.c[l].data() + r * u);
      tanh_rows(u, row + off + u, s.h[l].data() + r * u);
      off += 2 * u;
    }
  }
  return s;
}

const float* Stack::step(int m, const float* xw0, StackState& s,
                         std::vector<float>& scratch) const {
  size_t need_size = 0;
  for (const auto& c : cells) need_size = std::max(need_size, static_cast<size_t>(m) * c.gates());
  if (scratch.size() < need_size) scratch.resize(need_size);
  float* g = scratch.data();
  for (size_t l = 0; l < cells.size(); ++l) {
    const Cell& cell = cells[l];
    if (l == 0) {
      std::copy(xw0, xw0 + static_cast<long>(m) * cell.gates(), g);
    } else {
      cell.project(m, s.h[l - 1].data(), cells[l - 1].units, g, cell.gates());
    }
    cell.step(m, g, s.c[l].data(), s.h[l].data());
  }
  return s.h.back().data();
}

int sample_class(int n, const float* logits, double temperature, float u,
                 std::vector<float>& scratch) {
  if (temperature <= 0.0) return static_cast<int>(std::max_element(logits, logits + n) - logits);
  if (scratch.size() < static_cast<size_t>(sample_scratch_size(n))) {
    scratch.resize(sample_scratch_size(n));
  }
  return sample_inverse_cdf(n, logits, static_cast<float>(temperature), u, scratch.data());
}

}  // namespace clipgen::engine::native
