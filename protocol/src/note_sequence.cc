#include "clipgen/protocol/note_sequence.h"

#include <algorithm>
#include <cmath>

namespace clipgen::protocol {

namespace {

// Three-way comparisons in a total order (NaN after every number), so that sorting stays
// well-defined even on sequences that have not been validated.
int cmp(double a, double b) {
  const bool an = std::isnan(a), bn = std::isnan(b);
  if (an || bn) return an == bn ? 0 : (an ? 1 : -1);
  return a < b ? -1 : (b < a ? 1 : 0);
}

template <typename T>
int cmp_int(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

bool note_less(const Note& a, const Note& b, bool by_steps) {
  int c = 0;
  if (by_steps && (c = cmp_int(a.quantized_start_step, b.quantized_start_step))) return c < 0;
  if ((c = cmp(a.start_time, b.start_time))) return c < 0;
  if ((c = cmp_int(a.pitch, b.pitch))) return c < 0;
  if ((c = cmp_int(a.instrument, b.instrument))) return c < 0;
  if (by_steps && (c = cmp_int(a.quantized_end_step, b.quantized_end_step))) return c < 0;
  if ((c = cmp(a.end_time, b.end_time))) return c < 0;
  return a.velocity < b.velocity;
}

}  // namespace

bool Note::operator==(const Note& o) const {
  return pitch == o.pitch && velocity == o.velocity && start_time == o.start_time &&
         end_time == o.end_time && quantized_start_step == o.quantized_start_step &&
         quantized_end_step == o.quantized_end_step && is_drum == o.is_drum &&
         instrument == o.instrument && program == o.program;
}

bool NoteSequence::operator==(const NoteSequence& o) const {
  return notes == o.notes && tempos == o.tempos && time_signatures == o.time_signatures &&
         steps_per_quarter == o.steps_per_quarter && total_time == o.total_time &&
         total_quantized_steps == o.total_quantized_steps;
}

void sort_notes(NoteSequence& seq) {
  // Unquantized sequences may carry stale steps; order them by seconds alone.
  const bool by_steps = seq.is_quantized();
  const auto less = [by_steps](const Note& a, const Note& b) { return note_less(a, b, by_steps); };
  auto& notes = seq.notes;
  // Most sequences arrive in order (the converters write them so): one pass instead of a merge
  // sort's buffer and moves.
  if (std::is_sorted(notes.begin(), notes.end(), less)) return;
  // Drum grooves arrive in step order with each step's hits in drum order: only the runs of one
  // step need sorting (a stable insertion sort of a few notes each).
  const auto by_step = [](const Note& a, const Note& b) {
    return a.quantized_start_step < b.quantized_start_step;
  };
  if (by_steps && std::is_sorted(notes.begin(), notes.end(), by_step)) {
    for (auto run = notes.begin(); run != notes.end();) {
      auto next = run + 1;
      while (next != notes.end() && next->quantized_start_step == run->quantized_start_step) {
        ++next;
      }
      for (auto i = run + 1; i < next; ++i) {
        Note v = std::move(*i);
        auto j = i;
        for (; j > run && less(v, *(j - 1)); --j) *j = std::move(*(j - 1));
        *j = std::move(v);
      }
      run = next;
    }
    return;
  }
  std::stable_sort(notes.begin(), notes.end(), less);
}

}  // namespace clipgen::protocol
