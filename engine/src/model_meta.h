// clipgen.json (docs/models.md) as a struct, parsed without LibTorch so it is unit-tested.
#pragma once

#include <string>
#include <vector>

#include "clipgen/engine/converters.h"
#include "clipgen/error.h"

namespace clipgen::engine::detail {

struct ConverterSpec {
  std::string type;  // "melody" | "drums" | "groove"
  int min_pitch = 21;
  int max_pitch = 108;
  int num_steps = 0;  // 0 for RNNs (any length)
  int steps_per_quarter = 4;
  int num_segments = 1;
  DrumPitchClasses drum_pitch_classes;
  bool humanize = false;
  bool tapify = false;
};

struct ModelMeta {
  int format_version = 1;
  std::string id;
  std::string kind;  // "musicvae" | "groovae" | "musicrnn"
  std::vector<std::string> tools;
  ConverterSpec converter;
  int z_size = 0;
  int controls_depth = 0;  // > 0: chord-conditioned RNN (generate_with_controls)
  int bars = 0;
  int steps_per_quarter = 4;
  std::string source;
  std::string created_by;

  bool is_vae() const { return kind == "musicvae" || kind == "groovae"; }
  bool serves(const std::string& tool) const;
};

// kInvalidRequest-free: every problem is kInternal with "clipgen.json: ..." (a broken model
// file, not a bad request); the loader turns it into the model's reason.
Result<ModelMeta> parse_model_meta(const std::string& json_text);

}  // namespace clipgen::engine::detail
