// Drumify: reduce any clip to its rhythm (tapify), let the GrooVAE tap model play drums to it,
// 2 bars at a time. Variation 1 decodes z = mu; others sample z ~ N(mu, sigma).
#include <cmath>

#include "../clip.h"
#include "../engine_impl.h"
#include "../sampling.h"
#include "windows.h"

namespace clipgen::engine::detail {

Result<ToolResponse> run_drumify(const Engine::Impl& e, const DrumifyRequest& r,
                                 const ProgressFn& progress) {
  auto found = e.find(Tool::kDrumify, "groove");
  if (!found) return found.error();
  const Model& m = *found.value();
  const ModelMeta& meta = m.meta();
  const int spq = meta.converter.steps_per_quarter;
  const int64_t window = meta.converter.num_steps;
  auto prepared = prepare_clip(r.input, spq, "the clip");
  if (!prepared) return prepared.error();
  const Clip& clip = prepared.value();
  if (clip.notes.empty()) {
    return make_error(ErrorKind::kUnprocessable,
                      "the clip has no notes; Drumify plays drums to the rhythm of a clip, so "
                      "give it a bass line, a melody or a few taps");
  }
  if (Status s = require_four_four(clip, "Drumify"); !s) return s.error();
  if (Status s = check_window_count(clip, window, "Drumify"); !s) return s.error();

  ToolResponse out;
  const GrooveMode mode = groove_mode(meta.converter);
  const GrooveConverter conv(meta.converter.drum_pitch_classes, mode, spq);
  const double step_length = 60.0 / clip.qpm / spq;
  const auto windows = split_windows(clip.notes, clip.total_steps, window, step_length);
  FloatRows x;
  for (const auto& w : windows) x.push_back(conv.to_tensor(w, window, clip.qpm, nullptr));

  report(progress, 0, 2, "reading the rhythm");
  auto post = m.encode_groove(x);
  if (!post) return post.error();
  out.seed = r.seed ? *r.seed : pick_seed();
  out.model = meta.id;
  Rng rng(out.seed);
  const size_t nw = windows.size();
  const auto nv = static_cast<size_t>(r.variations);
  auto eps = rng.normals(nv * nw, static_cast<size_t>(meta.z_size));
  auto u = rng.uniforms(nv * nw, static_cast<size_t>(window) * kNumDrumClasses);
  FloatRows z;
  for (size_t v = 0; v < nv; ++v) {
    for (size_t w = 0; w < nw; ++w) {
      std::vector<float> zi = post->mu[w];
      if (v > 0) {
        for (size_t k = 0; k < zi.size(); ++k) zi[k] += post->sigma[w][k] * eps[v * nw + w][k];
      }
      z.push_back(std::move(zi));
    }
  }
  report(progress, 1, 2, "drumming " + plural(r.variations, "variation", "variations"));
  auto y = m.decode_groove(z, r.temperature, u);
  if (!y) return y.error();
  for (size_t v = 0; v < nv; ++v) {
    std::vector<GridNote> notes;
    for (size_t w = 0; w < nw; ++w) {
      const auto offset = static_cast<int64_t>(w) * window;
      // Shifted where to_notes wrote them: a copy of each note on the stack, shifted and pushed,
      // stalled on every note (its 16-byte loads straddled the copy's stores), ~9 % of a
      // 4-bar Drumify on a small model.
      std::vector<GridNote> part = conv.to_notes(y.value()[v * nw + w], window, clip.qpm);
      for (GridNote& g : part) {
        g.startStep += offset;
        g.endStep += offset;
        g.startTime += double(offset) * step_length;
        g.endTime += double(offset) * step_length;
      }
      notes.insert(notes.end(), part.begin(), part.end());
    }
    out.sequences.push_back(make_sequence(notes, true, clip.total_steps, spq, clip.qpm,
                                          clip.numerator, clip.denominator));
  }
  report(progress, 2, 2, "done");
  return out;
}

}  // namespace clipgen::engine::detail
