// NoteSequence from magenta.js / protobuf JSON. Type problems are collected here; range and
// consistency rules come from validate(), run on what parsed.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <set>
#include <string>

#include "clipgen/protocol/json.h"
#include "clipgen/protocol/json_text.h"
#include "number_format.h"
#include "problem_list.h"

namespace clipgen::protocol {

using detail::format_number;
using detail::index_path;
using detail::ItemPath;
using detail::path_text;
using detail::ProblemList;
using nlohmann::json;

namespace {

std::string describe(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return v.get<bool>() ? "boolean true" : "boolean false";
    case json::value_t::string: {
      std::string s = v.get<std::string>();
      if (s.size() > 24) s = s.substr(0, 24) + "...";
      return "string " + json(s).dump(-1, ' ', false, json::error_handler_t::replace);
    }
    case json::value_t::array:
      return "array";
    case json::value_t::object:
      return "object";
    default:
      return "number " + format_number(v.get<double>());
  }
}

bool is_number(const json& v) {
  return v.is_number();
}

// Protobuf JSON spells doubles as numbers or as strings: "1.5", "NaN", "Infinity".
std::optional<double> number_from_string(const std::string& s) {
  if (s == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (s == "Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  if (s.empty() || s.size() > 64) return std::nullopt;
  for (char c : s) {
    const bool ok =
        (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
    if (!ok) return std::nullopt;  // also rules out strtod's hex, "inf", spaces
  }
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

class Parser {
 public:
  Parser(std::vector<Problem>& out, const ParseOptions& options)
      : options_(options), p_(out, options.limits.max_problems, options.location_prefix) {}

  void problem(const std::string& path, std::string message) {
    flagged_.insert(p_.where(path));
    p_.add(path, std::move(message));
  }
  bool flagged(const std::string& location) const { return flagged_.count(location) > 0; }
  bool full() const { return p_.full(); }

  // Absent or null: nullopt without a problem (protobuf default). Path: a std::string or an
  // ItemPath.
  template <class Path>
  std::optional<double> get_double(const json& obj, const char* key, const Path& path) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    if (is_number(*it)) return it->get<double>();
    if (it->is_string()) {
      if (auto v = number_from_string(it->get<std::string>())) return v;
    }
    problem(path_text(path), "expected a number, got " + describe(*it));
    return std::nullopt;
  }

  // Integers: JSON integers, integer-valued doubles (16.0) and numeric strings ("16").
  // Values outside lo..hi are reported with the same words validate() uses.
  template <class Path>
  std::optional<std::int64_t> get_int(const json& obj, const char* key, const Path& path, double lo,
                                      double hi) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    const json& v = *it;
    double d = 0;
    if (v.is_number_integer() && !v.is_number_unsigned()) {
      const std::int64_t i = v.get<std::int64_t>();
      if (i >= lo && i <= hi) return i;
      d = static_cast<double>(i);
    } else if (v.is_number()) {
      d = v.get<double>();
    } else if (v.is_string()) {
      const std::string s = v.get<std::string>();
      const bool plain =
          !s.empty() && s.size() <= 20 &&
          s.find_first_not_of("0123456789", s[0] == '-' ? 1 : 0) == std::string::npos && s != "-";
      if (plain) {
        errno = 0;
        const long long i = std::strtoll(s.c_str(), nullptr, 10);
        if (errno == 0 && i >= lo && i <= hi) return static_cast<std::int64_t>(i);
      }
      auto parsed = number_from_string(s);
      if (!parsed) {
        problem(path_text(path), "expected a number, got " + describe(v));
        return std::nullopt;
      }
      d = *parsed;
    } else {
      problem(path_text(path), "expected a number, got " + describe(v));
      return std::nullopt;
    }
    if (!std::isfinite(d) || d != std::floor(d)) {
      problem(path_text(path), "expected an integer, got " + format_number(d));
      return std::nullopt;
    }
    if (d < lo || d > hi) {
      problem(path_text(path),
              format_number(d) + " is outside " + format_number(lo) + ".." + format_number(hi));
      return std::nullopt;
    }
    return static_cast<std::int64_t>(d);
  }

  template <class Path>
  std::optional<bool> get_bool(const json& obj, const char* key, const Path& path) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return std::nullopt;
    if (it->is_boolean()) return it->get<bool>();
    problem(path_text(path), "expected a boolean, got " + describe(*it));
    return std::nullopt;
  }

  // The array under key, or nullptr (absent, null, or reported as the wrong type).
  const json* get_array(const json& obj, const char* key) {
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    if (it->is_array()) return &*it;
    problem(key, "expected an array, got " + describe(*it));
    return nullptr;
  }

  // Entries past a limit are not read (bounded work); the message matches validate()'s.
  void check_count(const char* key, std::size_t count, std::size_t max) {
    if (count <= max) return;
    const std::string what = std::string(key) == "notes" ? " notes" : " entries";
    problem(key, std::to_string(count) + what + " exceed the limit of " + std::to_string(max));
  }

  bool expect_object(const json& v, const std::string& path) {
    if (v.is_object()) return true;
    problem(path, "expected an object, got " + describe(v));
    return false;
  }

  void parse(const json& j, NoteSequence& seq) {
    if (!expect_object(j, "")) return;
    const Limits& limits = options_.limits;
    constexpr double kInt32Max = std::numeric_limits<std::int32_t>::max();
    constexpr double kInt64Lim = 9.2e18;  // representable; validate() applies the real limits

    if (auto it = j.find("quantizationInfo"); it != j.end() && !it->is_null()) {
      if (expect_object(*it, "quantizationInfo")) {
        auto spq = get_int(*it, "stepsPerQuarter", "quantizationInfo.stepsPerQuarter", 0,
                           limits.max_steps_per_quarter);
        auto sps = get_double(*it, "stepsPerSecond", "quantizationInfo.stepsPerSecond");
        if (sps && *sps != 0) {
          problem("quantizationInfo.stepsPerSecond",
                  "absolute quantization is not supported; use stepsPerQuarter");
        } else if (!flagged(p_.where("quantizationInfo.stepsPerQuarter")) && spq.value_or(0) == 0) {
          problem("quantizationInfo.stepsPerQuarter",
                  "missing or 0; must be 1.." + std::to_string(limits.max_steps_per_quarter));
        }
        if (spq) seq.steps_per_quarter = static_cast<int>(*spq);
      }
    }
    const bool quantized = seq.steps_per_quarter > 0;
    seq.total_time = get_double(j, "totalTime", "totalTime").value_or(0.0);
    seq.total_quantized_steps =
        get_int(j, "totalQuantizedSteps", "totalQuantizedSteps", -kInt64Lim, kInt64Lim).value_or(0);

    if (const json* tempos = get_array(j, "tempos")) {
      check_count("tempos", tempos->size(), limits.max_tempos);
      const std::size_t n = std::min(tempos->size(), limits.max_tempos);
      for (std::size_t i = 0; i < n && !full(); ++i) {
        const json& t = (*tempos)[i];
        if (!expect_object(t, index_path("tempos", i, ""))) {
          seq.tempos.push_back({});
          continue;
        }
        Tempo tempo;
        tempo.time = get_double(t, "time", index_path("tempos", i, "time")).value_or(0.0);
        const std::string qpm_path = index_path("tempos", i, "qpm");
        auto qpm = get_double(t, "qpm", qpm_path);
        if (!qpm && !flagged(p_.where(qpm_path))) problem(qpm_path, "missing");
        tempo.qpm = qpm.value_or(kDefaultQpm);
        seq.tempos.push_back(tempo);
      }
    }

    if (const json* sigs = get_array(j, "timeSignatures")) {
      check_count("timeSignatures", sigs->size(), limits.max_time_signatures);
      const std::size_t n = std::min(sigs->size(), limits.max_time_signatures);
      for (std::size_t i = 0; i < n && !full(); ++i) {
        const json& t = (*sigs)[i];
        if (!expect_object(t, index_path("timeSignatures", i, ""))) {
          seq.time_signatures.push_back({});
          continue;
        }
        TimeSignature ts;
        ts.time = get_double(t, "time", index_path("timeSignatures", i, "time")).value_or(0.0);
        for (auto [key, field] :
             {std::pair{"numerator", &ts.numerator}, std::pair{"denominator", &ts.denominator}}) {
          const std::string path = index_path("timeSignatures", i, key);
          auto v = get_int(t, key, path, -kInt32Max, kInt32Max);
          if (!v && !flagged(p_.where(path))) problem(path, "missing");
          if (v) *field = static_cast<int>(*v);
        }
        seq.time_signatures.push_back(ts);
      }
    }

    if (const json* notes = get_array(j, "notes")) {
      check_count("notes", notes->size(), limits.max_notes);
      const std::size_t n = std::min(notes->size(), limits.max_notes);
      seq.notes.reserve(n);
      for (std::size_t i = 0; i < n && !full(); ++i) {
        seq.notes.push_back(parse_note((*notes)[i], i, quantized));
      }
    }
  }

  Note parse_note(const json& v, std::size_t i, bool quantized) {
    Note n;
    if (!v.is_object()) {
      expect_object(v, index_path("notes", i, ""));
      return n;
    }
    const Limits& limits = options_.limits;
    auto path = [i](const char* field) { return ItemPath{"notes", i, field}; };
    constexpr double kInt64Lim = 9.2e18;
    n.pitch = static_cast<int>(get_int(v, "pitch", path("pitch"), 0, 127).value_or(0));
    n.velocity = static_cast<int>(get_int(v, "velocity", path("velocity"), 0, 127).value_or(0));
    n.instrument = static_cast<int>(
        get_int(v, "instrument", path("instrument"), 0, limits.max_instrument).value_or(0));
    n.program = static_cast<int>(get_int(v, "program", path("program"), 0, 127).value_or(0));
    n.start_time = get_double(v, "startTime", path("startTime")).value_or(0.0);
    n.end_time = get_double(v, "endTime", path("endTime")).value_or(0.0);
    n.is_drum = get_bool(v, "isDrum", path("isDrum")).value_or(false);
    n.quantized_start_step =
        get_int(v, "quantizedStartStep", path("quantizedStartStep"), -kInt64Lim, kInt64Lim)
            .value_or(0);
    auto end_step = get_int(v, "quantizedEndStep", path("quantizedEndStep"), -kInt64Lim, kInt64Lim);
    // proto3 JSON drops zeros, but a quantized note never ends at step 0 (magenta gives every
    // note at least one step), so a missing end step means the client sent no steps.
    if (quantized && !end_step && !flagged(p_.where(path_text(path("quantizedEndStep"))))) {
      problem(path_text(path("quantizedEndStep")),
              "missing in a quantized sequence (quantizationInfo is set)");
    }
    n.quantized_end_step = end_step.value_or(0);
    return n;
  }

 private:
  const ParseOptions& options_;
  ProblemList p_;
  std::set<std::string> flagged_;
};

// Document order: top-level fields, then tempos, time signatures and notes by index, so a
// client reads the problems of one note together.
void sort_by_location(std::vector<Problem>& problems, const std::string& prefix) {
  auto key = [&prefix](const Problem& p) {
    std::string_view loc = p.location;
    if (!prefix.empty() && loc.substr(0, prefix.size()) == prefix) loc.remove_prefix(prefix.size());
    if (!loc.empty() && loc.front() == '.') loc.remove_prefix(1);
    int section = 0;
    for (const char* name : {"quantizationInfo", "totalTime", "totalQuantizedSteps", "tempos",
                             "timeSignatures", "notes"}) {
      ++section;
      const std::string_view n(name);
      if (loc.substr(0, n.size()) == n &&
          (loc.size() == n.size() || loc[n.size()] == '.' || loc[n.size()] == '[')) {
        break;
      }
      if (section == 6) section = loc.empty() ? 0 : 7;
    }
    std::size_t index = 0;
    if (auto open = loc.find('['); open != std::string_view::npos) {
      for (std::size_t i = open + 1; i < loc.size() && loc[i] >= '0' && loc[i] <= '9'; ++i) {
        index = index * 10 + static_cast<std::size_t>(loc[i] - '0');
      }
    }
    return std::make_pair(section, index);
  };
  std::stable_sort(problems.begin(), problems.end(),
                   [&key](const Problem& a, const Problem& b) { return key(a) < key(b); });
}

}  // namespace

ParseReport parse_note_sequence_report(const json& j, const ParseOptions& options) {
  ParseReport report;
  std::vector<Problem> parse_problems;
  Parser parser(parse_problems, options);
  parser.parse(j, report.sequence);
  NoteSequence& seq = report.sequence;

  // Range and consistency rules; a location already reported as a type problem is not
  // reported twice (its value was replaced by the default).
  std::vector<Problem> rules = validate(seq, options.limits, options.location_prefix);
  report.problems = std::move(parse_problems);
  for (Problem& r : rules) {
    if (!parser.flagged(r.location)) report.problems.push_back(std::move(r));
  }
  const std::size_t cap = std::max<std::size_t>(options.limits.max_problems, 2);
  auto is_cap_note = [](const Problem& p) { return p.message.rfind("too many problems", 0) == 0; };
  auto& problems = report.problems;
  const auto cap_notes = std::remove_if(problems.begin(), problems.end(), is_cap_note);
  const bool capped = cap_notes != problems.end() || problems.size() > cap;
  problems.erase(cap_notes, problems.end());
  sort_by_location(problems, options.location_prefix);
  if (capped) {
    if (problems.size() > cap - 1) problems.resize(cap - 1);
    problems.push_back({options.location_prefix,
                        "too many problems; stopped after " + std::to_string(problems.size())});
  }
  if (!report.ok()) return report;

  if (!seq.is_quantized()) {
    // Steps mean nothing without stepsPerQuarter; dropping them keeps parse(to_json(x)) == x.
    seq.total_quantized_steps = 0;
    for (Note& n : seq.notes) n.quantized_start_step = n.quantized_end_step = 0;
  }
  sort_notes(seq);
  for (const Note& n : seq.notes) {
    seq.total_time = std::max(seq.total_time, n.end_time);
    if (seq.is_quantized()) {
      seq.total_quantized_steps = std::max(seq.total_quantized_steps, n.quantized_end_step);
    }
  }
  return report;
}

Result<NoteSequence> parse_note_sequence(const json& j, const ParseOptions& options) {
  ParseReport report = parse_note_sequence_report(j, options);
  if (!report.ok()) return report.error();
  return std::move(report.sequence);
}

Result<NoteSequence> parse_note_sequence(std::string_view json_text, const ParseOptions& options) {
  json j;
  try {
    j = parse_json(json_text);
  } catch (const json::exception& e) {  // parse_error, and out_of_range for 1e999
    std::string what = e.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " tag; keep line/column and reason.
    if (auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
    return make_error(ErrorKind::kInvalidRequest, "invalid JSON: " + what);
  }
  return parse_note_sequence(j, options);
}

}  // namespace clipgen::protocol
