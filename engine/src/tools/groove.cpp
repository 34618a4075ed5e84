// Groove: keep every hit, take timing and velocity from GrooVAE, 2 bars at a time; `amount`
// blends between the quantized input and the model's groove.
#include <algorithm>
#include <cmath>

#include "../clip.h"
#include "../engine_impl.h"
#include "../sampling.h"
#include "windows.h"

namespace clipgen::engine::detail {

Result<ToolResponse> run_groove(const Engine::Impl& e, const GrooveRequest& r,
                                const ProgressFn& progress) {
  auto found = e.find(Tool::kGroove, "groove");
  if (!found) return found.error();
  const Model& m = *found.value();
  const ModelMeta& meta = m.meta();
  const int spq = meta.converter.steps_per_quarter;
  const int64_t window = meta.converter.num_steps;
  auto prepared = prepare_clip(r.input, spq, "the clip");
  if (!prepared) return prepared.error();
  const Clip& clip = prepared.value();
  if (Status s = require_four_four(clip, "Groove"); !s) return s.error();
  if (Status s = check_window_count(clip, window, "Groove"); !s) return s.error();

  ToolResponse out;
  const GrooveConverter conv(meta.converter.drum_pitch_classes, groove_mode(meta.converter), spq);
  const auto classes = drum_pitch_to_class(meta.converter.drum_pitch_classes);
  std::vector<GridNote> hits;
  int unknown = 0;
  for (const auto& n : clip.notes) {
    if (classes[static_cast<size_t>(n.pitch)] >= 0) {
      hits.push_back(n);
    } else {
      ++unknown;
    }
  }
  if (hits.empty()) {
    return make_error(ErrorKind::kUnprocessable,
                      "the clip has no drum hits Groove knows (General MIDI drums such as 36 "
                      "kick, 38 snare, 42 closed hi-hat); for a bass line or melody use Drumify");
  }
  if (std::none_of(hits.begin(), hits.end(), [](const GridNote& n) { return n.isDrum; })) {
    out.warnings.push_back(
        "no note is marked as a drum (MIDI channel 10); the pitches were read as General MIDI "
        "drums");
  }
  if (unknown > 0) {
    out.warnings.push_back(plural(unknown, "note has a pitch", "notes have pitches") +
                           " outside the General MIDI drum kit; left as they were");
  }
  const double step_length = 60.0 / clip.qpm / spq;
  const auto windows = split_windows(hits, clip.total_steps, window, step_length);
  FloatRows x;
  for (const auto& w : windows) x.push_back(conv.to_tensor(w, window, clip.qpm, nullptr));

  report(progress, 0, 2,
         "reading the groove of " + plural(int64_t(windows.size()), "window", "windows"));
  auto post = m.encode_groove(x);
  if (!post) return post.error();
  out.seed = r.seed ? *r.seed : pick_seed();
  out.model = meta.id;
  Rng rng(out.seed);
  // Temperature is how far from the clip's most likely feel to wander: z ~ N(mu, (T sigma)^2).
  const auto eps = rng.normals(windows.size(), static_cast<size_t>(meta.z_size));
  FloatRows z = post->mu;
  for (size_t w = 0; w < z.size(); ++w) {
    for (size_t k = 0; k < z[w].size(); ++k) {
      z[w][k] += static_cast<float>(r.temperature) * post->sigma[w][k] * eps[w][k];
    }
  }
  // The decoder plays exactly the clip's hits: a uniform of -1 forces a hit (sigmoid > -1) and
  // 2 forbids one, so every velocity and offset is read with the true hits fed back.
  FloatRows u(windows.size(),
              std::vector<float>(static_cast<size_t>(window) * kNumDrumClasses, 2.0f));
  for (const auto& n : hits) {
    const auto w = static_cast<size_t>(n.startStep / window);
    const auto slot = static_cast<size_t>(n.startStep % window) * kNumDrumClasses +
                      static_cast<size_t>(classes[static_cast<size_t>(n.pitch)]);
    if (w < u.size()) u[w][slot] = -1.0f;
  }
  report(progress, 1, 2, "playing it back with feel");
  auto y = m.decode_groove(z, 1.0, u);
  if (!y) return y.error();

  std::vector<GridNote> result;
  result.reserve(clip.notes.size());
  for (const auto& n : clip.notes) {
    GridNote& g = result.emplace_back(n);  // fields stored in place (see split_windows)
    const double duration = n.hasTime ? std::max(n.endTime - n.startTime, 1e-3)
                                      : double(n.endStep - n.startStep) * step_length;
    const double grid = double(n.startStep) * step_length;
    const int c = classes[static_cast<size_t>(n.pitch)];
    if (c >= 0) {
      // Every hit was forced above, so its slot always holds the model's velocity and offset.
      const auto& row = y.value()[static_cast<size_t>(n.startStep / window)];
      const size_t base = static_cast<size_t>(n.startStep % window) * kGrooveDepth;
      const int velocity = static_cast<int>(std::clamp(
          std::floor(double(row[base + kNumDrumClasses + size_t(c)]) * 127.0 + 0.5), 1.0, 127.0));
      // In steps, positive = early (magenta sign).
      const double offset =
          std::clamp(double(row[base + 2 * kNumDrumClasses + size_t(c)]) / 2.0, -0.5, 0.5);
      g.velocity =
          static_cast<int>(std::lround((1.0 - r.amount) * n.velocity + r.amount * velocity));
      g.startTime = std::max(grid - r.amount * offset * step_length, 0.0);
    } else {
      g.startTime = n.hasTime ? n.startTime : grid;
    }
    g.endTime = g.startTime + duration;
  }
  out.sequences.push_back(make_sequence(result, true, clip.total_steps, spq, clip.qpm,
                                        clip.numerator, clip.denominator));
  report(progress, 2, 2, "done");
  return out;
}

}  // namespace clipgen::engine::detail
