// Hand-made Standard MIDI File bytes for reader tests: exact control over running status,
// chunk lengths and malformed data.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>

namespace clipgen::protocol::testing {

std::string bytes(std::initializer_list<int> values);
std::string vlq(std::uint32_t value);
std::string header(int format, int ntracks, int division);
// "MTrk" + length + events; `events` must hold its own end-of-track when wanted.
std::string track(const std::string& events);
inline std::string end_of_track() {
  return bytes({0x00, 0xFF, 0x2F, 0x00});
}
std::string tempo_event(std::uint32_t delta, std::uint32_t us_per_quarter);

}  // namespace clipgen::protocol::testing
