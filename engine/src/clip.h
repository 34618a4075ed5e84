// Musician-facing input checks and output assembly shared by the five tools (no torch).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clipgen/engine/converters.h"
#include "clipgen/engine/requests.h"
#include "clipgen/error.h"
#include "clipgen/protocol/note_sequence.h"

namespace clipgen::engine::detail {

// The most notes one input clip may hold; more is kUnprocessable (a clip, not an arrangement).
inline constexpr size_t kMaxInputNotes = 5000;

// An input clip quantized on the model's grid.
struct Clip {
  std::vector<GridNote> notes;  // sorted by start step
  int64_t total_steps = 0;  // to the last note's end step
  // The length the clip declares (totalTime or totalQuantizedSteps on the grid), 0 when none.
  // A note played just before the loop end rounds onto it and makes total_steps a step longer.
  int64_t declared_steps = 0;
  int steps_per_quarter = 4;
  double qpm = 120.0;
  int numerator = 4;
  int denominator = 4;
  double steps_per_bar = 16.0;
  // Label used in messages: "the clip", "clip A", "clip B".
  std::string label;
};

// Quantizes (keeping seconds) at `steps_per_quarter`; kUnprocessable for tempo/meter changes,
// more than kMaxInputNotes notes. Notes whose seconds disagree with their step (steps-only
// input) get hasTime = false.
Result<Clip> prepare_clip(const protocol::NoteSequence& input, int steps_per_quarter,
                          const std::string& label);

// kUnprocessable unless the clip is in 4/4 (the models were trained on 4/4 bars).
Status require_four_four(const Clip& clip, std::string_view tool);

// Kind from isDrum: drums when most notes are drums. Adds a warning when the clip mixes both.
Kind infer_kind(const protocol::NoteSequence& input, std::vector<std::string>& warnings);

// Keeps the notes of one kind (isDrum == drums). When the caller named the kind (`named`) and
// no note has it — a drum clip on a channel other than 10, say — every note is taken as that
// kind, with a warning.
std::vector<GridNote> only_kind(const std::vector<GridNote>& notes, Kind kind, bool named,
                                const std::string& label, std::vector<std::string>& warnings);

// Reduces a melody to its top line: a note is dropped when a higher note is sounding at its
// onset or starts with it; each kept note ends no later than the next kept onset.
std::vector<GridNote> top_line(const std::vector<GridNote>& notes, int* dropped);

// A clip shorter than `steps` plays as a loop in Live: repeats its notes every `clip_steps`
// rounded up to whole bars until `steps` is filled (notes crossing `steps` are cut there).
// Notes come back unchanged when the clip already fills `steps`.
std::vector<GridNote> loop_to_fill(const std::vector<GridNote>& notes, int64_t clip_steps,
                                   double steps_per_bar, int64_t steps);

// A NoteSequence carrying both steps and seconds: notes without seconds get them from their
// steps; every note is clipped to [0, total] (notes starting at or past the end are dropped,
// counted in *dropped when not null). velocity 0 becomes 1 (0 would be a note-off in MIDI).
protocol::NoteSequence make_sequence(const std::vector<GridNote>& notes, bool notes_have_seconds,
                                     int64_t total_steps, int steps_per_quarter, double qpm,
                                     int numerator = 4, int denominator = 4,
                                     int* dropped = nullptr);

std::string plural(int64_t n, const std::string& one, const std::string& many);
std::string bars_text(int64_t steps, double steps_per_bar);  // "4 bars", "1 bar", "2.5 bars"

}  // namespace clipgen::engine::detail
