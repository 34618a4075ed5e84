// Parity with magenta.js: the random-weight magenta.js checkpoints of tests/data/parity/,
// imported by the model engineer's importer (fixture), run through the C++ engine's model
// calls and converters; |mu - magenta.js mu| < 1e-4 and identical decoded sequences.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "clipgen/engine/converters.h"
#include "model.h"
#include "model_test_util.h"

namespace clipgen::engine::detail {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Case {
  std::string name;
  json ref;
  std::unique_ptr<Model> model;
};

std::vector<std::string> case_names() {
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(CLIPGEN_PARITY_DIR, ec), end; !ec && it != end; it.increment(ec)) {
    if (fs::exists(it->path() / "reference.json")) out.push_back(it->path().filename().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Loads the imported .pt and the reference; skips (empty model) when either is missing.
Case load_case(const std::string& name) {
  Case c;
  c.name = name;
  std::ifstream in(std::string(CLIPGEN_PARITY_DIR) + "/" + name + "/reference.json");
  c.ref = json::parse(in);
  const std::string pt = testing::fixture_dir() + "/parity/" + name + ".pt";
  if (fs::exists(pt)) c.model = Model::load(pt, "cpu", true);
  return c;
}

std::vector<GridNote> notes_of(const json& ns) {
  std::vector<GridNote> out;
  for (const auto& n : ns.value("notes", json::array())) {
    GridNote g;
    g.pitch = n.at("pitch");
    g.velocity = n.value("velocity", 0);
    g.startStep = n.value("quantizedStartStep", int64_t{0});
    g.endStep = n.value("quantizedEndStep", int64_t{0});
    g.isDrum = n.value("isDrum", false);
    out.push_back(g);
  }
  return out;
}

void expect_same_notes(const std::vector<GridNote>& got, const json& ns, const std::string& what) {
  const json& want = ns.at("notes");
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].pitch, want[i].at("pitch").get<int>()) << what << " note " << i;
    EXPECT_EQ(got[i].startStep, want[i].value("quantizedStartStep", int64_t{0}))
        << what << " " << i;
    EXPECT_EQ(got[i].endStep, want[i].value("quantizedEndStep", int64_t{0})) << what << " " << i;
  }
}

std::vector<int64_t> encode_with_converter(const Model& m, const json& ns, int64_t steps) {
  const auto& c = m.meta().converter;
  if (c.type == "melody") {
    return MelodyConverter(c.min_pitch, c.max_pitch, c.steps_per_quarter)
        .to_classes(notes_of(ns), steps, nullptr);
  }
  return DrumsConverter(c.drum_pitch_classes, c.steps_per_quarter)
      .to_classes(notes_of(ns), steps, nullptr);
}

std::vector<GridNote> decode_with_converter(const Model& m, const std::vector<int64_t>& classes) {
  const auto& c = m.meta().converter;
  if (c.type == "melody") {
    return MelodyConverter(c.min_pitch, c.max_pitch, c.steps_per_quarter).to_notes(classes);
  }
  return DrumsConverter(c.drum_pitch_classes, c.steps_per_quarter).to_notes(classes);
}

class Parity : public ::testing::TestWithParam<std::string> {};

TEST_P(Parity, MatchesMagentaJs) {
  Case c = load_case(GetParam());
  if (!c.model) GTEST_SKIP() << "no imported model for " << c.name << " (fixture not run)";
  ASSERT_TRUE(c.model->ready()) << c.model->info().reason;
  const Model& m = *c.model;
  const json& ref = c.ref;
  if (ref.at("type") == "MusicRNN") {
    const int steps = ref.at("steps");
    int checked = 0;
    for (const auto& p : ref.at("primers")) {
      const auto want_primer = p.at("classes").get<std::vector<int64_t>>();
      if (p.contains("noteSequence")) {
        EXPECT_EQ(encode_with_converter(m, p["noteSequence"], int64_t(want_primer.size())),
                  want_primer)
            << c.name << ": primer classes from the NoteSequence";
      }
      const FloatRows u{std::vector<float>(size_t(steps), 0.5f)};
      Result<ClassRows> out = make_error(ErrorKind::kInternal, "not run");
      if (p.contains("controls")) {  // chord-conditioned: [P + steps][K] per primer
        std::vector<float> flat;
        for (const auto& row : p["controls"]) {
          for (const auto& v : row) flat.push_back(v.get<float>());
        }
        out = m.generate_with_controls(ClassRows{want_primer}, FloatRows{flat}, steps, 0.0, u);
      } else {
        out = m.generate(ClassRows{want_primer}, steps, 0.0, u);
      }
      ASSERT_TRUE(out.ok()) << out.error().message;
      EXPECT_EQ(out.value()[0], p.at("continuation").get<std::vector<int64_t>>()) << c.name;
      if (p.contains("continuationNoteSequence")) {
        expect_same_notes(decode_with_converter(m, out.value()[0]), p["continuationNoteSequence"],
                          c.name + " continuation");
      }
      ++checked;
    }
    EXPECT_GT(checked, 0);
    return;
  }
  // MusicVAE / GrooVAE
  const bool groove = m.meta().kind == "groovae";
  const int64_t steps = m.meta().converter.num_steps;
  Result<Posterior> post = make_error(ErrorKind::kInternal, "not run");
  if (groove) {
    FloatRows x;
    for (const auto& in : ref.at("inputs")) {
      std::vector<float> row;
      for (const auto& step : in.at("tensor")) {
        for (const auto& v : step) row.push_back(v.get<float>());
      }
      x.push_back(row);
    }
    post = m.encode_groove(x);
  } else {
    ClassRows x;
    for (const auto& in : ref.at("inputs")) {
      x.push_back(in.at("classes").get<std::vector<int64_t>>());
      if (in.contains("noteSequence")) {
        EXPECT_EQ(encode_with_converter(m, in["noteSequence"], steps), x.back())
            << c.name << ": input classes from the NoteSequence";
      }
    }
    post = m.encode_classes(x);
  }
  ASSERT_TRUE(post.ok()) << post.error().message;
  const auto want_mu = ref.at("mu").get<std::vector<std::vector<float>>>();
  ASSERT_EQ(post->mu.size(), want_mu.size());
  double worst = 0;
  for (size_t b = 0; b < want_mu.size(); ++b) {
    ASSERT_EQ(post->mu[b].size(), want_mu[b].size());
    for (size_t i = 0; i < want_mu[b].size(); ++i) {
      worst = std::max(worst, double(std::abs(post->mu[b][i] - want_mu[b][i])));
    }
  }
  EXPECT_LT(worst, 1e-4) << c.name << ": max |mu - magenta.js mu|";
  RecordProperty("max_abs_dz", std::to_string(worst));

  const auto z = ref.at("z").get<FloatRows>();
  if (groove) {
    auto out =
        m.decode_groove(z, 0.0, FloatRows(z.size(), std::vector<float>(size_t(steps) * 9, 0.5f)));
    ASSERT_TRUE(out.ok()) << out.error().message;
    const json& want = ref.at("decoded");
    for (size_t b = 0; b < z.size(); ++b) {
      for (int64_t t = 0; t < steps; ++t) {
        for (int k = 0; k < kGrooveDepth; ++k) {
          const float got = out.value()[b][size_t(t) * kGrooveDepth + size_t(k)];
          const float w = want[b][size_t(t)][size_t(k)].get<float>();
          if (k < kNumDrumClasses) {
            EXPECT_EQ(got, w) << c.name << " hit b" << b << " t" << t << " k" << k;
          } else {
            EXPECT_NEAR(got, w, 1e-4) << c.name << " b" << b << " t" << t << " k" << k;
          }
        }
      }
    }
    return;
  }
  auto out = m.decode_classes(z, 0.0, FloatRows(z.size(), std::vector<float>(size_t(steps), 0.5f)));
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out.value(), ref.at("decoded").get<ClassRows>()) << c.name;
  if (ref.contains("decodedNoteSequences")) {
    for (size_t b = 0; b < out.value().size(); ++b) {
      expect_same_notes(decode_with_converter(m, out.value()[b]), ref["decodedNoteSequences"][b],
                        c.name + " decoded " + std::to_string(b));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(MagentaJs, Parity, ::testing::ValuesIn(case_names()),
                         [](const auto& tp) { return tp.param; });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Parity);

}  // namespace
}  // namespace clipgen::engine::detail
