// The native CPU runtime (engine/src/native/) against TorchScript on the same files: every
// fixture, parity and shipped model must load onto the native runtime and give the same
// posteriors (|diff| < 1e-4) and the same sampled classes, hits, velocities and offsets for the
// same z, uniforms and primers. magenta.js parity of the native runtime is parity_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <random>
#include <thread>

#include "model.h"
#include "model_test_util.h"
#include "native/helper_thread.h"

namespace clipgen::engine::detail {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> model_files() {
  std::vector<std::string> out;
  const std::vector<std::string> dirs{testing::fixture_dir(), testing::fixture_dir() + "/parity",
                                      CLIPGEN_SHIPPED_MODELS_DIR};
  for (const auto& dir : dirs) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() == ".pt") out.push_back(it->path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Pair {
  std::unique_ptr<Model> native, script;
};

Pair load_pair(const std::string& path) {
  return {Model::load(path, "cpu", false, true), Model::load(path, "cpu", false, false)};
}

template <typename Dist>
FloatRows random_rows(std::mt19937& rng, size_t rows, size_t width, Dist dist) {
  FloatRows out(rows, std::vector<float>(width));
  for (auto& r : out) {
    for (auto& v : r) v = dist(rng);
  }
  return out;
}

FloatRows normals(std::mt19937& rng, size_t rows, size_t width) {
  return random_rows(rng, rows, width, std::normal_distribution<float>());
}

FloatRows uniforms(std::mt19937& rng, size_t rows, size_t width) {
  return random_rows(rng, rows, width, std::uniform_real_distribution<float>(0.0f, 1.0f));
}

ClassRows classes(std::mt19937& rng, size_t rows, size_t width, int depth) {
  std::uniform_int_distribution<int> d(0, depth - 1);
  ClassRows out(rows, std::vector<int64_t>(width));
  for (auto& r : out) {
    for (auto& v : r) v = d(rng);
  }
  return out;
}

// A plausible groove: about a quarter of the slots hit, with velocity and offset on hits only.
FloatRows groove_rows(std::mt19937& rng, size_t rows, int steps) {
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  FloatRows out(rows, std::vector<float>(static_cast<size_t>(steps) * kGrooveDepth, 0.0f));
  for (auto& r : out) {
    for (int t = 0; t < steps; ++t) {
      for (int d = 0; d < kNumDrumClasses; ++d) {
        if (u(rng) > 0.25f) continue;
        r[t * kGrooveDepth + d] = 1.0f;
        r[t * kGrooveDepth + kNumDrumClasses + d] = u(rng);
        r[t * kGrooveDepth + 2 * kNumDrumClasses + d] = u(rng) - 0.5f;
      }
    }
  }
  return out;
}

float max_diff(const FloatRows& a, const FloatRows& b) {
  float m = 0.0f;
  for (size_t i = 0; i < a.size(); ++i) {
    for (size_t k = 0; k < a[i].size(); ++k) m = std::max(m, std::fabs(a[i][k] - b[i][k]));
  }
  return m;
}

void expect_same_posterior(const Result<Posterior>& n, const Result<Posterior>& s) {
  ASSERT_TRUE(n.ok()) << n.error().message;
  ASSERT_TRUE(s.ok()) << s.error().message;
  ASSERT_EQ(n.value().mu.size(), s.value().mu.size());
  EXPECT_LT(max_diff(n.value().mu, s.value().mu), 1e-4f);
  EXPECT_LT(max_diff(n.value().sigma, s.value().sigma), 1e-4f);
}

template <typename T>
void expect_same(const Result<T>& n, const Result<T>& s, const std::string& what) {
  ASSERT_TRUE(n.ok()) << what << ": " << n.error().message;
  ASSERT_TRUE(s.ok()) << what << ": " << s.error().message;
  EXPECT_EQ(n.value(), s.value()) << what;
}

void compare_groove(const Model& n, const Model& s, std::mt19937& rng) {
  const int t = n.meta().converter.num_steps;
  auto rows = groove_rows(rng, 4, t);
  expect_same_posterior(n.encode_groove(rows), s.encode_groove(rows));
  auto z = normals(rng, 4, n.meta().z_size);
  for (double temperature : {0.0, 1.0}) {
    auto u = uniforms(rng, 4, static_cast<size_t>(t) * kNumDrumClasses);
    auto a = n.decode_groove(z, temperature, u);
    auto b = s.decode_groove(z, temperature, u);
    ASSERT_TRUE(a.ok() && b.ok());
    for (size_t r = 0; r < a.value().size(); ++r) {
      for (int k = 0; k < t * kGrooveDepth; ++k) {
        const float x = a.value()[r][k], y = b.value()[r][k];
        if (k % kGrooveDepth < kNumDrumClasses) {
          ASSERT_EQ(x, y) << "hit, row " << r << " slot " << k << " T " << temperature;
        } else {
          ASSERT_NEAR(x, y, 1e-4) << "row " << r << " slot " << k << " T " << temperature;
        }
      }
    }
  }
}

void compare_categorical_vae(const Model& n, const Model& s, std::mt19937& rng) {
  const int t = n.meta().converter.num_steps;
  auto x = classes(rng, 4, t, n.depth());
  expect_same_posterior(n.encode_classes(x), s.encode_classes(x));
  auto z = normals(rng, 4, n.meta().z_size);
  for (double temperature : {0.0, 0.5, 1.0}) {
    auto u = uniforms(rng, 4, t);
    expect_same(n.decode_classes(z, temperature, u), s.decode_classes(z, temperature, u),
                "decode at T " + std::to_string(temperature));
  }
}

void compare_rnn(const Model& n, const Model& s, std::mt19937& rng) {
  const int steps = 48, plen = 12;
  auto primer = classes(rng, 4, plen, n.depth());
  const int k = n.meta().controls_depth;
  for (double temperature : {0.0, 1.0}) {
    auto u = uniforms(rng, 4, steps);
    if (k > 0) {
      auto c = uniforms(rng, 4, static_cast<size_t>(plen + steps) * k);
      expect_same(n.generate_with_controls(primer, c, steps, temperature, u),
                  s.generate_with_controls(primer, c, steps, temperature, u), "generate");
    } else {
      expect_same(n.generate(primer, steps, temperature, u),
                  s.generate(primer, steps, temperature, u),
                  "generate at T " + std::to_string(temperature));
    }
  }
}

TEST(NativeRuntime, EveryModelRunsNativeAndMatchesTorchScript) {
  CLIPGEN_REQUIRE_FIXTURES();
  const auto files = model_files();
  ASSERT_GE(files.size(), 10u);
  for (const auto& path : files) {
    SCOPED_TRACE(path);
    Pair p = load_pair(path);
    ASSERT_TRUE(p.native->ready()) << p.native->info().reason;
    ASSERT_TRUE(p.script->ready()) << p.script->info().reason;
    EXPECT_EQ(p.native->info().runtime, "native") << p.native->info().runtime_note;
    EXPECT_EQ(p.script->info().runtime, "torchscript");
    std::mt19937 rng(7);
    const auto& kind = p.native->meta().kind;
    if (kind == "groovae") {
      compare_groove(*p.native, *p.script, rng);
    } else if (kind == "musicvae") {
      compare_categorical_vae(*p.native, *p.script, rng);
    } else {
      compare_rnn(*p.native, *p.script, rng);
    }
  }
}

// Every output of one native call, as text-free values to compare exactly.
struct Outputs {
  FloatRows mu, sigma, groove;
  ClassRows classes;
};

Outputs run_all(const Model& m, int rows) {
  std::mt19937 rng(11);
  Outputs out;
  const int t = m.meta().converter.num_steps;
  const auto& kind = m.meta().kind;
  if (kind == "musicrnn") {
    const int steps = 40, plen = 8, k = m.meta().controls_depth;
    auto primer = classes(rng, rows, plen, m.depth());
    auto u = uniforms(rng, rows, steps);
    auto r = k > 0 ? m.generate_with_controls(
                         primer, uniforms(rng, rows, static_cast<size_t>(plen + steps) * k), steps,
                         1.0, u)
                   : m.generate(primer, steps, 1.0, u);
    EXPECT_TRUE(r.ok()) << r.error().message;
    if (r.ok()) out.classes = r.value();
    return out;
  }
  auto z = normals(rng, rows, m.meta().z_size);
  auto p = kind == "groovae" ? m.encode_groove(groove_rows(rng, rows, t))
                             : m.encode_classes(classes(rng, rows, t, m.depth()));
  EXPECT_TRUE(p.ok()) << p.error().message;
  if (p.ok()) {
    out.mu = p.value().mu;
    out.sigma = p.value().sigma;
  }
  if (kind == "groovae") {
    auto d = m.decode_groove(z, 1.0, uniforms(rng, rows, static_cast<size_t>(t) * kNumDrumClasses));
    EXPECT_TRUE(d.ok()) << d.error().message;
    if (d.ok()) out.groove = d.value();
  } else {
    auto d = m.decode_classes(z, 1.0, uniforms(rng, rows, t));
    EXPECT_TRUE(d.ok()) << d.error().message;
    if (d.ok()) out.classes = d.value();
  }
  return out;
}

// A batch split over two threads (native/helper_thread.h) gives the same bits as one thread:
// rows never read each other, and every kernel sums a row the same way whatever rows share
// its block.
TEST(NativeRuntime, BatchesSplitOverTwoThreadsGiveTheSameBits) {
  CLIPGEN_REQUIRE_FIXTURES();
  native::set_min_split_work(0);
  for (const auto& path : model_files()) {
    SCOPED_TRACE(path);
    auto m = Model::load(path, "cpu", false, true);
    ASSERT_EQ(m->info().runtime, "native");
    for (int rows : {2, 5}) {
      native::set_helper_enabled(false);
      const Outputs one = run_all(*m, rows);
      native::set_helper_enabled(true);
      const Outputs two = run_all(*m, rows);
      EXPECT_EQ(one.mu, two.mu) << rows << " rows";
      EXPECT_EQ(one.sigma, two.sigma) << rows << " rows";
      EXPECT_EQ(one.classes, two.classes) << rows << " rows";
      EXPECT_EQ(one.groove, two.groove) << rows << " rows";
      EXPECT_FALSE(one.classes.empty() && one.groove.empty()) << "nothing decoded";
    }
  }
  native::set_min_split_work(native::kMinSplitWork);
  native::set_helper_enabled(std::thread::hardware_concurrency() >= 2);
}

// Native calls share no state, so they run on one model at once without its mutex; four
// threads at once give each the answer it gets alone (helper thread on, splits forced).
TEST(NativeRuntime, ConcurrentCallsOnOneModelGiveTheSerialAnswers) {
  CLIPGEN_REQUIRE_FIXTURES();
  native::set_min_split_work(0);
  native::set_helper_enabled(true);
  for (const auto& path : model_files()) {
    SCOPED_TRACE(path);
    auto m = Model::load(path, "cpu", false, true);
    ASSERT_EQ(m->info().runtime, "native");
    const Outputs alone = run_all(*m, 3);
    std::vector<Outputs> got(4);
    std::vector<std::thread> threads;
    for (auto& g : got) threads.emplace_back([&m, &g] { g = run_all(*m, 3); });
    for (auto& t : threads) t.join();
    for (const auto& g : got) {
      EXPECT_EQ(g.mu, alone.mu);
      EXPECT_EQ(g.classes, alone.classes);
      EXPECT_EQ(g.groove, alone.groove);
    }
  }
  native::set_min_split_work(native::kMinSplitWork);
  native::set_helper_enabled(std::thread::hardware_concurrency() >= 2);
}

TEST(NativeRuntime, BadInputIsAnErrorNotACrash) {
  CLIPGEN_REQUIRE_FIXTURES();
  for (const auto& path : model_files()) {
    SCOPED_TRACE(path);
    auto m = Model::load(path, "cpu", false, true);
    ASSERT_EQ(m->info().runtime, "native");
    if (m->meta().kind == "musicrnn") {
      const int k = m->meta().controls_depth;
      if (k > 0) continue;
      EXPECT_FALSE(
          m->generate(ClassRows{{m->depth()}}, 4, 1.0, FloatRows{{0.1f, 0.2f, 0.3f, 0.4f}}).ok());
      EXPECT_FALSE(m->generate(ClassRows{{-1}}, 4, 1.0, FloatRows{{0.1f, 0.2f, 0.3f, 0.4f}}).ok());
    } else if (m->meta().kind == "musicvae") {
      const int t = m->meta().converter.num_steps;
      EXPECT_FALSE(m->encode_classes(ClassRows{std::vector<int64_t>(t, m->depth())}).ok());
      EXPECT_FALSE(m->encode_classes(ClassRows{std::vector<int64_t>(t + 1, 0)}).ok());
    }
  }
}

}  // namespace
}  // namespace clipgen::engine::detail
