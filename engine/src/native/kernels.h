// Single-threaded float kernels for the native CPU runtime: a product sized for sampling steps
// (a few rows against a weight that stays in cache) and vectorised activations. Each has
// AVX-512, AVX2 and baseline versions picked at load time (GCC target_clones), so one build runs
// on any x86-64 and at full width on the machine it lands on.
#pragma once

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

// TF LSTM cell update for m rows. gates [m][4*units] in TF order (i, j, f, o) with every bias,
// the forget bias included (used as scratch: overwritten); c [m][units] is updated in place,
// h [m][units] written.
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
