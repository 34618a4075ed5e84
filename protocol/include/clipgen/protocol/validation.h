// Validation of NoteSequences: every problem found, each with a JSON-path-like location, so a
// client can fix all of them at once ("notes[3].pitch: 130 is outside 0..127").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "clipgen/error.h"
#include "clipgen/protocol/note_sequence.h"

namespace clipgen::protocol {

// Sanity limits; callers (daemon, CLI) may tighten them.
struct Limits {
  std::size_t max_notes = 20000;
  std::size_t max_tempos = 1000;
  std::size_t max_time_signatures = 1000;
  double max_total_time = 3600.0;  // seconds; also bounds every note and event time
  std::int64_t max_total_steps = 10'000'000;
  int max_steps_per_quarter = 960;
  double min_qpm = 1.0;
  double max_qpm = 1000.0;
  int max_instrument = 255;
  std::size_t max_problems = 1000;  // reporting stops here (the last problem says so)
};

struct Problem {
  std::string location;  // "notes[3].pitch", "tempos[0].qpm", "quantizationInfo.stepsPerQuarter"
  std::string message;   // "130 is outside 0..127"
  std::string to_string() const;  // "notes[3].pitch: 130 is outside 0..127"
  bool operator==(const Problem& o) const { return location == o.location && message == o.message; }
};

// kInvalidRequest with "invalid NoteSequence: p1; p2; ..." (the first 10, then "and N more").
Error problems_to_error(const std::vector<Problem>& problems);

// Checks a sequence built in C++ (engine output, a MIDI file): ranges, finiteness, order of
// start/end, tempos, time signatures, quantization, limits. Locations use vector indices and
// magenta's camelCase names, prefixed by `location_prefix` + "." when it is not empty.
std::vector<Problem> validate(const NoteSequence& seq, const Limits& limits = {},
                              const std::string& location_prefix = "");

// validate() as a Status (kInvalidRequest, combined message).
Status check(const NoteSequence& seq, const Limits& limits = {});

}  // namespace clipgen::protocol
