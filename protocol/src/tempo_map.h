// Ticks <-> seconds for a Standard MIDI File, shared by the reader and the writer so that a
// written file reads back to the same times.
#pragma once

#include <cstdint>
#include <vector>

namespace clipgen::protocol::detail {

inline constexpr std::uint32_t kDefaultUsPerQuarter = 500000;  // 120 qpm

struct TempoSegment {
  std::int64_t tick = 0;
  std::uint32_t us_per_quarter = kDefaultUsPerQuarter;
  double seconds = 0.0;  // time at `tick`
};

class TempoMap {
 public:
  explicit TempoMap(int ticks_per_quarter);

  // Tempo events must come in tick order. A change at the tick of the last segment replaces
  // it; a change to the tempo already in effect is dropped.
  void set(std::int64_t tick, std::uint32_t us_per_quarter);

  double seconds_at(std::int64_t tick) const;
  // Nearest tick (saturating at a large bound).
  std::int64_t tick_at(double seconds) const;
  const std::vector<TempoSegment>& segments() const { return segments_; }

 private:
  double seconds_per_tick(const TempoSegment& s) const {
    return s.us_per_quarter / 1e6 / ticks_per_quarter_;
  }
  int ticks_per_quarter_;
  std::vector<TempoSegment> segments_;
};

}  // namespace clipgen::protocol::detail
