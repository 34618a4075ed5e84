// NoteSequence <-> JSON as magenta.js writes it (protobuf JSON, camelCase).
//
// Accepted quirks: fields left out when default (0, false, empty); int64 fields as numbers or
// numeric strings ("16"); numbers as strings for any numeric field (protobuf JSON); integer-valued
// doubles (16.0) for integer fields; null as "default"; unknown fields ignored.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "clipgen/error.h"
#include "clipgen/protocol/note_sequence.h"
#include "clipgen/protocol/validation.h"

namespace clipgen::protocol {

struct ParseOptions {
  Limits limits;
  // Prepended to every location, e.g. "input" gives "input.notes[0].pitch".
  std::string location_prefix;
};

// Everything parsing found: the sequence (complete only when problems is empty) and every
// problem, type errors and validation together.
struct ParseReport {
  NoteSequence sequence;
  std::vector<Problem> problems;
  bool ok() const { return problems.empty(); }
  Error error() const { return problems_to_error(problems); }
};

// Parses and validates. On success notes are sorted (sort_notes) and totalTime /
// totalQuantizedSteps are raised to cover every note; in an unquantized sequence step fields
// are dropped (zero). Locations refer to the input's indices.
ParseReport parse_note_sequence_report(const nlohmann::json& j, const ParseOptions& options = {});

// Same, as a Result: kInvalidRequest carrying the combined message of every problem.
Result<NoteSequence> parse_note_sequence(const nlohmann::json& j, const ParseOptions& options = {});
// From JSON text; malformed JSON is kInvalidRequest with the parser's position.
Result<NoteSequence> parse_note_sequence(std::string_view json_text,
                                         const ParseOptions& options = {});

// [{"location": "notes[3].pitch", "message": "130 is outside 0..127"}, ...] for an error body.
nlohmann::json problems_to_json(const std::vector<Problem>& problems);

// Serializes in a stable field order. Every note carries pitch, velocity, startTime, endTime,
// isDrum, instrument, program, and when quantized quantizedStartStep/quantizedEndStep (as
// JSON numbers). tempos, timeSignatures, totalTime always; quantizationInfo and
// totalQuantizedSteps when quantized.
nlohmann::json to_json(const NoteSequence& seq);
std::string to_json_string(const NoteSequence& seq, int indent = -1);
// The same JSON as to_json(seq).dump(): the same fields in the same order, numbers that read
// back to the same values (doubles keep a fraction or exponent, so they read back as floats),
// appended to `out` without building a tree (~10x faster; large drum answers carry thousands
// of notes).
void append_json(const NoteSequence& seq, std::string& out);

}  // namespace clipgen::protocol
