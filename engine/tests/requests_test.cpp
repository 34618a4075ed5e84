// Request parsing: defaults, every range enforced (400 naming the field and range, never
// clamped), kinds, seeds, NoteSequence problems located under their field.
#include "clipgen/engine/requests.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace clipgen::engine {
namespace {

using nlohmann::json;

json clip() {
  return json{{"notes", {{{"pitch", 60}, {"velocity", 90}, {"startTime", 0.0}, {"endTime", 0.5}}}},
              {"totalTime", 2.0}};
}

void expect_invalid(const Result<ToolRequest>& r, const std::string& fragment) {
  ASSERT_FALSE(r.ok()) << "expected an error containing '" << fragment << "'";
  EXPECT_EQ(r.error().kind, ErrorKind::kInvalidRequest);
  EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message;
}

TEST(Requests, GenerateDefaults) {
  auto r = parse_generate(json{{"kind", "drums"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->kind, Kind::kDrums);
  EXPECT_EQ(r->variations, 8);
  EXPECT_DOUBLE_EQ(r->temperature, 1.0);
  EXPECT_FALSE(r->seed.has_value());
}

TEST(Requests, GenerateNeedsKind) {
  expect_invalid(parse_request(Tool::kGenerate, json::object()), "kind: is required");
  expect_invalid(parse_request(Tool::kGenerate, json{{"kind", "bass"}}), "kind: must be");
}

TEST(Requests, RangesAreErrorsNotClamped) {
  const json base{{"kind", "melody"}};
  auto with = [&](const char* k, json v) {
    json b = base;
    b[k] = std::move(v);
    return parse_request(Tool::kGenerate, b);
  };
  expect_invalid(with("variations", 0), "variations: 0 is outside 1..16");
  expect_invalid(with("variations", 17), "variations: 17 is outside 1..16");
  expect_invalid(with("variations", 2.5), "variations: must be a whole number");
  expect_invalid(with("variations", "4"), "variations: must be a whole number");
  expect_invalid(with("temperature", 2.01), "temperature: 2.01 is outside 0..2");
  expect_invalid(with("temperature", -0.1), "temperature: -0.1 is outside 0..2");
  expect_invalid(with("seed", -1), "seed: -1 is negative");
  expect_invalid(with("seed", 1.5), "seed: must be a whole number");
  expect_invalid(with("seed", 9007199254740992ull), "seed: 9007199254740992 is outside");
  auto ok = with("variations", 16.0);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(std::get<GenerateRequest>(ok.value()).variations, 16);
}

TEST(Requests, EveryProblemIsNamedAtOnce) {
  auto r = parse_request(Tool::kGenerate,
                         json{{"kind", "melody"}, {"variations", 99}, {"temperature", 5}});
  expect_invalid(r, "variations: 99 is outside 1..16");
  expect_invalid(r, "temperature: 5 is outside 0..2");
}

TEST(Requests, ContinueRangesAndDefaults) {
  auto r = parse_continue(json{{"input", clip()}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->variations, 4);
  EXPECT_EQ(r->length, 2);
  EXPECT_FALSE(r->kind.has_value());
  EXPECT_EQ(r->input.notes.size(), 1u);
  expect_invalid(parse_request(Tool::kContinue, json{{"input", clip()}, {"length", 33}}),
                 "length: 33 is outside 1..32");
  expect_invalid(parse_request(Tool::kContinue, json{{"input", clip()}, {"variations", 9}}),
                 "variations: 9 is outside 1..8");
  expect_invalid(parse_request(Tool::kContinue, json::object()), "input: is required");
}

TEST(Requests, InterpolateNeedsBothClips) {
  expect_invalid(parse_request(Tool::kInterpolate, json{{"a", clip()}}), "b: is required");
  expect_invalid(
      parse_request(Tool::kInterpolate, json{{"a", clip()}, {"b", clip()}, {"steps", 0}}),
      "steps: 0 is outside 1..16");
  auto r = parse_interpolate(json{{"a", clip()}, {"b", clip()}, {"kind", "melody"}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->steps, 3);
  EXPECT_EQ(r->kind, Kind::kMelody);
}

TEST(Requests, GrooveAndDrumify) {
  expect_invalid(parse_request(Tool::kGroove, json{{"input", clip()}, {"amount", 1.5}}),
                 "amount: 1.5 is outside 0..1");
  expect_invalid(parse_request(Tool::kDrumify, json{{"input", clip()}, {"variations", 0}}),
                 "variations: 0 is outside 1..8");
  auto g = parse_groove(json{{"input", clip()}, {"seed", 7}});
  ASSERT_TRUE(g.ok()) << g.error().message;
  EXPECT_DOUBLE_EQ(g->amount, 1.0);
  EXPECT_EQ(g->seed, 7u);
  auto d = parse_drumify(json{{"input", clip()}});
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->variations, 1);
}

TEST(Requests, NoteSequenceProblemsAreLocatedUnderTheField) {
  json bad = clip();
  bad["notes"][0]["pitch"] = 130;
  expect_invalid(parse_request(Tool::kGroove, json{{"input", bad}}), "input.notes[0].pitch");
  expect_invalid(parse_request(Tool::kGroove, json{{"input", 3}}), "input: must be a NoteSequence");
}

TEST(Requests, BodyMustBeAnObject) {
  expect_invalid(parse_request(Tool::kGenerate, json::array()), "JSON object");
}

TEST(Requests, NullMeansDefault) {
  auto r = parse_generate(json{{"kind", "melody"}, {"seed", nullptr}, {"variations", nullptr}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->variations, 8);
  EXPECT_FALSE(r->seed);
}

TEST(Requests, ToolNamesRoundTrip) {
  for (Tool t :
       {Tool::kGenerate, Tool::kContinue, Tool::kInterpolate, Tool::kGroove, Tool::kDrumify}) {
    EXPECT_EQ(tool_from_name(tool_name(t)), t);
  }
  EXPECT_FALSE(tool_from_name("remix"));
  auto r = parse_request(Tool::kDrumify, json{{"input", clip()}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(tool_of(r.value()), Tool::kDrumify);
}

TEST(Requests, RequestAndResponseJson) {
  auto r = parse_request(Tool::kContinue, json{{"input", clip()}, {"seed", 3}, {"length", 4}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  const json j = to_json(r.value());
  EXPECT_EQ(j.at("length"), 4);
  EXPECT_EQ(j.at("seed"), 3);
  auto again = parse_request(Tool::kContinue, j);
  ASSERT_TRUE(again.ok()) << again.error().message;
  EXPECT_EQ(std::get<ContinueRequest>(again.value()).input,
            std::get<ContinueRequest>(r.value()).input);

  ToolResponse resp;
  resp.seed = 42;
  resp.model = "m";
  resp.warnings = {"w"};
  resp.elapsed_ms = 1.5;
  resp.sequences.push_back(std::get<ContinueRequest>(r.value()).input);
  const json out = to_json(resp);
  EXPECT_EQ(out.at("seed"), 42);
  EXPECT_EQ(out.at("model"), "m");
  EXPECT_EQ(out.at("warnings").size(), 1u);
  EXPECT_EQ(out.at("sequences").size(), 1u);
  EXPECT_DOUBLE_EQ(out.at("elapsedMs").get<double>(), 1.5);

  // The daemon's direct writer gives the same JSON, warnings with quotes and all.
  resp.warnings.push_back("the clip's \"end\" was moved\n");
  resp.sequences.push_back(resp.sequences.front());
  resp.sequences.push_back(protocol::NoteSequence{});
  resp.seed = 9007199254740991ULL;
  EXPECT_EQ(json::parse(to_json_string(resp)), to_json(resp));
  EXPECT_EQ(json::parse(to_json_string(resp)).dump(), to_json(resp).dump());
}

}  // namespace
}  // namespace clipgen::engine
