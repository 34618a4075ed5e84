#include "clipgen/protocol/validation.h"

#include <cmath>
#include <string>

#include "number_format.h"
#include "problem_list.h"

namespace clipgen::protocol {

using detail::format_number;
using detail::index_path;
using detail::ItemPath;
using detail::path_text;
using detail::ProblemList;

namespace {

std::string range_text(double lo, double hi) {
  return format_number(lo) + ".." + format_number(hi);
}

template <class Path>
void check_int(ProblemList& p, const Path& path, double v, double lo, double hi) {
  if (v < lo || v > hi) {
    p.add(path_text(path), format_number(v) + " is outside " + range_text(lo, hi));
  }
}

// A time in seconds: finite, not negative, within the limit. Returns whether it is usable.
template <class Path>
bool check_time(ProblemList& p, const Path& path, double t, const Limits& limits) {
  if (!std::isfinite(t)) {
    p.add(path_text(path), "must be a finite number, got " + format_number(t));
    return false;
  }
  if (t < 0) {
    p.add(path_text(path), format_number(t) + " is negative");
    return false;
  }
  if (t > limits.max_total_time) {
    p.add(path_text(path), format_number(t) + " exceeds the limit of " +
                               format_number(limits.max_total_time) + " seconds");
    return false;
  }
  return true;
}

template <class Path>
bool check_step(ProblemList& p, const Path& path, std::int64_t s, const Limits& limits) {
  if (s < 0) {
    p.add(path_text(path), std::to_string(s) + " is negative");
    return false;
  }
  if (s > limits.max_total_steps) {
    p.add(path_text(path), std::to_string(s) + " exceeds the limit of " +
                               std::to_string(limits.max_total_steps) + " steps");
    return false;
  }
  return true;
}

bool is_power_of_two(int v) {
  return v > 0 && (v & (v - 1)) == 0;
}

void check_note(ProblemList& p, const Note& n, std::size_t i, bool quantized,
                const Limits& limits) {
  auto path = [i](std::string_view field) { return ItemPath{"notes", i, field}; };
  check_int(p, path("pitch"), n.pitch, 0, 127);
  check_int(p, path("velocity"), n.velocity, 0, 127);
  check_int(p, path("instrument"), n.instrument, 0, limits.max_instrument);
  check_int(p, path("program"), n.program, 0, 127);
  const bool start_ok = check_time(p, path("startTime"), n.start_time, limits);
  const bool end_ok = check_time(p, path("endTime"), n.end_time, limits);
  if (start_ok && end_ok && n.end_time < n.start_time) {
    p.add(path_text(path("endTime")),
          format_number(n.end_time) + " is before startTime " + format_number(n.start_time));
  }
  if (quantized) {
    const bool qs_ok = check_step(p, path("quantizedStartStep"), n.quantized_start_step, limits);
    const bool qe_ok = check_step(p, path("quantizedEndStep"), n.quantized_end_step, limits);
    if (qs_ok && qe_ok && n.quantized_end_step < n.quantized_start_step) {
      p.add(path_text(path("quantizedEndStep")), std::to_string(n.quantized_end_step) +
                                                     " is before quantizedStartStep " +
                                                     std::to_string(n.quantized_start_step));
    }
  }
}

void check_count(ProblemList& p, const char* name, std::size_t count, std::size_t max) {
  if (count > max) {
    p.add(name, std::to_string(count) + " entries exceed the limit of " + std::to_string(max));
  }
}

}  // namespace

std::string Problem::to_string() const {
  return location.empty() ? message : location + ": " + message;
}

Error problems_to_error(const std::vector<Problem>& problems) {
  constexpr std::size_t kShown = 10;
  std::string msg = "invalid NoteSequence: ";
  for (std::size_t i = 0; i < problems.size() && i < kShown; ++i) {
    if (i) msg += "; ";
    msg += problems[i].to_string();
  }
  if (problems.size() > kShown) {
    msg += "; and " + std::to_string(problems.size() - kShown) + " more";
  }
  return make_error(ErrorKind::kInvalidRequest, std::move(msg));
}

std::vector<Problem> validate(const NoteSequence& seq, const Limits& limits,
                              const std::string& location_prefix) {
  std::vector<Problem> out;
  ProblemList p(out, limits.max_problems, location_prefix);
  const bool quantized = seq.steps_per_quarter != 0;
  if (quantized) {
    check_int(p, "quantizationInfo.stepsPerQuarter", seq.steps_per_quarter, 1,
              limits.max_steps_per_quarter);
  }
  check_time(p, "totalTime", seq.total_time, limits);
  if (quantized) check_step(p, "totalQuantizedSteps", seq.total_quantized_steps, limits);

  check_count(p, "tempos", seq.tempos.size(), limits.max_tempos);
  for (std::size_t i = 0; i < seq.tempos.size() && !p.full(); ++i) {
    const Tempo& t = seq.tempos[i];
    check_time(p, index_path("tempos", i, "time"), t.time, limits);
    const std::string qpm_path = index_path("tempos", i, "qpm");
    if (!std::isfinite(t.qpm)) {
      p.add(qpm_path, "must be a finite number, got " + format_number(t.qpm));
    } else if (t.qpm < limits.min_qpm || t.qpm > limits.max_qpm) {
      p.add(qpm_path,
            format_number(t.qpm) + " is outside " + range_text(limits.min_qpm, limits.max_qpm));
    }
  }

  check_count(p, "timeSignatures", seq.time_signatures.size(), limits.max_time_signatures);
  for (std::size_t i = 0; i < seq.time_signatures.size() && !p.full(); ++i) {
    const TimeSignature& ts = seq.time_signatures[i];
    check_time(p, index_path("timeSignatures", i, "time"), ts.time, limits);
    check_int(p, index_path("timeSignatures", i, "numerator"), ts.numerator, 1, 255);
    const std::string den_path = index_path("timeSignatures", i, "denominator");
    if (ts.denominator < 1 || ts.denominator > 64) {
      check_int(p, den_path, ts.denominator, 1, 64);
    } else if (!is_power_of_two(ts.denominator)) {
      p.add(den_path, std::to_string(ts.denominator) + " is not a power of two");
    }
  }

  if (seq.notes.size() > limits.max_notes) {
    p.add("notes", std::to_string(seq.notes.size()) + " notes exceed the limit of " +
                       std::to_string(limits.max_notes));
  }
  for (std::size_t i = 0; i < seq.notes.size() && !p.full(); ++i) {
    check_note(p, seq.notes[i], i, quantized, limits);
  }
  return out;
}

Status check(const NoteSequence& seq, const Limits& limits) {
  std::vector<Problem> problems = validate(seq, limits);
  if (problems.empty()) return Ok{};
  return problems_to_error(problems);
}

}  // namespace clipgen::protocol
