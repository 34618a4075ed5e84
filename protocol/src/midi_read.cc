// Standard MIDI File reader: formats 0 and 1. Every byte access goes through ByteReader, and
// every list grows by at most one entry per event read, so memory is bounded by the input size.
#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "byte_reader.h"
#include "clipgen/protocol/midi.h"
#include "tempo_map.h"

namespace clipgen::protocol {

using detail::ByteReader;
using detail::TempoMap;

namespace {

struct RawNote {
  std::int64_t start_tick = 0;
  std::int64_t end_tick = 0;
  int pitch = 0;
  int velocity = 0;
  int program = 0;
  int track = 0;
  int channel = 0;
};

struct RawTempo {
  std::int64_t tick;
  std::uint32_t us_per_quarter;
};

struct RawMeter {
  std::int64_t tick;
  int numerator;
  int denominator;
};

std::string hex_byte(unsigned b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", b & 0xFFu);
  return buf;
}

Error malformed(int track, std::size_t offset, const std::string& what) {
  return make_error(ErrorKind::kInvalidRequest, "malformed MIDI file: track " +
                                                    std::to_string(track) + ", byte " +
                                                    std::to_string(offset) + ": " + what);
}

class FileReader {
 public:
  FileReader(const MidiReadOptions& options) : options_(options) {}

  Status read_track(ByteReader r, int track) {
    constexpr int kNone = -1;
    std::array<int, 16 * 128> open;  // index into notes_ of the sounding note, per channel/pitch
    open.fill(kNone);
    std::array<int, 16> program{};
    std::uint8_t running = 0;
    std::int64_t tick = 0;

    auto close = [&](int channel, int pitch) {
      int& idx = open[channel * 128 + pitch];
      if (idx != kNone) notes_[idx].end_tick = tick;
      idx = kNone;
    };

    while (!r.at_end()) {
      const std::size_t event_offset = r.offset();
      std::uint32_t delta = 0;
      if (int rc = r.vlq(delta); rc != 0) {
        return malformed(
            track, event_offset,
            rc == 1 ? "the track ends inside a delta time" : "delta time is longer than 4 bytes");
      }
      tick += delta;
      std::uint8_t status = 0;
      if (!r.peek(status)) return malformed(track, r.offset(), "the track ends after a delta time");
      if (status & 0x80u) {
        r.skip(1);
      } else if (running == 0) {
        return malformed(track, r.offset(),
                         "data byte " + hex_byte(status) + " without a status byte");
      } else {
        status = running;  // running status: this byte is the first data byte
      }

      if (status == 0xFF) {
        std::uint8_t type = 0;
        std::uint32_t len = 0;
        if (!r.u8(type) || r.vlq(len) != 0) {
          return malformed(track, event_offset, "truncated meta event");
        }
        if (len > r.remaining()) {
          return malformed(track, event_offset,
                           "meta event of " + std::to_string(len) + " bytes, only " +
                               std::to_string(r.remaining()) + " left in the track");
        }
        const std::uint8_t* d = r.here();
        r.skip(len);
        if (type == 0x2F) break;  // end of track
        if (type == 0x51) {
          if (len < 3) return malformed(track, event_offset, "tempo event shorter than 3 bytes");
          const std::uint32_t us = (std::uint32_t{d[0]} << 16) | (std::uint32_t{d[1]} << 8) | d[2];
          if (us == 0) return malformed(track, event_offset, "tempo of 0 microseconds per quarter");
          tempos_.push_back({tick, us});
        } else if (type == 0x58 && len >= 4) {
          // Meters that no NoteSequence can hold (0 beats, denominators past 64) are skipped.
          if (d[0] > 0 && d[1] <= 6) meters_.push_back({tick, d[0], 1 << d[1]});
        }
        continue;
      }
      if (status == 0xF0 || status == 0xF7) {
        std::uint32_t len = 0;
        if (r.vlq(len) != 0 || !r.skip(len)) {
          return malformed(track, event_offset, "truncated system exclusive event");
        }
        continue;
      }
      if (status >= 0xF0) {
        return malformed(track, event_offset,
                         "status byte " + hex_byte(status) + " is not allowed in a MIDI file");
      }

      running = status;
      const int kind = status & 0xF0;
      const int channel = status & 0x0F;
      const int length = (kind == 0xC0 || kind == 0xD0) ? 1 : 2;
      std::uint8_t data[2] = {0, 0};
      for (int i = 0; i < length; ++i) {
        if (!r.u8(data[i])) return malformed(track, event_offset, "truncated channel event");
        if (data[i] & 0x80u) {
          return malformed(track, r.offset() - 1,
                           "data byte " + hex_byte(data[i]) + " has its high bit set");
        }
      }
      if (kind == 0x90 && data[1] > 0) {
        close(channel, data[0]);  // retrigger: a sounding note on this pitch ends here
        if (notes_.size() >= options_.max_notes) {
          return make_error(
              ErrorKind::kPayloadTooLarge,
              "the MIDI file holds more than " + std::to_string(options_.max_notes) + " notes");
        }
        open[channel * 128 + data[0]] = static_cast<int>(notes_.size());
        notes_.push_back({tick, tick, data[0], data[1], program[channel], track, channel});
      } else if (kind == 0x80 || kind == 0x90) {
        close(channel, data[0]);
      } else if (kind == 0xC0) {
        program[channel] = data[0];
      }
    }
    // Notes still sounding end with their track.
    for (int channel = 0; channel < 16; ++channel) {
      for (int pitch = 0; pitch < 128; ++pitch) close(channel, pitch);
    }
    return Ok{};
  }

  Result<NoteSequence> read(std::string_view bytes) {
    if (bytes.size() > options_.max_bytes) {
      return make_error(ErrorKind::kPayloadTooLarge,
                        "the MIDI file is " + std::to_string(bytes.size()) +
                            " bytes; the limit is " + std::to_string(options_.max_bytes));
    }
    ByteReader r(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    std::string_view id;
    std::uint32_t header_len = 0;
    if (!r.tag(id) || id != "MThd") {
      if (id == "RIFF") {
        return make_error(ErrorKind::kInvalidRequest,
                          "RIFF MIDI (.rmi) files are not supported; export a Standard MIDI File");
      }
      return make_error(ErrorKind::kInvalidRequest,
                        "not a Standard MIDI File: it does not start with \"MThd\"");
    }
    std::uint16_t format = 0, ntracks = 0, division = 0;
    if (!r.u32(header_len) || header_len < 6 || !r.u16(format) || !r.u16(ntracks) ||
        !r.u16(division) || !r.skip(header_len - 6)) {
      return make_error(ErrorKind::kInvalidRequest, "malformed MIDI file: truncated header");
    }
    if (format == 2) {
      return make_error(ErrorKind::kInvalidRequest,
                        "MIDI format 2 (independent patterns) is not supported; use format 0 or 1");
    }
    if (format > 2) {
      return make_error(ErrorKind::kInvalidRequest,
                        "unknown MIDI file format " + std::to_string(format));
    }
    if (division & 0x8000u) {
      return make_error(ErrorKind::kInvalidRequest,
                        "SMPTE time division is not supported; export the MIDI file with "
                        "ticks per quarter note");
    }
    if (division == 0) {
      return make_error(ErrorKind::kInvalidRequest,
                        "malformed MIDI file: 0 ticks per quarter note");
    }

    int found = 0;
    while (found < ntracks) {
      const std::size_t chunk_offset = r.offset();
      std::uint32_t len = 0;
      if (!r.tag(id) || !r.u32(len)) {
        return make_error(ErrorKind::kInvalidRequest,
                          "truncated MIDI file: the header announces " + std::to_string(ntracks) +
                              " tracks, found " + std::to_string(found));
      }
      if (len > r.remaining()) {
        return make_error(ErrorKind::kInvalidRequest,
                          "truncated MIDI file: chunk at byte " + std::to_string(chunk_offset) +
                              " announces " + std::to_string(len) + " bytes, only " +
                              std::to_string(r.remaining()) + " remain");
      }
      ByteReader chunk(r.here(), len, r.offset());
      r.skip(len);
      if (id != "MTrk") continue;  // unknown chunks are skipped, as the SMF spec asks
      if (Status s = read_track(chunk, found); !s) return s.error();
      ++found;
    }
    return build(division);
  }

 private:
  NoteSequence build(int ticks_per_quarter) {
    NoteSequence seq;
    std::stable_sort(tempos_.begin(), tempos_.end(),
                     [](const RawTempo& a, const RawTempo& b) { return a.tick < b.tick; });
    TempoMap map(ticks_per_quarter);
    for (const RawTempo& t : tempos_) map.set(t.tick, t.us_per_quarter);
    for (const auto& s : map.segments()) {
      seq.tempos.push_back({s.seconds, 60e6 / s.us_per_quarter});
    }

    std::stable_sort(meters_.begin(), meters_.end(),
                     [](const RawMeter& a, const RawMeter& b) { return a.tick < b.tick; });
    std::vector<RawMeter> kept;
    for (const RawMeter& m : meters_) {
      if (!kept.empty() && kept.back().tick == m.tick) {
        kept.back() = m;
      } else if (kept.empty() || kept.back().numerator != m.numerator ||
                 kept.back().denominator != m.denominator) {
        kept.push_back(m);
      }
    }
    for (const RawMeter& m : kept) {
      seq.time_signatures.push_back({map.seconds_at(m.tick), m.numerator, m.denominator});
    }

    std::map<std::pair<int, int>, int> instruments;  // (track, channel) -> index
    for (const RawNote& n : notes_) instruments.emplace(std::make_pair(n.track, n.channel), 0);
    int index = 0;
    for (auto& entry : instruments) entry.second = index++;

    seq.notes.reserve(notes_.size());
    for (const RawNote& n : notes_) {
      Note note;
      note.pitch = n.pitch;
      note.velocity = n.velocity;
      note.start_time = map.seconds_at(n.start_tick);
      note.end_time = map.seconds_at(n.end_tick);
      note.is_drum = n.channel == kDrumChannel;
      note.program = n.program;
      note.instrument = instruments[{n.track, n.channel}];
      seq.total_time = std::max(seq.total_time, note.end_time);
      seq.notes.push_back(note);
    }
    sort_notes(seq);
    return seq;
  }

  const MidiReadOptions& options_;
  std::vector<RawNote> notes_;
  std::vector<RawTempo> tempos_;
  std::vector<RawMeter> meters_;
};

}  // namespace

Result<NoteSequence> read_midi(std::string_view bytes, const MidiReadOptions& options) {
  FileReader reader(options);
  return reader.read(bytes);
}

Result<NoteSequence> read_midi_file(const std::string& path, const MidiReadOptions& options) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return make_error(ErrorKind::kNotFound, "cannot open MIDI file " + path);
  const std::streamoff size = in.tellg();
  if (size < 0) return make_error(ErrorKind::kInvalidRequest, "cannot read MIDI file " + path);
  if (static_cast<std::uint64_t>(size) > options.max_bytes) {
    return make_error(ErrorKind::kPayloadTooLarge,
                      "MIDI file " + path + " is " + std::to_string(size) +
                          " bytes; the limit is " + std::to_string(options.max_bytes));
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  in.seekg(0);
  if (!in.read(bytes.data(), size)) {
    return make_error(ErrorKind::kInvalidRequest, "cannot read MIDI file " + path);
  }
  auto seq = read_midi(bytes, options);
  if (!seq) return make_error(seq.error().kind, path + ": " + seq.error().message);
  return seq;
}

}  // namespace clipgen::protocol
