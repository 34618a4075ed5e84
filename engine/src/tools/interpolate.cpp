// Interpolate: encode both clips (z = mu), slerp between them, decode every step as one batch.
// The first and last clips are the model's reconstructions of A and B.
#include <cmath>

#include "../clip.h"
#include "../engine_impl.h"
#include "../sampling.h"

namespace clipgen::engine::detail {

Result<ToolResponse> run_interpolate(const Engine::Impl& e, const InterpolateRequest& r,
                                     const ProgressFn& progress) {
  ToolResponse out;
  Kind kind;
  if (r.kind) {
    kind = *r.kind;
  } else {
    std::vector<std::string> ignored;
    const Kind ka = infer_kind(r.a, out.warnings);
    const Kind kb = infer_kind(r.b, ignored);
    if (ka != kb) {
      return make_error(
          ErrorKind::kUnprocessable,
          "clip A is " + std::string(ka == Kind::kDrums ? "a drum clip" : "a melody") +
              " and clip B is " + std::string(kb == Kind::kDrums ? "a drum clip" : "a melody") +
              "; Interpolate needs two clips of the same kind");
    }
    kind = ka;
  }
  const std::string conv = kind == Kind::kDrums ? "drums" : "melody";
  auto found = e.find(Tool::kInterpolate, conv);
  if (!found) return found.error();
  const Model& m = *found.value();
  const ModelMeta& meta = m.meta();
  if (!meta.is_vae()) {
    return make_error(ErrorKind::kUnavailable, "model " + meta.id + " cannot interpolate");
  }
  const int spq = meta.converter.steps_per_quarter;
  const int64_t steps = meta.converter.num_steps;
  const std::string bars = plural(meta.bars > 0 ? meta.bars : steps / (4 * spq), "bar", "bars");

  ClassRows inputs;
  double qpm = protocol::kDefaultQpm;
  int64_t velocity_sum = 0, velocity_count = 0;
  for (const auto* which : {&r.a, &r.b}) {
    const std::string label = which == &r.a ? "clip A" : "clip B";
    auto prepared = prepare_clip(*which, spq, label);
    if (!prepared) return prepared.error();
    const Clip& clip = prepared.value();
    if (Status s = require_four_four(clip, "Interpolate"); !s) return s.error();
    if (which == &r.a) qpm = clip.qpm;
    std::vector<GridNote> notes;
    int past = 0;
    for (const auto& n : only_kind(clip.notes, kind, r.kind.has_value(), label, out.warnings)) {
      if (n.startStep < steps) {
        notes.push_back(n);
        velocity_sum += n.velocity;
        ++velocity_count;
      } else {
        ++past;
      }
    }
    if (notes.empty()) {
      return make_error(ErrorKind::kUnprocessable,
                        label + " has no " + (kind == Kind::kDrums ? "drum hits" : "notes") +
                            " in the first " + bars + "; Interpolate reads the first " + bars +
                            " of each clip");
    }
    if (clip.total_steps < steps) {
      notes = loop_to_fill(notes, clip.total_steps, clip.steps_per_bar, steps);
      out.warnings.push_back(label + " is " + bars_text(clip.total_steps, clip.steps_per_bar) +
                             " long; it was looped to fill the model's " + bars);
    }
    if (past > 0) {
      out.warnings.push_back("only the first " + bars + " of " + label + " were used (" +
                             plural(past, "later note", "later notes") + " left out)");
    }
    if (kind == Kind::kMelody) {
      int dropped = 0;
      notes = top_line(notes, &dropped);
      if (dropped > 0) {
        out.warnings.push_back(label + " is polyphonic; its top line was used (" +
                               plural(dropped, "lower note", "lower notes") + " left out)");
      }
      MelodyReport rep;
      inputs.push_back(MelodyConverter(meta.converter.min_pitch, meta.converter.max_pitch, spq)
                           .to_classes(notes, steps, &rep));
      if (rep.octaveShifted > 0) {
        out.warnings.push_back(plural(rep.octaveShifted, "note", "notes") + " of " + label +
                               " moved by octaves into the model's range (MIDI " +
                               std::to_string(meta.converter.min_pitch) + "-" +
                               std::to_string(meta.converter.max_pitch) + ")");
      }
    } else {
      DrumsReport rep;
      inputs.push_back(
          DrumsConverter(meta.converter.drum_pitch_classes, spq).to_classes(notes, steps, &rep));
      if (rep.unknownPitches > 0) {
        out.warnings.push_back(plural(rep.unknownPitches, "drum note", "drum notes") + " of " +
                               label + " are outside the General MIDI kit and were left out");
      }
    }
  }

  report(progress, 0, 2, "encoding clips A and B");
  auto post = m.encode_classes(inputs);
  if (!post) return post.error();
  const auto& mu = post->mu;
  std::vector<std::vector<float>> zs;
  for (int i = 0; i < r.steps; ++i) {
    const double t = r.steps == 1 ? 0.5 : double(i) / double(r.steps - 1);
    zs.push_back(slerp(mu[0], mu[1], t));
  }
  out.seed = r.seed ? *r.seed : pick_seed();
  out.model = meta.id;
  Rng rng(out.seed);
  auto u = rng.uniforms(zs.size(), static_cast<size_t>(steps));
  report(progress, 1, 2, "decoding " + plural(r.steps, "clip", "clips"));
  auto classes = m.decode_classes(zs, r.temperature, u);
  if (!classes) return classes.error();
  const int velocity =
      std::clamp(static_cast<int>(std::lround(double(velocity_sum) /
                                              double(std::max<int64_t>(velocity_count, 1)))),
                 1, 127);
  for (const auto& row : classes.value()) {
    std::vector<GridNote> notes =
        kind == Kind::kDrums
            ? DrumsConverter(meta.converter.drum_pitch_classes, spq).to_notes(row)
            : MelodyConverter(meta.converter.min_pitch, meta.converter.max_pitch, spq)
                  .to_notes(row);
    for (auto& n : notes) n.velocity = velocity;
    out.sequences.push_back(make_sequence(notes, false, steps, spq, qpm));
  }
  report(progress, 2, 2, "done");
  return out;
}

}  // namespace clipgen::engine::detail
