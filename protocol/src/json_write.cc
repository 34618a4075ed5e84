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

// Keys in nlohmann's order (its objects are sorted maps), so both writers give the same layout.
void put_note(const Note& n, bool quantized, std::string& out) {
  out += "{\"endTime\":";
  put_double(n.end_time, out);
  out += ",\"instrument\":";
  put_int(n.instrument, out);
  out += n.is_drum ? ",\"isDrum\":true,\"pitch\":" : ",\"isDrum\":false,\"pitch\":";
  put_int(n.pitch, out);
  out += ",\"program\":";
  put_int(n.program, out);
  if (quantized) {
    out += ",\"quantizedEndStep\":";
    put_int(n.quantized_end_step, out);
    out += ",\"quantizedStartStep\":";
    put_int(n.quantized_start_step, out);
  }
  out += ",\"startTime\":";
  put_double(n.start_time, out);
  out += ",\"velocity\":";
  put_int(n.velocity, out);
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
    out += ",\"quantizationInfo\":{\"stepsPerQuarter\":";
    put_int(seq.steps_per_quarter, out);
    out += '}';
  }
  out += ",\"tempos\":[";
  for (size_t i = 0; i < seq.tempos.size(); ++i) {
    out += i ? ",{\"qpm\":" : "{\"qpm\":";
    put_double(seq.tempos[i].qpm, out);
    out += ",\"time\":";
    put_double(seq.tempos[i].time, out);
    out += '}';
  }
  out += "],\"timeSignatures\":[";
  for (size_t i = 0; i < seq.time_signatures.size(); ++i) {
    const TimeSignature& ts = seq.time_signatures[i];
    out += i ? ",{\"denominator\":" : "{\"denominator\":";
    put_int(ts.denominator, out);
    out += ",\"numerator\":";
    put_int(ts.numerator, out);
    out += ",\"time\":";
    put_double(ts.time, out);
    out += '}';
  }
  out += ']';
  if (quantized) {
    out += ",\"totalQuantizedSteps\":";
    put_int(seq.total_quantized_steps, out);
  }
  out += ",\"totalTime\":";
  put_double(seq.total_time, out);
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
