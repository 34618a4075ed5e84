// NoteSequence JSON parsing and validation. Any text gives a sequence or an error with a message;
// an accepted sequence passes validate() again, serializes and parses back to itself, and
// quantizing or unquantizing it gives a value or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "clipgen/protocol/json.h"
#include "clipgen/protocol/quantize.h"
#include "clipgen/protocol/validation.h"
#include "fuzz_check.h"

using namespace clipgen::protocol;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto seq = parse_note_sequence(text);
  if (!seq) {
    FUZZ_REQUIRE(!seq.error().message.empty(), "a rejection says why");
    return 0;
  }
  FUZZ_REQUIRE(validate(*seq).empty(), "an accepted sequence is valid");

  const std::string text_out = to_json_string(*seq);
  auto back = parse_note_sequence(std::string_view(text_out));
  FUZZ_REQUIRE(back.ok(), "serialized output parses");
  FUZZ_REQUIRE(*back == *seq, "serialize -> parse is the identity");

  for (int steps_per_quarter : {4, 24}) {
    auto quantized = quantize(*seq, steps_per_quarter);
    if (!quantized) {
      FUZZ_REQUIRE(!quantized.error().message.empty(), "a quantize error says why");
      continue;
    }
    auto seconds = unquantize(*quantized);
    if (!seconds) FUZZ_REQUIRE(!seconds.error().message.empty(), "an unquantize error says why");
  }
  return 0;
}
