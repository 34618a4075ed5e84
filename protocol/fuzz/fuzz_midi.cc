// libFuzzer target: any bytes -> read_midi gives a sequence or an error; a sequence that writes
// reads back with the same number of notes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "clipgen/protocol/midi.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace clipgen::protocol;
  auto seq = read_midi(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!seq.ok()) {
    if (seq.error().message.empty()) std::abort();
    return 0;
  }
  auto written = write_midi(*seq);
  if (!written.ok()) return 0;  // e.g. longer than a MIDI file can express at 480 tpq
  auto back = read_midi(*written);
  if (!back.ok() || back->notes.size() != seq->notes.size()) std::abort();
  return 0;
}
