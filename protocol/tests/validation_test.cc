// One test per validation rule, each checking the exact location and words.
#include "clipgen/protocol/validation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "clipgen/protocol/json.h"

namespace clipgen::protocol {
namespace {

using nlohmann::json;

std::vector<std::string> problems_of(const json& j, const ParseOptions& options = {}) {
  std::vector<std::string> out;
  for (const Problem& p : parse_note_sequence_report(j, options).problems) {
    out.push_back(p.to_string());
  }
  return out;
}

std::vector<std::string> problems_of(const char* text) {
  return problems_of(json::parse(text));
}

using Strings = std::vector<std::string>;

TEST(Validation, PitchOutOfRange) {
  EXPECT_EQ(problems_of(R"({"notes":[{},{},{},{"pitch":130,"endTime":1}]})"),
            Strings{"notes[3].pitch: 130 is outside 0..127"});
}

TEST(Validation, NegativePitch) {
  EXPECT_EQ(problems_of(R"({"notes":[{"pitch":-1}]})"),
            Strings{"notes[0].pitch: -1 is outside 0..127"});
}

TEST(Validation, VelocityOutOfRange) {
  EXPECT_EQ(problems_of(R"({"notes":[{"pitch":60,"velocity":128}]})"),
            Strings{"notes[0].velocity: 128 is outside 0..127"});
}

TEST(Validation, ProgramOutOfRange) {
  EXPECT_EQ(problems_of(R"({"notes":[{"program":300}]})"),
            Strings{"notes[0].program: 300 is outside 0..127"});
}

TEST(Validation, InstrumentOutOfRange) {
  EXPECT_EQ(problems_of(R"({"notes":[{"instrument":-2}]})"),
            Strings{"notes[0].instrument: -2 is outside 0..255"});
}

TEST(Validation, EndBeforeStart) {
  EXPECT_EQ(problems_of(R"({"notes":[{"pitch":60,"startTime":1.0,"endTime":0.5}]})"),
            Strings{"notes[0].endTime: 0.5 is before startTime 1"});
}

TEST(Validation, NegativeTime) {
  EXPECT_EQ(problems_of(R"({"notes":[{"startTime":-0.25,"endTime":1}]})"),
            Strings{"notes[0].startTime: -0.25 is negative"});
}

TEST(Validation, NaNAsProtobufString) {
  EXPECT_EQ(problems_of(R"({"notes":[{"startTime":"NaN","endTime":1}]})"),
            Strings{"notes[0].startTime: must be a finite number, got NaN"});
}

TEST(Validation, InfinityAsProtobufString) {
  EXPECT_EQ(problems_of(R"({"notes":[{"endTime":"Infinity"}]})"),
            Strings{"notes[0].endTime: must be a finite number, got Infinity"});
}

TEST(Validation, NaNInAJsonValue) {
  json j = json::parse(R"({"notes":[{"endTime":1}],"tempos":[{"qpm":120}]})");
  j["tempos"][0]["qpm"] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(problems_of(j), Strings{"tempos[0].qpm: must be a finite number, got NaN"});
}

TEST(Validation, TimeBeyondLimit) {
  ParseOptions options;
  options.limits.max_total_time = 60;
  EXPECT_EQ(problems_of(json::parse(R"({"notes":[{"endTime":61}],"totalTime":61})"), options),
            (Strings{"totalTime: 61 exceeds the limit of 60 seconds",
                     "notes[0].endTime: 61 exceeds the limit of 60 seconds"}));
}

TEST(Validation, NegativeTotalTime) {
  EXPECT_EQ(problems_of(R"({"totalTime":-1})"), Strings{"totalTime: -1 is negative"});
}

TEST(Validation, QuantizedEndStepBeforeStart) {
  EXPECT_EQ(problems_of(R"({"quantizationInfo":{"stepsPerQuarter":4},
                            "notes":[{"quantizedStartStep":8,"quantizedEndStep":"4"}]})"),
            Strings{"notes[0].quantizedEndStep: 4 is before quantizedStartStep 8"});
}

TEST(Validation, NegativeStep) {
  EXPECT_EQ(problems_of(R"({"quantizationInfo":{"stepsPerQuarter":4},
                            "notes":[{"quantizedStartStep":"-2","quantizedEndStep":4}]})"),
            Strings{"notes[0].quantizedStartStep: -2 is negative"});
}

TEST(Validation, MissingEndStepInQuantizedSequence) {
  EXPECT_EQ(problems_of(R"({"quantizationInfo":{"stepsPerQuarter":4},
                            "notes":[{"pitch":60,"endTime":0.5}]})"),
            Strings{"notes[0].quantizedEndStep: missing in a quantized sequence "
                    "(quantizationInfo is set)"});
}

TEST(Validation, StepsPerQuarterMissingOrZero) {
  const Strings expected{"quantizationInfo.stepsPerQuarter: missing or 0; must be 1..960"};
  EXPECT_EQ(problems_of(R"({"quantizationInfo":{}})"), expected);
  EXPECT_EQ(problems_of(R"({"quantizationInfo":{"stepsPerQuarter":0}})"), expected);
}

TEST(Validation, StepsPerQuarterOutOfRange) {
  EXPECT_EQ(problems_of(R"({"quantizationInfo":{"stepsPerQuarter":-4}})"),
            Strings{"quantizationInfo.stepsPerQuarter: -4 is outside 0..960"});
}

TEST(Validation, AbsoluteQuantizationRejected) {
  EXPECT_EQ(problems_of(R"({"quantizationInfo":{"stepsPerSecond":100}})"),
            Strings{"quantizationInfo.stepsPerSecond: absolute quantization is not supported; "
                    "use stepsPerQuarter"});
}

TEST(Validation, QpmZeroOrHuge) {
  EXPECT_EQ(
      problems_of(R"({"tempos":[{"qpm":120},{"time":1,"qpm":0.5},{"time":2,"qpm":5000}]})"),
      (Strings{"tempos[1].qpm: 0.5 is outside 1..1000", "tempos[2].qpm: 5000 is outside 1..1000"}));
}

TEST(Validation, QpmMissing) {
  EXPECT_EQ(problems_of(R"({"tempos":[{"time":0}]})"), Strings{"tempos[0].qpm: missing"});
}

TEST(Validation, DenominatorNotPowerOfTwo) {
  EXPECT_EQ(problems_of(R"({"timeSignatures":[{"numerator":4,"denominator":3}]})"),
            Strings{"timeSignatures[0].denominator: 3 is not a power of two"});
}

TEST(Validation, DenominatorOutOfRange) {
  EXPECT_EQ(problems_of(R"({"timeSignatures":[{"numerator":4,"denominator":128}]})"),
            Strings{"timeSignatures[0].denominator: 128 is outside 1..64"});
}

TEST(Validation, NumeratorZero) {
  EXPECT_EQ(problems_of(R"({"timeSignatures":[{"numerator":0,"denominator":4}]})"),
            Strings{"timeSignatures[0].numerator: 0 is outside 1..255"});
}

TEST(Validation, NumeratorMissing) {
  EXPECT_EQ(problems_of(R"({"timeSignatures":[{"denominator":8}]})"),
            Strings{"timeSignatures[0].numerator: missing"});
}

TEST(Validation, WrongTypeString) {
  EXPECT_EQ(problems_of(R"({"notes":[{},{},{"pitch":"sixty"}]})"),
            Strings{"notes[2].pitch: expected a number, got string \"sixty\""});
}

TEST(Validation, WrongTypeBoolean) {
  EXPECT_EQ(problems_of(R"({"notes":[{"isDrum":1}]})"),
            Strings{"notes[0].isDrum: expected a boolean, got number 1"});
}

TEST(Validation, NonIntegerForIntegerField) {
  EXPECT_EQ(problems_of(R"({"notes":[{"pitch":60.5}]})"),
            Strings{"notes[0].pitch: expected an integer, got 60.5"});
}

TEST(Validation, NotesNotAnArray) {
  EXPECT_EQ(problems_of(R"({"notes":{"pitch":60}})"),
            Strings{"notes: expected an array, got object"});
}

TEST(Validation, NoteNotAnObject) {
  EXPECT_EQ(problems_of(R"({"notes":[60]})"),
            Strings{"notes[0]: expected an object, got number 60"});
}

TEST(Validation, RootNotAnObject) {
  EXPECT_EQ(problems_of(R"([1,2])"), Strings{"expected an object, got array"});
}

TEST(Validation, TooManyNotes) {
  ParseOptions options;
  options.limits.max_notes = 2;
  EXPECT_EQ(problems_of(json::parse(R"({"notes":[{},{},{}]})"), options),
            Strings{"notes: 3 notes exceed the limit of 2"});
}

TEST(Validation, TooManyTempos) {
  ParseOptions options;
  options.limits.max_tempos = 1;
  EXPECT_EQ(problems_of(json::parse(R"({"tempos":[{"qpm":90},{"qpm":100}]})"), options),
            Strings{"tempos: 2 entries exceed the limit of 1"});
}

TEST(Validation, ReportsEveryProblemAtOnce) {
  auto report = parse_note_sequence_report(json::parse(R"({"notes":[
      {"pitch":130,"velocity":-1,"startTime":2,"endTime":1},
      {"pitch":"x"}],"tempos":[{"qpm":0}]})"));
  EXPECT_EQ(report.problems.size(), 5u);
  const Error e = report.error();
  EXPECT_EQ(e.kind, ErrorKind::kInvalidRequest);
  EXPECT_EQ(e.message,
            "invalid NoteSequence: tempos[0].qpm: 0 is outside 1..1000; notes[0].pitch: 130 is "
            "outside 0..127; notes[0].velocity: -1 is outside 0..127; notes[0].endTime: 1 is "
            "before startTime 2; notes[1].pitch: expected a number, got string \"x\"");
  auto result = parse_note_sequence(std::string_view(R"({"notes":[{"pitch":130}]})"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "invalid NoteSequence: notes[0].pitch: 130 is outside 0..127");
}

TEST(Validation, ProblemsAsJson) {
  auto report = parse_note_sequence_report(json::parse(R"({"notes":[{"pitch":130}]})"));
  EXPECT_EQ(problems_to_json(report.problems),
            json::parse(R"([{"location":"notes[0].pitch","message":"130 is outside 0..127"}])"));
}

TEST(Validation, CombinedMessageIsShortenedAndProblemsCapped) {
  json notes = json::array();
  for (int i = 0; i < 30; ++i) notes.push_back({{"pitch", 200}});
  ParseOptions options;
  options.limits.max_problems = 20;
  auto report = parse_note_sequence_report(json{{"notes", notes}}, options);
  ASSERT_EQ(report.problems.size(), 20u);
  EXPECT_EQ(report.problems.back().to_string(), "too many problems; stopped after 19");
  EXPECT_NE(report.error().message.find("; and 10 more"), std::string::npos);
}

TEST(Validation, ValidateChecksSequencesBuiltInCode) {
  NoteSequence seq;
  seq.steps_per_quarter = 4;
  seq.notes.push_back({60, 100, 0.0, 0.5, 0, 2, false, 0, 0});
  seq.notes.push_back({128, 100, 0.0, 0.5, 3, 2, false, 0, 0});
  seq.time_signatures.push_back({0.0, 6, 6});
  std::vector<std::string> got;
  for (const Problem& p : validate(seq, {}, "a")) got.push_back(p.to_string());
  EXPECT_EQ(got, (Strings{"a.timeSignatures[0].denominator: 6 is not a power of two",
                          "a.notes[1].pitch: 128 is outside 0..127",
                          "a.notes[1].quantizedEndStep: 2 is before quantizedStartStep 3"}));
  EXPECT_FALSE(check(seq).ok());
  seq.notes.pop_back();
  seq.time_signatures.clear();
  EXPECT_TRUE(check(seq).ok());
}

}  // namespace
}  // namespace clipgen::protocol
