// Cutting a clip into the fixed-length windows of a GrooVAE (2 bars), and the mode its
// converter was trained with.
#pragma once

#include <cstdint>
#include <vector>

#include "../clip.h"
#include "../model_meta.h"

namespace clipgen::engine::detail {

inline constexpr int64_t kMaxGrooveWindows = 32;  // 64 bars of 4/4 at 2 bars per window

// Notes per window, with steps and seconds relative to the window start.
inline std::vector<std::vector<GridNote>> split_windows(const std::vector<GridNote>& notes,
                                                        int64_t total_steps, int64_t window,
                                                        double step_length) {
  const int64_t count = std::max<int64_t>((total_steps + window - 1) / window, 1);
  std::vector<std::vector<GridNote>> out(static_cast<size_t>(count));
  for (const GridNote& src : notes) {
    const int64_t w = src.startStep / window;
    if (w < 0 || w >= count) continue;
    const double shift = double(w * window) * step_length;
    // Copied into place, then only stored to: shifting a stack copy and pushing it stalled on
    // every note (16-byte loads straddling the copy's stores).
    GridNote& n = out[static_cast<size_t>(w)].emplace_back(src);
    n.startStep = src.startStep - w * window;
    n.endStep = src.endStep - w * window;
    n.startTime = src.startTime - shift;
    n.endTime = src.endTime - shift;
  }
  return out;
}

inline GrooveMode groove_mode(const ConverterSpec& c) {
  if (c.tapify) return GrooveMode::kTapify;
  if (c.humanize) return GrooveMode::kHumanize;
  return GrooveMode::kFull;
}

inline Status check_window_count(const Clip& clip, int64_t window, const char* tool) {
  const int64_t count = (clip.total_steps + window - 1) / window;
  if (count <= kMaxGrooveWindows) return Ok{};
  return make_error(ErrorKind::kUnprocessable,
                    std::string(tool) + " takes clips of up to " +
                        bars_text(kMaxGrooveWindows * window, clip.steps_per_bar) +
                        "; this one is " + bars_text(clip.total_steps, clip.steps_per_bar) +
                        ". Select a shorter part.");
}

}  // namespace clipgen::engine::detail
