// MIDI write -> read round trip from sequences built out of the fuzz bytes (random notes,
// tempos, meters, quantized or not). A sequence write_midi accepts must read back with the same
// notes (pitch, velocity, drum flag, program) and, for quantized input, the same beat positions.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <vector>

#include "clipgen/protocol/midi.h"
#include "fuzz_check.h"

using namespace clipgen::protocol;

namespace {

NoteSequence build(FuzzedDataProvider& in) {
  NoteSequence seq;
  const bool quantized = in.ConsumeBool();
  if (quantized) seq.steps_per_quarter = in.ConsumeIntegralInRange(1, 96);
  const int tempos = in.ConsumeIntegralInRange(0, 3);
  double t = 0;
  for (int i = 0; i < tempos && !quantized; ++i) {
    seq.tempos.push_back({t, in.ConsumeFloatingPointInRange(4.0, 1000.0)});
    t += in.ConsumeFloatingPointInRange(0.0, 30.0);
  }
  if (quantized) seq.tempos.push_back({0.0, in.ConsumeFloatingPointInRange(4.0, 1000.0)});
  if (in.ConsumeBool()) {
    seq.time_signatures.push_back(
        {0.0, in.ConsumeIntegralInRange(1, 16), 1 << in.ConsumeIntegralInRange(0, 5)});
  }
  const double sps = quantized ? seq.steps_per_quarter * seq.qpm() / 60.0 : 0.0;
  const int notes = in.ConsumeIntegralInRange(0, 64);
  for (int i = 0; i < notes && in.remaining_bytes() > 0; ++i) {
    Note n;
    n.pitch = in.ConsumeIntegralInRange(0, 127);
    n.velocity = in.ConsumeIntegralInRange(0, 127);
    n.is_drum = in.ConsumeBool();
    n.instrument = in.ConsumeIntegralInRange(0, 20);
    n.program = in.ConsumeIntegralInRange(0, 127);
    if (quantized) {
      n.quantized_start_step = in.ConsumeIntegralInRange<std::int64_t>(0, 4096);
      n.quantized_end_step =
          n.quantized_start_step + in.ConsumeIntegralInRange<std::int64_t>(0, 256);
      n.start_time = static_cast<double>(n.quantized_start_step) / sps;
      n.end_time = static_cast<double>(n.quantized_end_step) / sps;
      seq.total_quantized_steps = std::max(seq.total_quantized_steps, n.quantized_end_step);
    } else {
      n.start_time = in.ConsumeFloatingPointInRange(0.0, 600.0);
      n.end_time = n.start_time + in.ConsumeFloatingPointInRange(0.0, 20.0);
    }
    seq.total_time = std::max(seq.total_time, n.end_time);
    seq.notes.push_back(n);
  }
  sort_notes(seq);
  return seq;
}

std::vector<std::tuple<int, int, bool, int>> note_keys(const NoteSequence& seq) {
  std::vector<std::tuple<int, int, bool, int>> keys;
  for (const Note& n : seq.notes) {
    keys.emplace_back(n.pitch, n.velocity > 0 ? n.velocity : 100, n.is_drum, n.program);
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

// Distinct note-on positions in quarter notes; a retrigger may shorten a note but never moves one.
std::vector<double> onsets_in_beats(const NoteSequence& seq, bool from_steps) {
  std::vector<double> beats;
  for (const Note& n : seq.notes) {
    beats.push_back(from_steps ? static_cast<double>(n.quantized_start_step) / seq.steps_per_quarter
                               : n.start_time * seq.qpm() / 60.0);
  }
  std::sort(beats.begin(), beats.end());
  return beats;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const NoteSequence seq = build(in);
  auto written = write_midi(seq);
  if (!written) {
    FUZZ_REQUIRE(!written.error().message.empty(), "a rejection says why");
    return 0;
  }
  auto back = read_midi(*written);
  FUZZ_REQUIRE(back.ok(), "written MIDI reads back");
  FUZZ_REQUIRE(back->notes.size() == seq.notes.size(), "same number of notes");
  FUZZ_REQUIRE(note_keys(*back) == note_keys(seq), "same pitches, velocities, drums, programs");
  if (seq.is_quantized()) {
    // 480 ticks per quarter: a step of 1/spq beats lands within half a tick.
    const auto want = onsets_in_beats(seq, true);
    const auto got = onsets_in_beats(*back, false);
    for (std::size_t i = 0; i < want.size(); ++i) {
      FUZZ_REQUIRE(std::abs(want[i] - got[i]) <= 0.5 / 480 + 1e-9, "onsets stay on their beats");
    }
  }
  return 0;
}
