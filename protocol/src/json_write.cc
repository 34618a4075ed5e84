#include "clipgen/protocol/json.h"

namespace clipgen::protocol {

using nlohmann::json;

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
