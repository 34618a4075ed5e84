// magenta.js Melody.fromNoteSequence / toNoteSequence plus octave folding (see converters.h).
#include <algorithm>
#include <stdexcept>

#include "clipgen/engine/converters.h"

namespace clipgen::engine {
namespace {
constexpr int64_t kNoEvent = 0;
constexpr int64_t kNoteOff = 1;
constexpr int64_t kFirstPitch = 2;
}  // namespace

MelodyConverter::MelodyConverter(int min_pitch, int max_pitch, int steps_per_quarter)
    : min_pitch_(min_pitch), max_pitch_(max_pitch), steps_per_quarter_(steps_per_quarter) {
  if (max_pitch - min_pitch < 11) {
    throw std::invalid_argument("melody range must span at least an octave");
  }
}

int MelodyConverter::fold_pitch(int pitch) const {
  while (pitch < min_pitch_) pitch += 12;
  while (pitch > max_pitch_) pitch -= 12;
  return pitch;
}

std::vector<int64_t> MelodyConverter::to_classes(const std::vector<GridNote>& notes,
                                                 int64_t num_steps, MelodyReport* report) const {
  MelodyReport local;
  MelodyReport& r = report ? *report : local;
  struct Item {
    int64_t start;
    int pitch;
    int64_t end;
  };
  std::vector<Item> items;
  items.reserve(notes.size());
  for (const GridNote& n : notes) {
    if (n.isDrum) continue;
    const int folded = fold_pitch(n.pitch);
    if (folded != n.pitch) ++r.octaveShifted;
    items.push_back({n.startStep, folded, n.endStep});
  }
  // magenta.js sorts by start step, higher pitch first; JS sort is stable.
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
    if (a.start != b.start) return a.start < b.start;
    return a.pitch > b.pitch;
  });
  std::vector<int64_t> events(static_cast<size_t>(std::max<int64_t>(num_steps, 0)), kNoEvent);
  int64_t last_start = -1;
  for (const Item& it : items) {
    if (it.start == last_start) {
      ++r.droppedPolyphony;
      continue;
    }
    if (it.start >= num_steps) ++r.droppedPastEnd;
    if (it.start >= 0 && it.start < num_steps) {
      events[static_cast<size_t>(it.start)] = it.pitch - min_pitch_ + kFirstPitch;
    }
    if (it.end >= 0 && it.end < num_steps) events[static_cast<size_t>(it.end)] = kNoteOff;
    last_start = it.start;
  }
  return events;
}

std::vector<GridNote> MelodyConverter::to_notes(const std::vector<int64_t>& classes) const {
  std::vector<GridNote> out;
  bool sounding = false;
  GridNote cur;
  const auto close = [&](int64_t step) {
    cur.endStep = step;
    out.push_back(cur);
    sounding = false;
  };
  for (size_t s = 0; s < classes.size(); ++s) {
    const int64_t ev = classes[s];
    const auto step = static_cast<int64_t>(s);
    if (ev == kNoEvent) continue;
    if (ev == kNoteOff) {
      if (sounding) close(step);
      continue;
    }
    if (sounding) close(step);
    cur = GridNote{};
    cur.pitch = static_cast<int>(ev - kFirstPitch) + min_pitch_;
    cur.startStep = step;
    sounding = true;
  }
  if (sounding) close(static_cast<int64_t>(classes.size()));
  return out;
}

}  // namespace clipgen::engine
