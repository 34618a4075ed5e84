// Loading: every file reported; a broken file disables only its tools; device options.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "clipgen/engine/engine.h"
#include "clipgen/engine/requests.h"
#include "model_test_util.h"

namespace clipgen::engine {
namespace {

namespace fs = std::filesystem;
using testing::fixture_dir;
using testing::fixture_engine;

TEST(EngineLoad, ReportsEveryFixtureReadyOnCpu) {
  CLIPGEN_REQUIRE_FIXTURES();
  const Engine* e = fixture_engine();
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->device(), "cpu");
  EXPECT_GE(e->threads(), 1);
  EXPECT_FALSE(Engine::torch_version().empty());
  const auto models = e->models();
  ASSERT_EQ(models.size(), 7u);
  for (const auto& m : models) {
    EXPECT_EQ(m.status, "ready") << m.id << ": " << m.reason;
    EXPECT_EQ(m.device, "cpu");
    EXPECT_GT(m.size_bytes, 0u);
    EXPECT_FALSE(m.tools.empty());
    EXPECT_NE(m.source.find("random weights"), std::string::npos) << m.source;
  }
  EXPECT_EQ(models[0].id, "drumify_tap");  // file-name order
  EXPECT_EQ(models[0].kind, "groovae");
  EXPECT_EQ(models[0].converter, "groove");
  EXPECT_EQ(models[0].tools, std::vector<std::string>{"drumify"});
}

class BrokenFolder : public ::testing::Test {
 protected:
  void SetUp() override {
    CLIPGEN_REQUIRE_FIXTURES();
    dir_ = fs::temp_directory_path() / ("clipgen_engine_broken_" + std::to_string(::getpid()));
    fs::create_directories(dir_);
    for (const char* name : {"mel_4bar_vae.pt", "mel_rnn.pt"}) {
      fs::copy_file(fs::path(fixture_dir()) / name, dir_ / name,
                    fs::copy_options::overwrite_existing);
    }
    std::ofstream(dir_ / "groove_humanize.pt") << "this is not a TorchScript archive";
    std::ofstream(dir_ / "notes.txt") << "ignored: not a .pt file";
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path dir_;
};

TEST_F(BrokenFolder, ACorruptFileDisablesOnlyItsTool) {
  EngineOptions o;
  o.models_dir = dir_.string();
  o.device = "cpu";
  auto e = Engine::open(o);
  ASSERT_TRUE(e.ok()) << e.error().message;
  const auto models = e.value()->models();
  ASSERT_EQ(models.size(), 3u);
  const auto& bad = models[0];
  EXPECT_EQ(bad.id, "groove_humanize");
  EXPECT_EQ(bad.status, "error");
  EXPECT_NE(bad.reason.find("not a loadable TorchScript model"), std::string::npos) << bad.reason;
  EXPECT_EQ(models[1].status, "ready");

  GrooveRequest g;
  g.input.notes.push_back({});
  g.input.notes[0].pitch = 36;
  g.input.notes[0].velocity = 100;
  g.input.notes[0].end_time = 0.1;
  g.input.notes[0].is_drum = true;
  g.input.total_time = 2.0;
  auto out = e.value()->groove(g);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(out.error().message.find("groove_humanize.pt failed to load"), std::string::npos)
      << out.error().message;

  GenerateRequest gen;
  gen.variations = 1;
  gen.seed = 1;
  auto ok = e.value()->generate(gen);
  EXPECT_TRUE(ok.ok()) << ok.error().message;

  gen.kind = Kind::kDrums;  // no drum model in this folder at all
  auto none = e.value()->generate(gen);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(none.error().message.find("no generate model for drums"), std::string::npos)
      << none.error().message;
}

// Files load on two threads when a request may use two: the list, its order and every status
// and reason are the same as one thread's, a broken file included.
TEST_F(BrokenFolder, TwoLoadingThreadsGiveTheSameListAsOne) {
  std::vector<std::vector<ModelInfo>> lists;
  for (int threads : {1, 2}) {
    EngineOptions o;
    o.models_dir = dir_.string();
    o.device = "cpu";
    o.native_threads = threads;
    auto e = Engine::open(o);
    ASSERT_TRUE(e.ok()) << e.error().message;
    lists.push_back(e.value()->models());
  }
  ASSERT_EQ(lists[0].size(), 3u);
  ASSERT_EQ(lists[1].size(), lists[0].size());
  for (size_t i = 0; i < lists[0].size(); ++i) {
    EXPECT_EQ(lists[1][i].id, lists[0][i].id) << i;
    EXPECT_EQ(lists[1][i].path, lists[0][i].path) << i;
    EXPECT_EQ(lists[1][i].status, lists[0][i].status) << i;
    EXPECT_EQ(lists[1][i].reason, lists[0][i].reason) << i;
    EXPECT_EQ(lists[1][i].runtime, lists[0][i].runtime) << i;
  }
}

// Repeated two-thread opens of every fixture (native, then TorchScript): each must load the
// same models and answer a fixed-seed Generate exactly as a one-thread open does, so a race
// between the loading threads (TorchScript import, packing, warm-up calls) shows up here.
TEST(EngineLoad, TwoLoadingThreadsGiveTheSameAnswersAsOne) {
  CLIPGEN_REQUIRE_FIXTURES();
  auto answers = [](const Engine& e) {
    std::string out;
    for (const auto& m : e.models()) out += m.id + " " + m.status + " " + m.runtime + "\n";
    for (Kind kind : {Kind::kMelody, Kind::kDrums}) {
      GenerateRequest g;
      g.kind = kind;
      g.variations = 2;
      g.seed = 7;
      auto r = e.generate(g);
      if (!r.ok()) return out + r.error().message;
      r.value().elapsed_ms = 0.0;
      out += to_json_string(r.value());
    }
    return out;
  };
  for (const char* runtime : {"auto", "torchscript"}) {
    EngineOptions o;
    o.models_dir = fixture_dir();
    o.device = "cpu";
    o.runtime = runtime;
    o.native_threads = 1;
    auto one = Engine::open(o);
    ASSERT_TRUE(one.ok()) << one.error().message;
    const std::string want = answers(*one.value());
    ASSERT_NE(want.find("\"sequences\""), std::string::npos) << want;
    o.native_threads = 2;
    for (int i = 0; i < 5; ++i) {
      auto two = Engine::open(o);
      ASSERT_TRUE(two.ok()) << two.error().message;
      ASSERT_EQ(answers(*two.value()), want) << runtime << ", open " << i;
    }
  }
}

TEST(EngineLoad, DeviceOptions) {
  EngineOptions o;
  o.models_dir = "/nonexistent/clipgen";
  o.device = "tpu";
  auto bad = Engine::open(o);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("auto, cpu, cuda, cuda:N or mps"), std::string::npos);
  o.device = "auto";
  auto e = Engine::open(o);
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_TRUE(e.value()->models().empty());
  GenerateRequest g;
  auto none = e.value()->generate(g);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().kind, ErrorKind::kUnavailable);
  EXPECT_NE(none.error().message.find("does not exist"), std::string::npos) << none.error().message;
  const std::string d = e.value()->device();
  EXPECT_TRUE(d == "cpu" || d == "cuda" || d == "mps") << d;
  if (d == "cpu") {  // no accelerator here: asking for one is a clear error
    o.device = "cuda";
    auto cuda = Engine::open(o);
    ASSERT_FALSE(cuda.ok());
    EXPECT_NE(cuda.error().message.find("not available"), std::string::npos);
  }
}

TEST(EngineLoad, ShippedModelsLoadAndServeTheirTools) {
  const std::string dir = CLIPGEN_SHIPPED_MODELS_DIR;
  if (!testing::has_models(dir)) GTEST_SKIP() << "no shipped models in " << dir << " yet";
  EngineOptions o;
  o.models_dir = dir;
  auto e = Engine::open(o);
  ASSERT_TRUE(e.ok()) << e.error().message;
  for (const auto& m : e.value()->models()) {
    EXPECT_EQ(m.status, "ready") << m.path << ": " << m.reason;
    EXPECT_EQ(m.source.find("random weights"), std::string::npos)
        << m.path << " is a random-weight fixture; it must not ship";
  }
}

}  // namespace
}  // namespace clipgen::engine
