// bin/clipgen end to end on the random-weight fixture models: files written, readable, valid.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "clipgen/protocol/midi.h"
#include "clipgen/protocol/validation.h"

namespace {

namespace fs = std::filesystem;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(fs::path(CLIPGEN_FIXTURE_MODELS_DIR) / "mel_4bar_vae.pt")) {
      GTEST_SKIP() << "fixture models absent (engine_fixture_models writes them)";
    }
    dir_ = fs::temp_directory_path() /
           ("clipgen_cli_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  // Exit status of `clipgen ARGS --models FIXTURES --quiet`.
  int clipgen(const std::string& args) {
    const std::string cmd = std::string(CLIPGEN_CLI_BINARY) + " " + args + " --models " +
                            CLIPGEN_FIXTURE_MODELS_DIR + " --quiet > " +
                            (dir_ / "stdout").string() + " 2> " + (dir_ / "stderr").string();
    const int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }
  std::string stderr_text() {
    std::ifstream in(dir_ / "stderr");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string write_clip(const std::string& name, bool drums, int base_pitch = 60) {
    clipgen::protocol::NoteSequence s;
    s.tempos.push_back({0.0, 100.0});
    const double beat = 0.6;
    for (int i = 0; i < 8; ++i) {
      clipgen::protocol::Note n;
      n.pitch = drums ? (i % 2 ? 38 : 36) : base_pitch + 2 * (i % 4);
      n.velocity = 90;
      n.start_time = i * beat;
      n.end_time = i * beat + beat / 2;
      n.is_drum = drums;
      s.notes.push_back(n);
    }
    s.total_time = 8 * beat;
    const std::string path = (dir_ / name).string();
    EXPECT_TRUE(clipgen::protocol::write_midi_file(s, path).ok());
    return path;
  }
  fs::path dir_;
};

TEST_F(Cli, GenerateWritesOneFilePerVariation) {
  ASSERT_EQ(clipgen("generate --kind drums -n 3 --seed 5 -o " + (dir_ / "out").string()), 0)
      << stderr_text();
  for (int i = 1; i <= 3; ++i) {
    auto seq = clipgen::protocol::read_midi_file(
        (dir_ / "out" / ("generate-0" + std::to_string(i) + ".mid")).string());
    ASSERT_TRUE(seq.ok()) << seq.error().message;
    for (const auto& n : seq->notes) EXPECT_TRUE(n.is_drum);
  }
}

TEST_F(Cli, ContinueGrooveDrumifyInterpolateOnMidiFiles) {
  const std::string mel = write_clip("mel.mid", false), beat = write_clip("beat.mid", true);
  ASSERT_EQ(clipgen("continue " + mel + " --bars 2 -n 2 --seed 1 -o " + (dir_ / "cont").string()),
            0)
      << stderr_text();
  auto cont = clipgen::protocol::read_midi_file((dir_ / "cont" / "continue-02.mid").string());
  ASSERT_TRUE(cont.ok()) << cont.error().message;
  EXPECT_GE(cont->notes.size(), 8u);  // the input comes back first

  ASSERT_EQ(clipgen("groove " + beat + " --seed 2 -o " + (dir_ / "groove.mid").string()), 0)
      << stderr_text();
  auto groove = clipgen::protocol::read_midi_file((dir_ / "groove.mid").string());
  ASSERT_TRUE(groove.ok());
  EXPECT_EQ(groove->notes.size(), 8u);  // same hits

  ASSERT_EQ(clipgen("drumify " + mel + " -n 2 --seed 3 -o " + (dir_ / "drums.mid").string()), 0)
      << stderr_text();
  EXPECT_TRUE(fs::exists(dir_ / "drums-1.mid"));
  EXPECT_TRUE(fs::exists(dir_ / "drums-2.mid"));

  ASSERT_EQ(
      clipgen("interpolate " + mel + " " + mel + " --steps 4 -o " + (dir_ / "interp").string()), 0)
      << stderr_text();
  EXPECT_TRUE(fs::exists(dir_ / "interp" / "interpolate-04.mid"));
}

TEST_F(Cli, SameSeedSameFile) {
  ASSERT_EQ(clipgen("generate -n 1 --seed 9 -o " + (dir_ / "a.mid").string()), 0) << stderr_text();
  ASSERT_EQ(clipgen("generate -n 1 --seed 9 -o " + (dir_ / "b.mid").string()), 0) << stderr_text();
  auto a = clipgen::protocol::read_midi_file((dir_ / "a.mid").string());
  auto b = clipgen::protocol::read_midi_file((dir_ / "b.mid").string());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a.value(), b.value());
}

TEST_F(Cli, BadOptionsAreUsageErrorsNamingTheFlag) {
  EXPECT_EQ(clipgen("generate -n 40 -o " + (dir_ / "x").string()), 2);
  EXPECT_NE(stderr_text().find("--variations: 40 is outside 1..16"), std::string::npos)
      << stderr_text();
  EXPECT_EQ(clipgen("continue -o x.mid"), 2);
  // Controls are checked before the files are read.
  EXPECT_EQ(clipgen("continue missing.mid --bars 40 -o x.mid"), 2);
  EXPECT_NE(stderr_text().find("--bars: 40 is outside 1..32"), std::string::npos) << stderr_text();
  EXPECT_EQ(clipgen("groove " + (dir_ / "missing.mid").string() + " -o x.mid"), 1);
  const std::string mel = write_clip("high.mid", false, 96);  // no General MIDI drum pitch
  EXPECT_EQ(clipgen("groove " + mel + " -o " + (dir_ / "g.mid").string()), 1);  // no drums
  EXPECT_NE(stderr_text().find("Drumify"), std::string::npos) << stderr_text();
}

}  // namespace
