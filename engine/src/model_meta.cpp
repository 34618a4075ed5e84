#include "model_meta.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace clipgen::engine::detail {
namespace {

using nlohmann::json;

Error bad(const std::string& what) {
  return make_error(ErrorKind::kInternal, "clipgen.json: " + what);
}

}  // namespace

bool ModelMeta::serves(const std::string& tool) const {
  return std::find(tools.begin(), tools.end(), tool) != tools.end();
}

Result<ModelMeta> parse_model_meta(const std::string& json_text) {
  json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("not a JSON object");
  ModelMeta m;
  try {
    m.format_version = j.value("formatVersion", 0);
    if (m.format_version != 1) {
      return bad("formatVersion " + std::to_string(m.format_version) +
                 " is not supported (this engine reads version 1)");
    }
    for (const char* key : {"id", "kind", "tools", "converter", "stepsPerQuarter"}) {
      if (!j.contains(key)) return bad(std::string("missing field '") + key + "'");
    }
    m.id = j.at("id").get<std::string>();
    m.kind = j.at("kind").get<std::string>();
    if (m.kind != "musicvae" && m.kind != "groovae" && m.kind != "musicrnn") {
      return bad("unknown kind '" + m.kind + "'");
    }
    m.tools = j.at("tools").get<std::vector<std::string>>();
    m.bars = j.value("bars", 0);
    m.steps_per_quarter = j.at("stepsPerQuarter").get<int>();
    m.z_size = j.value("zSize", 0);
    if (j.contains("controls") && j["controls"].is_object()) {
      m.controls_depth = j["controls"].value("depth", 0);
      if (m.controls_depth <= 0) return bad("controls.depth must be > 0");
    }
    m.source = j.value("source", "");
    m.created_by = j.value("createdBy", "");
    const json& c = j.at("converter");
    ConverterSpec& s = m.converter;
    s.type = c.at("type").get<std::string>();
    s.steps_per_quarter = c.value("stepsPerQuarter", m.steps_per_quarter);
    s.num_steps = c.value("numSteps", 0);
    s.num_segments = c.value("numSegments", 1);
    s.humanize = c.value("humanize", false);
    s.tapify = c.value("tapify", false);
    if (s.type == "melody") {
      s.min_pitch = c.at("minPitch").get<int>();
      s.max_pitch = c.at("maxPitch").get<int>();
      if (s.min_pitch < 0 || s.max_pitch > 127 || s.max_pitch - s.min_pitch < 11) {
        return bad("melody range " + std::to_string(s.min_pitch) + ".." +
                   std::to_string(s.max_pitch) + " is not a valid MIDI range of an octave or more");
      }
    } else if (s.type == "drums" || s.type == "groove") {
      s.drum_pitch_classes = c.contains("drumPitchClasses")
                                 ? c.at("drumPitchClasses").get<DrumPitchClasses>()
                                 : gm_drum_pitch_classes();
      if (s.drum_pitch_classes.size() != kNumDrumClasses)
        return bad("drumPitchClasses needs 9 lists");
      for (const auto& cls : s.drum_pitch_classes) {
        if (cls.empty()) return bad("every drum class needs at least one pitch");
        for (int p : cls) {
          if (p < 0 || p > 127) return bad("drum pitch " + std::to_string(p) + " is not 0..127");
        }
      }
    } else {
      return bad("unknown converter type '" + s.type + "'");
    }
    if (m.is_vae()) {
      if (m.z_size <= 0) return bad("VAEs need zSize > 0");
      if (s.num_steps <= 0) return bad("VAEs need converter.numSteps > 0");
    }
    if ((m.kind == "groovae") != (s.type == "groove")) {
      return bad("kind " + m.kind + " does not go with converter " + s.type);
    }
    if (s.steps_per_quarter <= 0) return bad("stepsPerQuarter must be > 0");
  } catch (const json::exception& e) {
    return bad(std::string("wrong field type: ") + e.what());
  }
  return m;
}

}  // namespace clipgen::engine::detail
