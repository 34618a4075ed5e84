// The bad-input table: each row is one malformed, hostile or impossible request sent over HTTP
// to the real clipgend (engine wired, random-weight fixture models). Every row must get its own
// 4xx with the contract's envelope and a message naming the problem; after every row the daemon
// still answers /v1/health, and after the whole table it still runs a valid tool request.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support.h"

namespace clipgen::test {
namespace {

using nlohmann::json;

struct Row {
  std::string name;
  std::string path;                   // POST target
  std::function<std::string()> body;  // built lazily: some are megabytes
  std::string content_type;           // "" sends none (raw socket: httplib would add one)
  int status;
  std::string type;
  std::string message_has;  // a piece of the message that shows the right check fired
};

std::function<std::string()> raw(std::string s) {
  return [s] { return s; };
}
std::function<std::string()> body(json j) {
  return [j] { return j.dump(); };
}

json with(json base, const json& changes) {
  base.merge_patch(changes);
  return base;
}

// A request for `tool` with the NoteSequence field `field` replaced.
json with_clip(const std::string& tool, const std::string& field, json seq) {
  json r = valid_request(tool);
  r[field] = std::move(seq);
  return r;
}

json one_note(json note) {
  json n{{"pitch", 60}, {"velocity", 100}, {"startTime", 0.0}, {"endTime", 0.5}};
  n.merge_patch(note);
  return {{"notes", json::array({n})}, {"tempos", json::array({{{"qpm", 120}}})}};
}

std::string many_notes(int count) {
  // Written by hand: building 100,000 json objects first would dominate the test's time.
  std::string s = R"({"kind":"melody","variations":1,"length":1,"input":{"notes":[)";
  for (int i = 0; i < count; ++i) {
    if (i) s += ',';
    const double t = (i % 4000) * 0.125;
    s += R"({"pitch":)" + std::to_string(48 + i % 24) + R"(,"velocity":90,"startTime":)" +
         std::to_string(t) + R"(,"endTime":)" + std::to_string(t + 0.125) + "}";
  }
  return s + "]}}";
}

std::string nested(const std::string& field, int depth, char open, char close) {
  std::string inner;
  inner.reserve(static_cast<size_t>(depth) * 6);
  for (int i = 0; i < depth; ++i)
    inner += open == '{' ? std::string(R"({"a":)") : std::string(1, open);
  inner += "1";
  for (int i = 0; i < depth; ++i) inner += close;
  return R"({"kind":"melody",")" + field + R"(":)" + inner + "}";
}

// Pitches above the General MIDI drum map (88+), not marked as drums: nothing Groove can play.
json high_melody() {
  json seq = clip(false, 2);
  int i = 0;
  for (auto& n : seq["notes"]) n["pitch"] = 88 + (i++ % 12);
  return seq;
}

const std::string kJson = "application/json";

std::vector<Row> rows() {
  const json generate = valid_request("generate");
  const json cont = valid_request("continue");
  const json interp = valid_request("interpolate");
  const json groove = valid_request("groove");
  const json drumify = valid_request("drumify");
  return {
      // Transport and JSON syntax.
      {"EmptyBody", "/v1/generate", raw(""), kJson, 400, "invalid_request", "empty"},
      {"WhitespaceBody", "/v1/generate", raw(" \r\n\t "), kJson, 400, "invalid_request", "empty"},
      {"TruncatedJson", "/v1/generate", raw(R"({"kind":"melody","variations":)"), kJson, 400,
       "invalid_request", "not valid JSON"},
      {"TruncatedString", "/v1/continue", raw(R"({"input":{"notes":[{"pitch":6)"), kJson, 400,
       "invalid_request", "not valid JSON"},
      {"UnquotedKeys", "/v1/generate", raw("{kind: melody}"), kJson, 400, "invalid_request",
       "not valid JSON"},
      {"TrailingGarbage", "/v1/generate", raw(R"({"kind":"melody"} {})"), kJson, 400,
       "invalid_request", "not valid JSON"},
      {"InvalidUtf8", "/v1/generate", raw("{\"kind\":\"mel\xff\xfeody\"}"), kJson, 400,
       "invalid_request", "not valid JSON"},
      {"NaNLiteral", "/v1/generate", raw(R"({"kind":"melody","temperature":NaN})"), kJson, 400,
       "invalid_request", "not valid JSON"},
      {"InfinityLiteral", "/v1/generate", raw(R"({"kind":"melody","temperature":Infinity})"), kJson,
       400, "invalid_request", "not valid JSON"},
      {"NumberOverflow", "/v1/generate", raw(R"({"kind":"melody","temperature":1e999})"), kJson,
       400, "invalid_request", "number overflow"},
      {"BodyIsArray", "/v1/generate", raw("[1,2,3]"), kJson, 400, "invalid_request", "JSON object"},
      {"BodyIsString", "/v1/generate", raw(R"("melody")"), kJson, 400, "invalid_request",
       "JSON object"},
      {"DeepArrays100k", "/v1/generate", [] { return nested("variations", 100000, '[', ']'); },
       kJson, 400, "invalid_request", "nest"},
      {"DeepObjects100k", "/v1/generate", [] { return nested("variations", 100000, '{', '}'); },
       kJson, 400, "invalid_request", "nest"},
      {"WrongContentType", "/v1/generate", body(generate), "text/plain", 415,
       "unsupported_media_type", "application/json"},
      {"FormContentType", "/v1/generate", body(generate), "application/x-www-form-urlencoded", 415,
       "unsupported_media_type", "application/json"},
      {"NoContentType", "/v1/generate", body(generate), "", 415, "unsupported_media_type",
       "no Content-Type"},
      {"Latin1Charset", "/v1/generate", body(generate), "application/json; charset=latin1", 415,
       "unsupported_media_type", "application/json"},
      {"BodyOverLimit", "/v1/continue", [] { return std::string(9u << 20, ' '); }, kJson, 413,
       "payload_too_large", "--max-body"},
      {"UnknownTool", "/v1/sing", body(generate), kJson, 404, "not_found", "/v1/sing"},
      {"PathTraversalRoute", "/v1/../../etc/passwd", body(generate), kJson, 404, "not_found",
       "no route"},

      // Wrong types.
      {"KindNumber", "/v1/generate", body(with(generate, {{"kind", 5}})), kJson, 400,
       "invalid_request", "kind"},
      {"KindUnknown", "/v1/generate", body(with(generate, {{"kind", "guitar"}})), kJson, 400,
       "invalid_request", "kind"},
      {"KindMissing", "/v1/generate", body(json{{"variations", 1}}), kJson, 400, "invalid_request",
       "kind"},
      {"VariationsString", "/v1/generate", body(with(generate, {{"variations", "eight"}})), kJson,
       400, "invalid_request", "variations"},
      {"VariationsFraction", "/v1/generate", body(with(generate, {{"variations", 2.5}})), kJson,
       400, "invalid_request", "variations"},
      {"TemperatureString", "/v1/generate", body(with(generate, {{"temperature", "hot"}})), kJson,
       400, "invalid_request", "temperature"},
      {"SeedNegative", "/v1/generate", body(with(generate, {{"seed", -1}})), kJson, 400,
       "invalid_request", "seed"},
      {"SeedFraction", "/v1/generate", body(with(generate, {{"seed", 1.5}})), kJson, 400,
       "invalid_request", "seed"},
      {"SeedPast2To53", "/v1/generate", body(with(generate, {{"seed", 9007199254740992ULL}})),
       kJson, 400, "invalid_request", "seed"},
      {"InputNotObject", "/v1/continue", body(with(cont, {{"input", json::array()}})), kJson, 400,
       "invalid_request", "input"},
      {"InputMissing", "/v1/continue", body(json{{"variations", 1}}), kJson, 400, "invalid_request",
       "input"},
      {"NotesNotArray", "/v1/continue", body(with_clip("continue", "input", {{"notes", 5}})), kJson,
       400, "invalid_request", "input.notes"},
      {"PitchString", "/v1/continue",
       body(with_clip("continue", "input", one_note({{"pitch", "C4"}}))), kJson, 400,
       "invalid_request", "input.notes[0].pitch"},

      // Every control out of range.
      {"GenerateVariations0", "/v1/generate", body(with(generate, {{"variations", 0}})), kJson, 400,
       "invalid_request", "variations"},
      {"GenerateVariations1000", "/v1/generate", body(with(generate, {{"variations", 1000}})),
       kJson, 400, "invalid_request", "variations"},
      {"TemperatureMinus1", "/v1/generate", body(with(generate, {{"temperature", -1}})), kJson, 400,
       "invalid_request", "temperature"},
      {"Temperature2Point5", "/v1/continue", body(with(cont, {{"temperature", 2.5}})), kJson, 400,
       "invalid_request", "temperature"},
      {"ContinueLength33", "/v1/continue", body(with(cont, {{"length", 33}})), kJson, 400,
       "invalid_request", "length"},
      {"ContinueLength0", "/v1/continue", body(with(cont, {{"length", 0}})), kJson, 400,
       "invalid_request", "length"},
      {"ContinueVariations9", "/v1/continue", body(with(cont, {{"variations", 9}})), kJson, 400,
       "invalid_request", "variations"},
      {"InterpolateSteps17", "/v1/interpolate", body(with(interp, {{"steps", 17}})), kJson, 400,
       "invalid_request", "steps"},
      {"InterpolateSteps0", "/v1/interpolate", body(with(interp, {{"steps", 0}})), kJson, 400,
       "invalid_request", "steps"},
      {"GrooveAmount1Point5", "/v1/groove", body(with(groove, {{"amount", 1.5}})), kJson, 400,
       "invalid_request", "amount"},
      {"GrooveAmountNegative", "/v1/groove", body(with(groove, {{"amount", -0.1}})), kJson, 400,
       "invalid_request", "amount"},
      {"DrumifyVariations9", "/v1/drumify", body(with(drumify, {{"variations", 9}})), kJson, 400,
       "invalid_request", "variations"},
      {"DrumifyVariations0", "/v1/drumify", body(with(drumify, {{"variations", 0}})), kJson, 400,
       "invalid_request", "variations"},

      // NoteSequence contents.
      {"Pitch128", "/v1/continue", body(with_clip("continue", "input", one_note({{"pitch", 128}}))),
       kJson, 400, "invalid_request", "input.notes[0].pitch"},
      {"PitchNegative", "/v1/continue",
       body(with_clip("continue", "input", one_note({{"pitch", -1}}))), kJson, 400,
       "invalid_request", "input.notes[0].pitch"},
      {"Velocity200", "/v1/continue",
       body(with_clip("continue", "input", one_note({{"velocity", 200}}))), kJson, 400,
       "invalid_request", "input.notes[0].velocity"},
      {"NegativeStartTime", "/v1/continue",
       body(with_clip("continue", "input", one_note({{"startTime", -1.0}}))), kJson, 400,
       "invalid_request", "input.notes[0].startTime"},
      {"ReversedTimes", "/v1/continue",
       body(with_clip("continue", "input", one_note({{"startTime", 2.0}, {"endTime", 1.0}}))),
       kJson, 400, "invalid_request", "input.notes[0]"},
      {"NaNTimeAsString", "/v1/continue",
       body(with_clip("continue", "input", one_note({{"startTime", "NaN"}}))), kJson, 400,
       "invalid_request", "input.notes[0].startTime"},
      {"InfinityEndAsString", "/v1/continue",
       body(with_clip("continue", "input", one_note({{"endTime", "Infinity"}}))), kJson, 400,
       "invalid_request", "input.notes[0].endTime"},
      {"ReversedSteps", "/v1/continue",
       body(with_clip(
           "continue", "input",
           {{"notes",
             json::array({{{"pitch", 60}, {"quantizedStartStep", 8}, {"quantizedEndStep", 4}}})},
            {"quantizationInfo", {{"stepsPerQuarter", 4}}}})),
       kJson, 400, "invalid_request", "input.notes[0]"},
      {"TempoZero", "/v1/groove",
       body(with_clip("groove", "input",
                      with(clip(true, 2), {{"tempos", json::array({{{"time", 0}, {"qpm", 0}}})}}))),
       kJson, 400, "invalid_request", "input.tempos[0].qpm"},
      {"Denominator3", "/v1/continue",
       body(with_clip(
           "continue", "input",
           with(clip(false, 1),
                {{"timeSignatures", json::array({{{"numerator", 4}, {"denominator", 3}}})}}))),
       kJson, 400, "invalid_request", "input.timeSignatures[0].denominator"},
      {"HundredThousandNotes", "/v1/continue", [] { return many_notes(100000); }, kJson, 400,
       "invalid_request", "notes"},
      {"TooManyNotesForATool", "/v1/continue", [] { return many_notes(6000); }, kJson, 422,
       "unprocessable", "at most"},

      // Valid JSON, musically impossible.
      {"EmptyClipContinue", "/v1/continue",
       body(with_clip("continue", "input", with(clip(false, 1), {{"notes", json::array()}}))),
       kJson, 422, "unprocessable", "no"},
      {"EmptyClipInterpolate", "/v1/interpolate",
       body(with_clip("interpolate", "b", with(clip(false, 2), {{"notes", json::array()}}))), kJson,
       422, "unprocessable", "clip B"},
      {"EmptyClipDrumify", "/v1/drumify",
       body(with_clip("drumify", "input", with(clip(true, 2), {{"notes", json::array()}}))), kJson,
       422, "unprocessable", "no"},
      {"TempoChangeMidClip", "/v1/continue",
       body(with_clip(
           "continue", "input",
           with(clip(false, 2), {{"tempos", json::array({{{"time", 0}, {"qpm", 120}},
                                                         {{"time", 2}, {"qpm", 90}}})}}))),
       kJson, 422, "unprocessable", "tempo"},
      {"ThreeFourToGroove", "/v1/groove",
       body(
           with_clip("groove", "input",
                     with(clip(true, 2),
                          {{"timeSignatures",
                            json::array({{{"time", 0}, {"numerator", 3}, {"denominator", 4}}})}}))),
       kJson, 422, "unprocessable", "4/4"},
      {"HighMelodyToGroove", "/v1/groove", body(with_clip("groove", "input", high_melody())), kJson,
       422, "unprocessable", "drum"},
  };
}

// One daemon for the whole table, so "healthy after all of them" means what it says.
class Daemon : public ::testing::Environment {
 public:
  void SetUp() override {
    process =
        start_daemon(fixture_models_dir(), {"--max-body", "8MiB", "--request-timeout", "120"});
    ASSERT_TRUE(process->listening()) << process->stderr_text();
    ASSERT_TRUE(wait_ready(process->port())) << process->stderr_text();
  }
  void TearDown() override {
    if (!process || !process->listening()) return;
    auto c = client(process->port());
    auto health = c.Get("/v1/health");
    EXPECT_TRUE(health && health->status == 200) << "unhealthy after the table";
    for (const std::string tool : {"generate", "continue", "interpolate", "groove", "drumify"}) {
      auto r = c.Post("/v1/" + tool, valid_request(tool).dump(), "application/json");
      ASSERT_TRUE(r) << tool << ": no response after the table";
      EXPECT_EQ(r->status, 200) << tool << " fails after the table: " << r->body;
    }
    EXPECT_EQ(process->stop(SIGTERM), 0) << process->stderr_text();
  }
  std::unique_ptr<DaemonProcess> process;
};
Daemon* daemon_env = nullptr;

class BadRequest : public ::testing::TestWithParam<Row> {};

TEST_P(BadRequest, GetsItsOwn4xxWithTheEnvelope) {
  ASSERT_TRUE(daemon_env->process && daemon_env->process->listening());
  const Row& row = GetParam();
  auto c = client(daemon_env->process->port());
  const std::string payload = row.body();
  std::string problem;
  std::string answer;
  if (row.content_type.empty()) {
    const RawReply r = raw_post(daemon_env->process->port(), row.path, payload);
    problem = envelope_problem(r.status, r.content_type, r.body, row.status, row.type);
    answer = r.body;
  } else {
    auto r = c.Post(row.path, payload, row.content_type);
    problem = envelope_problem(r, row.status, row.type);
    if (r) answer = r->body;
  }
  EXPECT_EQ(problem, "");
  EXPECT_NE(error_message(answer).find(row.message_has), std::string::npos)
      << "message does not mention '" << row.message_has << "': " << answer.substr(0, 400);
  auto health = c.Get("/v1/health");
  ASSERT_TRUE(health) << "the daemon stopped answering after this row\n"
                      << daemon_env->process->stderr_text().substr(0, 4000);
  EXPECT_EQ(health->status, 200);
}

// Drums sent to a melody model are not refused: the engine reads them as the kind asked for and
// says so in `warnings` (docs/tools.md), so the musician learns why the answer sounds as it does.
TEST(KindMismatch, DrumsSentToMelodyModelsAnswerWithAWarning) {
  ASSERT_TRUE(daemon_env->process && daemon_env->process->listening());
  auto c = client(daemon_env->process->port());
  json interp = valid_request("interpolate");
  interp["a"] = clip(true, 2);
  interp["b"] = clip(true, 2);
  interp["kind"] = "melody";
  json cont = valid_request("continue");
  cont["input"] = clip(true, 1);
  cont["kind"] = "melody";
  for (const auto& [route, request] :
       {std::pair{"/v1/interpolate", interp}, std::pair{"/v1/continue", cont}}) {
    SCOPED_TRACE(route);
    auto r = c.Post(route, request.dump(), "application/json");
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    const json answer = json::parse(r->body);
    bool said = false;
    for (const auto& w : answer["warnings"]) {
      said = said || w.get<std::string>().find("drum") != std::string::npos;
    }
    EXPECT_TRUE(said) << "no warning about the drum notes: " << answer["warnings"].dump();
    for (const auto& seq : answer["sequences"]) {
      for (const auto& n : seq["notes"])
        EXPECT_FALSE(n.value("isDrum", false)) << "a melody model returned drums";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Table, BadRequest, ::testing::ValuesIn(rows()),
                         [](const ::testing::TestParamInfo<Row>& p) { return p.param.name; });

}  // namespace
}  // namespace clipgen::test

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  clipgen::test::daemon_env = new clipgen::test::Daemon;
  ::testing::AddGlobalTestEnvironment(clipgen::test::daemon_env);
  return RUN_ALL_TESTS();
}
