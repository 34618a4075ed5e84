// The NoteSequence data model: magenta's protobuf NoteSequence reduced to the fields ClipGen's
// tools read and write. Times are seconds; steps are set when the sequence is quantized.
#pragma once

#include <cstdint>
#include <vector>

namespace clipgen::protocol {

inline constexpr double kDefaultQpm = 120.0;  // magenta's DEFAULT_QUARTERS_PER_MINUTE
inline constexpr int kDrumChannel = 9;        // MIDI channel 10, zero-based

struct Note {
  int pitch = 0;     // 0..127
  int velocity = 0;  // 0..127; magenta.js leaves it out (0) on generated melodies
  double start_time = 0.0;
  double end_time = 0.0;
  std::int64_t quantized_start_step = 0;  // meaningful when the sequence is quantized
  std::int64_t quantized_end_step = 0;
  bool is_drum = false;
  int instrument = 0;  // 0..255
  int program = 0;     // 0..127 (General MIDI program)

  bool operator==(const Note& o) const;
  bool operator!=(const Note& o) const { return !(*this == o); }
};

struct Tempo {
  double time = 0.0;  // seconds
  double qpm = kDefaultQpm;
  bool operator==(const Tempo& o) const { return time == o.time && qpm == o.qpm; }
};

struct TimeSignature {
  double time = 0.0;  // seconds
  int numerator = 4;
  int denominator = 4;  // a power of two
  bool operator==(const TimeSignature& o) const {
    return time == o.time && numerator == o.numerator && denominator == o.denominator;
  }
};

struct NoteSequence {
  std::vector<Note> notes;
  std::vector<Tempo> tempos;
  std::vector<TimeSignature> time_signatures;
  int steps_per_quarter = 0;  // quantizationInfo.stepsPerQuarter; 0 = not quantized
  double total_time = 0.0;
  std::int64_t total_quantized_steps = 0;

  bool is_quantized() const { return steps_per_quarter > 0; }
  // First tempo's qpm, or 120 when there is none (magenta's default).
  double qpm() const { return tempos.empty() ? kDefaultQpm : tempos.front().qpm; }

  bool operator==(const NoteSequence& o) const;
  bool operator!=(const NoteSequence& o) const { return !(*this == o); }
};

// Stable sort into a deterministic order: quantized start step (when quantized), start time,
// pitch, instrument, end, velocity. Parsing and MIDI reading return notes in this order.
void sort_notes(NoteSequence& seq);

}  // namespace clipgen::protocol
