#include "clip.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "clipgen/protocol/quantize.h"
#include "clipgen/protocol/validation.h"

namespace clipgen::engine::detail {

std::string plural(int64_t n, const std::string& one, const std::string& many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string bars_text(int64_t steps, double steps_per_bar) {
  const double bars = static_cast<double>(steps) / steps_per_bar;
  std::ostringstream s;
  s.precision(3);
  s << bars << (bars == 1.0 ? " bar" : " bars");
  return s.str();
}

Result<Clip> prepare_clip(const protocol::NoteSequence& input, int steps_per_quarter,
                          const std::string& label) {
  if (input.notes.size() > kMaxInputNotes) {
    return make_error(ErrorKind::kUnprocessable,
                      label + " has " + std::to_string(input.notes.size()) +
                          " notes; the tools take at most " + std::to_string(kMaxInputNotes) +
                          " per clip. Select a shorter clip.");
  }
  protocol::NoteSequence seq = input;
  int64_t declared = 0;
  if (seq.is_quantized() && seq.steps_per_quarter == steps_per_quarter) {
    declared = seq.total_quantized_steps;
  }
  if (seq.is_quantized() && seq.steps_per_quarter != steps_per_quarter) {
    // Re-grid through seconds computed from the steps.
    auto secs = protocol::unquantize(seq);
    if (!secs) return make_error(ErrorKind::kUnprocessable, label + ": " + secs.error().message);
    seq = std::move(secs).value();
    seq.steps_per_quarter = 0;
  }
  if (!seq.is_quantized()) {
    auto q = protocol::quantize(seq, steps_per_quarter);
    if (!q) {
      Error e = q.error();
      e.message = label + ": " + e.message;
      return e;
    }
    if (seq.total_time > 0) {
      declared = protocol::quantize_to_step(
          seq.total_time, protocol::steps_per_second(steps_per_quarter, q->qpm()));
    }
    seq = std::move(q).value();
  }
  if (seq.tempos.size() > 1 || seq.time_signatures.size() > 1) {
    return make_error(ErrorKind::kUnprocessable,
                      label + " changes tempo or meter; the tools need one tempo and one meter");
  }
  Clip clip;
  clip.label = label;
  clip.steps_per_quarter = steps_per_quarter;
  clip.qpm = seq.qpm();
  if (!seq.time_signatures.empty()) {
    clip.numerator = seq.time_signatures.front().numerator;
    clip.denominator = seq.time_signatures.front().denominator;
  }
  clip.steps_per_bar = protocol::steps_per_bar(clip.numerator, clip.denominator, steps_per_quarter);
  clip.total_steps = protocol::total_steps(seq);
  clip.declared_steps = declared;
  const double step_length = 60.0 / clip.qpm / steps_per_quarter;
  for (const auto& n : seq.notes) {
    GridNote g;
    g.pitch = n.pitch;
    g.velocity = n.velocity;
    g.startStep = n.quantized_start_step;
    g.endStep = std::max(n.quantized_end_step, n.quantized_start_step + 1);
    g.startTime = n.start_time;
    g.endTime = n.end_time;
    g.isDrum = n.is_drum;
    // Steps-only notes read as 0..0 seconds; a note at step 0 must not pass for timed.
    g.hasTime = n.end_time > n.start_time &&
                std::abs(n.start_time - static_cast<double>(n.quantized_start_step) *
                                            step_length) <= step_length / 2 + 1e-6;
    clip.notes.push_back(g);
  }
  std::stable_sort(clip.notes.begin(), clip.notes.end(),
                   [](const GridNote& a, const GridNote& b) { return a.startStep < b.startStep; });
  return clip;
}

std::vector<GridNote> loop_to_fill(const std::vector<GridNote>& notes, int64_t clip_steps,
                                   double steps_per_bar, int64_t steps) {
  const auto bar = static_cast<int64_t>(std::llround(steps_per_bar));
  if (bar <= 0 || clip_steps <= 0) return notes;
  const int64_t period = (clip_steps + bar - 1) / bar * bar;
  if (period >= steps) return notes;
  std::vector<GridNote> out;
  for (int64_t at = 0; at < steps; at += period) {
    for (GridNote n : notes) {
      if (n.startStep >= period) continue;
      n.startStep += at;
      n.endStep = std::min(n.endStep + at, steps);
      if (n.startStep >= steps) continue;
      n.hasTime = false;  // the copies have no seconds of their own
      out.push_back(n);
    }
  }
  return out;
}

Status require_four_four(const Clip& clip, std::string_view tool) {
  if (clip.numerator == 4 && clip.denominator == 4) return Ok{};
  return make_error(ErrorKind::kUnprocessable,
                    std::string(tool) + " works on 4/4 clips (its models learned 4/4 bars); " +
                        clip.label + " is in " + std::to_string(clip.numerator) + "/" +
                        std::to_string(clip.denominator) +
                        ". Set the clip's signature to 4/4 or pick a 4/4 clip.");
}

Kind infer_kind(const protocol::NoteSequence& input, std::vector<std::string>& warnings) {
  size_t drums = 0;
  for (const auto& n : input.notes) drums += n.is_drum ? 1 : 0;
  const size_t other = input.notes.size() - drums;
  const Kind kind = drums > other ? Kind::kDrums : Kind::kMelody;
  if (drums > 0 && other > 0) {
    warnings.push_back("the clip mixes drum and pitched notes; used it as " +
                       std::string(kind_name(kind)) + " and ignored the " +
                       plural(static_cast<int64_t>(kind == Kind::kDrums ? other : drums),
                              kind == Kind::kDrums ? "pitched note" : "drum note",
                              kind == Kind::kDrums ? "pitched notes" : "drum notes"));
  }
  return kind;
}

std::vector<GridNote> only_kind(const std::vector<GridNote>& notes, Kind kind, bool named,
                                const std::string& label, std::vector<std::string>& warnings) {
  const bool drums = kind == Kind::kDrums;
  std::vector<GridNote> out;
  for (const auto& n : notes) {
    if (n.isDrum == drums) out.push_back(n);
  }
  if (out.empty() && named && !notes.empty()) {
    out = notes;
    for (auto& n : out) n.isDrum = drums;
    warnings.push_back(drums ? "no note of " + label +
                                   " is marked as a drum (MIDI channel 10); all its notes were "
                                   "read as drums"
                             : "every note of " + label +
                                   " is marked as a drum; all its notes were read as a melody");
  }
  return out;
}

std::vector<GridNote> top_line(const std::vector<GridNote>& notes, int* dropped) {
  std::vector<GridNote> sorted = notes;
  std::stable_sort(sorted.begin(), sorted.end(), [](const GridNote& a, const GridNote& b) {
    if (a.startStep != b.startStep) return a.startStep < b.startStep;
    return a.pitch > b.pitch;
  });
  std::vector<GridNote> kept;
  int count = 0;
  for (size_t i = 0; i < sorted.size(); ++i) {
    const GridNote& n = sorted[i];
    bool covered = false;
    for (size_t j = 0; j < sorted.size() && !covered; ++j) {
      const GridNote& o = sorted[j];
      if (j == i || o.pitch <= n.pitch) continue;
      covered = o.startStep <= n.startStep && o.endStep > n.startStep;
    }
    if (!covered && !kept.empty() && kept.back().startStep == n.startStep) covered = true;
    if (covered) {
      ++count;
      continue;
    }
    kept.push_back(n);
  }
  for (size_t i = 0; i + 1 < kept.size(); ++i) {
    kept[i].endStep = std::min(kept[i].endStep, kept[i + 1].startStep);
  }
  if (dropped) *dropped = count;
  return kept;
}

protocol::NoteSequence make_sequence(const std::vector<GridNote>& notes, bool notes_have_seconds,
                                     int64_t total_steps, int steps_per_quarter, double qpm,
                                     int numerator, int denominator, int* dropped) {
  protocol::NoteSequence seq;
  seq.steps_per_quarter = steps_per_quarter;
  seq.tempos.push_back({0.0, qpm});
  seq.time_signatures.push_back({0.0, numerator, denominator});
  const double step_length = 60.0 / qpm / steps_per_quarter;
  seq.total_quantized_steps = total_steps;
  seq.total_time = static_cast<double>(total_steps) * step_length;
  int lost = 0;
  seq.notes.reserve(notes.size());
  for (const GridNote& g : notes) {
    protocol::Note& n = seq.notes.emplace_back();  // filled in place (see GrooveConverter)
    n.pitch = g.pitch;
    n.velocity = std::clamp(g.velocity, 1, 127);
    n.is_drum = g.isDrum;
    n.quantized_start_step = std::max<int64_t>(g.startStep, 0);
    n.quantized_end_step = std::min(std::max(g.endStep, n.quantized_start_step + 1), total_steps);
    if (notes_have_seconds) {
      n.start_time = std::max(g.startTime, 0.0);
      n.end_time = std::min(g.endTime, seq.total_time);
    } else {
      n.start_time = static_cast<double>(n.quantized_start_step) * step_length;
      n.end_time = static_cast<double>(n.quantized_end_step) * step_length;
    }
    if (n.quantized_start_step >= total_steps || n.start_time >= seq.total_time ||
        n.end_time <= n.start_time) {
      ++lost;
      seq.notes.pop_back();
    }
  }
  protocol::sort_notes(seq);
  if (dropped) *dropped = lost;
  return seq;
}

}  // namespace clipgen::engine::detail
