// The engine's typed request parsing (engine/src/requests.cpp, no LibTorch), as clipgend runs it
// on a POST body. The tool comes from a "tool" field when it names one (parse_request ignores
// unknown fields), else from the input size. Any JSON gives a request or an error with a
// message; an accepted request has every control in range, and its to_json form parses to the
// same JSON again.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>

#include "clipgen/engine/requests.h"
#include "fuzz_check.h"

using namespace clipgen::engine;

namespace {

bool in(double v, const Range& r) {
  return v >= r.min && v <= r.max;
}

void check_controls(const ToolRequest& request) {
  std::visit(
      [](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        FUZZ_REQUIRE(in(r.temperature, kTemperature), "temperature in range");
        if (r.seed) FUZZ_REQUIRE(*r.seed <= kMaxSeed, "seed in range");
        if constexpr (std::is_same_v<T, GenerateRequest>) {
          FUZZ_REQUIRE(in(r.variations, kGenerateVariations), "variations in range");
        } else if constexpr (std::is_same_v<T, ContinueRequest>) {
          FUZZ_REQUIRE(in(r.variations, kContinueVariations), "variations in range");
          FUZZ_REQUIRE(in(r.length, kContinueLength), "length in range");
        } else if constexpr (std::is_same_v<T, InterpolateRequest>) {
          FUZZ_REQUIRE(in(r.steps, kInterpolateSteps), "steps in range");
        } else if constexpr (std::is_same_v<T, GrooveRequest>) {
          FUZZ_REQUIRE(in(r.amount, kGrooveAmount), "amount in range");
        } else {
          FUZZ_REQUIRE(in(r.variations, kDrumifyVariations), "variations in range");
        }
      },
      request);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded()) return 0;

  Tool tool = static_cast<Tool>(size % 5);
  if (body.is_object() && body.contains("tool") && body["tool"].is_string()) {
    if (auto named = tool_from_name(body["tool"].get<std::string>())) tool = *named;
  }
  auto request = parse_request(tool, body);
  if (!request) {
    FUZZ_REQUIRE(!request.error().message.empty(), "a rejection says why");
    FUZZ_REQUIRE(request.error().kind == clipgen::ErrorKind::kInvalidRequest, "bad input is a 400");
    return 0;
  }
  FUZZ_REQUIRE(tool_of(*request) == tool, "the request is for the tool asked");
  check_controls(*request);

  const nlohmann::json once = to_json(*request);
  auto again = parse_request(tool, once);
  FUZZ_REQUIRE(again.ok(), "a request's own JSON parses");
  FUZZ_REQUIRE(to_json(*again) == once, "to_json -> parse_request -> to_json is stable");
  return 0;
}
