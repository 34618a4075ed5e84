// The native runtime's kernels against plain double-precision arithmetic: the row-block product
// on every block and tail path (including blocks of a wider matrix), the LSTM update, the
// activations and categorical sampling.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "native/kernels.h"
#include "native/layers.h"

namespace clipgen::engine::native {
namespace {

double sigmoid_ref(double x) {
  return 1.0 / (1.0 + std::exp(-x));
}

// The AVX2 build of these tests (engine_native_avx2_tests) skips on a CPU without AVX2/FMA.
#if defined(__AVX2__)
#define CLIPGEN_REQUIRE_ISA()                                            \
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma")) \
  GTEST_SKIP() << "this CPU has no AVX2/FMA"
#else
#define CLIPGEN_REQUIRE_ISA()
#endif

// With and without a bias row.
TEST(NativeKernels, ProductMatchesPlainSumsOnEveryBlockAndTail) {
  CLIPGEN_REQUIRE_ISA();
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  for (int m : {1, 2, 3, 4, 5, 8, 9}) {
    for (int n : {1, 5, 11, 16, 27, 38, 64, 90, 130}) {
      for (int k : {1, 3, 54}) {
        // Every operand is a block of a wider matrix, so leading dimensions exceed widths and the
        // tail's 16-wide loads read into neighbouring columns that must not leak in.
        const int ldx = k + 3, ldw = n + 7, ldo = n + 2, col = 5;
        // w is read from column `col` on, so its k * ldw floats (gemm_acc's contract) need `col`
        // more at the end.
        std::vector<float> x(static_cast<size_t>(m) * ldx), w(static_cast<size_t>(k) * ldw + col),
            out(static_cast<size_t>(m) * ldo);
        for (auto& v : x) v = d(rng);
        for (auto& v : w) v = d(rng);
        for (auto& v : out) v = d(rng);
        std::vector<float> before = out, bias(n);
        for (auto& v : bias) v = d(rng);
        const int width = std::min(n, ldw - col);
        // Accumulating into out, then from a bias row (out's old values must not leak in).
        for (bool with_bias : {false, true}) {
          out = before;
          gemm(m, width, k, x.data(), ldx, w.data() + col, ldw, with_bias ? bias.data() : nullptr,
               out.data(), ldo);
          for (int r = 0; r < m; ++r) {
            for (int c = 0; c < ldo; ++c) {
              double want = before[r * ldo + c];
              if (c < width) {
                if (with_bias) want = bias[c];
                for (int i = 0; i < k; ++i) want += double(x[r * ldx + i]) * w[i * ldw + col + c];
              }
              ASSERT_NEAR(out[r * ldo + c], want, 1e-4)
                  << "m " << m << " n " << width << " k " << k << " row " << r << " col " << c
                  << " bias " << with_bias;
            }
          }
        }
      }
    }
  }
}

// The packed layout: every panel width and the padded last panel, rows from an offset.
TEST(NativeKernels, PackedProductMatchesTheRowMajorOne) {
  CLIPGEN_REQUIRE_ISA();
  std::mt19937 rng(4);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  for (int m : {1, 2, 3, 4, 5, 9}) {
    for (int n : {1, 5, 16, 22, 27, 38, 48, 64, 80, 90, 96, 112, 128, 130, 200}) {
      const int rows = 40, first = 7, k = 21, ldx = k + 2, ldo = n + 3;
      std::vector<float> w(static_cast<size_t>(rows) * n), x(static_cast<size_t>(m) * ldx), bias(n),
          out(static_cast<size_t>(m) * ldo), want;
      for (auto& v : w) v = d(rng);
      for (auto& v : x) v = d(rng);
      for (auto& v : bias) v = d(rng);
      for (auto& v : out) v = d(rng);
      const PackedWeight packed = PackedWeight::pack(w.data(), rows, n, n);
      for (bool with_bias : {false, true}) {
        want = out;
        std::vector<float> got = out;
        gemm(m, n, k, x.data(), ldx, w.data() + first * n, n, with_bias ? bias.data() : nullptr,
             want.data(), ldo);
        gemm_packed(m, k, x.data(), ldx, packed, first, with_bias ? bias.data() : nullptr,
                    got.data(), ldo);
        // The same sums in the same order: the same bits, and columns past n untouched.
        ASSERT_EQ(got, want) << "m " << m << " n " << n << " bias " << with_bias;
      }
    }
  }
}

TEST(NativeKernels, LstmUpdateIsTheTfCell) {
  CLIPGEN_REQUIRE_ISA();
  const int units = 37, m = 3;  // not a multiple of any vector width
  std::vector<float> gates(m * 4 * units), c(m * units), h(m * units);
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> d(-6.0f, 6.0f);
  for (auto& v : gates) v = d(rng);
  for (auto& v : c) v = d(rng);
  const std::vector<float> c0 = c, g0 = gates;
  for (int r = 0; r < m; ++r) {
    for (int u = 0; u < units; ++u) gates[r * 4 * units + units + u] *= 2.0f;  // j arrives doubled
  }
  lstm_update(m, units, gates.data(), c.data(), h.data());
  for (int r = 0; r < m; ++r) {
    const float* g = g0.data() + r * 4 * units;
    for (int u = 0; u < units; ++u) {
      const double nc = c0[r * units + u] * sigmoid_ref(g[2 * units + u]) +
                        sigmoid_ref(g[u]) * std::tanh(double(g[units + u]));
      EXPECT_NEAR(c[r * units + u], nc, 2e-6) << r << " " << u;
      EXPECT_NEAR(h[r * units + u], std::tanh(nc) * sigmoid_ref(g[3 * units + u]), 2e-6);
    }
  }
}

TEST(NativeKernels, ActivationsHoldOverTheWholeRange) {
  CLIPGEN_REQUIRE_ISA();
  std::vector<float> x;
  for (float v = -120.0f; v <= 120.0f; v += 0.37f) x.push_back(v);
  x.push_back(0.0f);
  std::vector<float> s(x.size()), t(x.size());
  sigmoid_rows(static_cast<int>(x.size()), x.data(), s.data());
  tanh_rows(static_cast<int>(x.size()), x.data(), t.data());
  for (size_t i = 0; i < x.size(); ++i) {
    ASSERT_TRUE(std::isfinite(s[i]) && std::isfinite(t[i])) << x[i];
    EXPECT_NEAR(s[i], sigmoid_ref(x[i]), 1e-6) << x[i];
    EXPECT_NEAR(t[i], std::tanh(double(x[i])), 1e-6) << x[i];
  }
}

TEST(NativeKernels, SamplingIsInverseCdfAndArgmaxAtZero) {
  CLIPGEN_REQUIRE_ISA();
  const std::vector<float> logits{0.0f, std::log(3.0f), 0.0f, std::log(4.0f)};  // p = 1,3,1,4 / 9
  std::vector<float> scratch;
  EXPECT_EQ(sample_class(4, logits.data(), 0.0, 0.0f, scratch), 3);
  EXPECT_EQ(sample_class(4, logits.data(), 1.0, 0.05f, scratch), 0);
  EXPECT_EQ(sample_class(4, logits.data(), 1.0, 0.2f, scratch), 1);
  EXPECT_EQ(sample_class(4, logits.data(), 1.0, 0.5f, scratch), 2);
  EXPECT_EQ(sample_class(4, logits.data(), 1.0, 0.6f, scratch), 3);
  EXPECT_EQ(sample_class(4, logits.data(), 1.0, 1.0f, scratch), 3);  // clamped to the last class
  // A high temperature flattens: u = 0.3 falls in class 1 (cdf 0.25 -> 0.5 when uniform).
  EXPECT_EQ(sample_class(4, logits.data(), 1e6, 0.3f, scratch), 1);
}

TEST(NativeKernels, SamplingOverManyClassesFollowsTheCdf) {
  CLIPGEN_REQUIRE_ISA();
  for (int n : {5, 38, 90, 512}) {
    std::vector<float> logits(n);
    for (int i = 0; i < n; ++i) logits[i] = 3.0f * std::sin(0.37f * i * i);
    for (double temperature : {0.5, 1.0, 2.0}) {
      double mx = -1e30, total = 0.0;
      for (float l : logits) mx = std::max(mx, l / temperature);
      std::vector<double> cdf(n);
      for (int i = 0; i < n; ++i) {
        total += std::exp(logits[i] / temperature - mx);
        cdf[i] = total;
      }
      std::vector<float> scratch;
      for (int k = 0; k < 997; ++k) {
        const float u = (k + 0.5f) / 997.0f;
        const int got = sample_class(n, logits.data(), temperature, u, scratch);
        const double lo = got > 0 ? cdf[got - 1] / total : 0.0, hi = cdf[got] / total;
        EXPECT_TRUE(lo <= u + 1e-5 && (u < hi + 1e-5 || got == n - 1))
            << "n " << n << " T " << temperature << " u " << u << " got " << got;
      }
    }
  }
}

TEST(NativeKernels, AttentionScoresAreTanhDots) {
  CLIPGEN_REQUIRE_ISA();
  for (int n : {1, 15, 16, 37, 128}) {
    const int count = 5;
    const long lda = 2 * n + 3;  // window entries sit apart, as in the attention ring
    std::vector<float> a(count * lda), b(n), v(n), out(count, -1.0f);
    for (size_t i = 0; i < a.size(); ++i) a[i] = std::sin(0.7f * i);
    for (int i = 0; i < n; ++i) {
      b[i] = 0.3f - 0.01f * i;
      v[i] = std::cos(1.3f * i);
    }
    tanh_dots(count, n, a.data(), lda, b.data(), v.data(), out.data());
    for (int l = 0; l < count; ++l) {
      double want = 0.0;
      for (int i = 0; i < n; ++i) want += v[i] * std::tanh(double(a[l * lda + i]) + b[i]);
      EXPECT_NEAR(out[l], want, 1e-5) << n << " entry " << l;
    }
  }
}

TEST(NativeKernels, SoftmaxWeightsSumToOne) {
  CLIPGEN_REQUIRE_ISA();
  for (int n : {1, 7, 16, 33}) {
    std::vector<float> x(n);
    for (int i = 0; i < n; ++i) x[i] = 3.0f * std::sin(0.9f * i) + 50.0f;
    std::vector<double> want(n);
    double mx = -1e9, sum = 0.0;
    for (float v : x) mx = std::max(mx, double(v));
    for (int i = 0; i < n; ++i) sum += want[i] = std::exp(x[i] - mx);
    softmax_weights(n, x.data());
    for (int i = 0; i < n; ++i) EXPECT_NEAR(x[i], want[i] / sum, 1e-6) << n << " " << i;
  }
}

TEST(NativeLayers, LayoutErrorsNameTheParameter) {
  CLIPGEN_REQUIRE_ISA();
  Weights w;
  w.params["rnn.cells.0.kernel"] = Param{{10, 8}, ParamData(80, 0.0f)};
  try {
    Stack::load(w, "rnn.");
    FAIL() << "a cell without a bias loaded";
  } catch (const LayoutError& e) {
    EXPECT_NE(e.message.find("rnn.cells.0.bias"), std::string::npos) << e.message;
  }
  w.params["rnn.cells.0.bias"] = Param{{7}, ParamData(7, 0.0f)};
  EXPECT_THROW(Stack::load(w, "rnn."), LayoutError);
  w.params["rnn.cells.0.bias"] = Param{{8}, ParamData(8, 0.0f)};
  const Stack s = Stack::load(w, "rnn.");
  EXPECT_EQ(s.first().units, 2);
  EXPECT_EQ(s.first().in, 8);
  EXPECT_FLOAT_EQ(s.first().bias_f[4], 1.0f);  // forget bias on the f gate only
  EXPECT_FLOAT_EQ(s.first().bias_f[3], 0.0f);
}

// Layers keep packed copies, plus row-major input rows only where asked for; after that the
// model's own row-major matrices are freed and a step still reads the same numbers.
TEST(NativeLayers, InputRowsAreKeptOnlyWhereAskedAndMatricesCanBeFreed) {
  CLIPGEN_REQUIRE_ISA();
  Weights w;
  ParamData kernel(10 * 8);
  for (size_t i = 0; i < kernel.size(); ++i) kernel[i] = 0.01f * static_cast<float>(i);
  w.params["rnn.cells.0.kernel"] = Param{{10, 8}, kernel};
  w.params["rnn.cells.0.bias"] = Param{{8}, ParamData(8, 0.5f)};
  const Stack plain = Stack::load(w, "rnn.");
  EXPECT_EQ(plain.first().w_x(), nullptr);
  const Stack lookups = Stack::load(w, "rnn.", /*input_rows=*/true);
  ASSERT_NE(lookups.first().w_x(), nullptr);
  // The candidate gate's columns and bias (2, 3 of 2 units) are kept doubled, the others as
  // they are (f with the forget bias).
  EXPECT_FLOAT_EQ(lookups.first().bias_f[0], 0.5f);
  EXPECT_FLOAT_EQ(lookups.first().bias_f[2], 1.0f);
  EXPECT_FLOAT_EQ(lookups.first().bias_f[4], 1.5f);
  for (int i = 0; i < 8 * 8; ++i) {
    const float scale = i % 8 == 2 || i % 8 == 3 ? 2.0f : 1.0f;
    ASSERT_EQ(lookups.first().w_x()[i], scale * kernel[i]) << i;
  }
  w.free_matrices();
  EXPECT_TRUE(w.find("rnn.cells.0.kernel")->data.empty());
  EXPECT_EQ(w.find("rnn.cells.0.kernel")->shape, (std::vector<int64_t>{10, 8}));
  EXPECT_EQ(w.find("rnn.cells.0.bias")->data.size(), 8u);
  // Row 3 of the kernel through the packed copy equals the kept row-major row.
  std::vector<float> x(8, 0.0f), g(8, 0.0f);
  x[3] = 1.0f;
  lookups.first().project(1, x.data(), 8, g.data(), 8);
  for (int k = 0; k < 8; ++k) {
    EXPECT_FLOAT_EQ(g[k], lookups.first().bias_f[k] + lookups.first().w_x()[3 * 8 + k]) << k;
  }
}

}  // namespace
}  // namespace clipgen::engine::native
