// Continue: prime the RNN with the clip, sample `length` bars more, return the clip unchanged
// followed by each continuation.
#include <algorithm>
#include <cmath>

#include "../clip.h"
#include "../engine_impl.h"
#include "../sampling.h"

namespace clipgen::engine::detail {
namespace {
constexpr int64_t kMaxPrimerBars = 32;  // longer clips prime with their last 32 bars
}

Result<ToolResponse> run_continue(const Engine::Impl& e, const ContinueRequest& r,
                                  const ProgressFn& progress) {
  ToolResponse out;
  const Kind kind = r.kind ? *r.kind : infer_kind(r.input, out.warnings);
  const std::string conv = kind == Kind::kDrums ? "drums" : "melody";
  auto found = e.find(Tool::kContinue, conv);
  if (!found) return found.error();
  const Model& m = *found.value();
  const ModelMeta& meta = m.meta();
  if (meta.kind != "musicrnn") {
    return make_error(ErrorKind::kUnavailable,
                      "model " + meta.id + " cannot continue (not an RNN)");
  }
  const int spq = meta.converter.steps_per_quarter;
  auto prepared = prepare_clip(r.input, spq, "the clip");
  if (!prepared) return prepared.error();
  Clip& clip = prepared.value();
  std::vector<GridNote> notes =
      only_kind(clip.notes, kind, r.kind.has_value(), clip.label, out.warnings);
  if (notes.empty()) {
    return make_error(ErrorKind::kUnprocessable,
                      kind == Kind::kDrums
                          ? "the clip has no drum notes to continue from; add a few hits or ask "
                            "for kind \"melody\""
                          : "the clip has no pitched notes to continue from; add a few notes or "
                            "ask for kind \"drums\"");
  }
  if (clip.steps_per_bar != std::floor(clip.steps_per_bar)) {
    return make_error(ErrorKind::kUnprocessable,
                      "a bar of " + std::to_string(clip.numerator) + "/" +
                          std::to_string(clip.denominator) +
                          " does not fit the model's grid of 16th notes; use a meter whose bar "
                          "is a whole number of 16ths");
  }
  const auto bar = static_cast<int64_t>(clip.steps_per_bar);
  const int64_t cont_steps = static_cast<int64_t>(r.length) * bar;

  // The continuation starts where the clip declares its end, so it stays on the clip's bars;
  // a note played just before that end (quantized onto it) stays in the clip but not in the
  // primer. Without a usable declared length, after the last note.
  int64_t max_start = 0;
  for (const auto& n : notes) max_start = std::max(max_start, n.startStep);
  const int64_t end = clip.declared_steps > 0 && max_start <= clip.declared_steps
                          ? clip.declared_steps
                          : clip.total_steps;

  // The primer: the whole clip, or its last kMaxPrimerBars bars.
  int64_t primer_start = 0;
  if (end > kMaxPrimerBars * bar) {
    primer_start = end - kMaxPrimerBars * bar;
    out.warnings.push_back("the clip is " + bars_text(end, clip.steps_per_bar) +
                           " long; the continuation follows its last " +
                           std::to_string(kMaxPrimerBars) + " bars");
  }
  std::vector<GridNote> primer_notes;
  for (GridNote n : notes) {
    if (n.startStep < primer_start || n.startStep >= end) continue;
    n.startStep -= primer_start;
    n.endStep -= primer_start;
    primer_notes.push_back(n);
  }
  const int64_t primer_len = std::max<int64_t>(end - primer_start, 1);
  std::vector<int64_t> primer;
  int velocity_sum = 0;
  for (const auto& n : notes) velocity_sum += n.velocity;
  const int velocity = std::clamp(
      static_cast<int>(std::lround(double(velocity_sum) / double(notes.size()))), 1, 127);
  std::unique_ptr<MelodyConverter> melody;
  std::unique_ptr<DrumsConverter> drums;
  if (kind == Kind::kMelody) {
    melody =
        std::make_unique<MelodyConverter>(meta.converter.min_pitch, meta.converter.max_pitch, spq);
    int dropped = 0;
    primer_notes = top_line(primer_notes, &dropped);
    if (dropped > 0) {
      out.warnings.push_back("the clip is polyphonic; the model continued its top line (" +
                             plural(dropped, "lower note", "lower notes") + " left out)");
    }
    MelodyReport rep;
    primer = melody->to_classes(primer_notes, primer_len, &rep);
    if (rep.octaveShifted > 0) {
      out.warnings.push_back(plural(rep.octaveShifted, "note was", "notes were") +
                             " outside the model's range (MIDI " +
                             std::to_string(meta.converter.min_pitch) + "-" +
                             std::to_string(meta.converter.max_pitch) +
                             ") and moved by octaves for the model; the clip itself is unchanged");
    }
  } else {
    drums = std::make_unique<DrumsConverter>(meta.converter.drum_pitch_classes, spq);
    DrumsReport rep;
    primer = drums->to_classes(primer_notes, primer_len, &rep);
    if (rep.unknownPitches > 0) {
      out.warnings.push_back(
          plural(rep.unknownPitches, "drum note has a pitch", "drum notes have pitches") +
          " outside the General MIDI kit the model knows; left out of the primer");
    }
  }

  out.seed = r.seed ? *r.seed : pick_seed();
  out.model = meta.id;
  Rng rng(out.seed);
  const auto n = static_cast<size_t>(r.variations);
  auto u = rng.uniforms(n, static_cast<size_t>(cont_steps));
  report(progress, 0, 1, "continuing for " + plural(r.length, "bar", "bars"));
  auto gen = m.generate(ClassRows(n, primer), static_cast<int>(cont_steps), r.temperature, u);
  if (!gen) return gen.error();

  const double step_length = 60.0 / clip.qpm / spq;
  std::vector<GridNote> original = clip.notes;  // every input note, unchanged
  const bool as_drums = kind == Kind::kDrums;
  if (std::none_of(original.begin(), original.end(),
                   [as_drums](const GridNote& g) { return g.isDrum == as_drums; })) {
    for (auto& g : original) g.isDrum = as_drums;  // read as the named kind: return it so too
  }
  for (auto& g : original) {
    if (!g.hasTime) {
      g.startTime = double(g.startStep) * step_length;
      g.endTime = double(g.endStep) * step_length;
    }
  }
  for (const auto& row : gen.value()) {
    std::vector<GridNote> all = original;
    std::vector<GridNote> cont = melody ? melody->to_notes(row) : drums->to_notes(row);
    for (GridNote g : cont) {
      g.startStep += end;
      g.endStep += end;
      g.startTime = double(g.startStep) * step_length;
      g.endTime = double(g.endStep) * step_length;
      g.velocity = velocity;
      all.push_back(g);
    }
    out.sequences.push_back(make_sequence(all, true, end + cont_steps, spq, clip.qpm,
                                          clip.numerator, clip.denominator));
  }
  report(progress, 1, 1, "done");
  return out;
}

}  // namespace clipgen::engine::detail
