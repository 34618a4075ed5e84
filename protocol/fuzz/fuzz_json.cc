// libFuzzer target: any text -> parse_note_sequence gives a sequence or an error; a parsed
// sequence serializes and parses back to itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "clipgen/protocol/json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace clipgen::protocol;
  auto seq = parse_note_sequence(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!seq.ok()) {
    if (seq.error().message.empty()) std::abort();
    return 0;
  }
  auto back = parse_note_sequence(to_json(*seq));
  if (!back.ok() || !(*back == *seq)) std::abort();
  return 0;
}
