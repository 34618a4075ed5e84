// Quantization with magenta's semantics (note_seq.quantize_note_sequence /
// magenta.js sequences.quantizeNoteSequence) and the inverse.
#pragma once

#include <cstdint>
#include <optional>

#include "clipgen/error.h"
#include "clipgen/protocol/note_sequence.h"

namespace clipgen::protocol {

inline constexpr double kQuantizeCutoff = 0.5;  // magenta's QUANTIZE_CUTOFF

double steps_per_second(int steps_per_quarter, double qpm);

// floor(seconds * steps_per_second + (1 - cutoff)), as magenta.js quantizeToStep.
std::int64_t quantize_to_step(double seconds, double steps_per_second,
                              double cutoff = kQuantizeCutoff);

// Steps per bar for a time signature: numerator * (4 / denominator) * steps_per_quarter.
// Not an integer for some meters (7/16 at 1 step per quarter), hence double.
double steps_per_bar(int numerator, int denominator, int steps_per_quarter);
// For a quantized sequence: its single time signature (4/4 when none). kUnprocessable when the
// sequence changes meter or is not quantized.
Result<double> steps_per_bar(const NoteSequence& seq);

// Returns a quantized copy at `steps_per_quarter`, as magenta does: a single tempo (120 qpm when
// none; kUnprocessable on a tempo change), a single time signature (4/4 when none;
// kUnprocessable on a meter change), both moved to time 0; each note start/end quantized with
// quantize_to_step; a note that quantizes to zero length gets one step; totalQuantizedSteps
// covers totalTime and every note. Seconds are kept as they were. kInvalidRequest for
// steps_per_quarter <= 0, non-finite or negative times.
Result<NoteSequence> quantize(const NoteSequence& seq, int steps_per_quarter);

// Returns a copy whose seconds are computed from steps at `qpm` (the sequence's own single tempo
// when not given, 120 when it has none), as magenta.js unquantizeSequence does, except that
// steps and quantizationInfo are KEPT so the result carries both. Tempos become [{0, qpm}].
// totalTime = max(totalQuantizedSteps, last note end) in seconds. kUnprocessable when not
// quantized, or when qpm is not given and the sequence changes tempo; kInvalidRequest for a
// qpm that is not finite and > 0.
Result<NoteSequence> unquantize(const NoteSequence& seq, std::optional<double> qpm = std::nullopt);

// max(totalQuantizedSteps, every note's quantizedEndStep).
std::int64_t total_steps(const NoteSequence& seq);
// max(totalTime, every note's endTime).
double total_seconds(const NoteSequence& seq);

}  // namespace clipgen::protocol
