// Built with -fno-trapping-math (engine/CMakeLists.txt): without it GCC keeps the clamps in
// exp_approx as branches and vectorises none of the activation loops.
#include "native/kernels.h"

#include <cmath>
#include <cstdint>
#include <cstring>

// CLIPGEN_NATIVE_NO_CLONES: one instruction set per build, for the tests that pin the AVX2 and
// baseline paths on a machine whose loader would always pick AVX-512 (engine/tests).
#ifdef CLIPGEN_NATIVE_NO_CLONES
#define CLIPGEN_CLONES
#else
#define CLIPGEN_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#define CLIPGEN_INLINE __attribute__((always_inline)) inline

namespace clipgen::engine::native {
namespace {

// Cephes expf: e^x = 2^n * e^r, |r| <= ln2/2, degree-6 polynomial; max relative error 8.4e-8
// against double exp here. Branch-free so that loops over it vectorise.
CLIPGEN_INLINE float exp_approx(float x) {
  x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;  // round to nearest
  const float r = x - n * 0.693359375f + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

CLIPGEN_INLINE float sigmoid_approx(float x) {
  return 1.0f / (1.0f + exp_approx(-x));
}
CLIPGEN_INLINE float tanh_approx(float x) {
  // Odd rational minimax of degrees 13/6 (the published Eigen/XLA coefficients), clamped where
  // tanh rounds to +-1 in float: fewer operations than through exp, and no cancellation near 0.
  x = x < -7.90531110763549805f ? -7.90531110763549805f
                                : (x > 7.90531110763549805f ? 7.90531110763549805f : x);
  const float x2 = x * x;
  float p = -2.76076847742355e-16f;
  p = p * x2 + 2.00018790482477e-13f;
  p = p * x2 - 8.60467152213735e-11f;
  p = p * x2 + 5.12229709037114e-08f;
  p = p * x2 + 1.48572235717979e-05f;
  p = p * x2 + 6.37261928875436e-04f;
  p = p * x2 + 4.89352455891786e-03f;
  float q = 1.19825839466702e-06f;
  q = q * x2 + 1.18534705686654e-04f;
  q = q * x2 + 2.26843463243900e-03f;
  q = q * x2 + 4.89352518554385e-03f;
  return x * p / q;
}

// 16 floats: one zmm in the AVX-512 clone, two ymm / four xmm in the others (GCC lowers it).
// Code that passes v16 values between functions lives in always-inline helpers without a target
// (gemm_block, tanh_dots_impl, ...) that the clones call: clang rejects a 64-byte vector passed
// to or returned from a function inside an AVX2 clone, even an always-inline one.
typedef float v16 __attribute__((vector_size(64)));

CLIPGEN_INLINE v16 load16(const float* p) {
  v16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// One load the compiler cannot repeat: a weight vector that several rows multiply stays in a
// register. GCC otherwise folds the load into each row's FMA, so 2 rows against a 64-column
// panel issued 10 loads per 8 FMAs and ran at ~55 GFLOP/s (measured: 2 x 24 x 96 in 163 ns,
// 107 with the weights held; 4 rows and more were unchanged). The sums are the same.
typedef float v16u __attribute__((vector_size(64), aligned(4), may_alias));
CLIPGEN_INLINE v16 load16_once(const float* p) {
  return *reinterpret_cast<const volatile v16u*>(p);
}

CLIPGEN_INLINE void store16(float* p, v16 v) {
  std::memcpy(p, &v, sizeof v);
}

// A partial vector: the first n < 16 floats of p, zeros after them; and the first n lanes of v
// stored to p. The store goes lane by lane, not through a libc memcpy call: GCC 12 emits scalar
// stores for it even in the AVX-512 clone (no clone has a masked instruction), and copying
// through a buffer in two overlapping vector pieces instead measured no faster (1 x 20 x 10:
// 72 ns either way). Reading lane by lane instead of the copy made whole calls no faster either
// (docs/performance.md).
CLIPGEN_INLINE v16 load_first(const float* p, int n) {
  float pad[16] = {};
  std::memcpy(pad, p, sizeof(float) * n);
  return load16(pad);
}
CLIPGEN_INLINE void store_first(float* p, v16 v, int n) {
  for (int c = 0; c < 16; ++c) {
    if (c < n) p[c] = v[c];
  }
}

// R rows x 16*V columns of accumulators stay in registers (16 zmm for 4 x 64) while k runs:
// each weight is loaded once per R rows. Measured here: ~100-115 GFLOP/s on the sampling
// shapes, where OpenBLAS' sgemm packs the weight first and reaches 30-40 (docs/performance.md).
// The accumulators start from the bias row when there is one (no separate pass copying it into
// every output row first), else from out. `last`: the lanes of the last vector that are columns
// (16 unless the block ends in a packed weight's zero padding); the rest are neither read from
// out nor written, and the bias must be readable to the full width (callers pad it).
template <int R, int V>
CLIPGEN_INLINE void gemm_block(int k, const float* x, int ldx, const float* w, int ldw,
                               const float* bias, float* out, int ldo, int last = 16) {
  v16 acc[R][V];
  for (int r = 0; r < R; ++r) {
    for (int v = 0; v < V; ++v) {
      if (bias) {
        acc[r][v] = load16(bias + 16 * v);
      } else if (v + 1 < V || last == 16) {
        acc[r][v] = load16(out + r * ldo + 16 * v);
      } else {
        acc[r][v] = load_first(out + r * ldo + 16 * v, last);
      }
    }
  }
  for (int kk = 0; kk < k; ++kk) {
    const float* wr = w + static_cast<long>(kk) * ldw;
    v16 wv[V];
    for (int v = 0; v < V; ++v) wv[v] = R > 1 ? load16_once(wr + 16 * v) : load16(wr + 16 * v);
    for (int r = 0; r < R; ++r) {
      const float a = x[r * ldx + kk];
      for (int v = 0; v < V; ++v) acc[r][v] += a * wv[v];
    }
  }
  for (int r = 0; r < R; ++r) {
    for (int v = 0; v + 1 < V; ++v) store16(out + r * ldo + 16 * v, acc[r][v]);
    float* dst = out + r * ldo + 16 * (V - 1);
    if (last == 16) {
      store16(dst, acc[r][V - 1]);
    } else {
      store_first(dst, acc[r][V - 1], last);
    }
  }
}

// The last n < 16 columns of a row-major weight (gemm; a packed weight zero-pads its own, see
// whole_panel), still summed in registers: a weight row is loaded 16 wide, reading into the next
// row (lanes past n are discarded), while that stays inside the [k][ldw] matrix (`room` floats
// from w); the last rows go through a zero-padded copy. A plain loop here is a chain of stores
// through memory, ~20x slower. `bias16`: the bias' n floats zero-padded to 16,
// copied once per call (a copy per row cost a store-forwarding stall per row).
template <int R>
CLIPGEN_INLINE void gemm_tail(int n, int k, const float* x, int ldx, const float* w, int ldw,
                              long room, const float* bias16, float* out, int ldo) {
  v16 acc[R];
  for (int r = 0; r < R; ++r) acc[r] = bias16 ? load16(bias16) : load_first(out + r * ldo, n);
  int kk = 0;
  for (; kk < k && static_cast<long>(kk) * ldw + 16 <= room; ++kk) {
    const float* wr = w + static_cast<long>(kk) * ldw;
    const v16 wv = R > 1 ? load16_once(wr) : load16(wr);
    for (int r = 0; r < R; ++r) acc[r] += x[r * ldx + kk] * wv;
  }
  for (; kk < k; ++kk) {
    const v16 wv = load_first(w + static_cast<long>(kk) * ldw, n);
    for (int r = 0; r < R; ++r) acc[r] += x[r * ldx + kk] * wv;
  }
  for (int r = 0; r < R; ++r) store_first(out + r * ldo, acc[r], n);
}

// One column block for every row: blocks of 4 rows, then the 1-3 left. Rows are the inner loop
// so that the block's weights (k x 16V floats, up to a few hundred KiB) are read from L3 once
// and from L2 for the other rows: with the rows outer, 16 rows read a step's 4 MB of kernel four
// times from L3. Blocks of 5-6 vectors (whole panels, below) run 4 rows as 4 vectors and the
// rest: 4 x 6 accumulators, their 6 weights and a broadcast fill the 32 registers, and measured
// 5-20 % slower.
template <int V>
CLIPGEN_INLINE void column_block(int m, int k, const float* x, int ldx, const float* w, int ldw,
                                 const float* bias, float* out, int ldo, int last = 16) {
  int i = 0;
  for (; i + 4 <= m; i += 4) {
    if constexpr (V <= 4) {
      gemm_block<4, V>(k, x + i * ldx, ldx, w, ldw, bias, out + i * ldo, ldo, last);
    } else {
      gemm_block<4, 4>(k, x + i * ldx, ldx, w, ldw, bias, out + i * ldo, ldo);
      gemm_block<4, V - 4>(k, x + i * ldx, ldx, w + 64, ldw, bias ? bias + 64 : nullptr,
                           out + i * ldo + 64, ldo, last);
    }
  }
  x += i * ldx;
  out += i * ldo;
  switch (m - i) {
    case 3:
      gemm_block<3, V>(k, x, ldx, w, ldw, bias, out, ldo, last);
      break;
    case 2:
      gemm_block<2, V>(k, x, ldx, w, ldw, bias, out, ldo, last);
      break;
    case 1:
      gemm_block<1, V>(k, x, ldx, w, ldw, bias, out, ldo, last);
      break;
    default:
      break;
  }
}

CLIPGEN_INLINE void column_tail(int m, int n, int k, const float* x, int ldx, const float* w,
                                int ldw, long room, const float* bias, float* out, int ldo) {
  float bias16[16] = {};
  if (bias) std::memcpy(bias16, bias, sizeof(float) * n);
  if (bias) bias = bias16;
  int i = 0;
  for (; i + 4 <= m; i += 4) {
    gemm_tail<4>(n, k, x + i * ldx, ldx, w, ldw, room, bias, out + i * ldo, ldo);
  }
  x += i * ldx;
  out += i * ldo;
  switch (m - i) {
    case 3:
      gemm_tail<3>(n, k, x, ldx, w, ldw, room, bias, out, ldo);
      break;
    case 2:
      gemm_tail<2>(n, k, x, ldx, w, ldw, room, bias, out, ldo);
      break;
    case 1:
      gemm_tail<1>(n, k, x, ldx, w, ldw, room, bias, out, ldo);
      break;
    default:
      break;
  }
}

}  // namespace

// Blocks of 64 columns, then one of 32 and one of 16 (output layers of 27, 38, 90 classes),
// then the tail.
CLIPGEN_CLONES
void gemm(int m, int n, int k, const float* x, int ldx, const float* w, int ldw, const float* bias,
          float* out, int ldo) {
  int j = 0;
  auto b = [bias](int col) { return bias ? bias + col : nullptr; };
  for (; j + 64 <= n; j += 64) column_block<4>(m, k, x, ldx, w + j, ldw, b(j), out + j, ldo);
  if (j + 32 <= n) {
    column_block<2>(m, k, x, ldx, w + j, ldw, b(j), out + j, ldo);
    j += 32;
  }
  if (j + 16 <= n) {
    column_block<1>(m, k, x, ldx, w + j, ldw, b(j), out + j, ldo);
    j += 16;
  }
  if (j < n) {
    column_tail(m, n - j, k, x, ldx, w + j, ldw, static_cast<long>(k) * ldw - j, b(j), out + j,
                ldo);
  }
}

namespace {

// A weight of at most kWholePanel columns is one panel, its width rounded up to 16 with zero
// columns: a product then runs every column's accumulator chain in one loop over k. As 64-, 32-
// and 16-wide panels one after another, a 1-row product waited out one k-long chain of dependent
// FMAs per panel (1 x 20 x 90: 64 + 16 + the 10-column tail). Wider weights: 64 while 64 columns
// are left, then 32, 16, and a padded 16 for the rest (a 128-column panel read as 2 x 64 by 4
// rows measured 5 % slower from L2: the attention RNN's 512 x 128 query).
constexpr int kWholePanel = 96;

CLIPGEN_INLINE int panel_width(int n, int left) {
  if (n <= kWholePanel) return 16 * ((n + 15) / 16);
  return left >= 64 ? 64 : left >= 32 ? 32 : 16;
}

// A whole-weight panel of V vectors, `last` lanes of the last one columns; the bias padded to
// the full width.
template <int V>
CLIPGEN_INLINE void whole_panel(int m, int k, const float* x, int ldx, const float* w,
                                const float* bias, int n, float* out, int ldo) {
  float padded[16 * V];
  if (bias && n < 16 * V) {
    std::memset(padded, 0, sizeof padded);
    std::memcpy(padded, bias, sizeof(float) * n);
    bias = padded;
  }
  column_block<V>(m, k, x, ldx, w, 16 * V, bias, out, ldo, n - 16 * (V - 1));
}

// whole_panel<vectors>, V counting up to kWholePanel / 16.
template <int V = 1>
CLIPGEN_INLINE void whole_panel_of(int vectors, int m, int k, const float* x, int ldx,
                                   const float* w, const float* bias, int n, float* out, int ldo) {
  if constexpr (V <= kWholePanel / 16) {
    if (vectors == V) return whole_panel<V>(m, k, x, ldx, w, bias, n, out, ldo);
    whole_panel_of<V + 1>(vectors, m, k, x, ldx, w, bias, n, out, ldo);
  }
}

CLIPGEN_INLINE void gemm_packed_impl(int m, int k, const float* x, int ldx, const PackedWeight& w,
                                     int first_row, const float* bias, float* out, int ldo) {
  const float* panel = w.data.data();
  if (w.n <= kWholePanel) {
    const int width = panel_width(w.n, w.n);
    const float* rows = panel + static_cast<long>(first_row) * width;
    return whole_panel_of(width / 16, m, k, x, ldx, rows, bias, w.n, out, ldo);
  }
  for (int j = 0; j < w.n;) {
    const int width = panel_width(w.n, w.n - j);
    const float* rows = panel + static_cast<long>(first_row) * width;
    const float* b = bias ? bias + j : nullptr;
    if (width == 64) {
      column_block<4>(m, k, x, ldx, rows, 64, b, out + j, ldo);
    } else if (width == 32) {
      column_block<2>(m, k, x, ldx, rows, 32, b, out + j, ldo);
    } else {
      // 16 columns, or the last ones zero-padded to 16: a one-vector whole panel.
      whole_panel<1>(m, k, x, ldx, rows, b, w.n - j < 16 ? w.n - j : 16, out + j, ldo);
    }
    panel += static_cast<long>(w.k) * width;
    j += width;
  }
}

}  // namespace

PackedWeight PackedWeight::pack(const float* w, int k, int n, int ldw) {
  PackedWeight p;
  p.k = k;
  p.n = n;
  long size = 0;
  for (int j = 0; j < n;) {
    const int width = panel_width(n, n - j);
    size += static_cast<long>(k) * width;
    j += width;
  }
  p.data.assign(static_cast<size_t>(size), 0.0f);
  float* panel = p.data.data();
  for (int j = 0; j < n;) {
    const int width = panel_width(n, n - j);
    const int cols = n - j < width ? n - j : width;
    for (int r = 0; r < k; ++r) {
      std::memcpy(panel + static_cast<long>(r) * width, w + static_cast<long>(r) * ldw + j,
                  sizeof(float) * cols);
    }
    panel += static_cast<long>(k) * width;
    j += width;
  }
  return p;
}

CLIPGEN_CLONES
void gemm_packed(int m, int k, const float* x, int ldx, const PackedWeight& w, int first_row,
                 const float* bias, float* out, int ldo) {
  gemm_packed_impl(m, k, x, ldx, w, first_row, bias, out, ldo);
}

// y[i] = f(x[i]) in whole 16-lane blocks, the last through a padded copy: every element takes
// the same vector instructions wherever it sits, so a row's result does not depend on how many
// rows share the call (a scalar epilogue contracts differently: the last bit moved), and the
// 24-unit layers of small models have no scalar tail.
template <class F>
CLIPGEN_INLINE void map16(long n, const float* x, float* y, F f) {
  long i = 0;
  for (; i + 16 <= n; i += 16) {
    for (int c = 0; c < 16; ++c) y[i + c] = f(x[i + c]);
  }
  if (i < n) {
    float pad[16] = {};
    std::memcpy(pad, x + i, sizeof(float) * (n - i));
    for (int c = 0; c < 16; ++c) pad[c] = f(pad[c]);
    std::memcpy(y + i, pad, sizeof(float) * (n - i));
  }
}

// Every row at once, so that the transcendental loops run over m * 4u and m * u contiguous
// floats. tanh(j) = 2 sigmoid(2j) - 1 lets one sigmoid pass cover all four gates (j arrives
// doubled).
CLIPGEN_CLONES
void lstm_update(int m, int units, float* gates, float* c, float* h) {
  const int g = 4 * units;
  map16(static_cast<long>(m) * g, gates, gates, [](float x) { return sigmoid_approx(x); });
  for (int r = 0; r < m; ++r) {
    const float* si = gates + static_cast<long>(r) * g;
    const float* sj = si + units;
    const float* sf = si + 2 * units;
    float* cr = c + static_cast<long>(r) * units;
    for (int u = 0; u < units; ++u) cr[u] = cr[u] * sf[u] + si[u] * (2.0f * sj[u] - 1.0f);
  }
  map16(static_cast<long>(m) * units, c, h, [](float x) { return tanh_approx(x); });
  for (int r = 0; r < m; ++r) {
    const float* so = gates + static_cast<long>(r) * g + 3 * units;
    float* hr = h + static_cast<long>(r) * units;
    for (int u = 0; u < units; ++u) hr[u] *= so[u];
  }
}

CLIPGEN_CLONES
void sigmoid_rows(int n, const float* x, float* y) {
  map16(n, x, y, [](float v) { return sigmoid_approx(v); });
}

CLIPGEN_CLONES
void tanh_rows(int n, const float* x, float* y) {
  map16(n, x, y, [](float v) { return tanh_approx(v); });
}

// Sums keep 16 independent lanes so the loops vectorise without reassociating (no -ffast-math);
// a single running sum is a chain of dependent adds, ~4 cycles each.
CLIPGEN_INLINE float sum_lanes(const float* lanes) {
  float s = 0.0f;
  for (int c = 0; c < 16; ++c) s += lanes[c];
  return s;
}

typedef int32_t vi16 __attribute__((vector_size(64)));

CLIPGEN_INLINE v16 splat16(float a) {
  return v16{} + a;
}

// Inclusive prefix sum of 16 lanes in four shifted adds (lanes shifted in from `zero`).
// __builtin_shufflevector: GCC 12 and clang both have it.
CLIPGEN_INLINE v16 prefix16(v16 v) {
  const v16 zero = {};
  v += __builtin_shufflevector(zero, v, 0, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
                               30);
  v += __builtin_shufflevector(zero, v, 0, 1, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28,
                               29);
  v += __builtin_shufflevector(zero, v, 0, 1, 2, 3, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27);
  v += __builtin_shufflevector(zero, v, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
  return v;
}

// Lane 0 of the result is the max / sum of all 16 lanes (a tree of four shuffles).
CLIPGEN_INLINE v16 fold_max16(v16 v) {
  v16 w = __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
  v = v > w ? v : w;
  w = __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3);
  v = v > w ? v : w;
  w = __builtin_shufflevector(v, v, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1);
  v = v > w ? v : w;
  w = __builtin_shufflevector(v, v, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0);
  return v > w ? v : w;
}
CLIPGEN_INLINE float sum16(v16 v) {
  v += __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
  v += __builtin_shufflevector(v, v, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3);
  v += __builtin_shufflevector(v, v, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1);
  v += __builtin_shufflevector(v, v, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0);
  return v[0];
}

// One call per attention window: with 16-wide scores each was a few vector operations behind a
// call and a 16-add chain, which had made scoring a sixth of a small attention RNN's time.
CLIPGEN_INLINE void tanh_dots_impl(int count, int n, const float* a, long lda, const float* b,
                                   const float* v, float* out) {
  const int full = n / 16 * 16;
  float pb[16] = {}, pv[16] = {};
  std::memcpy(pb, b + full, sizeof(float) * (n - full));
  std::memcpy(pv, v + full, sizeof(float) * (n - full));
  for (int l = 0; l < count; ++l) {
    const float* al = a + l * lda;
    v16 acc = {};
    float t[16];
    for (int i = 0; i < full; i += 16) {
      for (int c = 0; c < 16; ++c) t[c] = tanh_approx(al[i + c] + b[i + c]);
      acc += load16(v + i) * load16(t);
    }
    if (full < n) {
      float pa[16] = {};
      std::memcpy(pa, al + full, sizeof(float) * (n - full));
      for (int c = 0; c < 16; ++c) t[c] = tanh_approx(pa[c] + pb[c]);
      acc += load16(pv) * load16(t);
    }
    out[l] = sum16(acc);
  }
}

CLIPGEN_CLONES
void tanh_dots(int count, int n, const float* a, long lda, const float* b, const float* v,
               float* out) {
  tanh_dots_impl(count, n, a, lda, b, v, out);
}

// Whole 16-lane blocks, the last read and written under a lane mask, and tree reductions, for
// attention windows of 8-32 entries (measured: 8 entries 54 -> 48 ns, 38 entries 123 -> 59 ns,
// against a scalar max, a padded copy for the last block and lane-by-lane sums). What is left
// for a short window is the latency of one dependent chain.
CLIPGEN_INLINE float softmax_weights_impl(int n, float* x) {
  const int blocks = (n + 15) / 16;
  const int rem = n - 16 * (blocks - 1);
  float* tail = x + 16 * (blocks - 1);
  float last[16];
  for (int c = 0; c < 16; ++c) last[c] = c < rem ? tail[c] : -INFINITY;
  v16 top = load16(last);
  for (int b = 0; b + 1 < blocks; ++b) {
    const v16 v = load16(x + 16 * b);
    top = top > v ? top : v;
  }
  const float mx = fold_max16(top)[0];
  v16 lanes = {};
  for (int b = 0; b + 1 < blocks; ++b) {
    float* e = x + 16 * b;
    for (int c = 0; c < 16; ++c) e[c] = exp_approx(e[c] - mx);
    lanes += load16(e);
  }
  for (int c = 0; c < 16; ++c) last[c] = c < rem ? exp_approx(last[c] - mx) : 0.0f;
  lanes += load16(last);
  const float total = sum16(lanes);
  const v16 inv = splat16(1.0f / total);
  for (int b = 0; b + 1 < blocks; ++b) store16(x + 16 * b, load16(x + 16 * b) * inv);
  const v16 scaled = load16(last) * inv;
  for (int c = 0; c < 16; ++c) {
    if (c < rem) tail[c] = scaled[c];
  }
  return total;
}

CLIPGEN_CLONES
float softmax_weights(int n, float* x) {
  return softmax_weights_impl(n, x);
}

// Whole 16-lane blocks over scratch padded past n (-inf logits, then zero probabilities), with
// tree reductions: with 38 or 90 classes, scalar tails and lane-by-lane reductions were most of
// the time. Logits are read where they are (x), or from scratch once divided by a temperature
// other than 1 (x / 1 is x, so the default skips the divisions: same bits).
// The draw is the number of classes whose cumulative probability is at most u * total (torch:
// count of cdf <= u), counted without branches: which class a draw lands on is random, and a
// search that stopped there mispredicted once for the block and once for the lane (random
// draws over 90 classes: 85 -> 73 ns). Past 8 blocks the search still stops at the drawn
// block, as the running sum is a chain of one add per block.
CLIPGEN_INLINE int sample_inverse_cdf_impl(int n, const float* x, float temperature, float u,
                                           float* scratch) {
  const int blocks = (n + 15) / 16;
  const int rem = n - 16 * (blocks - 1);
  const v16 t = splat16(temperature);
  const bool scale = temperature != 1.0f;
  const float* tail = x + 16 * (blocks - 1);
  float last[16];
  for (int c = 0; c < 16; ++c) last[c] = c < rem ? tail[c] : -INFINITY;  // a masked load
  const v16 lastv = scale ? load16(last) / t : load16(last);
  v16 top = lastv;
  for (int b = 0; b + 1 < blocks; ++b) {
    v16 v = load16(x + 16 * b);
    if (scale) {
      v = v / t;
      store16(scratch + 16 * b, v);
    }
    top = top > v ? top : v;
  }
  const v16 mx = splat16(fold_max16(top)[0]);
  const float* logits = scale ? scratch : x;
  v16 lanes = {};
  for (int b = 0; b + 1 < blocks; ++b) {
    const v16 v = load16(logits + 16 * b) - mx;
    float* e = scratch + 16 * b;
    for (int c = 0; c < 16; ++c) e[c] = exp_approx(v[c]);
    lanes += load16(e);
  }
  {
    const v16 v = lastv - mx;
    float* e = scratch + 16 * (blocks - 1);
    for (int c = 0; c < 16; ++c) e[c] = exp_approx(v[c]);
    const vi16 lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    const v16 kept = lane < rem ? load16(e) : v16{};  // the padding's exp(-87) out
    store16(e, kept);
    lanes += kept;
  }
  const float total = sum16(lanes);
  const float target = u * total;
  // Cumulative sums run + p[c] are non-decreasing, so the count of those <= target is the
  // first class whose cumulative passes it. Padding lanes add 0; rounding can still leave the
  // last sums at or below target, hence the clamp to the last class.
  float run = 0.0f;
  const v16 at = splat16(target);
  vi16 below = {};  // per lane, how many blocks had that lane's sum at or below target
  for (int b = 0; b < blocks; ++b) {
    const v16 p = prefix16(load16(scratch + 16 * b));
    const v16 cum = splat16(run) + p;
    below -= cum <= at;  // -1 where true
    if (blocks > 8 && cum[15] > target) break;
    run += p[15];
  }
  const v16 counts = __builtin_convertvector(below, v16);
  const int count = static_cast<int>(sum16(counts));
  return count < n - 1 ? count : n - 1;
}

CLIPGEN_CLONES
int sample_inverse_cdf(int n, const float* x, float temperature, float u, float* scratch) {
  return sample_inverse_cdf_impl(n, x, temperature, u, scratch);
}

}  // namespace clipgen::engine::native
