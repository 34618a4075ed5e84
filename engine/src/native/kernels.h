// Single-threaded float kernels for the native CPU runtime: a product sized for sampling steps
// (a few rows against a weight that stays in cache) and vectorised activations. Each has
// AVX-512, AVX2 and baseline versions picked at load time (GCC target_clones), so one build runs
// on any x86-64 and at full width on the machine it lands on.
#pragma once

#include "native/weights.h"

namespace clipgen::engine::native {

// out[m][n] = (bias, the same [n] for every row, or else out) + x[m][k] * w[k][n]; row-major
// with leading dimensions ldx, ldw, ldo. All k * ldw floats from w must be readable (a [k][ldw]
// block of a matrix).
void gemm(int m, int n, int k, const float* x, int ldx, const float* w, int ldw, const float* bias,
          float* out, int ldo);
inline void gemm_acc(int m, int n, int k, const float* x, int ldx, const float* w, int ldw,
                     float* out, int ldo) {
  gemm(m, n, k, x, ldx, w, ldw, nullptr, out, ldo);
}

// A [k][n] weight laid out again as column panels of 64, 32 and 16 columns (the last one
// zero-padded to 16), each panel k rows of contiguous floats: a product then streams every
// panel front to back, where reading a 64-column block of the row-major weight jumps a whole
// row between reads (measured: 2 rows against 1 MB from L3, 60 -> 90 GB/s).
struct PackedWeight {
  int k = 0, n = 0;
  ParamData data;

  static PackedWeight pack(const float* w, int k, int n, int ldw);
};

// gemm against rows [first_row, first_row + k) of a packed weight (all n columns).
void gemm_packed(int m, int k, const float* x, int ldx, const PackedWeight& w, int first_row,
                 const float* bias, float* out, int ldo);

// TF LSTM cell update for m rows. gates [m][4*units] in TF order (i, 2j, f, o) with every
// bias, the forget bias included, and the candidate j doubled (Cell::load doubles its columns;
// used as scratch: overwritten); c [m][units] is updated in place, h [m][units] written.
void lstm_update(int m, int units, float* gates, float* c, float* h);

void sigmoid_rows(int n, const float* x, float* y);
void tanh_rows(int n, const float* x, float* y);
// Attention scores: out[l] = sum_k v[k] * tanh(a[l * lda + k] + b[k]) for l < count, k < n.
void tanh_dots(int count, int n, const float* a, long lda, const float* b, const float* v,
               float* out);
// x[i] = exp(x[i] - max x) / sum, in place (attention weights); returns the sum.
float softmax_weights(int n, float* x);
// Inverse-CDF sampling of softmax(x / temperature) with u in [0, 1): the first class whose
// cumulative probability exceeds u, the last class when rounding leaves none. scratch: at least
// sample_scratch_size(n) floats.
int sample_inverse_cdf(int n, const float* x, float temperature, float u, float* scratch);
inline int sample_scratch_size(int n) {
  return 16 * ((n + 15) / 16);  // whole 16-lane blocks
}

}  // namespace clipgen::engine::native
