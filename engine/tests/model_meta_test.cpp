// clipgen.json parsing: a broken file gets a reason that names the problem.
#include "model_meta.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace clipgen::engine::detail {
namespace {

using nlohmann::json;

json good() {
  return json{
      {"formatVersion", 1},
      {"id", "mel"},
      {"kind", "musicvae"},
      {"tools", {"generate", "interpolate"}},
      {"converter", {{"type", "melody"}, {"minPitch", 21}, {"maxPitch", 108}, {"numSteps", 64}}},
      {"zSize", 256},
      {"bars", 4},
      {"stepsPerQuarter", 4},
      {"source", "test"}};
}

TEST(ModelMeta, ParsesTheDocumentedExample) {
  auto m = parse_model_meta(good().dump());
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->id, "mel");
  EXPECT_TRUE(m->serves("interpolate"));
  EXPECT_FALSE(m->serves("groove"));
  EXPECT_EQ(m->converter.num_steps, 64);
  EXPECT_EQ(m->z_size, 256);
  EXPECT_TRUE(m->is_vae());
}

TEST(ModelMeta, DrumClassesDefaultToGeneralMidi) {
  json j = good();
  j["converter"] = {{"type", "drums"}, {"numSteps", 32}};
  auto m = parse_model_meta(j.dump());
  ASSERT_TRUE(m.ok()) << m.error().message;
  EXPECT_EQ(m->converter.drum_pitch_classes, gm_drum_pitch_classes());
}

TEST(ModelMeta, ProblemsAreNamed) {
  auto expect_reason = [](json j, const std::string& fragment) {
    auto m = parse_model_meta(j.dump());
    ASSERT_FALSE(m.ok());
    EXPECT_NE(m.error().message.find(fragment), std::string::npos) << m.error().message;
  };
  json j = good();
  j["formatVersion"] = 2;
  expect_reason(j, "formatVersion 2");
  j = good();
  j.erase("tools");
  expect_reason(j, "missing field 'tools'");
  j = good();
  j["kind"] = "gan";
  expect_reason(j, "unknown kind");
  j = good();
  j.erase("zSize");
  expect_reason(j, "zSize");
  j = good();
  j["converter"]["type"] = "groove";
  expect_reason(j, "does not go with");
  j = good();
  j["converter"]["minPitch"] = "low";
  expect_reason(j, "wrong field type");
  auto m = parse_model_meta("not json");
  ASSERT_FALSE(m.ok());
}

}  // namespace
}  // namespace clipgen::engine::detail
