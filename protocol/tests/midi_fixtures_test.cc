// MIDI files written by other software, checked against what mido reads in them
// (tests/data/midi/make_fixtures.py computes the expectations; this reader never does).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "clipgen/protocol/midi.h"

namespace clipgen::protocol {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kFixtures = fs::path(CLIPGEN_SOURCE_DIR) / "tests" / "data" / "midi";
const fs::path kSharedData = fs::path(CLIPGEN_SHARED_DIR) / "data";
constexpr double kTolerance = 1e-9;

json load_json(const fs::path& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "missing " << path;
  return in.good() ? json::parse(in) : json();
}

void expect_note(const Note& n, const json& e, const std::string& what) {
  SCOPED_TRACE(what);
  EXPECT_EQ(n.pitch, e["pitch"].get<int>());
  EXPECT_EQ(n.velocity, e["velocity"].get<int>());
  EXPECT_NEAR(n.start_time, e["startTime"].get<double>(), kTolerance);
  EXPECT_NEAR(n.end_time, e["endTime"].get<double>(), kTolerance);
  EXPECT_EQ(n.is_drum, e["isDrum"].get<bool>());
  EXPECT_EQ(n.program, e["program"].get<int>());
  EXPECT_EQ(n.instrument, e["instrument"].get<int>());
}

void expect_tempos(const NoteSequence& seq, const json& tempos) {
  ASSERT_GE(seq.tempos.size(), tempos.size());
  for (std::size_t i = 0; i < tempos.size(); ++i) {
    EXPECT_NEAR(seq.tempos[i].time, tempos[i]["time"].get<double>(), kTolerance) << i;
    EXPECT_NEAR(seq.tempos[i].qpm, tempos[i]["qpm"].get<double>(), 1e-9) << i;
  }
}

void expect_meters(const NoteSequence& seq, const json& meters) {
  ASSERT_GE(seq.time_signatures.size(), meters.size());
  for (std::size_t i = 0; i < meters.size(); ++i) {
    EXPECT_NEAR(seq.time_signatures[i].time, meters[i]["time"].get<double>(), kTolerance) << i;
    EXPECT_EQ(seq.time_signatures[i].numerator, meters[i]["numerator"].get<int>()) << i;
    EXPECT_EQ(seq.time_signatures[i].denominator, meters[i]["denominator"].get<int>()) << i;
  }
}

class MidoFixture : public ::testing::TestWithParam<const char*> {};

TEST_P(MidoFixture, ReadsAsMidoDoes) {
  const std::string name = GetParam();
  auto seq = read_midi_file((kFixtures / (name + ".mid")).string());
  ASSERT_TRUE(seq.ok()) << seq.error().message;
  const json expected = load_json(kFixtures / (name + ".expected.json"));
  ASSERT_TRUE(expected.is_object());
  const json& notes = expected["notes"];
  ASSERT_EQ(seq->notes.size(), notes.size());
  for (std::size_t i = 0; i < notes.size(); ++i) {
    expect_note(seq->notes[i], notes[i], "note " + std::to_string(i));
  }
  ASSERT_EQ(seq->tempos.size(), expected["tempos"].size());
  expect_tempos(*seq, expected["tempos"]);
  ASSERT_EQ(seq->time_signatures.size(), expected["timeSignatures"].size());
  expect_meters(*seq, expected["timeSignatures"]);
  EXPECT_NEAR(seq->total_time, expected["totalTime"].get<double>(), kTolerance);
}

INSTANTIATE_TEST_SUITE_P(Mido, MidoFixture,
                         ::testing::Values("type0_running_status", "type1_tempo_changes",
                                           "drums_channel10", "edge_cases", "magentajs_written"));

// A sample of the real datasets in ../shared/data: counts, tempo map and first/last notes.
void check_shared(const std::string& dataset) {
  if (!fs::is_directory(kSharedData / dataset)) {
    GTEST_SKIP() << "shared data not found at " << (kSharedData / dataset)
                 << " (set CLIPGEN_SHARED_DIR); skipping";
  }
  const json entries = load_json(kFixtures / "shared_expectations.json");
  int checked = 0;
  for (const json& e : entries) {
    const std::string rel = e["path"].get<std::string>();
    if (rel.rfind(dataset + "/", 0) != 0) continue;
    SCOPED_TRACE(rel);
    auto seq = read_midi_file((kSharedData / rel).string());
    ASSERT_TRUE(seq.ok()) << seq.error().message;
    ++checked;
    ASSERT_EQ(seq->notes.size(), e["noteCount"].get<std::size_t>());
    std::size_t drums = 0;
    for (const Note& n : seq->notes) drums += n.is_drum ? 1 : 0;
    EXPECT_EQ(drums, e["drumNoteCount"].get<std::size_t>());
    const json& first = e["firstNotes"];
    for (std::size_t i = 0; i < first.size(); ++i) {
      expect_note(seq->notes[i], first[i], "note " + std::to_string(i));
    }
    if (!e["lastNote"].is_null()) expect_note(seq->notes.back(), e["lastNote"], "last note");
    EXPECT_EQ(seq->tempos.size(), e["tempoCount"].get<std::size_t>());
    expect_tempos(*seq, e["tempos"]);
    expect_meters(*seq, e["timeSignatures"]);
    EXPECT_NEAR(seq->total_time, e["totalTime"].get<double>(), 1e-6);
  }
  EXPECT_GT(checked, 0) << "no expectations for " << dataset;
}

TEST(SharedMidi, GrooveMidiRolandTd11) {
  check_shared("groove-midi");
}
TEST(SharedMidi, Pop909) {
  check_shared("pop909");
}
TEST(SharedMidi, NottinghamMelody) {
  check_shared("nottingham-melody");
}

}  // namespace
}  // namespace clipgen::protocol
