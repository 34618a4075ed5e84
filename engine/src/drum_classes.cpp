// The 9 drum classes: kick, snare, closed hi-hat, open hi-hat, low/mid/high tom, crash, ride.
// Kept identical to models/clipgen_models/converters/drum_classes.py.
#include <cstddef>

#include "clipgen/engine/converters.h"

namespace clipgen::engine {

const DrumPitchClasses& gm_drum_pitch_classes() {
  static const DrumPitchClasses kClasses = {
      {36, 35},
      {38, 27, 28, 31, 32, 33, 34, 37, 39, 40, 56, 65, 66, 75, 85},
      {42, 44, 54, 68, 69, 70, 71, 73, 78, 80, 22},
      {46, 67, 72, 74, 79, 81, 26},
      {45, 29, 41, 43, 61, 64, 84},
      {48, 47, 60, 63, 77, 86, 87},
      {50, 30, 62, 76, 83},
      {49, 52, 55, 57, 58},
      {51, 53, 59, 82},
  };
  return kClasses;
}

const DrumPitchClasses& magenta_js_drum_pitch_classes() {
  static const DrumPitchClasses kClasses = {
      {36, 35},
      {38, 27, 28, 31, 32, 33, 34, 37, 39, 40, 56, 65, 66, 75, 85},
      {42, 44, 54, 68, 69, 70, 71, 73, 78, 80},
      {46, 67, 72, 74, 79, 81},
      {45, 29, 41, 61, 64, 84},
      {48, 47, 60, 63, 77, 86, 87},
      {50, 30, 43, 62, 76, 83},
      {49, 55, 57, 58},
      {51, 52, 53, 59, 82},
  };
  return kClasses;
}

std::array<int, 128> drum_pitch_to_class(const DrumPitchClasses& classes) {
  std::array<int, 128> table;
  table.fill(-1);
  for (size_t c = 0; c < classes.size(); ++c) {
    for (int p : classes[c]) {
      if (p >= 0 && p < 128) table[static_cast<size_t>(p)] = static_cast<int>(c);
    }
  }
  return table;
}

}  // namespace clipgen::engine
