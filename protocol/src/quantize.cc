#include "clipgen/protocol/quantize.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "number_format.h"

namespace clipgen::protocol {

using detail::format_number;

namespace {

std::string meter_text(const TimeSignature& ts) {
  return std::to_string(ts.numerator) + "/" + std::to_string(ts.denominator);
}

// magenta: one meter only, an implicit 4/4 at time 0. Returns the single time signature.
Result<TimeSignature> single_time_signature(const std::vector<TimeSignature>& sigs) {
  if (sigs.empty()) return TimeSignature{};
  std::vector<TimeSignature> sorted = sigs;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const TimeSignature& a, const TimeSignature& b) { return a.time < b.time; });
  const TimeSignature& first = sorted.front();
  if (first.time != 0 && !(first.numerator == 4 && first.denominator == 4)) {
    return make_error(ErrorKind::kUnprocessable,
                      "the meter changes from the implicit 4/4 to " + meter_text(first) + " at " +
                          format_number(first.time) +
                          " s; only sequences with a single time signature can be quantized");
  }
  for (const TimeSignature& ts : sorted) {
    if (ts.numerator != first.numerator || ts.denominator != first.denominator) {
      return make_error(ErrorKind::kUnprocessable,
                        "the meter changes from " + meter_text(first) + " to " + meter_text(ts) +
                            " at " + format_number(ts.time) +
                            " s; only sequences with a single time signature can be quantized");
    }
  }
  // magenta.js BadTimeSignatureException.
  if (first.numerator <= 0 || first.denominator <= 0 ||
      (first.denominator & (first.denominator - 1)) != 0) {
    return make_error(ErrorKind::kInvalidRequest,
                      "time signature " + meter_text(first) +
                          " is not a meter: the numerator must be > 0 and the denominator a "
                          "power of two");
  }
  TimeSignature out = first;
  out.time = 0;
  return out;
}

// magenta: one tempo only, an implicit 120 qpm at time 0.
Result<double> single_qpm(const std::vector<Tempo>& tempos) {
  if (tempos.empty()) return kDefaultQpm;
  for (const Tempo& t : tempos) {
    if (!std::isfinite(t.qpm) || t.qpm <= 0 || !std::isfinite(t.time)) {
      return make_error(ErrorKind::kInvalidRequest, "tempo " + format_number(t.qpm) + " qpm at " +
                                                        format_number(t.time) +
                                                        " s is not a number > 0");
    }
  }
  std::vector<Tempo> sorted = tempos;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Tempo& a, const Tempo& b) { return a.time < b.time; });
  const Tempo& first = sorted.front();
  if (first.time != 0 && first.qpm != kDefaultQpm) {
    return make_error(ErrorKind::kUnprocessable,
                      "the tempo changes from the implicit 120 qpm to " + format_number(first.qpm) +
                          " qpm at " + format_number(first.time) +
                          " s; only sequences with a single tempo can be quantized");
  }
  for (const Tempo& t : sorted) {
    if (t.qpm != first.qpm) {
      return make_error(ErrorKind::kUnprocessable,
                        "the tempo changes from " + format_number(first.qpm) + " to " +
                            format_number(t.qpm) + " qpm at " + format_number(t.time) +
                            " s; only sequences with a single tempo can be quantized");
    }
  }
  return first.qpm;
}

Status check_time(double t, const std::string& what) {
  if (!std::isfinite(t) || t < 0) {
    return make_error(ErrorKind::kInvalidRequest,
                      what + ": " + format_number(t) + " must be a finite time >= 0");
  }
  return Ok{};
}

}  // namespace

double steps_per_second(int steps_per_quarter, double qpm) {
  return steps_per_quarter * qpm / 60.0;
}

std::int64_t quantize_to_step(double seconds, double sps, double cutoff) {
  const double steps = std::floor(seconds * sps + (1.0 - cutoff));
  // Saturate instead of overflowing on absurd inputs; validation rejects them anyway.
  constexpr double kMax = 9.0e18;
  if (!(steps < kMax)) return static_cast<std::int64_t>(kMax);
  if (!(steps > -kMax)) return static_cast<std::int64_t>(-kMax);
  return static_cast<std::int64_t>(steps);
}

double steps_per_bar(int numerator, int denominator, int steps_per_quarter) {
  const double quarters_per_beat = 4.0 / denominator;
  return steps_per_quarter * (quarters_per_beat * numerator);
}

Result<double> steps_per_bar(const NoteSequence& seq) {
  if (!seq.is_quantized()) {
    return make_error(ErrorKind::kUnprocessable, "the sequence is not quantized");
  }
  auto ts = single_time_signature(seq.time_signatures);
  if (!ts) return ts.error();
  return steps_per_bar(ts->numerator, ts->denominator, seq.steps_per_quarter);
}

Result<NoteSequence> quantize(const NoteSequence& seq, int steps_per_quarter) {
  if (steps_per_quarter <= 0) {
    return make_error(ErrorKind::kInvalidRequest,
                      "stepsPerQuarter " + std::to_string(steps_per_quarter) + " must be > 0");
  }
  auto ts = single_time_signature(seq.time_signatures);
  if (!ts) return ts.error();
  auto qpm = single_qpm(seq.tempos);
  if (!qpm) return qpm.error();
  if (Status s = check_time(seq.total_time, "totalTime"); !s) return s.error();
  for (std::size_t i = 0; i < seq.notes.size(); ++i) {
    const std::string where = "notes[" + std::to_string(i) + "]";
    if (Status s = check_time(seq.notes[i].start_time, where + ".startTime"); !s) return s.error();
    if (Status s = check_time(seq.notes[i].end_time, where + ".endTime"); !s) return s.error();
  }

  NoteSequence out = seq;
  out.steps_per_quarter = steps_per_quarter;
  out.time_signatures = {*ts};
  out.tempos = {Tempo{0.0, *qpm}};
  const double sps = steps_per_second(steps_per_quarter, *qpm);
  out.total_quantized_steps = quantize_to_step(seq.total_time, sps);
  for (Note& n : out.notes) {
    n.quantized_start_step = quantize_to_step(n.start_time, sps);
    n.quantized_end_step = quantize_to_step(n.end_time, sps);
    if (n.quantized_end_step == n.quantized_start_step) ++n.quantized_end_step;
    out.total_quantized_steps = std::max(out.total_quantized_steps, n.quantized_end_step);
  }
  return out;
}

Result<NoteSequence> unquantize(const NoteSequence& seq, std::optional<double> qpm) {
  if (!seq.is_quantized()) {
    return make_error(ErrorKind::kUnprocessable,
                      "the sequence is not quantized (quantizationInfo.stepsPerQuarter is unset)");
  }
  double use_qpm = 0;
  if (qpm) {
    if (!std::isfinite(*qpm) || *qpm <= 0) {
      return make_error(ErrorKind::kInvalidRequest,
                        "qpm " + format_number(*qpm) + " must be a number > 0");
    }
    use_qpm = *qpm;
  } else {
    auto own = single_qpm(seq.tempos);
    if (!own) return own.error();
    use_qpm = *own;
  }
  NoteSequence out = seq;
  out.tempos = {Tempo{0.0, use_qpm}};
  const int spq = seq.steps_per_quarter;
  // Same arithmetic as magenta.js: step / stepsPerQuarter * (60 / qpm).
  auto seconds = [spq, use_qpm](std::int64_t step) {
    return static_cast<double>(step) / spq * (60.0 / use_qpm);
  };
  out.total_time = seconds(seq.total_quantized_steps);
  for (Note& n : out.notes) {
    n.start_time = seconds(n.quantized_start_step);
    n.end_time = seconds(n.quantized_end_step);
    out.total_time = std::max(out.total_time, n.end_time);
  }
  return out;
}

std::int64_t total_steps(const NoteSequence& seq) {
  std::int64_t total = seq.total_quantized_steps;
  for (const Note& n : seq.notes) total = std::max(total, n.quantized_end_step);
  return total;
}

double total_seconds(const NoteSequence& seq) {
  double total = seq.total_time;
  for (const Note& n : seq.notes) total = std::max(total, n.end_time);
  return total;
}

}  // namespace clipgen::protocol
