#include "clipgen/protocol/json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace clipgen::protocol {
namespace {

using nlohmann::json;

// What magenta.js writes for a quantized 2-note melody: zeros omitted, int64 as strings.
constexpr const char* kMagentaJs = R"({
  "notes": [
    {"pitch": 64, "velocity": 80, "quantizedStartStep": "4", "quantizedEndStep": "8",
     "startTime": 0.5, "endTime": 1.0, "program": 0},
    {"pitch": 60, "quantizedEndStep": "4", "endTime": 0.5}
  ],
  "tempos": [{"qpm": 120}],
  "timeSignatures": [{"numerator": 4, "denominator": 4}],
  "quantizationInfo": {"stepsPerQuarter": 4},
  "totalQuantizedSteps": "16",
  "totalTime": 2
})";

TEST(Json, ParsesMagentaJsQuirks) {
  auto seq = parse_note_sequence(std::string_view(kMagentaJs));
  ASSERT_TRUE(seq.ok()) << seq.error().message;
  EXPECT_EQ(seq->steps_per_quarter, 4);
  EXPECT_EQ(seq->total_quantized_steps, 16);
  ASSERT_EQ(seq->notes.size(), 2u);
  // Sorted by start step: the note that omitted quantizedStartStep (0) comes first.
  EXPECT_EQ(seq->notes[0].pitch, 60);
  EXPECT_EQ(seq->notes[0].velocity, 0);
  EXPECT_EQ(seq->notes[0].quantized_start_step, 0);
  EXPECT_EQ(seq->notes[0].quantized_end_step, 4);
  EXPECT_EQ(seq->notes[1].pitch, 64);
  EXPECT_EQ(seq->notes[1].quantized_start_step, 4);
  EXPECT_DOUBLE_EQ(seq->notes[1].start_time, 0.5);
  ASSERT_EQ(seq->tempos.size(), 1u);
  EXPECT_EQ(seq->tempos[0].time, 0.0);
  EXPECT_EQ(seq->tempos[0].qpm, 120.0);
}

TEST(Json, AcceptsInt64AsNumberStringOrIntegerValuedDouble) {
  for (const char* step : {"16", "\"16\"", "16.0", "\"16.0\""}) {
    const std::string text = std::string(R"({"quantizationInfo":{"stepsPerQuarter":4},
      "notes":[{"pitch":60,"quantizedStartStep":)") +
                             step + R"(,"quantizedEndStep":20}]})";
    auto seq = parse_note_sequence(std::string_view(text));
    ASSERT_TRUE(seq.ok()) << step << ": " << seq.error().message;
    EXPECT_EQ(seq->notes[0].quantized_start_step, 16) << step;
  }
}

TEST(Json, AcceptsNumbersAsStringsAndNullAsDefault) {
  auto seq = parse_note_sequence(std::string_view(
      R"({"notes":[{"pitch":"61","startTime":"0.25","endTime":1,"isDrum":null,"velocity":null}]})"));
  ASSERT_TRUE(seq.ok()) << seq.error().message;
  EXPECT_EQ(seq->notes[0].pitch, 61);
  EXPECT_DOUBLE_EQ(seq->notes[0].start_time, 0.25);
  EXPECT_FALSE(seq->notes[0].is_drum);
}

TEST(Json, EmptyObjectIsAnEmptyUnquantizedSequence) {
  auto seq = parse_note_sequence(std::string_view("{}"));
  ASSERT_TRUE(seq.ok()) << seq.error().message;
  EXPECT_TRUE(seq->notes.empty());
  EXPECT_FALSE(seq->is_quantized());
}

TEST(Json, IgnoresUnknownFields) {
  auto seq = parse_note_sequence(std::string_view(
      R"({"id":"x","ticksPerQuarter":220,"notes":[{"pitch":60,"endTime":1,"voice":2}]})"));
  ASSERT_TRUE(seq.ok()) << seq.error().message;
  EXPECT_EQ(seq->notes.size(), 1u);
}

// Sequences whose numbers cover what the direct writer must get right: integral doubles,
// shortest-text doubles, exponents, large step counts.
std::vector<NoteSequence> writer_cases() {
  std::vector<NoteSequence> out;
  for (int quantized = 0; quantized < 2; ++quantized) {
    NoteSequence s;
    s.tempos.push_back({0.0, 120.0});
    s.tempos.push_back({1.0 / 3.0, 97.5});
    s.time_signatures.push_back({0.0, 4, 4});
    s.time_signatures.push_back({2.0, 7, 8});
    const double times[] = {0.0, 0.1, 0.125, 2.0, 1e-7, 0.0001, 123456.789, 1e20, 1.0 / 3.0};
    for (int i = 0; i < 40; ++i) {
      Note n;
      n.pitch = (i * 7) % 128;
      n.velocity = (i * 13) % 128;
      n.start_time = times[i % 9];
      n.end_time = n.start_time + times[(i + 4) % 9];
      n.is_drum = i % 3 == 0;
      n.instrument = i % 5;
      n.program = (i * 11) % 128;
      if (quantized) {
        n.quantized_start_step = i * 1000003LL;
        n.quantized_end_step = n.quantized_start_step + 1 + i;
      }
      s.notes.push_back(n);
    }
    if (quantized) {
      s.steps_per_quarter = 4;
      s.total_quantized_steps = 1LL << 40;
    }
    s.total_time = 1e20 + 7.0;
    out.push_back(s);
  }
  out.push_back(NoteSequence{});  // nothing at all
  return out;
}

TEST(Json, DirectWriterGivesTheTreesJson) {
  for (const NoteSequence& s : writer_cases()) {
    std::string text = "[";  // appends, never replaces
    append_json(s, text);
    ASSERT_EQ(text.front(), '[');
    const json parsed = json::parse(text.substr(1));
    EXPECT_EQ(parsed, to_json(s));
    // Same keys in the same order, so the two layouts differ only in how numbers are spelled.
    EXPECT_EQ(parsed.dump(), to_json(s).dump());
    for (const auto& n : parsed["notes"]) {
      EXPECT_TRUE(n["startTime"].is_number_float()) << n.dump();
      EXPECT_TRUE(n["pitch"].is_number_integer()) << n.dump();
    }
  }
}

TEST(Json, RoundTripIsStable) {
  auto seq = parse_note_sequence(std::string_view(kMagentaJs));
  ASSERT_TRUE(seq.ok());
  const json out = to_json(*seq);
  auto again = parse_note_sequence(out);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(*again, *seq);
  EXPECT_EQ(to_json(*again), out);
  EXPECT_EQ(to_json_string(*again), out.dump());
}

TEST(Json, OutputCarriesStepsAndSeconds) {
  auto seq = parse_note_sequence(std::string_view(kMagentaJs));
  ASSERT_TRUE(seq.ok());
  const json out = to_json(*seq);
  const json& note = out["notes"][1];
  EXPECT_EQ(note["pitch"], 64);
  EXPECT_EQ(note["quantizedStartStep"], 4);
  EXPECT_EQ(note["quantizedEndStep"], 8);
  EXPECT_EQ(note["startTime"], 0.5);
  EXPECT_EQ(note["endTime"], 1.0);
  EXPECT_EQ(note["isDrum"], false);
  EXPECT_EQ(out["quantizationInfo"]["stepsPerQuarter"], 4);
  EXPECT_EQ(out["totalQuantizedSteps"], 16);
  EXPECT_EQ(out["totalTime"], 2.0);
  EXPECT_EQ(out["tempos"][0]["qpm"], 120.0);
  EXPECT_EQ(out["timeSignatures"][0]["denominator"], 4);
}

TEST(Json, UnquantizedOutputHasNoStepFields) {
  NoteSequence seq;
  seq.notes.push_back({60, 90, 0.0, 0.5, 0, 0, false, 0, 0});
  seq.total_time = 0.5;
  const json out = to_json(seq);
  EXPECT_FALSE(out.contains("quantizationInfo"));
  EXPECT_FALSE(out["notes"][0].contains("quantizedStartStep"));
  EXPECT_EQ(out["notes"][0]["endTime"], 0.5);
}

TEST(Json, UnquantizedSequenceDropsStaleSteps) {
  // Found by fuzz_json: steps without quantizationInfo would not survive to_json.
  auto seq = parse_note_sequence(std::string_view(
      R"({"notes":[{"pitch":28,"quantizedEndStep":"8","endTime":1}],"totalQuantizedSteps":17})"));
  ASSERT_TRUE(seq.ok()) << seq.error().message;
  EXPECT_EQ(seq->notes[0].quantized_end_step, 0);
  EXPECT_EQ(seq->total_quantized_steps, 0);
  auto again = parse_note_sequence(to_json(*seq));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *seq);
}

TEST(Json, SortsNotesAndRaisesTotals) {
  auto seq = parse_note_sequence(std::string_view(R"({"notes":[
      {"pitch":67,"startTime":2,"endTime":3},
      {"pitch":64,"startTime":1,"endTime":2},
      {"pitch":60,"startTime":1,"endTime":1.5}],"totalTime":1})"));
  ASSERT_TRUE(seq.ok()) << seq.error().message;
  EXPECT_EQ(seq->notes[0].pitch, 60);
  EXPECT_EQ(seq->notes[1].pitch, 64);
  EXPECT_EQ(seq->notes[2].pitch, 67);
  EXPECT_EQ(seq->total_time, 3.0);
}

TEST(Json, MalformedJsonTextIsInvalidRequestWithPosition) {
  auto seq = parse_note_sequence(std::string_view(R"({"notes": [)"));
  ASSERT_FALSE(seq.ok());
  EXPECT_EQ(seq.error().kind, ErrorKind::kInvalidRequest);
  EXPECT_NE(seq.error().message.find("invalid JSON"), std::string::npos);
  EXPECT_NE(seq.error().message.find("line 1"), std::string::npos) << seq.error().message;
}

TEST(Json, NumberOverflowIsInvalidRequest) {
  // Found by fuzz_json: nlohmann throws out_of_range, not parse_error, for this one.
  auto seq = parse_note_sequence(std::string_view(R"({"totalTime": 1e999})"));
  ASSERT_FALSE(seq.ok());
  EXPECT_EQ(seq.error().kind, ErrorKind::kInvalidRequest);
  EXPECT_NE(seq.error().message.find("number overflow"), std::string::npos) << seq.error().message;
}

TEST(Json, LocationPrefixIsPrepended) {
  ParseOptions options;
  options.location_prefix = "input";
  auto report = parse_note_sequence_report(json::parse(R"({"notes":[{"pitch":200}]})"), options);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].to_string(), "input.notes[0].pitch: 200 is outside 0..127");
}

}  // namespace
}  // namespace clipgen::protocol
