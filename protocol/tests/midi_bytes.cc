#include "midi_bytes.h"

namespace clipgen::protocol::testing {

std::string bytes(std::initializer_list<int> values) {
  std::string s;
  for (int v : values) s.push_back(static_cast<char>(v & 0xFF));
  return s;
}

std::string vlq(std::uint32_t value) {
  std::string out(1, static_cast<char>(value & 0x7F));
  while ((value >>= 7) != 0) out.insert(out.begin(), static_cast<char>((value & 0x7F) | 0x80));
  return out;
}

static std::string u32(std::uint32_t v) {
  return bytes({static_cast<int>(v >> 24), static_cast<int>(v >> 16), static_cast<int>(v >> 8),
                static_cast<int>(v)});
}

std::string header(int format, int ntracks, int division) {
  return "MThd" + u32(6) +
         bytes({format >> 8, format, ntracks >> 8, ntracks, division >> 8, division});
}

std::string track(const std::string& events) {
  return "MTrk" + u32(static_cast<std::uint32_t>(events.size())) + events;
}

std::string tempo_event(std::uint32_t delta, std::uint32_t us) {
  return vlq(delta) + bytes({0xFF, 0x51, 0x03, static_cast<int>(us >> 16),
                             static_cast<int>(us >> 8), static_cast<int>(us)});
}

}  // namespace clipgen::protocol::testing
