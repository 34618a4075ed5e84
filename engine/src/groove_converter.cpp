// magenta.js GrooveConverter (core/data.js) on quantized notes that keep their seconds.
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "clipgen/engine/converters.h"

namespace clipgen::engine {

GrooveConverter::GrooveConverter(DrumPitchClasses classes, GrooveMode mode, int steps_per_quarter)
    : classes_(std::move(classes)), mode_(mode), steps_per_quarter_(steps_per_quarter) {
  if (classes_.size() != kNumDrumClasses) {
    throw std::invalid_argument("groove converter needs 9 pitch classes");
  }
  pitch_to_class_ = drum_pitch_to_class(classes_);
}

std::vector<float> GrooveConverter::to_tensor(const std::vector<GridNote>& notes, int64_t num_steps,
                                              double qpm, GrooveReport* report) const {
  GrooveReport local;
  GrooveReport& r = report ? *report : local;
  const bool tapify = mode_ == GrooveMode::kTapify;
  const bool humanize = mode_ == GrooveMode::kHumanize;
  const double step_length = 60.0 / qpm / steps_per_quarter_;
  const auto steps = static_cast<size_t>(std::max<int64_t>(num_steps, 0));
  // The loudest note per (step, class); the first one wins ties, as in magenta.js.
  std::vector<const GridNote*> chosen(steps * kNumDrumClasses, nullptr);
  for (const GridNote& n : notes) {
    const int c = tapify ? kTapifyClass
                         : (n.pitch >= 0 && n.pitch < 128 ? pitch_to_class_[size_t(n.pitch)] : -1);
    if (c < 0) {
      ++r.unknownPitches;
      continue;
    }
    if (n.startStep < 0 || n.startStep >= num_steps) {
      ++r.droppedPastEnd;
      continue;
    }
    const GridNote*& slot = chosen[size_t(n.startStep) * kNumDrumClasses + size_t(c)];
    if (!slot || slot->velocity < n.velocity) slot = &n;
  }
  std::vector<float> out(steps * kGrooveDepth, 0.0f);
  for (size_t s = 0; s < steps; ++s) {
    float* row = &out[s * kGrooveDepth];
    for (size_t d = 0; d < kNumDrumClasses; ++d) {
      const GridNote* n = chosen[s * kNumDrumClasses + d];
      if (!n) continue;
      row[d] = 1.0f;
      if (!humanize && !tapify) row[kNumDrumClasses + d] = static_cast<float>(n->velocity / 127.0);
      if (!humanize && n->hasTime) {
        const double q_onset = static_cast<double>(n->startStep) * step_length;
        row[2 * kNumDrumClasses + d] =
            static_cast<float>(2.0 * (q_onset - n->startTime) / step_length);
      }
    }
  }
  return out;
}

std::vector<GridNote> GrooveConverter::to_notes(const std::vector<float>& values, int64_t num_steps,
                                                double qpm) const {
  if (values.size() < static_cast<size_t>(std::max<int64_t>(num_steps, 0)) * kGrooveDepth) {
    throw std::invalid_argument("groove tensor is shorter than num_steps * 27");
  }
  const double step_length = 60.0 / qpm / steps_per_quarter_;
  std::vector<GridNote> out;
  for (int64_t s = 0; s < num_steps; ++s) {
    const float* row = &values[size_t(s) * kGrooveDepth];
    for (size_t d = 0; d < kNumDrumClasses; ++d) {
      if (!(row[d] > 0.5f)) continue;
      // Filled where it lies: a note built on the stack and pushed is read back with wider
      // loads than its fields were stored with, a store-forwarding stall per note.
      GridNote& n = out.emplace_back();
      n.pitch = classes_[d][0];
      // JavaScript Math.round: half up.
      const double vel = std::floor(double(row[kNumDrumClasses + d]) * 127.0 + 0.5);
      n.velocity = static_cast<int>(std::clamp(vel, 0.0, 127.0));
      const double offset = std::clamp(double(row[2 * kNumDrumClasses + d]) / 2.0, -0.5, 0.5);
      n.startTime = (double(s) - offset) * step_length;
      n.endTime = (double(s) - offset + 1.0) * step_length;
      n.startStep = s;
      n.endStep = s + 1;
      n.isDrum = true;
    }
  }
  return out;
}

}  // namespace clipgen::engine
