// Helpers for the tests that run real TorchScript files.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "clipgen/engine/converters.h"
#include "clipgen/engine/engine.h"
#include "clipgen/protocol/note_sequence.h"
#include "clipgen/protocol/validation.h"

namespace clipgen::engine::testing {

inline std::string fixture_dir() {
  return CLIPGEN_FIXTURE_MODELS_DIR;
}

inline bool has_models(const std::string& dir) {
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".pt") return true;
  }
  return false;
}

// One engine over the fixture models per test binary (loading takes a few seconds).
inline const Engine* fixture_engine() {
  static std::unique_ptr<Engine> engine = [] {
    EngineOptions o;
    o.models_dir = fixture_dir();
    o.device = "cpu";
    auto e = Engine::open(o);
    return e.ok() ? std::move(e).value() : nullptr;
  }();
  return engine.get();
}

#define CLIPGEN_REQUIRE_FIXTURES()                                                          \
  do {                                                                                      \
    if (!::clipgen::engine::testing::has_models(::clipgen::engine::testing::fixture_dir())) \
      GTEST_SKIP() << "no fixture models in " << ::clipgen::engine::testing::fixture_dir()  \
                   << " (the engine_fixture_models test writes them)";                      \
  } while (0)

// Every output clip: valid, steps AND seconds, nothing before 0 or past the clip end.
// class_pitches: drum notes must sit on the first pitch of a class (decoded drums).
inline void expect_valid_clip(const protocol::NoteSequence& s, bool drums,
                              bool class_pitches = true) {
  EXPECT_TRUE(protocol::validate(s).empty()) << protocol::validate(s).front().to_string();
  EXPECT_GT(s.steps_per_quarter, 0);
  EXPECT_FALSE(s.tempos.empty());
  EXPECT_FALSE(s.time_signatures.empty());
  EXPECT_GT(s.total_quantized_steps, 0);
  EXPECT_GT(s.total_time, 0.0);
  const double step = 60.0 / s.qpm() / s.steps_per_quarter;
  EXPECT_NEAR(s.total_time, double(s.total_quantized_steps) * step, 1e-9);
  for (const auto& n : s.notes) {
    EXPECT_GE(n.start_time, 0.0);
    EXPECT_LT(n.start_time, n.end_time);
    EXPECT_LE(n.end_time, s.total_time + 1e-9);
    EXPECT_GE(n.quantized_start_step, 0);
    EXPECT_LT(n.quantized_start_step, n.quantized_end_step);
    EXPECT_LE(n.quantized_end_step, s.total_quantized_steps);
    EXPECT_GE(n.velocity, 1);
    EXPECT_EQ(n.is_drum, drums);
    if (drums && class_pitches) {
      bool first_of_class = false;
      for (const auto& c : gm_drum_pitch_classes()) first_of_class |= c.front() == n.pitch;
      for (const auto& c : magenta_js_drum_pitch_classes()) first_of_class |= c.front() == n.pitch;
      EXPECT_TRUE(first_of_class) << "drum pitch " << n.pitch;
    }
  }
}

}  // namespace clipgen::engine::testing
