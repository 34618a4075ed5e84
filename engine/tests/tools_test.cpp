// The five tools on real TorchScript files (random-weight fixtures: the checks are about
// the pipeline — validity, reproducibility, semantics — not musical quality).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "clipgen/engine/engine.h"
#include "model_test_util.h"

namespace clipgen::engine {
namespace {

using testing::expect_valid_clip;
using testing::fixture_engine;

protocol::Note note(int pitch, double start, double end, int velocity = 90, bool drum = false) {
  protocol::Note n;
  n.pitch = pitch;
  n.start_time = start;
  n.end_time = end;
  n.velocity = velocity;
  n.is_drum = drum;
  return n;
}

// One bar of 4/4 at 120 qpm = 2 s.
protocol::NoteSequence melody(double bars = 2) {
  protocol::NoteSequence s;
  s.tempos.push_back({0.0, 120.0});
  const int pitches[] = {60, 62, 64, 65, 67, 69, 71, 72};
  for (int i = 0; i < int(bars * 4); ++i)
    s.notes.push_back(note(pitches[i % 8], i * 0.5, i * 0.5 + 0.4, 70 + i % 5));
  s.total_time = bars * 2.0;
  return s;
}

// A played beat: kick, snare, hats, slightly off the grid.
protocol::NoteSequence beat(int bars = 2) {
  protocol::NoteSequence s;
  s.tempos.push_back({0.0, 120.0});
  for (int b = 0; b < bars; ++b) {
    const double t0 = b * 2.0;
    for (int i = 0; i < 8; ++i)
      s.notes.push_back(
          note(42, t0 + i * 0.25 + 0.01, t0 + i * 0.25 + 0.1, 60 + 5 * (i % 2), true));
    s.notes.push_back(note(36, t0 + 0.0, t0 + 0.1, 110, true));
    s.notes.push_back(note(38, t0 + 0.52, t0 + 0.6, 100, true));
    s.notes.push_back(note(36, t0 + 1.0, t0 + 1.1, 105, true));
    s.notes.push_back(note(38, t0 + 1.49, t0 + 1.6, 98, true));
  }
  s.total_time = bars * 2.0;
  return s;
}

#define ENGINE_OR_SKIP()                   \
  CLIPGEN_REQUIRE_FIXTURES();              \
  const Engine* engine = fixture_engine(); \
  ASSERT_NE(engine, nullptr)

TEST(Tools, GenerateMelodyIsValidAndSeeded) {
  ENGINE_OR_SKIP();
  GenerateRequest r;
  r.kind = Kind::kMelody;
  r.variations = 3;
  r.seed = 11;
  auto a = engine->generate(r);
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_EQ(a->sequences.size(), 3u);
  EXPECT_EQ(a->seed, 11u);
  EXPECT_EQ(a->model, "mel_4bar_vae");
  for (const auto& s : a->sequences) {
    expect_valid_clip(s, false);
    EXPECT_EQ(s.total_quantized_steps, 64);  // 4 bars
    for (const auto& n : s.notes) {
      EXPECT_GE(n.pitch, 21);
      EXPECT_LE(n.pitch, 108);
    }
  }
  auto b = engine->generate(r);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->sequences, b->sequences);
  r.seed = 12;
  auto c = engine->generate(r);
  ASSERT_TRUE(c.ok());
  EXPECT_NE(a->sequences, c->sequences);
}

TEST(Tools, GenerateDrumsUsesGeneralMidiClassPitches) {
  ENGINE_OR_SKIP();
  GenerateRequest r;
  r.kind = Kind::kDrums;
  r.variations = 2;
  r.seed = 5;
  auto out = engine->generate(r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->sequences.size(), 2u);
  for (const auto& s : out->sequences) expect_valid_clip(s, true);
}

TEST(Tools, SeedIsPickedAndReturnedWhenAbsent) {
  ENGINE_OR_SKIP();
  GenerateRequest r;
  r.variations = 1;
  auto a = engine->generate(r);
  ASSERT_TRUE(a.ok());
  r.seed = a->seed;
  auto b = engine->generate(r);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(a->sequences, b->sequences);
}

TEST(Tools, ContinueKeepsTheInputAndAddsBars) {
  ENGINE_OR_SKIP();
  ContinueRequest r;
  r.input = melody(2);
  r.input.notes.back().pitch = 30;  // below the RNN range: moved for the model only
  r.length = 3;
  r.variations = 2;
  r.seed = 3;
  auto out = engine->continue_clip(r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->sequences.size(), 2u);
  bool warned = false;
  for (const auto& w : out->warnings) warned |= w.find("moved by octaves") != std::string::npos;
  EXPECT_TRUE(warned);
  for (const auto& s : out->sequences) {
    expect_valid_clip(s, false);
    EXPECT_EQ(s.total_quantized_steps, 32 + 48);
    // The input comes back unchanged (pitch, velocity, seconds), then the continuation.
    size_t matched = 0;
    for (const auto& in : r.input.notes) {
      for (const auto& n : s.notes) {
        if (n.pitch == in.pitch && n.velocity == in.velocity && n.start_time == in.start_time &&
            n.end_time == in.end_time) {
          ++matched;
          break;
        }
      }
    }
    EXPECT_EQ(matched, r.input.notes.size());
    for (const auto& n : s.notes) {
      if (n.quantized_start_step >= 32) {
        EXPECT_GE(n.pitch, 48);
        EXPECT_LE(n.pitch, 83);
      }
    }
  }
  auto again = engine->continue_clip(r);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(out->sequences, again->sequences);
}

TEST(Tools, ContinueStartsOnTheClipsDeclaredEnd) {
  // A hit played just before the loop end quantizes onto it; the continuation must still
  // start on the clip's bar line (step 32), not a step later.
  ENGINE_OR_SKIP();
  ContinueRequest r;
  r.input = beat(2);
  r.input.notes.push_back(note(42, 3.97, 3.99, 70, true));
  r.length = 1;
  r.variations = 1;
  r.seed = 6;
  auto out = engine->continue_clip(r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->sequences[0].total_quantized_steps, 48);
  EXPECT_GE(out->sequences[0].notes.size(), r.input.notes.size());
}

TEST(Tools, ContinueInfersDrumsFromIsDrum) {
  ENGINE_OR_SKIP();
  ContinueRequest r;
  r.input = beat(1);
  r.length = 1;
  r.variations = 1;
  r.seed = 1;
  auto out = engine->continue_clip(r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->model, "drums_rnn");
  for (const auto& n : out->sequences[0].notes) EXPECT_TRUE(n.is_drum);
  expect_valid_clip(out->sequences[0], true, /*class_pitches=*/false);
}

TEST(Tools, ContinueRefusesAnEmptyClip) {
  ENGINE_OR_SKIP();
  ContinueRequest r;
  r.input.total_time = 2.0;
  r.kind = Kind::kMelody;
  auto out = engine->continue_clip(r);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::kUnprocessable);
  EXPECT_NE(out.error().message.find("no pitched notes"), std::string::npos);
}

TEST(Tools, InterpolateIncludesEndpointsInOneBatch) {
  ENGINE_OR_SKIP();
  InterpolateRequest r;
  r.a = melody(2);
  r.b = melody(2);
  for (auto& n : r.b.notes) n.pitch += 7;
  r.steps = 5;
  r.seed = 9;
  r.temperature = 0.0;
  auto out = engine->interpolate(r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->sequences.size(), 5u);
  EXPECT_EQ(out->model, "mel_2bar_vae");
  for (const auto& s : out->sequences) {
    expect_valid_clip(s, false);
    EXPECT_EQ(s.total_quantized_steps, 32);
  }
  // Temperature 0 is argmax: identical for any seed.
  r.seed = 10;
  auto again = engine->interpolate(r);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(out->sequences, again->sequences);
}

TEST(Tools, InterpolateExplainsMusicallyImpossibleInput) {
  ENGINE_OR_SKIP();
  InterpolateRequest r;
  r.a = melody(2);
  r.b = melody(4);
  for (auto& n : r.b.notes) {  // B's notes all after its first 2 bars
    n.start_time += 4.0;
    n.end_time += 4.0;
  }
  r.b.total_time = 12.0;
  auto out = engine->interpolate(r);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::kUnprocessable);
  EXPECT_NE(out.error().message.find("clip B has no notes in the first 2 bars"), std::string::npos)
      << out.error().message;

  r.b = melody(2);
  r.b.time_signatures.push_back({0.0, 3, 4});
  out = engine->interpolate(r);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::kUnprocessable);
  EXPECT_NE(out.error().message.find("3/4"), std::string::npos) << out.error().message;

  r.b = beat(2);
  out = engine->interpolate(r);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::kUnprocessable);  // melody vs drums
}

TEST(Tools, GrooveKeepsEveryHitAndMovesOnlyTimingAndVelocity) {
  ENGINE_OR_SKIP();
  GrooveRequest r;
  r.input = beat(5);  // 5 bars: three 2-bar windows
  r.seed = 4;
  auto out = engine->groove(r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->sequences.size(), 1u);
  const auto& s = out->sequences[0];
  expect_valid_clip(s, true, /*class_pitches=*/false);
  EXPECT_EQ(s.total_quantized_steps, 80);
  ASSERT_EQ(s.notes.size(), r.input.notes.size());
  const double step = 0.125;
  for (const auto& n : s.notes) {
    // Within half a step of its grid step.
    EXPECT_LE(std::abs(n.start_time - double(n.quantized_start_step) * step), step / 2 + 1e-9);
  }
  std::multiset<std::pair<int64_t, int>> in_hits, out_hits;
  for (const auto& n : s.notes) out_hits.insert({n.quantized_start_step, n.pitch});
  for (const auto& n : r.input.notes)
    in_hits.insert({int64_t(std::floor(n.start_time / step + 0.5)), n.pitch});
  EXPECT_EQ(in_hits, out_hits);
}

TEST(Tools, GrooveGivesEveryHitTheModelsFeel) {
  // Each hit is decoded with the clip's hits forced, so none is left at its quantized time and
  // input velocity (as happened when the model sampled no hit on that slot).
  ENGINE_OR_SKIP();
  GrooveRequest r;
  r.input = beat(2);
  r.seed = 9;
  auto out = engine->groove(r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  std::map<std::pair<int64_t, int>, int> given;  // (step, pitch) -> input velocity
  for (const auto& n : r.input.notes)
    given[{int64_t(std::floor(n.start_time / 0.125 + 0.5)), n.pitch}] = n.velocity;
  size_t untouched = 0;
  for (const auto& n : out->sequences[0].notes) {
    const bool on_grid = std::abs(n.start_time - double(n.quantized_start_step) * 0.125) < 1e-9;
    if (on_grid && n.velocity == given[{n.quantized_start_step, n.pitch}]) ++untouched;
  }
  EXPECT_EQ(untouched, 0u);
}

TEST(Tools, GrooveTemperatureVariesTheFeelAndZeroIsRepeatable) {
  ENGINE_OR_SKIP();
  GrooveRequest r;
  r.input = beat(2);
  r.temperature = 0.0;
  r.seed = 1;
  auto a = engine->groove(r);
  r.seed = 2;
  auto b = engine->groove(r);
  r.temperature = 1.0;
  auto c = engine->groove(r);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  const auto times = [](const ToolResponse& t) {
    std::vector<std::pair<double, int>> v;
    for (const auto& n : t.sequences[0].notes) v.push_back({n.start_time, n.velocity});
    return v;
  };
  EXPECT_EQ(times(*a), times(*b));  // T = 0: the clip's most likely feel, whatever the seed
  EXPECT_NE(times(*b), times(*c));
}

TEST(Tools, GrooveAmountZeroIsTheQuantizedInput) {
  ENGINE_OR_SKIP();
  GrooveRequest r;
  r.input = beat(2);
  r.amount = 0.0;
  r.seed = 4;
  auto out = engine->groove(r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  const auto& s = out->sequences[0];
  for (const auto& n : s.notes) {
    EXPECT_DOUBLE_EQ(n.start_time, double(n.quantized_start_step) * 0.125);
  }
  std::multiset<std::pair<int, int>> in_v, out_v;
  for (const auto& n : s.notes) out_v.insert({n.pitch, n.velocity});
  for (const auto& n : r.input.notes) in_v.insert({n.pitch, n.velocity});
  EXPECT_EQ(in_v, out_v);
}

TEST(Tools, GrooveReadsUnmarkedClipsAsGeneralMidiDrums) {
  ENGINE_OR_SKIP();
  GrooveRequest r;
  r.input = beat(1);
  for (auto& n : r.input.notes) n.is_drum = false;  // a drum clip on channel 1
  r.seed = 2;
  auto out = engine->groove(r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->warnings.size(), 1u);
  EXPECT_NE(out->warnings[0].find("read as General MIDI drums"), std::string::npos);
  EXPECT_EQ(out->sequences[0].notes.size(), r.input.notes.size());
}

TEST(Tools, GrooveRefusesClipsWithoutDrums) {
  ENGINE_OR_SKIP();
  GrooveRequest r;
  r.input = melody(1);
  for (auto& n : r.input.notes) n.pitch = 100;
  auto out = engine->groove(r);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::kUnprocessable);
  EXPECT_NE(out.error().message.find("Drumify"), std::string::npos);
}

TEST(Tools, DrumifyPlaysDrumsToAnyRhythm) {
  ENGINE_OR_SKIP();
  DrumifyRequest r;
  r.input = melody(3);
  r.variations = 3;
  r.seed = 8;
  auto out = engine->drumify(r);
  ASSERT_TRUE(out.ok()) << out.error().message;
  ASSERT_EQ(out->sequences.size(), 3u);
  EXPECT_EQ(out->model, "drumify_tap");
  for (const auto& s : out->sequences) {
    expect_valid_clip(s, true);
    EXPECT_EQ(s.total_quantized_steps, 48);
  }
  auto again = engine->drumify(r);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(out->sequences, again->sequences);
  r.seed = 9;
  auto other = engine->drumify(r);
  ASSERT_TRUE(other.ok());
  EXPECT_NE(out->sequences, other->sequences);
}

TEST(Tools, ConcurrentRequestsOnOneModelDoNotMix) {
  ENGINE_OR_SKIP();
  ContinueRequest r;
  r.input = melody(2);
  r.variations = 2;
  r.seed = 21;
  auto want = engine->continue_clip(r);
  ASSERT_TRUE(want.ok());
  std::vector<Result<ToolResponse>> got(4, make_error(ErrorKind::kInternal, "not run"));
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i) {
    threads.emplace_back([&, i] { got[i] = engine->run(r); });
  }
  for (auto& t : threads) t.join();
  for (const auto& g : got) {
    ASSERT_TRUE(g.ok()) << g.error().message;
    EXPECT_EQ(g->sequences, want->sequences);
  }
}

TEST(Tools, OtherMetersAreRefusedWithAReason) {
  ENGINE_OR_SKIP();
  DrumifyRequest r;
  r.input = melody(2);
  r.input.time_signatures.push_back({0.0, 7, 8});
  auto out = engine->drumify(r);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::kUnprocessable);
  EXPECT_NE(out.error().message.find("7/8"), std::string::npos);
}

}  // namespace
}  // namespace clipgen::engine

namespace clipgen::engine {
namespace {

// The same checks on the trained models in models/shipped, for every tool one of them serves.
TEST(ShippedTools, EveryServedToolGivesValidReproducibleClips) {
  const std::string dir = CLIPGEN_SHIPPED_MODELS_DIR;
  if (!testing::has_models(dir)) GTEST_SKIP() << "no shipped models in " << dir << " yet";
  EngineOptions o;
  o.models_dir = dir;
  o.device = "cpu";
  auto opened = Engine::open(o);
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  const Engine& engine = *opened.value();
  auto serves = [&](const std::string& tool, const std::string& converter) {
    for (const auto& m : engine.models()) {
      if (m.status == "ready" && m.converter == converter &&
          std::find(m.tools.begin(), m.tools.end(), tool) != m.tools.end()) {
        return true;
      }
    }
    return false;
  };
  std::vector<std::pair<ToolRequest, bool>> requests;  // request, drums out
  for (Kind kind : {Kind::kMelody, Kind::kDrums}) {
    const std::string conv(kind_name(kind));
    if (serves("generate", conv))
      requests.push_back({GenerateRequest{kind, 2, 1.0, 1}, kind == Kind::kDrums});
    if (serves("continue", conv)) {
      ContinueRequest r;
      r.input = kind == Kind::kDrums ? beat(2) : melody(2);
      r.variations = 2;
      r.seed = 1;
      requests.push_back({r, kind == Kind::kDrums});
    }
    if (serves("interpolate", conv)) {
      InterpolateRequest r;
      r.a = kind == Kind::kDrums ? beat(4) : melody(4);
      r.b = r.a;
      for (auto& n : r.b.notes)
        n.pitch = kind == Kind::kDrums ? (n.pitch == 42 ? 51 : n.pitch) : n.pitch + 5;
      r.seed = 1;
      requests.push_back({r, kind == Kind::kDrums});
    }
  }
  if (serves("groove", "groove")) {
    GrooveRequest r;
    r.input = beat(3);
    r.seed = 1;
    requests.push_back({r, true});
  }
  if (serves("drumify", "groove")) {
    DrumifyRequest r;
    r.input = melody(3);
    r.variations = 2;
    r.seed = 1;
    requests.push_back({r, true});
  }
  ASSERT_FALSE(requests.empty()) << "the shipped models serve no tool";
  for (const auto& [request, drums] : requests) {
    const std::string tool(tool_name(tool_of(request)));
    auto a = engine.run(request);
    ASSERT_TRUE(a.ok()) << tool << ": " << a.error().message;
    ASSERT_FALSE(a->sequences.empty()) << tool;
    const bool class_pitches = tool != "groove" && tool != "continue";
    for (const auto& s : a->sequences) expect_valid_clip(s, drums, class_pitches);
    auto b = engine.run(request);
    ASSERT_TRUE(b.ok()) << tool;
    EXPECT_EQ(a->sequences, b->sequences) << tool << ": same seed, same clips";
  }
}

}  // namespace
}  // namespace clipgen::engine
