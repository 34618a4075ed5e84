// The C++ converters against tests/data/converters/*.json, written by the Python reference
// converters and cross-checked against magenta.js (see that folder's README).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "clipgen/engine/converters.h"
#include "clipgen/protocol/quantize.h"

namespace clipgen::engine {
namespace {

using nlohmann::json;

json load_golden(const std::string& name) {
  std::ifstream in(std::string(CLIPGEN_TEST_DATA_DIR) + "/converters/" + name);
  if (!in) return json();
  return json::parse(in);
}

// Golden NoteSequence -> GridNotes; unquantized input is quantized at the first tempo as
// magenta.js does (the groove case).
std::vector<GridNote> notes_of(const json& ns, int steps_per_quarter) {
  const bool quantized = ns.contains("quantizationInfo");
  double qpm = 120.0;
  if (ns.contains("tempos") && !ns["tempos"].empty()) qpm = ns["tempos"][0].value("qpm", 120.0);
  const double sps = protocol::steps_per_second(steps_per_quarter, qpm);
  std::vector<GridNote> out;
  for (const auto& n : ns.value("notes", json::array())) {
    GridNote g;
    g.pitch = n.at("pitch").get<int>();
    g.velocity = n.value("velocity", 0);
    g.isDrum = n.value("isDrum", false);
    g.hasTime = n.contains("startTime");
    g.startTime = n.value("startTime", 0.0);
    g.endTime = n.value("endTime", 0.0);
    if (quantized) {
      g.startStep = n.value("quantizedStartStep", int64_t{0});
      g.endStep = n.value("quantizedEndStep", int64_t{0});
    } else {
      g.startStep = protocol::quantize_to_step(g.startTime, sps);
      g.endStep = std::max(protocol::quantize_to_step(g.endTime, sps), g.startStep + 1);
    }
    out.push_back(g);
  }
  return out;
}

DrumPitchClasses classes_of(const json& conv) {
  return conv.contains("drumPitchClasses") ? conv["drumPitchClasses"].get<DrumPitchClasses>()
                                           : gm_drum_pitch_classes();
}

void expect_quantized_notes(const std::vector<GridNote>& got, const json& decoded,
                            const std::string& name) {
  const json& want = decoded.at("notes");
  ASSERT_EQ(got.size(), want.size()) << name;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].pitch, want[i].at("pitch").get<int>()) << name << " note " << i;
    EXPECT_EQ(got[i].startStep, want[i].at("quantizedStartStep").get<int64_t>())
        << name << " " << i;
    EXPECT_EQ(got[i].endStep, want[i].at("quantizedEndStep").get<int64_t>()) << name << " " << i;
    EXPECT_EQ(got[i].isDrum, want[i].value("isDrum", false)) << name << " note " << i;
  }
}

TEST(ConvertersGolden, Melody) {
  const json golden = load_golden("melody.json");
  if (golden.is_null()) GTEST_SKIP() << "tests/data/converters/melody.json is absent";
  ASSERT_FALSE(golden.at("cases").empty());
  for (const auto& c : golden["cases"]) {
    const std::string name = c.at("name");
    const json& conv = c.at("converter");
    const MelodyConverter mc(conv.at("minPitch"), conv.at("maxPitch"),
                             conv.value("stepsPerQuarter", 4));
    const auto want = c.at("tensor").get<std::vector<int64_t>>();
    if (!c.at("input").is_null()) {
      MelodyReport report;
      const auto got = mc.to_classes(notes_of(c["input"], mc.steps_per_quarter()),
                                     conv.at("numSteps").get<int64_t>(), &report);
      EXPECT_EQ(got, want) << name;
      EXPECT_EQ(report.octaveShifted, c["report"].at("octaveShifted").get<int>()) << name;
      EXPECT_EQ(report.droppedPolyphony, c["report"].at("droppedPolyphony").get<int>()) << name;
      EXPECT_EQ(report.droppedPastEnd, c["report"].at("droppedPastEnd").get<int>()) << name;
    }
    expect_quantized_notes(mc.to_notes(want), c.at("decoded"), name);
  }
}

TEST(ConvertersGolden, Drums) {
  const json golden = load_golden("drums.json");
  if (golden.is_null()) GTEST_SKIP() << "tests/data/converters/drums.json is absent";
  ASSERT_FALSE(golden.at("cases").empty());
  for (const auto& c : golden["cases"]) {
    const std::string name = c.at("name");
    const json& conv = c.at("converter");
    const DrumsConverter dc(classes_of(conv), conv.value("stepsPerQuarter", 4));
    const auto want = c.at("tensor").get<std::vector<int64_t>>();
    if (!c.at("input").is_null()) {
      DrumsReport report;
      const auto got =
          dc.to_classes(notes_of(c["input"], 4), conv.at("numSteps").get<int64_t>(), &report);
      EXPECT_EQ(got, want) << name;
      EXPECT_EQ(report.unknownPitches, c["report"].at("unknownPitches").get<int>()) << name;
      EXPECT_EQ(report.droppedPastEnd, c["report"].at("droppedPastEnd").get<int>()) << name;
    }
    expect_quantized_notes(dc.to_notes(want), c.at("decoded"), name);
  }
}

TEST(ConvertersGolden, Groove) {
  const json golden = load_golden("groove.json");
  if (golden.is_null()) GTEST_SKIP() << "tests/data/converters/groove.json is absent";
  ASSERT_FALSE(golden.at("cases").empty());
  for (const auto& c : golden["cases"]) {
    const std::string name = c.at("name");
    const json& conv = c.at("converter");
    const GrooveMode mode = conv.value("tapify", false)     ? GrooveMode::kTapify
                            : conv.value("humanize", false) ? GrooveMode::kHumanize
                                                            : GrooveMode::kFull;
    const int spq = conv.value("stepsPerQuarter", 4);
    const GrooveConverter gc(classes_of(conv), mode, spq);
    const auto steps = conv.at("numSteps").get<int64_t>();
    std::vector<float> want;
    for (const auto& row : c.at("tensor")) {
      ASSERT_EQ(row.size(), size_t(kGrooveDepth)) << name;
      for (const auto& v : row) want.push_back(v.get<float>());
    }
    ASSERT_EQ(want.size(), size_t(steps) * kGrooveDepth) << name;
    if (!c.at("input").is_null()) {
      const json& in = c["input"];
      double qpm = 120.0;
      if (in.contains("tempos") && !in["tempos"].empty()) qpm = in["tempos"][0].value("qpm", 120.0);
      const auto got = gc.to_tensor(notes_of(in, spq), steps, qpm, nullptr);
      ASSERT_EQ(got.size(), want.size()) << name;
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_NEAR(got[i], want[i], 1e-6)
            << name << " value " << i << " (step " << i / kGrooveDepth << ", slot "
            << i % kGrooveDepth << ")";
      }
    }
    const double qpm = c.at("qpm").get<double>();
    const auto notes = gc.to_notes(want, steps, qpm);
    const json& dn = c.at("decoded").at("notes");
    ASSERT_EQ(notes.size(), dn.size()) << name;
    for (size_t i = 0; i < notes.size(); ++i) {
      EXPECT_EQ(notes[i].pitch, dn[i].at("pitch").get<int>()) << name << " note " << i;
      EXPECT_EQ(notes[i].velocity, dn[i].at("velocity").get<int>()) << name << " note " << i;
      EXPECT_NEAR(notes[i].startTime, dn[i].at("startTime").get<double>(), 1e-6)
          << name << " " << i;
      EXPECT_NEAR(notes[i].endTime, dn[i].at("endTime").get<double>(), 1e-6) << name << " " << i;
      EXPECT_TRUE(notes[i].isDrum) << name;
    }
    EXPECT_NEAR(double(steps) * 60.0 / qpm / spq, c["decoded"].at("totalTime").get<double>(), 1e-9)
        << name;
  }
}

TEST(Converters, DrumRoundTripKeepsClassesAndFirstPitch) {
  const DrumsConverter dc(gm_drum_pitch_classes());
  const std::vector<int64_t> classes = {0, 1, 511, 256, 3};
  const auto notes = dc.to_notes(classes);
  EXPECT_EQ(dc.to_classes(notes, 5, nullptr), classes);
  for (const auto& n : notes) {
    EXPECT_EQ(n.pitch, gm_drum_pitch_classes()[size_t(dc.class_of(n.pitch))][0]);
    EXPECT_TRUE(n.isDrum);
  }
}

TEST(Converters, MelodyFoldsByOctaves) {
  const MelodyConverter mc(48, 83);
  EXPECT_EQ(mc.fold_pitch(36), 48);
  EXPECT_EQ(mc.fold_pitch(96), 84 - 12);
  EXPECT_EQ(mc.fold_pitch(60), 60);
  EXPECT_THROW(MelodyConverter(60, 65), std::invalid_argument);
}

}  // namespace
}  // namespace clipgen::engine
