// Standard MIDI File reading. Any bytes give a sequence or an error with a message; notes read
// are in range; a sequence that writes back reads again with the same notes (pitch, velocity,
// drum flag, program), as a multiset.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <vector>

#include "clipgen/protocol/midi.h"
#include "fuzz_check.h"

using namespace clipgen::protocol;

namespace {

std::vector<std::tuple<int, int, bool, int>> note_keys(const NoteSequence& seq) {
  std::vector<std::tuple<int, int, bool, int>> keys;
  for (const Note& n : seq.notes) keys.emplace_back(n.pitch, n.velocity, n.is_drum, n.program);
  std::sort(keys.begin(), keys.end());
  return keys;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto seq = read_midi(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!seq) {
    FUZZ_REQUIRE(!seq.error().message.empty(), "a rejection says why");
    return 0;
  }
  for (const Note& n : seq->notes) {
    FUZZ_REQUIRE(n.pitch >= 0 && n.pitch <= 127, "pitch in range");
    FUZZ_REQUIRE(n.velocity >= 1 && n.velocity <= 127, "note-on velocity in range");
    FUZZ_REQUIRE(std::isfinite(n.start_time) && std::isfinite(n.end_time), "finite times");
    FUZZ_REQUIRE(n.start_time >= 0 && n.start_time <= n.end_time, "start <= end");
  }
  auto written = write_midi(*seq);
  if (!written) return 0;  // e.g. longer than a MIDI file can hold at 480 ticks per quarter
  auto back = read_midi(*written);
  FUZZ_REQUIRE(back.ok(), "written MIDI reads back");
  FUZZ_REQUIRE(note_keys(*back) == note_keys(*seq), "write -> read keeps the notes");
  return 0;
}
