// Typed tool requests and responses shared by clipgend and the clipgen CLI, parsed from the JSON
// of docs/api.md. Every control is range-checked: out of range is kInvalidRequest (400) naming
// the field and its range, never clamped. Unknown fields are ignored.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "clipgen/error.h"
#include "clipgen/protocol/note_sequence.h"
#include "clipgen/protocol/validation.h"

namespace clipgen::engine {

enum class Tool { kGenerate, kContinue, kInterpolate, kGroove, kDrumify };
enum class Kind { kMelody, kDrums };

std::string_view tool_name(Tool tool);  // "generate", "continue", ...
std::optional<Tool> tool_from_name(std::string_view name);
std::string_view kind_name(Kind kind);  // "melody", "drums"
std::optional<Kind> kind_from_name(std::string_view name);

// Control ranges (inclusive) and defaults: the one place they are written down.
struct Range {
  double min;
  double max;
  double fallback;
};
inline constexpr Range kGenerateVariations{1, 16, 8};
inline constexpr Range kContinueVariations{1, 8, 4};
inline constexpr Range kContinueLength{1, 32, 2};  // bars
inline constexpr Range kInterpolateSteps{1, 16, 3};
inline constexpr Range kDrumifyVariations{1, 8, 1};
inline constexpr Range kTemperature{0, 2, 1.0};
inline constexpr Range kGrooveAmount{0, 1, 1.0};
// Seeds stay exact in JavaScript numbers (the Max for Live devices round-trip them).
inline constexpr std::uint64_t kMaxSeed = (std::uint64_t{1} << 53) - 1;

struct GenerateRequest {
  Kind kind = Kind::kMelody;
  int variations = 8;
  double temperature = 1.0;
  std::optional<std::uint64_t> seed;
};

struct ContinueRequest {
  protocol::NoteSequence input;
  std::optional<Kind> kind;  // from the input's isDrum when absent
  int variations = 4;
  int length = 2;  // bars of continuation
  double temperature = 1.0;
  std::optional<std::uint64_t> seed;
};

struct InterpolateRequest {
  protocol::NoteSequence a;
  protocol::NoteSequence b;
  std::optional<Kind> kind;
  int steps = 3;  // clips returned, both endpoints included
  double temperature = 1.0;
  std::optional<std::uint64_t> seed;
};

struct GrooveRequest {
  protocol::NoteSequence input;
  double temperature = 1.0;
  double amount = 1.0;  // 0 = input timing/velocity, 1 = fully grooved
  std::optional<std::uint64_t> seed;
};

struct DrumifyRequest {
  protocol::NoteSequence input;
  double temperature = 1.0;
  int variations = 1;
  std::optional<std::uint64_t> seed;
};

using ToolRequest = std::variant<GenerateRequest, ContinueRequest, InterpolateRequest,
                                 GrooveRequest, DrumifyRequest>;

Tool tool_of(const ToolRequest& request);

// Parses the body of POST /v1/<tool>. NoteSequences are parsed and validated by protocol with
// `limits` (locations like "input.notes[3].pitch").
Result<GenerateRequest> parse_generate(const nlohmann::json& body);
Result<ContinueRequest> parse_continue(const nlohmann::json& body,
                                       const protocol::Limits& limits = {});
Result<InterpolateRequest> parse_interpolate(const nlohmann::json& body,
                                             const protocol::Limits& limits = {});
Result<GrooveRequest> parse_groove(const nlohmann::json& body, const protocol::Limits& limits = {});
Result<DrumifyRequest> parse_drumify(const nlohmann::json& body,
                                     const protocol::Limits& limits = {});
Result<ToolRequest> parse_request(Tool tool, const nlohmann::json& body,
                                  const protocol::Limits& limits = {});

// The request back as JSON (sequences through protocol::to_json): for logs and the CLI.
nlohmann::json to_json(const ToolRequest& request);

struct ToolResponse {
  std::vector<protocol::NoteSequence> sequences;
  std::uint64_t seed = 0;
  std::vector<std::string> warnings;
  std::string model;  // id of the model that ran
  double elapsed_ms = 0.0;
};

// {"sequences", "seed", "warnings", "model", "elapsedMs"}
nlohmann::json to_json(const ToolResponse& response);
// to_json(response).dump() written directly (protocol::append_json for the sequences): what
// the daemon sends; several times faster on answers of thousands of notes.
std::string to_json_string(const ToolResponse& response);

}  // namespace clipgen::engine
