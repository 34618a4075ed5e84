#include "tempo_map.h"

#include <algorithm>
#include <cmath>

namespace clipgen::protocol::detail {

TempoMap::TempoMap(int ticks_per_quarter) : ticks_per_quarter_(ticks_per_quarter) {
  segments_.push_back(TempoSegment{});
}

void TempoMap::set(std::int64_t tick, std::uint32_t us_per_quarter) {
  TempoSegment& last = segments_.back();
  if (tick <= last.tick) {
    last.us_per_quarter = us_per_quarter;
    return;
  }
  if (us_per_quarter == last.us_per_quarter) return;
  const double seconds =
      last.seconds + static_cast<double>(tick - last.tick) * seconds_per_tick(last);
  segments_.push_back(TempoSegment{tick, us_per_quarter, seconds});
}

double TempoMap::seconds_at(std::int64_t tick) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), tick,
                             [](std::int64_t t, const TempoSegment& s) { return t < s.tick; });
  const TempoSegment& s = it == segments_.begin() ? segments_.front() : *(it - 1);
  return s.seconds + static_cast<double>(tick - s.tick) * seconds_per_tick(s);
}

std::int64_t TempoMap::tick_at(double seconds) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), seconds,
                             [](double t, const TempoSegment& s) { return t < s.seconds; });
  const TempoSegment& s = it == segments_.begin() ? segments_.front() : *(it - 1);
  const double ticks = static_cast<double>(s.tick) + (seconds - s.seconds) / seconds_per_tick(s);
  constexpr double kMax = 9.0e15;
  if (!(ticks < kMax)) return static_cast<std::int64_t>(kMax);
  if (!(ticks > 0)) return 0;
  return std::llround(ticks);
}

}  // namespace clipgen::protocol::detail
