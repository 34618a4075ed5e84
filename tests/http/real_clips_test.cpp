// Real music through the real clipgend with the shipped models, and the same files through the
// clipgen CLI: a Groove MIDI Dataset performance and Nottingham folk tunes from ../shared/data.
// Skips, saying why, when the data, the models or a LibTorch build are absent.
#include <gtest/gtest.h>
#include <httplib.h>

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "clipgen/protocol/json.h"
#include "clipgen/protocol/midi.h"
#include "daemon_process.h"

namespace clipgen::test {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kModels = CLIPGEN_SHIPPED_MODELS;
const fs::path kData = fs::path(CLIPGEN_SHARED_DIR) / "data";
// A 4/4 samba-baiao beat at 95 qpm (validation split), about 12 bars.
const fs::path kBeat =
    kData / "groove-midi/drummer1/session1/145_latin-brazilian-baiao_95_beat_4-4.mid";
// Two 4/4 tunes without tempo events (120 qpm), about 33 bars each.
const fs::path kTuneA = kData / "nottingham-melody/ashover12.mid";
const fs::path kTuneB = kData / "nottingham-melody/ashover13.mid";

// The first `bars` 4/4 bars of a MIDI file, as a Live clip would send it: seconds, one tempo.
json first_bars(const fs::path& file, int bars) {
  auto seq = protocol::read_midi_file(file.string());
  EXPECT_TRUE(seq.ok()) << (seq.ok() ? "" : seq.error().message);
  if (!seq.ok()) return json::object();
  const double qpm = seq->tempos.empty() ? 120.0 : seq->tempos.front().qpm;
  const double end = bars * 4 * 60.0 / qpm;
  protocol::NoteSequence clip;
  clip.tempos.push_back({0.0, qpm});
  clip.time_signatures.push_back({0.0, 4, 4});
  for (auto n : seq->notes) {
    if (n.start_time >= end) continue;
    n.end_time = std::min(n.end_time, end);
    if (n.end_time <= n.start_time) continue;
    clip.notes.push_back(n);
  }
  clip.total_time = end;
  return protocol::to_json(clip);
}

class RealClips : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const auto& f : {kBeat, kTuneA, kTuneB}) {
      if (!fs::exists(f)) GTEST_SKIP() << "shared data absent: " << f;
    }
    if (!fs::is_directory(kModels)) GTEST_SKIP() << "no models folder at " << kModels;
  }
};

class RealClipsOverHttp : public RealClips {
 protected:
  static void SetUpTestSuite() {
    daemon_ = new DaemonProcess(daemon_binary(), {"--port", "0", "--models", kModels});
  }
  static void TearDownTestSuite() {
    delete daemon_;
    daemon_ = nullptr;
  }
  void SetUp() override {
    RealClips::SetUp();
    if (IsSkipped()) return;
    ASSERT_TRUE(daemon_->listening()) << daemon_->stderr_text();
    httplib::Client c("127.0.0.1", daemon_->port());
    c.set_read_timeout(60, 0);
    for (int i = 0; i < 600; ++i) {
      auto h = c.Get("/v1/health");
      if (h && h->status == 200) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    auto models = c.Get("/v1/models");
    ASSERT_TRUE(models);
    const json listed = json::parse(models->body);
    size_t ready = 0;
    for (const auto& m : listed["models"]) ready += m["status"] == "ready" ? 1 : 0;
    if (ready < 6) GTEST_SKIP() << "not every shipped model is ready: " << models->body;
  }

  // POSTs and expects 200; returns the answer.
  json post(const std::string& route, const json& body) {
    httplib::Client c("127.0.0.1", daemon_->port());
    c.set_read_timeout(120, 0);
    auto res = c.Post(route, body.dump(), "application/json");
    EXPECT_TRUE(res) << route;
    if (!res) return json::object();
    EXPECT_EQ(res->status, 200) << route << ": " << res->body;
    return json::parse(res->body);
  }

  static DaemonProcess* daemon_;
};
DaemonProcess* RealClipsOverHttp::daemon_ = nullptr;

std::multiset<int> pitches(const json& seq) {
  std::multiset<int> out;
  for (const auto& n : seq["notes"]) out.insert(n["pitch"].get<int>());
  return out;
}

TEST_F(RealClipsOverHttp, GrooveHumanizesARealPerformanceKeepingEveryHit) {
  const json beat = first_bars(kBeat, 8);
  ASSERT_GT(beat["notes"].size(), 50u);
  const json out = post("/v1/groove", {{"input", beat}, {"seed", 5}});
  ASSERT_EQ(out["sequences"].size(), 1u);
  const json& s = out["sequences"][0];
  EXPECT_EQ(pitches(s), pitches(beat));
  EXPECT_NEAR(s["totalTime"].get<double>(), beat["totalTime"].get<double>(), 1e-6);
  for (const auto& n : s["notes"]) {
    EXPECT_GE(n["startTime"].get<double>(), 0.0);
    EXPECT_LE(n["endTime"].get<double>(), s["totalTime"].get<double>() + 1e-9);
    EXPECT_GE(n["velocity"].get<int>(), 1);
  }
}

TEST_F(RealClipsOverHttp, DrumifyTurnsAFolkTuneIntoDrums) {
  const json tune = first_bars(kTuneA, 4);
  const json out = post("/v1/drumify", {{"input", tune}, {"variations", 2}, {"seed", 8}});
  ASSERT_EQ(out["sequences"].size(), 2u);
  for (const auto& s : out["sequences"]) {
    EXPECT_FALSE(s["notes"].empty());
    for (const auto& n : s["notes"]) EXPECT_TRUE(n["isDrum"].get<bool>());
    EXPECT_EQ(s["totalQuantizedSteps"], 64);
  }
}

TEST_F(RealClipsOverHttp, ContinueExtendsARealTuneAndARealBeat) {
  for (const auto& [clip, bars] : {std::pair{first_bars(kTuneA, 4), 4},
                                   std::pair{first_bars(kBeat, 2), 2}}) {
    const json out = post("/v1/continue", {{"input", clip}, {"length", 4}, {"variations", 2},
                                           {"seed", 3}});
    ASSERT_EQ(out["sequences"].size(), 2u);
    const double input_end = clip["totalTime"].get<double>();
    for (const auto& s : out["sequences"]) {
      EXPECT_EQ(s["totalQuantizedSteps"], (bars + 4) * 16);
      size_t after = 0;
      for (const auto& n : s["notes"]) after += n["startTime"].get<double>() >= input_end - 1e-9;
      EXPECT_GT(after, 0u) << "no note in the continuation";
      // The input comes back first and unchanged.
      ASSERT_GE(s["notes"].size(), clip["notes"].size());
    }
  }
}

TEST_F(RealClipsOverHttp, InterpolateBetweenTwoRealTunes) {
  const json out = post("/v1/interpolate", {{"a", first_bars(kTuneA, 4)},
                                            {"b", first_bars(kTuneB, 4)},
                                            {"steps", 5},
                                            {"seed", 2}});
  ASSERT_EQ(out["sequences"].size(), 5u);
  size_t with_notes = 0;
  for (const auto& s : out["sequences"]) {
    with_notes += !s["notes"].empty();
    for (const auto& n : s["notes"]) EXPECT_LE(n["quantizedEndStep"].get<int>(), 64);
  }
  EXPECT_GE(with_notes, 4u);
}

// The CLI on the same files, with no daemon.
class RealClipsCli : public RealClips {
 protected:
  void SetUp() override {
    RealClips::SetUp();
    if (IsSkipped()) return;
    dir_ = fs::temp_directory_path() / ("clipgen-real-cli-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override {
    std::error_code ec;
    if (!dir_.empty()) fs::remove_all(dir_, ec);
  }
  int clipgen(const std::string& args) {
    const std::string cmd = std::string(CLIPGEN_CLI_PATH) + " " + args + " --models " +
                            kModels + " --quiet >/dev/null 2>" + (dir_ / "stderr.txt").string();
    const int rc = std::system(cmd.c_str());
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  }
  size_t notes_in(const fs::path& file) {
    auto seq = protocol::read_midi_file(file.string());
    EXPECT_TRUE(seq.ok()) << file;
    return seq.ok() ? seq->notes.size() : 0;
  }
  fs::path dir_;
};

TEST_F(RealClipsCli, EveryToolOnRealMidiFiles) {
  const fs::path d = dir_;
  ASSERT_EQ(clipgen("groove " + kBeat.string() + " --seed 1 -o " + (d / "groove.mid").string()),
            0);
  EXPECT_EQ(notes_in(d / "groove.mid"), notes_in(kBeat));  // the whole performance, every hit
  ASSERT_EQ(clipgen("drumify " + kTuneA.string() + " --seed 1 -o " + (d / "drums.mid").string()),
            0);
  EXPECT_GT(notes_in(d / "drums.mid"), 0u);
  ASSERT_EQ(clipgen("continue " + kTuneA.string() + " --bars 4 -n 1 --seed 1 -o " +
                    (d / "cont").string()),
            0);
  ASSERT_EQ(clipgen("interpolate " + kTuneA.string() + " " + kTuneB.string() +
                    " --steps 3 --seed 1 -o " + (d / "interp").string()),
            0);
  size_t files = 0;
  for (const auto& sub : {d / "cont", d / "interp"}) {
    for (const auto& e : fs::directory_iterator(sub)) files += e.path().extension() == ".mid";
  }
  EXPECT_EQ(files, 4u);
}

}  // namespace
}  // namespace clipgen::test
