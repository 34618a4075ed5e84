// Parity with magenta.js 1.23 itself: protocol/tests/data/magenta_goldens.json holds what
// quantizeNoteSequence / unquantizeSequence / toJSON produced (make_magenta_goldens.js).
// Parsing those JSON texts also exercises the int64-as-string quirks on real output.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "clipgen/protocol/json.h"
#include "clipgen/protocol/quantize.h"

namespace clipgen::protocol {
namespace {

using nlohmann::json;

json load_goldens() {
  const auto path = std::filesystem::path(CLIPGEN_SOURCE_DIR) / "protocol" / "tests" / "data" /
                    "magenta_goldens.json";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << "missing " << path;
  return in.good() ? json::parse(in) : json::object();
}

NoteSequence parse_ok(const json& j) {
  auto seq = parse_note_sequence(j);
  EXPECT_TRUE(seq.ok()) << seq.error().message << "\n" << j.dump();
  return seq.ok() ? *seq : NoteSequence{};
}

TEST(MagentaParity, QuantizeAndUnquantizeMatchMagentaJs) {
  const json goldens = load_goldens();
  ASSERT_TRUE(goldens.contains("cases"));
  int compared = 0;
  for (const json& c : goldens["cases"]) {
    if (c.contains("error")) continue;
    SCOPED_TRACE(c["name"].get<std::string>());
    const NoteSequence input = parse_ok(c["input"]);
    const NoteSequence expected = parse_ok(c["quantized"]);
    ASSERT_TRUE(expected.is_quantized());

    auto q = quantize(input, c["stepsPerQuarter"].get<int>());
    ASSERT_TRUE(q.ok()) << q.error().message;
    NoteSequence got = *q;
    sort_notes(got);  // parse sorted `expected` the same way
    EXPECT_EQ(got.steps_per_quarter, expected.steps_per_quarter);
    EXPECT_EQ(got.total_quantized_steps, expected.total_quantized_steps);
    EXPECT_EQ(got.tempos, expected.tempos);
    EXPECT_EQ(got.time_signatures, expected.time_signatures);
    ASSERT_EQ(got.notes.size(), expected.notes.size());
    for (std::size_t i = 0; i < got.notes.size(); ++i) {
      EXPECT_EQ(got.notes[i], expected.notes[i]) << "note " << i;
    }

    // unquantizeSequence drops the steps; ours keeps them, so compare seconds.
    std::optional<double> qpm;
    if (!c["unquantizeQpm"].is_null()) qpm = c["unquantizeQpm"].get<double>();
    auto u = unquantize(expected, qpm);
    ASSERT_TRUE(u.ok()) << u.error().message;
    NoteSequence seconds = *u;
    seconds.steps_per_quarter = 0;
    seconds.total_quantized_steps = 0;
    for (Note& n : seconds.notes) n.quantized_start_step = n.quantized_end_step = 0;
    sort_notes(seconds);
    const NoteSequence magenta_seconds = parse_ok(c["unquantized"]);
    ASSERT_EQ(seconds.notes.size(), magenta_seconds.notes.size());
    for (std::size_t i = 0; i < seconds.notes.size(); ++i) {
      EXPECT_EQ(seconds.notes[i], magenta_seconds.notes[i]) << "note " << i;
    }
    EXPECT_EQ(seconds.total_time, magenta_seconds.total_time);
    EXPECT_EQ(seconds.tempos, magenta_seconds.tempos);
    ++compared;
  }
  EXPECT_GE(compared, 40);
}

TEST(MagentaParity, RejectsWhatMagentaJsRejects) {
  const json goldens = load_goldens();
  int compared = 0;
  for (const json& c : goldens["cases"]) {
    if (!c.contains("error")) continue;
    SCOPED_TRACE(c["name"].get<std::string>() + ": magenta.js says " +
                 c["error"].get<std::string>());
    // Validation may already refuse the input (negative time); quantize must refuse it too.
    const NoteSequence input = parse_note_sequence_report(c["input"]).sequence;
    auto q = quantize(input, c["stepsPerQuarter"].get<int>());
    EXPECT_FALSE(q.ok());
    ++compared;
  }
  EXPECT_GE(compared, 6);
}

}  // namespace
}  // namespace clipgen::protocol
