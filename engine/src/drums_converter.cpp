// magenta.js DrumsOneHotConverter encoding / DrumsConverter decoding, with two fixes also made
// by Python magenta: a class hit twice on one step sets its bit once, and pitches in no class
// are skipped (and counted) instead of producing NaN.
#include <stdexcept>

#include "clipgen/engine/converters.h"

namespace clipgen::engine {

DrumsConverter::DrumsConverter(DrumPitchClasses classes, int steps_per_quarter)
    : classes_(std::move(classes)), steps_per_quarter_(steps_per_quarter) {
  if (classes_.size() != kNumDrumClasses) {
    throw std::invalid_argument("drum converter needs 9 pitch classes");
  }
  for (const auto& c : classes_) {
    if (c.empty()) throw std::invalid_argument("every drum class needs at least one pitch");
  }
  pitch_to_class_ = drum_pitch_to_class(classes_);
}

int DrumsConverter::class_of(int pitch) const {
  return pitch >= 0 && pitch < 128 ? pitch_to_class_[static_cast<size_t>(pitch)] : -1;
}

std::vector<int64_t> DrumsConverter::to_classes(const std::vector<GridNote>& notes,
                                                int64_t num_steps, DrumsReport* report) const {
  DrumsReport local;
  DrumsReport& r = report ? *report : local;
  std::vector<int64_t> classes(static_cast<size_t>(std::max<int64_t>(num_steps, 0)), 0);
  for (const GridNote& n : notes) {
    const int c = class_of(n.pitch);
    if (c < 0) {
      ++r.unknownPitches;
      continue;
    }
    if (n.startStep < 0 || n.startStep >= num_steps) {
      ++r.droppedPastEnd;
      continue;
    }
    classes[static_cast<size_t>(n.startStep)] |= int64_t{1} << c;
  }
  return classes;
}

std::vector<GridNote> DrumsConverter::to_notes(const std::vector<int64_t>& classes) const {
  std::vector<GridNote> out;
  for (size_t s = 0; s < classes.size(); ++s) {
    for (int c = 0; c < kNumDrumClasses; ++c) {
      if ((classes[s] >> c) & 1) {
        GridNote& n = out.emplace_back();  // filled in place (see GrooveConverter::to_notes)
        n.pitch = classes_[static_cast<size_t>(c)][0];
        n.startStep = static_cast<int64_t>(s);
        n.endStep = n.startStep + 1;
        n.isDrum = true;
      }
    }
  }
  return out;
}

}  // namespace clipgen::engine
