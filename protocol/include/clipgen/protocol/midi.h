// Standard MIDI Files: read formats 0 and 1, write format 1. Own small parser with a bounds
// check on every read, so any byte string gives a NoteSequence or an Error, never a crash.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "clipgen/error.h"
#include "clipgen/protocol/note_sequence.h"

namespace clipgen::protocol {

struct MidiReadOptions {
  std::size_t max_bytes = 16u << 20;  // larger input: kPayloadTooLarge
  std::size_t max_notes = 200000;     // more notes: kPayloadTooLarge
};

// Reading rules (see docs/protocol.md):
// - ticks -> seconds through the tempo map collected from every track (120 qpm until the first
//   tempo); tempos lists one entry at time 0 (120 when the file sets none there) and each later
//   change of value; time signatures in time order (one per tick, repeats of the meter in
//   effect dropped, meters with 0 beats or denominators past 64 skipped).
// - note-on velocity 0 is a note-off; a note-on on a pitch that is already sounding on the same
//   track and channel ends that note first (retrigger); a note-off with nothing sounding is
//   ignored; notes still sounding at the end of their track end there; zero-length notes kept.
// - channel 10 (index 9) -> isDrum; the program in effect on the note's track and channel ->
//   program (0 when none); instrument = index of the note's (track, channel) among the pairs
//   that hold notes, in (track, channel) order.
// - running status, sysex and unknown meta events and unknown chunks are handled/skipped.
// - SMPTE division, format 2 and truncated or malformed data are kInvalidRequest with the
//   track and byte offset.
// The result is not quantized; notes are sorted (sort_notes); totalTime = last note end.
Result<NoteSequence> read_midi(std::string_view bytes, const MidiReadOptions& options = {});
// As read_midi; kNotFound when the file cannot be opened; messages start with the path.
Result<NoteSequence> read_midi_file(const std::string& path, const MidiReadOptions& options = {});

struct MidiWriteOptions {
  int ticks_per_quarter = 480;
  int default_velocity = 100;  // used for velocity 0 (a note-on with velocity 0 is a note-off)
};

// Writes format 1: track 0 holds tempos and time signatures, then one track per (instrument,
// isDrum, program) in that order, drums on channel 10, other tracks on channels 1..16 skipping
// 10 in order. Quantized sequences are placed by steps (tick = step * tpq / stepsPerQuarter,
// exact in beats), others by seconds through the tempo map. Notes are validated first
// (kInvalidRequest on a bad pitch/velocity/time).
Result<std::string> write_midi(const NoteSequence& seq, const MidiWriteOptions& options = {});
Status write_midi_file(const NoteSequence& seq, const std::string& path,
                       const MidiWriteOptions& options = {});

}  // namespace clipgen::protocol
