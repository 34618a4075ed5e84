// Generate: sample z ~ N(0, I) for each variation and decode them as one batch.
#include "../clip.h"
#include "../engine_impl.h"
#include "../sampling.h"

namespace clipgen::engine::detail {

Result<ToolResponse> run_generate(const Engine::Impl& e, const GenerateRequest& r,
                                  const ProgressFn& progress) {
  const std::string conv = r.kind == Kind::kDrums ? "drums" : "melody";
  auto found = e.find(Tool::kGenerate, conv);
  if (!found) return found.error();
  const Model& m = *found.value();
  const ModelMeta& meta = m.meta();
  if (!meta.is_vae()) {
    return make_error(ErrorKind::kUnavailable, "model " + meta.id + " cannot generate (not a VAE)");
  }
  ToolResponse out;
  out.seed = r.seed ? *r.seed : pick_seed();
  out.model = meta.id;
  Rng rng(out.seed);
  const auto n = static_cast<size_t>(r.variations);
  const auto steps = static_cast<size_t>(meta.converter.num_steps);
  // Fixed draw order: all z first, then all uniforms.
  auto z = rng.normals(n, static_cast<size_t>(meta.z_size));
  auto u = rng.uniforms(n, steps);
  report(progress, 0, 1, "decoding " + plural(r.variations, "clip", "clips"));
  auto classes = m.decode_classes(z, r.temperature, u);
  if (!classes) return classes.error();
  const int spq = meta.converter.steps_per_quarter;
  for (const auto& row : classes.value()) {
    std::vector<GridNote> notes;
    if (r.kind == Kind::kDrums) {
      notes = DrumsConverter(meta.converter.drum_pitch_classes, spq).to_notes(row);
    } else {
      notes =
          MelodyConverter(meta.converter.min_pitch, meta.converter.max_pitch, spq).to_notes(row);
    }
    out.sequences.push_back(
        make_sequence(notes, false, static_cast<int64_t>(steps), spq, protocol::kDefaultQpm));
  }
  report(progress, 1, 1, "done");
  return out;
}

}  // namespace clipgen::engine::detail
