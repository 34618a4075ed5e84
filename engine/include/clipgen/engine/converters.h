// Converters between quantized notes and the model tensors of docs/models.md. Plain C++ (no
// LibTorch), so they are unit-tested against the same golden files as the Python converters in
// models/clipgen_models/converters/. Semantics follow magenta.js (core/data.js, melodies.js)
// with the documented ClipGen fixes (octave folding, drum pitches outside the classes skipped).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace clipgen::engine {

// One note on the step grid; times in seconds are needed by the groove converter only.
struct GridNote {
  int pitch = 0;
  int velocity = 100;
  int64_t startStep = 0;
  int64_t endStep = 0;
  double startTime = 0.0;
  double endTime = 0.0;
  bool isDrum = false;
  bool hasTime = true;  // false: seconds unknown, the groove offset is 0
};

constexpr int kNumDrumClasses = 9;
constexpr int kDrumDepth = 1 << kNumDrumClasses;   // 512
constexpr int kGrooveDepth = 3 * kNumDrumClasses;  // hits, velocities, offsets
constexpr int kTapifyClass = 3;                    // magenta.js GrooveConverter.TAPIFY_CHANNEL

using DrumPitchClasses = std::vector<std::vector<int>>;

// magenta REDUCED_DRUM_PITCH_CLASSES (General MIDI plus Roland 22/26): ClipGen's default.
const DrumPitchClasses& gm_drum_pitch_classes();
// magenta.js core/constants.js DEFAULT_DRUM_PITCH_CLASSES (for imported checkpoints).
const DrumPitchClasses& magenta_js_drum_pitch_classes();

// pitch -> class (-1 when in no class). On duplicates the last class listing a pitch wins.
std::array<int, 128> drum_pitch_to_class(const DrumPitchClasses& classes);

// ---- melody: 0 = hold/rest, 1 = note-off, 2 + k = note-on of minPitch + k ----
struct MelodyReport {
  int octaveShifted = 0;
  int droppedPolyphony = 0;
  int droppedPastEnd = 0;
};

class MelodyConverter {
 public:
  MelodyConverter(int min_pitch, int max_pitch, int steps_per_quarter = 4);
  int depth() const { return max_pitch_ - min_pitch_ + 3; }
  int min_pitch() const { return min_pitch_; }
  int max_pitch() const { return max_pitch_; }
  int steps_per_quarter() const { return steps_per_quarter_; }
  // Moves a pitch by whole octaves into [min, max].
  int fold_pitch(int pitch) const;
  // Drum notes are ignored. `report` may be null.
  std::vector<int64_t> to_classes(const std::vector<GridNote>& notes, int64_t num_steps,
                                  MelodyReport* report) const;
  // Quantized notes (steps only, velocity 100, isDrum false).
  std::vector<GridNote> to_notes(const std::vector<int64_t>& classes) const;

 private:
  int min_pitch_;
  int max_pitch_;
  int steps_per_quarter_;
};

// ---- drums: class per step = sum of 2^c over the drum classes hit at that step ----
struct DrumsReport {
  int unknownPitches = 0;
  int droppedPastEnd = 0;
};

class DrumsConverter {
 public:
  explicit DrumsConverter(DrumPitchClasses classes, int steps_per_quarter = 4);
  const DrumPitchClasses& pitch_classes() const { return classes_; }
  int class_of(int pitch) const;  // -1 when in no class
  std::vector<int64_t> to_classes(const std::vector<GridNote>& notes, int64_t num_steps,
                                  DrumsReport* report) const;
  // One-step notes on the first pitch of each class, isDrum true.
  std::vector<GridNote> to_notes(const std::vector<int64_t>& classes) const;

 private:
  DrumPitchClasses classes_;
  std::array<int, 128> pitch_to_class_{};
  int steps_per_quarter_;
};

// ---- groove: per step 9 hits, 9 velocities (0..1), 9 offsets (-1..1 of half a step) ----
enum class GrooveMode { kFull, kHumanize, kTapify };

struct GrooveReport {
  int unknownPitches = 0;
  int droppedPastEnd = 0;
};

class GrooveConverter {
 public:
  GrooveConverter(DrumPitchClasses classes, GrooveMode mode, int steps_per_quarter = 4);
  GrooveMode mode() const { return mode_; }
  const DrumPitchClasses& pitch_classes() const { return classes_; }
  // Row-major [num_steps, 27]. Offsets come from startTime against the step time at `qpm`
  // (magenta.js: 2 * (stepTime - onset) / stepLength); the loudest hit per class and step wins.
  std::vector<float> to_tensor(const std::vector<GridNote>& notes, int64_t num_steps, double qpm,
                               GrooveReport* report) const;
  // Notes in seconds (steps set to the nearest grid step): hit > 0.5, velocity round(v * 127)
  // clipped to 0..127, onset (s - clip(offset / 2, -0.5, 0.5)) * stepLength, one step long.
  std::vector<GridNote> to_notes(const std::vector<float>& values, int64_t num_steps,
                                 double qpm) const;

 private:
  DrumPitchClasses classes_;
  std::array<int, 128> pitch_to_class_{};
  GrooveMode mode_;
  int steps_per_quarter_;
};

}  // namespace clipgen::engine
