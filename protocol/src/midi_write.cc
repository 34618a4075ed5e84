// Standard MIDI File writer: format 1, track 0 for tempo and meter, one track per
// (instrument, isDrum, program).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "clipgen/protocol/midi.h"
#include "clipgen/protocol/validation.h"
#include "tempo_map.h"

namespace clipgen::protocol {

using detail::TempoMap;

namespace {

constexpr std::int64_t kMaxTick = 0x0FFFFFFF;  // deltas are at most 4-byte VLQs

struct Event {
  std::int64_t tick;
  int order;  // within a tick: meta 0, program 1, note-off 2, note-on 3, zero-length note-off 4
  int pitch;
  std::string bytes;
};

void put_vlq(std::string& out, std::uint32_t v) {
  char buf[4];
  int n = 0;
  buf[n++] = static_cast<char>(v & 0x7F);
  while ((v >>= 7) != 0) buf[n++] = static_cast<char>((v & 0x7F) | 0x80);
  while (n > 0) out.push_back(buf[--n]);
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xFF));
}

void put_u16(std::string& out, unsigned v) {
  out.push_back(static_cast<char>((v >> 8) & 0xFF));
  out.push_back(static_cast<char>(v & 0xFF));
}

std::string bytes_of(std::initializer_list<int> values) {
  std::string s;
  for (int v : values) s.push_back(static_cast<char>(v & 0xFF));
  return s;
}

void put_track(std::string& out, std::vector<Event> events) {
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return std::tie(a.tick, a.order, a.pitch) < std::tie(b.tick, b.order, b.pitch);
  });
  std::string body;
  std::int64_t tick = 0;
  for (const Event& e : events) {
    put_vlq(body, static_cast<std::uint32_t>(e.tick - tick));
    body += e.bytes;
    tick = e.tick;
  }
  put_vlq(body, 0);
  body += bytes_of({0xFF, 0x2F, 0x00});
  out += "MTrk";
  put_u32(out, static_cast<std::uint32_t>(body.size()));
  out += body;
}

int log2_exact(int v) {
  int n = 0;
  while ((1 << n) < v) ++n;
  return n;
}

}  // namespace

Result<std::string> write_midi(const NoteSequence& seq, const MidiWriteOptions& options) {
  if (options.ticks_per_quarter < 1 || options.ticks_per_quarter > 0x7FFF) {
    return make_error(ErrorKind::kInvalidRequest, "ticks per quarter must be 1..32767");
  }
  if (options.default_velocity < 1 || options.default_velocity > 127) {
    return make_error(ErrorKind::kInvalidRequest, "default velocity must be 1..127");
  }
  // What a MIDI file can hold; the tempo range is what 24 bits of microseconds express.
  Limits limits;
  limits.max_notes = std::numeric_limits<std::size_t>::max();
  limits.max_tempos = limits.max_time_signatures = std::numeric_limits<std::size_t>::max();
  limits.max_total_time = 7 * 24 * 3600.0;
  limits.max_total_steps = 1'000'000'000;
  limits.max_steps_per_quarter = 1 << 20;
  limits.min_qpm = 60e6 / 0xFFFFFF;
  limits.max_qpm = 60e6;
  limits.max_instrument = std::numeric_limits<int>::max();
  if (std::vector<Problem> problems = validate(seq, limits); !problems.empty()) {
    return problems_to_error(problems);
  }

  const int tpq = options.ticks_per_quarter;
  std::vector<Tempo> tempos = seq.tempos;
  std::stable_sort(tempos.begin(), tempos.end(),
                   [](const Tempo& a, const Tempo& b) { return a.time < b.time; });
  // Build the map from the tempo values the file will hold, so reading back gives these times.
  TempoMap map(tpq);
  std::vector<Event> meta;
  for (const Tempo& t : tempos) {
    const auto us = static_cast<std::uint32_t>(
        std::clamp(std::llround(60e6 / t.qpm), 1LL, static_cast<long long>(0xFFFFFF)));
    const std::int64_t tick = map.tick_at(t.time);
    map.set(tick, us);
    meta.push_back({tick, 0, 0,
                    bytes_of({0xFF, 0x51, 0x03, static_cast<int>(us >> 16),
                              static_cast<int>(us >> 8), static_cast<int>(us)})});
  }
  for (const TimeSignature& ts : seq.time_signatures) {
    meta.push_back({map.tick_at(ts.time), 0, 0,
                    bytes_of({0xFF, 0x58, 0x04, ts.numerator, log2_exact(ts.denominator), 24, 8})});
  }

  auto to_tick = [&](double seconds, std::int64_t step) -> std::int64_t {
    if (seq.is_quantized()) {
      // Exact in beats: round(step * tpq / spq) in integers.
      const std::int64_t spq = seq.steps_per_quarter;
      return (step * tpq * 2 + spq) / (2 * spq);
    }
    return map.tick_at(seconds);
  };

  // One track per (instrument, isDrum, program), in that order.
  std::map<std::tuple<int, bool, int>, std::vector<Event>> tracks;
  std::int64_t last_tick = 0;
  for (const Note& n : seq.notes) {
    const std::int64_t on = to_tick(n.start_time, n.quantized_start_step);
    const std::int64_t off = std::max(on, to_tick(n.end_time, n.quantized_end_step));
    last_tick = std::max(last_tick, off);
    auto& events = tracks[{n.instrument, n.is_drum, n.program}];
    const int velocity = n.velocity > 0 ? n.velocity : options.default_velocity;
    // Channel nibble filled in below, once channels are assigned.
    events.push_back({on, 3, n.pitch, bytes_of({0x90, n.pitch, velocity})});
    events.push_back({off, off == on ? 4 : 2, n.pitch, bytes_of({0x80, n.pitch, 0})});
  }
  for (const Event& e : meta) last_tick = std::max(last_tick, e.tick);
  if (last_tick > kMaxTick) {
    return make_error(ErrorKind::kInvalidRequest, "the sequence is too long for a MIDI file at " +
                                                      std::to_string(tpq) + " ticks per quarter");
  }

  if (tracks.size() + 1 > 0xFFFF) {
    return make_error(ErrorKind::kInvalidRequest,
                      "the sequence needs more than 65535 tracks (one per instrument and program)");
  }
  std::string out = "MThd";
  put_u32(out, 6);
  put_u16(out, 1);
  put_u16(out, static_cast<unsigned>(tracks.size() + 1));
  put_u16(out, static_cast<unsigned>(tpq));
  put_track(out, std::move(meta));

  int next_channel = 0;
  for (auto& [key, events] : tracks) {
    const auto& [instrument, is_drum, program] = key;
    (void)instrument;
    int channel = kDrumChannel;
    if (!is_drum) {
      if (next_channel == kDrumChannel) ++next_channel;
      channel = next_channel;
      next_channel = (next_channel + 1) % 16;
    }
    for (Event& e : events) e.bytes[0] = static_cast<char>(e.bytes[0] | channel);
    if (!is_drum || program != 0) {
      events.push_back({0, 1, 0, bytes_of({0xC0 | channel, program})});
    }
    put_track(out, std::move(events));
  }
  return out;
}

Status write_midi_file(const NoteSequence& seq, const std::string& path,
                       const MidiWriteOptions& options) {
  auto bytes = write_midi(seq, options);
  if (!bytes) return bytes.error();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return make_error(ErrorKind::kInternal, "cannot create MIDI file " + path);
  out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
  out.close();
  if (!out) return make_error(ErrorKind::kInternal, "cannot write MIDI file " + path);
  return Ok{};
}

}  // namespace clipgen::protocol
