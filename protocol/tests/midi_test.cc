#include "clipgen/protocol/midi.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

#include "clipgen/protocol/quantize.h"
#include "midi_bytes.h"

namespace clipgen::protocol {
namespace {

using testing::bytes;
using testing::end_of_track;
using testing::header;
using testing::tempo_event;
using testing::track;
using testing::vlq;

NoteSequence read_ok(const std::string& data) {
  auto seq = read_midi(data);
  EXPECT_TRUE(seq.ok()) << seq.error().message;
  return seq.ok() ? *seq : NoteSequence{};
}

std::string read_error(const std::string& data) {
  auto seq = read_midi(data);
  EXPECT_FALSE(seq.ok());
  return seq.ok() ? "" : seq.error().message;
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(MidiRead, Type0WithRunningStatusAndVelocityZeroOff) {
  // 96 ticks per quarter, 120 qpm default: a tick is 1/192 s.
  const std::string file =
      header(0, 1, 96) + track(bytes({0x00, 0x90, 60, 100,  // note-on 60
                                      0x00, 64, 90,         // running status: note-on 64
                                      0x60, 60, 0,  // running status, velocity 0: 60 off at tick 96
                                      0x30, 64, 0}) +  // 64 off at tick 144
                               end_of_track());
  NoteSequence seq = read_ok(file);
  ASSERT_EQ(seq.notes.size(), 2u);
  EXPECT_EQ(seq.notes[0].pitch, 60);
  EXPECT_EQ(seq.notes[0].velocity, 100);
  EXPECT_DOUBLE_EQ(seq.notes[0].start_time, 0.0);
  EXPECT_DOUBLE_EQ(seq.notes[0].end_time, 0.5);
  EXPECT_EQ(seq.notes[1].pitch, 64);
  EXPECT_DOUBLE_EQ(seq.notes[1].end_time, 0.75);
  EXPECT_DOUBLE_EQ(seq.total_time, 0.75);
  ASSERT_EQ(seq.tempos.size(), 1u);
  EXPECT_EQ(seq.tempos[0].qpm, 120.0);
  EXPECT_FALSE(seq.is_quantized());
}

TEST(MidiRead, RunningStatusSurvivesMetaEvents) {
  const std::string file =
      header(0, 1, 96) +
      track(bytes({0x00, 0x90, 60, 100}) + bytes({0x00, 0xFF, 0x01, 0x02, 'h', 'i'}) +  // text meta
            bytes({0x60, 60, 0}) + end_of_track());
  NoteSequence seq = read_ok(file);
  ASSERT_EQ(seq.notes.size(), 1u);
  EXPECT_DOUBLE_EQ(seq.notes[0].end_time, 0.5);
}

TEST(MidiRead, Type1TempoChangesFromTheTempoTrack) {
  // 480 tpq; 120 qpm, then 60 qpm from tick 960 (1 s).
  const std::string tempo_track =
      tempo_event(0, 500000) + tempo_event(960, 1000000) + end_of_track();
  const std::string notes = bytes({0x83, 0x60, 0x90, 67, 80}) +  // tick 480: on
                            bytes({0x87, 0x40, 0x80, 67, 0x40}) +
                            end_of_track();  // tick 1440: explicit note-off
  NoteSequence seq = read_ok(header(1, 2, 480) + track(tempo_track) + track(notes));
  ASSERT_EQ(seq.notes.size(), 1u);
  EXPECT_DOUBLE_EQ(seq.notes[0].start_time, 0.5);
  EXPECT_DOUBLE_EQ(seq.notes[0].end_time, 1.0 + 0.5 * 2);  // 480 ticks at 60 qpm = 1 s
  ASSERT_EQ(seq.tempos.size(), 2u);
  EXPECT_EQ(seq.tempos[1].time, 1.0);
  EXPECT_EQ(seq.tempos[1].qpm, 60.0);
}

TEST(MidiRead, TimeSignatures) {
  const std::string t = bytes({0x00, 0xFF, 0x58, 0x04, 3, 2, 24, 8}) +        // 3/4 at 0
                        vlq(1440) + bytes({0xFF, 0x58, 0x04, 6, 3, 24, 8}) +  // 6/8 at 1.5 s
                        end_of_track();
  NoteSequence seq = read_ok(header(0, 1, 480) + track(t));
  ASSERT_EQ(seq.time_signatures.size(), 2u);
  EXPECT_EQ(seq.time_signatures[0].numerator, 3);
  EXPECT_EQ(seq.time_signatures[0].denominator, 4);
  EXPECT_DOUBLE_EQ(seq.time_signatures[1].time, 1.5);
  EXPECT_EQ(seq.time_signatures[1].numerator, 6);
  EXPECT_EQ(seq.time_signatures[1].denominator, 8);
}

TEST(MidiRead, DrumsOnChannel10ProgramsAndInstruments) {
  // Track 1: program 33 on channel 1 (bass) and drums on channel 10; track 2: channel 1 again.
  const std::string t1 = bytes({0x00, 0xC0, 33,       //
                                0x00, 0x90, 40, 100,  //
                                0x00, 0x99, 36, 110,  //
                                0x10, 0x89, 36, 0,    //
                                0x10, 0x80, 40, 0,    //
                                0x00, 0xC0, 34,       // program change mid-track
                                0x00, 0x90, 41, 100,  //
                                0x10, 0x80, 41, 0}) +
                         end_of_track();
  const std::string t2 = bytes({0x00, 0x90, 72, 100, 0x20, 0x80, 72, 0}) + end_of_track();
  NoteSequence seq = read_ok(header(1, 2, 96) + track(t1) + track(t2));
  ASSERT_EQ(seq.notes.size(), 4u);
  // Sorted by start, pitch.
  EXPECT_EQ(seq.notes[0].pitch, 36);
  EXPECT_TRUE(seq.notes[0].is_drum);
  EXPECT_EQ(seq.notes[0].instrument, 1);  // (track 0, channel 9)
  EXPECT_EQ(seq.notes[1].pitch, 40);
  EXPECT_FALSE(seq.notes[1].is_drum);
  EXPECT_EQ(seq.notes[1].program, 33);
  EXPECT_EQ(seq.notes[1].instrument, 0);  // (track 0, channel 0)
  EXPECT_EQ(seq.notes[2].pitch, 72);
  EXPECT_EQ(seq.notes[2].instrument, 2);  // (track 1, channel 0)
  EXPECT_EQ(seq.notes[2].program, 0);     // programs are per track
  EXPECT_EQ(seq.notes[3].pitch, 41);
  EXPECT_EQ(seq.notes[3].program, 34);
}

TEST(MidiRead, OverlappingSamePitchRetriggers) {
  const std::string t = bytes({0x00, 0x90, 60, 100,   // tick 0
                               0x60, 0x90, 60, 90,    // tick 96: retrigger
                               0x60, 0x80, 60, 0,     // tick 192: ends the second note
                               0x60, 0x80, 60, 0}) +  // tick 288: nothing sounding, ignored
                        end_of_track();
  NoteSequence seq = read_ok(header(0, 1, 96) + track(t));
  ASSERT_EQ(seq.notes.size(), 2u);
  EXPECT_DOUBLE_EQ(seq.notes[0].end_time, 0.5);
  EXPECT_EQ(seq.notes[0].velocity, 100);
  EXPECT_DOUBLE_EQ(seq.notes[1].start_time, 0.5);
  EXPECT_DOUBLE_EQ(seq.notes[1].end_time, 1.0);
}

TEST(MidiRead, ZeroLengthAndUnterminatedNotes) {
  const std::string t = bytes({0x00, 0x90, 38, 100, 0x00, 0x80, 38, 0,  // zero length
                               0x00, 0x90, 50, 100,                     // never released
                               0x81, 0x40, 0xFF, 0x2F, 0x00});          // EOT at tick 192
  NoteSequence seq = read_ok(header(0, 1, 96) + track(t));
  ASSERT_EQ(seq.notes.size(), 2u);
  EXPECT_EQ(seq.notes[0].pitch, 38);
  EXPECT_EQ(seq.notes[0].end_time, 0.0);
  EXPECT_EQ(seq.notes[1].pitch, 50);
  EXPECT_DOUBLE_EQ(seq.notes[1].end_time, 1.0);
}

TEST(MidiRead, SkipsSysexUnknownChunksAndLongHeaders) {
  std::string file = "MThd" + bytes({0, 0, 0, 8, 0, 0, 0, 1, 0, 96, 0xAB, 0xCD});
  file += "XFIH" + bytes({0, 0, 0, 2, 1, 2});               // an alien chunk
  file += track(bytes({0x00, 0xF0, 0x03, 0x7E, 0x01, 0xF7,  // sysex
                       0x00, 0xB0, 64,   127,               // control change
                       0x00, 0xE0, 0x00, 0x40,              // pitch bend
                       0x00, 0xD0, 20,                      // channel pressure (1 data byte)
                       0x00, 0x90, 60,   100,  0x60, 0x80, 60, 0}) +
                end_of_track());
  NoteSequence seq = read_ok(file);
  ASSERT_EQ(seq.notes.size(), 1u);
  EXPECT_EQ(seq.notes[0].pitch, 60);
}

TEST(MidiRead, EmptyFileWithNoTracks) {
  NoteSequence seq = read_ok(header(1, 0, 480));
  EXPECT_TRUE(seq.notes.empty());
}

TEST(MidiRead, RejectsSmpteDivision) {
  EXPECT_TRUE(contains(read_error(header(0, 1, 0xE728) + track(end_of_track())),
                       "SMPTE time division is not supported"));
}

TEST(MidiRead, RejectsFormat2AndUnknownFormats) {
  EXPECT_TRUE(contains(read_error(header(2, 1, 96) + track(end_of_track())), "format 2"));
  EXPECT_TRUE(contains(read_error(header(7, 1, 96) + track(end_of_track())), "format 7"));
}

TEST(MidiRead, RejectsNonMidiData) {
  EXPECT_TRUE(contains(read_error(""), "not a Standard MIDI File"));
  EXPECT_TRUE(contains(read_error("hello, world, this is text"), "not a Standard MIDI File"));
  EXPECT_TRUE(contains(read_error("RIFF\x10\0\0\0RMIDdata"), "RIFF"));
  EXPECT_TRUE(contains(read_error("MThd\0\0\0\x06\0"), "truncated header"));
}

TEST(MidiRead, RejectsMissingTracks) {
  EXPECT_TRUE(contains(read_error(header(1, 3, 96) + track(end_of_track())),
                       "announces 3 tracks, found 1"));
}

TEST(MidiRead, RejectsChunkLongerThanFile) {
  std::string file = header(0, 1, 96) + track(bytes({0x00, 0x90, 60, 100}) + end_of_track());
  file.resize(file.size() - 3);
  EXPECT_TRUE(contains(read_error(file), "truncated MIDI file"));
}

TEST(MidiRead, RejectsDataByteWithoutStatus) {
  const std::string msg = read_error(header(0, 1, 96) + track(bytes({0x00, 60, 100})));
  EXPECT_TRUE(contains(msg, "track 0, byte 23: data byte 0x3C without a status byte")) << msg;
}

TEST(MidiRead, RejectsDataByteWithHighBit) {
  const std::string msg = read_error(header(0, 1, 96) + track(bytes({0x00, 0x90, 60, 0x90})));
  EXPECT_TRUE(contains(msg, "data byte 0x90 has its high bit set")) << msg;
}

TEST(MidiRead, RejectsTruncatedEvents) {
  EXPECT_TRUE(contains(read_error(header(0, 1, 96) + track(bytes({0x00, 0x90, 60}))),
                       "truncated channel event"));
  EXPECT_TRUE(
      contains(read_error(header(0, 1, 96) + track(bytes({0x81}))), "ends inside a delta time"));
  EXPECT_TRUE(contains(read_error(header(0, 1, 96) + track(bytes({0x00, 0xFF, 0x51, 0x05, 1}))),
                       "meta event of 5 bytes"));
  EXPECT_TRUE(contains(read_error(header(0, 1, 96) + track(bytes({0x00, 0xF0, 0x09, 1}))),
                       "truncated system exclusive"));
}

TEST(MidiRead, RejectsOverlongDeltaAndBadStatus) {
  EXPECT_TRUE(contains(read_error(header(0, 1, 96) + track(bytes({0xFF, 0xFF, 0xFF, 0xFF, 0x7F}))),
                       "longer than 4 bytes"));
  EXPECT_TRUE(contains(read_error(header(0, 1, 96) + track(bytes({0x00, 0xF2, 0x00, 0x00}))),
                       "status byte 0xF2 is not allowed"));
  EXPECT_TRUE(
      contains(read_error(header(0, 1, 96) + track(tempo_event(0, 0))), "tempo of 0 microseconds"));
}

TEST(MidiRead, LimitsAreEnforced) {
  std::string events;
  for (int i = 0; i < 10; ++i) events += bytes({0x00, 0x90, 60 + i, 100});
  const std::string file = header(0, 1, 96) + track(events + end_of_track());
  MidiReadOptions options;
  options.max_notes = 5;
  auto seq = read_midi(file, options);
  ASSERT_FALSE(seq.ok());
  EXPECT_EQ(seq.error().kind, ErrorKind::kPayloadTooLarge);
  options = {};
  options.max_bytes = 16;
  EXPECT_EQ(read_midi(file, options).error().kind, ErrorKind::kPayloadTooLarge);
}

NoteSequence sample_sequence() {
  NoteSequence seq;
  seq.tempos = {{0.0, 100.0}, {2.4, 150.0}};
  seq.time_signatures = {{0.0, 4, 4}, {2.4, 3, 4}};
  auto add = [&seq](int pitch, int velocity, double start, double end, bool drum, int instrument,
                    int program) {
    Note n;
    n.pitch = pitch;
    n.velocity = velocity;
    n.start_time = start;
    n.end_time = end;
    n.is_drum = drum;
    n.instrument = instrument;
    n.program = program;
    seq.notes.push_back(n);
  };
  add(60, 100, 0.0, 0.6, false, 0, 0);
  add(64, 80, 0.6, 1.2, false, 0, 0);
  add(64, 81, 1.2, 1.5, false, 0, 0);  // same pitch, back to back
  add(67, 70, 2.0, 3.1, false, 0, 0);  // across the tempo change
  add(36, 120, 0.0, 0.1, true, 1, 0);
  add(42, 90, 0.3, 0.3, true, 1, 0);  // zero length
  add(38, 110, 2.6, 2.7, true, 1, 0);
  add(40, 99, 0.0, 4.0, false, 2, 33);
  seq.total_time = 4.0;
  sort_notes(seq);
  return seq;
}

TEST(MidiWrite, RoundTripWithinTickResolution) {
  const NoteSequence seq = sample_sequence();
  auto data = write_midi(seq);
  ASSERT_TRUE(data.ok()) << data.error().message;
  NoteSequence back = read_ok(*data);
  ASSERT_EQ(back.notes.size(), seq.notes.size());
  const double tick_at_fastest = 60.0 / 150 / 480;
  for (std::size_t i = 0; i < seq.notes.size(); ++i) {
    const Note& a = seq.notes[i];
    const Note& b = back.notes[i];
    EXPECT_EQ(b.pitch, a.pitch) << i;
    EXPECT_EQ(b.velocity, a.velocity) << i;
    EXPECT_EQ(b.is_drum, a.is_drum) << i;
    EXPECT_EQ(b.program, a.program) << i;
    EXPECT_EQ(b.instrument, a.instrument) << i;  // instruments 0..n-1 keep their numbers
    EXPECT_NEAR(b.start_time, a.start_time, tick_at_fastest) << i;
    EXPECT_NEAR(b.end_time, a.end_time, tick_at_fastest) << i;
  }
  ASSERT_EQ(back.tempos.size(), 2u);
  EXPECT_NEAR(back.tempos[1].time, 2.4, 1e-3);
  EXPECT_NEAR(back.tempos[1].qpm, 150.0, 1e-3);
  ASSERT_EQ(back.time_signatures.size(), 2u);
  EXPECT_EQ(back.time_signatures[1].numerator, 3);
  // Writing what was read gives the same bytes: the format is stable.
  auto again = write_midi(back);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *data);
}

TEST(MidiWrite, QuantizedSequencesRoundTripExactlyInSteps) {
  NoteSequence seq;
  seq.steps_per_quarter = 4;
  seq.tempos = {{0.0, 87.0}};
  for (int i = 0; i < 16; ++i) {
    Note n;
    n.pitch = 60 + i;
    n.velocity = 0;  // magenta.js melodies carry no velocity
    n.quantized_start_step = i * 3;
    n.quantized_end_step = i * 3 + 1 + i % 3;
    seq.notes.push_back(n);
  }
  seq.total_quantized_steps = 64;
  MidiWriteOptions options;
  options.ticks_per_quarter = 220;
  auto data = write_midi(seq, options);
  ASSERT_TRUE(data.ok()) << data.error().message;
  NoteSequence back = read_ok(*data);
  auto q = quantize(back, 4);
  ASSERT_TRUE(q.ok()) << q.error().message;
  ASSERT_EQ(q->notes.size(), seq.notes.size());
  for (std::size_t i = 0; i < seq.notes.size(); ++i) {
    EXPECT_EQ(q->notes[i].quantized_start_step, seq.notes[i].quantized_start_step);
    EXPECT_EQ(q->notes[i].quantized_end_step, seq.notes[i].quantized_end_step);
    EXPECT_EQ(q->notes[i].velocity, 100);  // the default for velocity 0
  }
  EXPECT_NEAR(back.tempos[0].qpm, 87.0, 1e-3);
}

TEST(MidiWrite, WritesFormat1WithTempoTrackAndDrumChannel) {
  auto data = write_midi(sample_sequence());
  ASSERT_TRUE(data.ok());
  const std::string& d = *data;
  ASSERT_GE(d.size(), 14u);
  EXPECT_EQ(d.substr(0, 4), "MThd");
  EXPECT_EQ(d[9], 1);   // format 1
  EXPECT_EQ(d[11], 4);  // tempo track + 3 instrument tracks
  EXPECT_NE(d.find(bytes({0x99, 36, 120})), std::string::npos);  // drums on channel 10
  EXPECT_NE(d.find(bytes({0xC1, 33})), std::string::npos);       // program on its own channel
}

TEST(MidiWrite, RejectsInvalidSequences) {
  NoteSequence seq = sample_sequence();
  seq.notes[0].pitch = 200;
  auto data = write_midi(seq);
  ASSERT_FALSE(data.ok());
  EXPECT_EQ(data.error().kind, ErrorKind::kInvalidRequest);
  EXPECT_TRUE(contains(data.error().message, "notes[0].pitch: 200 is outside 0..127"));
  MidiWriteOptions options;
  options.ticks_per_quarter = 0;
  EXPECT_FALSE(write_midi(sample_sequence(), options).ok());
}

TEST(MidiWrite, FilesOnDisk) {
  const std::string path = ::testing::TempDir() + "clipgen_protocol_roundtrip.mid";
  ASSERT_TRUE(write_midi_file(sample_sequence(), path).ok());
  auto back = read_midi_file(path);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->notes.size(), sample_sequence().notes.size());
  std::remove(path.c_str());
  auto missing = read_midi_file(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::kNotFound);
}

TEST(MidiRead, EveryTruncationIsAnError) {
  auto data = write_midi(sample_sequence());
  ASSERT_TRUE(data.ok());
  for (std::size_t n = 0; n < data->size(); ++n) {
    auto seq = read_midi(std::string_view(data->data(), n));
    EXPECT_FALSE(seq.ok()) << "prefix of " << n << " bytes";
    if (!seq.ok()) {
      EXPECT_FALSE(seq.error().message.empty());
    }
  }
}

// Mutated valid files and random bytes: each gives a sequence or a plain error, never a crash
// or a read out of bounds (run under ASan/UBSan to make the latter fail loudly).
TEST(MidiRead, SurvivesCorruption) {
  auto data = write_midi(sample_sequence());
  ASSERT_TRUE(data.ok());
  std::mt19937 rng(1234);
  int errors = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string mutated = *data;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      mutated[rng() % mutated.size()] = static_cast<char>(rng() & 0xFF);
    }
    auto seq = read_midi(mutated);
    if (!seq.ok()) {
      ++errors;
      EXPECT_TRUE(seq.error().kind == ErrorKind::kInvalidRequest ||
                  seq.error().kind == ErrorKind::kPayloadTooLarge);
      EXPECT_FALSE(seq.error().message.empty());
    } else {
      for (const Note& n : seq->notes) {
        ASSERT_GE(n.end_time, n.start_time);
        ASSERT_LE(n.pitch, 127);
      }
    }
  }
  EXPECT_GT(errors, 0);
  for (int i = 0; i < 2000; ++i) {
    std::string junk(rng() % 200, '\0');
    for (char& c : junk) c = static_cast<char>(rng() & 0xFF);
    if (i % 2) junk = header(1, 1 + static_cast<int>(rng() % 3), 96) + junk;
    auto seq = read_midi(junk);
    if (i % 2 == 0) {
      EXPECT_FALSE(seq.ok());
    }
  }
}

}  // namespace
}  // namespace clipgen::protocol
