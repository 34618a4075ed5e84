#include <charconv>
#include <cmath>

#include "clipgen/protocol/json.h"

namespace clipgen::protocol {

using nlohmann::json;

namespace {

void put_int(std::int64_t v, std::string& out) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Shortest text that reads back to the same double; ".0" added to integral values so that the
// number stays a float for typed readers, as nlohmann writes it; null for non-finite values, as
// nlohmann does.
void put_double(double v, std::string& out) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
  for (const char* p = buf; p != r.ptr; ++p) {
    if (*p == '.' || *p == 'e') return;
  }
  out += ".0";
}

// `key` is the text before the value: ",\"name\":" (or "{\"name\":" for an object's first).
void put_int(const char* key, std::int64_t v, std::string& out) {
  out += key;
  put_int(v, out);
}

void put_double(const char* key, double v, std::string& out) {
  out += key;
  put_double(v, out);
}

// Keys in nlohmann's order (its objects are sorted maps), so both writers give the same layout.
void put_note(const Note& n, bool quantized, std::string& out) {
  put_double("{\"endTime\":", n.end_time, out);
  put_int(",\"instrument\":", n.instrument, out);
  out += n.is_drum ? ",\"isDrum\":true" : ",\"isDrum\":false";
  put_int(",\"pitch\":", n.pitch, out);
  put_int(",\"program\":", n.program, out);
  if (quantized) {
    put_int(",\"quantizedEndStep\":", n.quantized_end_step, out);
    put_int(",\"quantizedStartStep\":", n.quantized_start_step, out);
  }
  put_double(",\"startTime\":", n.start_time, out);
  put_int(",\"velocity\":", n.velocity, out);
  out += '}';
}

}  // namespace

json to_json(const NoteSequence& seq) {
  const bool quantized = seq.is_quantized();
  json notes = json::array();
  for (const Note& n : seq.notes) {
    json note = {{"pitch", n.pitch},      {"velocity", n.velocity}, {"startTime", n.start_time},
                 {"endTime", n.end_time}, {"isDrum", n.is_drum},    {"instrument", n.instrument},
                 {"program", n.program}};
    if (quantized) {
      note["quantizedStartStep"] = n.quantized_start_step;
      note["quantizedEndStep"] = n.quantized_end_step;
    }
    notes.push_back(std::move(note));
  }
  json tempos = json::array();
  for (const Tempo& t : seq.tempos) tempos.push_back({{"time", t.time}, {"qpm", t.qpm}});
  json sigs = json::array();
  for (const TimeSignature& ts : seq.time_signatures) {
    sigs.push_back(
        {{"time", ts.time}, {"numerator", ts.numerator}, {"denominator", ts.denominator}});
  }
  json out = {{"notes", std::move(notes)},
              {"tempos", std::move(tempos)},
              {"timeSignatures", std::move(sigs)},
              {"totalTime", seq.total_time}};
  if (quantized) {
    out["quantizationInfo"] = {{"stepsPerQuarter", seq.steps_per_quarter}};
    out["totalQuantizedSteps"] = seq.total_quantized_steps;
  }
  return out;
}

void append_json(const NoteSequence& seq, std::string& out) {
  const bool quantized = seq.is_quantized();
  out.reserve(out.size() + 200 + seq.notes.size() * 170);
  out += "{\"notes\":[";
  for (size_t i = 0; i < seq.notes.size(); ++i) {
    if (i) out += ',';
    put_note(seq.notes[i], quantized, out);
  }
  out += ']';
  if (quantized) {
    put_int(",\"quantizationInfo\":{\"stepsPerQuarter\":", seq.steps_per_quarter, out);
    out += '}';
  }
  out += ",\"tempos\":[";
  for (size_t i = 0; i < seq.tempos.size(); ++i) {
    put_double(i ? ",{\"qpm\":" : "{\"qpm\":", seq.tempos[i].qpm, out);
    put_double(",\"time\":", seq.tempos[i].time, out);
    out += '}';
  }
  out += "],\"timeSignatures\":[";
  for (size_t i = 0; i < seq.time_signatures.size(); ++i) {
    const TimeSignature& ts = seq.time_signatures[i];
    put_int(i ? ",{\"denominator\":" : "{\"denominator\":", ts.denominator, out);
    put_int(",\"numerator\":", ts.numerator, out);
    put_double(",\"time\":", ts.time, out);
    out += '}';
  }
  out += ']';
  if (quantized) put_int(",\"totalQuantizedSteps\":", seq.total_quantized_steps, out);
  put_double(",\"totalTime\":", seq.total_time, out);
  out += '}';
}

json problems_to_json(const std::vector<Problem>& problems) {
  json out = json::array();
  for (const Problem& p : problems) {
    out.push_back({{"location", p.location}, {"message", p.message}});
  }
  return out;
}

std::string to_json_string(const NoteSequence& seq, int indent) {
  return to_json(seq).dump(indent, ' ', false, json::error_handler_t::replace);
}

}  // namespace clipgen::protocol
