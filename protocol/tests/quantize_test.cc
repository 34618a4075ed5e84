#include "clipgen/protocol/quantize.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <tuple>
#include <vector>

namespace clipgen::protocol {
namespace {

Note note(int pitch, double start, double end) {
  Note n;
  n.pitch = pitch;
  n.velocity = 100;
  n.start_time = start;
  n.end_time = end;
  return n;
}

Note qnote(int pitch, std::int64_t start, std::int64_t end) {
  Note n;
  n.pitch = pitch;
  n.velocity = 100;
  n.quantized_start_step = start;
  n.quantized_end_step = end;
  return n;
}

TEST(Quantize, QuantizeToStepUsesMagentaCutoff) {
  // 120 qpm, 4 steps per quarter: 8 steps per second; floor(x * 8 + 0.5).
  const double sps = steps_per_second(4, 120);
  EXPECT_DOUBLE_EQ(sps, 8.0);
  EXPECT_EQ(quantize_to_step(0.0, sps), 0);
  EXPECT_EQ(quantize_to_step(0.30, sps), 2);        // 2.4 steps
  EXPECT_EQ(quantize_to_step(0.3125, sps), 3);      // exactly 2.5 steps rounds up
  EXPECT_EQ(quantize_to_step(0.32, sps), 3);        // 2.56 steps
  EXPECT_EQ(quantize_to_step(0.30, sps, 0.25), 3);  // a lower cutoff rounds up sooner
}

TEST(Quantize, QuantizesNotesAtTheSequenceTempo) {
  NoteSequence seq;
  seq.tempos.push_back({0.0, 90.0});  // 6 steps per second at 4 steps per quarter
  seq.notes = {note(60, 0.0, 0.5), note(62, 0.5, 1.0), note(64, 1.02, 2.0)};
  seq.total_time = 2.0;
  auto q = quantize(seq, 4);
  ASSERT_TRUE(q.ok()) << q.error().message;
  EXPECT_EQ(q->steps_per_quarter, 4);
  EXPECT_EQ(q->notes[0].quantized_start_step, 0);
  EXPECT_EQ(q->notes[0].quantized_end_step, 3);
  EXPECT_EQ(q->notes[1].quantized_start_step, 3);
  EXPECT_EQ(q->notes[1].quantized_end_step, 6);
  EXPECT_EQ(q->notes[2].quantized_start_step, 6);  // 6.12 steps
  EXPECT_EQ(q->notes[2].quantized_end_step, 12);
  EXPECT_EQ(q->total_quantized_steps, 12);
  // Seconds are kept, so the result carries both.
  EXPECT_DOUBLE_EQ(q->notes[2].start_time, 1.02);
  ASSERT_EQ(q->time_signatures.size(), 1u);
  EXPECT_EQ(q->time_signatures[0].numerator, 4);
}

TEST(Quantize, DefaultsTo120QpmAnd44) {
  NoteSequence seq;
  seq.notes = {note(60, 0.25, 0.5)};
  auto q = quantize(seq, 4);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->notes[0].quantized_start_step, 2);
  EXPECT_EQ(q->notes[0].quantized_end_step, 4);
  ASSERT_EQ(q->tempos.size(), 1u);
  EXPECT_EQ(q->tempos[0].qpm, 120.0);
  ASSERT_EQ(q->time_signatures.size(), 1u);
  EXPECT_EQ(q->time_signatures[0].denominator, 4);
}

TEST(Quantize, ZeroLengthNoteGetsOneStep) {
  NoteSequence seq;
  seq.notes = {note(36, 0.1, 0.12), note(38, 0.5, 0.5)};
  auto q = quantize(seq, 4);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->notes[0].quantized_start_step, 1);
  EXPECT_EQ(q->notes[0].quantized_end_step, 2);
  EXPECT_EQ(q->notes[1].quantized_start_step, 4);
  EXPECT_EQ(q->notes[1].quantized_end_step, 5);
  EXPECT_EQ(q->total_quantized_steps, 5);
}

TEST(Quantize, TotalStepsCoverTotalTime) {
  NoteSequence seq;
  seq.notes = {note(60, 0.0, 0.5)};
  seq.total_time = 2.0;
  auto q = quantize(seq, 4);
  ASSERT_TRUE(q.ok());
  EXPECT_EQ(q->total_quantized_steps, 16);
}

TEST(Quantize, RejectsTempoChange) {
  NoteSequence seq;
  seq.tempos = {{0.0, 120.0}, {2.0, 100.0}};
  auto q = quantize(seq, 4);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().kind, ErrorKind::kUnprocessable);
  EXPECT_NE(q.error().message.find("tempo changes from 120 to 100 qpm at 2 s"), std::string::npos)
      << q.error().message;
}

TEST(Quantize, RejectsImplicitTempoChange) {
  NoteSequence seq;
  seq.tempos = {{1.0, 90.0}};
  auto q = quantize(seq, 4);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().kind, ErrorKind::kUnprocessable);
}

TEST(Quantize, AcceptsRepeatedSameTempoAndMovesItToZero) {
  NoteSequence seq;
  seq.tempos = {{1.0, 120.0}, {3.0, 120.0}};
  auto q = quantize(seq, 4);
  ASSERT_TRUE(q.ok()) << q.error().message;
  ASSERT_EQ(q->tempos.size(), 1u);
  EXPECT_EQ(q->tempos[0].time, 0.0);
}

TEST(Quantize, RejectsMeterChange) {
  NoteSequence seq;
  seq.time_signatures = {{0.0, 3, 4}, {4.0, 4, 4}};
  auto q = quantize(seq, 4);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().kind, ErrorKind::kUnprocessable);
  EXPECT_NE(q.error().message.find("3/4 to 4/4"), std::string::npos) << q.error().message;
}

TEST(Quantize, RejectsNegativeTimesAndBadStepsPerQuarter) {
  NoteSequence seq;
  seq.notes = {note(60, -0.5, 0.5)};
  auto q = quantize(seq, 4);
  ASSERT_FALSE(q.ok());
  EXPECT_EQ(q.error().kind, ErrorKind::kInvalidRequest);
  EXPECT_NE(q.error().message.find("notes[0].startTime"), std::string::npos);
  seq.notes = {note(60, 0, 0.5)};
  EXPECT_FALSE(quantize(seq, 0).ok());
}

TEST(Unquantize, ComputesSecondsAndKeepsSteps) {
  NoteSequence seq;
  seq.steps_per_quarter = 4;
  seq.notes = {qnote(60, 0, 4), qnote(62, 4, 6)};
  seq.total_quantized_steps = 16;
  auto u = unquantize(seq, 90.0);
  ASSERT_TRUE(u.ok()) << u.error().message;
  // At 90 qpm a quarter lasts 2/3 s; a step 1/6 s.
  EXPECT_DOUBLE_EQ(u->notes[0].end_time, 4.0 / 4 * (60.0 / 90));
  EXPECT_DOUBLE_EQ(u->notes[1].start_time, 4.0 / 4 * (60.0 / 90));
  EXPECT_DOUBLE_EQ(u->notes[1].end_time, 6.0 / 4 * (60.0 / 90));
  EXPECT_EQ(u->notes[1].quantized_end_step, 6);
  EXPECT_TRUE(u->is_quantized());
  EXPECT_DOUBLE_EQ(u->total_time, 16.0 / 4 * (60.0 / 90));
  ASSERT_EQ(u->tempos.size(), 1u);
  EXPECT_EQ(u->tempos[0].qpm, 90.0);
}

TEST(Unquantize, UsesOwnTempoOr120) {
  NoteSequence seq;
  seq.steps_per_quarter = 4;
  seq.notes = {qnote(60, 0, 8)};
  auto u = unquantize(seq);
  ASSERT_TRUE(u.ok());
  EXPECT_DOUBLE_EQ(u->notes[0].end_time, 1.0);
  seq.tempos = {{0.0, 60.0}};
  u = unquantize(seq);
  ASSERT_TRUE(u.ok());
  EXPECT_DOUBLE_EQ(u->notes[0].end_time, 2.0);
  EXPECT_DOUBLE_EQ(u->total_time, 2.0);
}

TEST(Unquantize, Errors) {
  NoteSequence seq;
  EXPECT_EQ(unquantize(seq).error().kind, ErrorKind::kUnprocessable);  // not quantized
  seq.steps_per_quarter = 4;
  EXPECT_EQ(unquantize(seq, 0.0).error().kind, ErrorKind::kInvalidRequest);
  seq.tempos = {{0.0, 120.0}, {1.0, 60.0}};
  EXPECT_EQ(unquantize(seq).error().kind, ErrorKind::kUnprocessable);
  EXPECT_TRUE(unquantize(seq, 100.0).ok());  // an explicit qpm replaces the tempo map
}

TEST(Quantize, UnquantizeThenQuantizeRestoresSteps) {
  NoteSequence seq;
  seq.steps_per_quarter = 4;
  seq.notes = {qnote(60, 0, 3), qnote(64, 3, 7), qnote(67, 7, 8), qnote(72, 13, 16)};
  seq.total_quantized_steps = 16;
  for (double qpm : {60.0, 87.0, 120.0, 133.3, 200.0}) {
    auto u = unquantize(seq, qpm);
    ASSERT_TRUE(u.ok());
    auto q = quantize(*u, 4);
    ASSERT_TRUE(q.ok());
    for (std::size_t i = 0; i < seq.notes.size(); ++i) {
      EXPECT_EQ(q->notes[i].quantized_start_step, seq.notes[i].quantized_start_step) << qpm;
      EXPECT_EQ(q->notes[i].quantized_end_step, seq.notes[i].quantized_end_step) << qpm;
    }
    EXPECT_EQ(q->total_quantized_steps, 16);
  }
}

TEST(Quantize, StepsPerBar) {
  EXPECT_EQ(steps_per_bar(4, 4, 4), 16.0);
  EXPECT_EQ(steps_per_bar(3, 4, 4), 12.0);
  EXPECT_EQ(steps_per_bar(6, 8, 4), 12.0);
  EXPECT_EQ(steps_per_bar(7, 16, 1), 1.75);
  NoteSequence seq;
  EXPECT_FALSE(steps_per_bar(seq).ok());  // not quantized
  seq.steps_per_quarter = 4;
  EXPECT_EQ(*steps_per_bar(seq), 16.0);
  seq.time_signatures = {{0.0, 3, 4}};
  EXPECT_EQ(*steps_per_bar(seq), 12.0);
  seq.time_signatures.push_back({2.0, 5, 4});
  EXPECT_EQ(steps_per_bar(seq).error().kind, ErrorKind::kUnprocessable);
}

TEST(Quantize, Totals) {
  NoteSequence seq;
  seq.notes = {qnote(60, 0, 20)};
  seq.notes[0].end_time = 3.0;
  seq.total_quantized_steps = 16;
  seq.total_time = 2.0;
  EXPECT_EQ(total_steps(seq), 20);
  EXPECT_EQ(total_seconds(seq), 3.0);
}

TEST(Quantize, SortNotesOrdersByStepThenPitch) {
  NoteSequence seq;
  seq.steps_per_quarter = 4;
  seq.notes = {qnote(64, 4, 8), qnote(67, 0, 4), qnote(60, 4, 8)};
  sort_notes(seq);
  EXPECT_EQ(seq.notes[0].pitch, 67);
  EXPECT_EQ(seq.notes[1].pitch, 60);
  EXPECT_EQ(seq.notes[2].pitch, 64);
}

// sort_notes takes shortcuts for notes already in order and for notes in step order with each
// step's notes unordered (drum grooves); every path must give the stable sort's order.
TEST(Quantize, SortNotesMatchesTheStableSortOnEveryPath) {
  const auto reference_less = [](const Note& a, const Note& b) {
    return std::make_tuple(a.quantized_start_step, a.start_time, a.pitch, a.instrument,
                           a.quantized_end_step, a.end_time, a.velocity) <
           std::make_tuple(b.quantized_start_step, b.start_time, b.pitch, b.instrument,
                           b.quantized_end_step, b.end_time, b.velocity);
  };
  std::mt19937 rng(11);
  for (int order = 0; order < 3; ++order) {  // step order with unordered steps, sorted, random
    NoteSequence seq;
    seq.steps_per_quarter = 4;
    for (int i = 0; i < 400; ++i) {
      Note n = qnote(36 + int(rng() % 5), order == 2 ? int64_t(rng() % 64) : i / 7, 0);
      n.quantized_end_step = n.quantized_start_step + 1;
      n.start_time = 0.125 * double(n.quantized_start_step) + 0.01 * double(rng() % 3);
      n.end_time = n.start_time + 0.125;
      n.velocity = int(rng() % 3);  // ties on every key but velocity, and whole duplicates
      n.program = i;                // not a key: tells equal notes apart
      seq.notes.push_back(n);
    }
    if (order == 1) std::stable_sort(seq.notes.begin(), seq.notes.end(), reference_less);
    std::vector<Note> want = seq.notes;
    std::stable_sort(want.begin(), want.end(), reference_less);
    sort_notes(seq);
    ASSERT_EQ(seq.notes.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(seq.notes[i].program, want[i].program) << "order " << order << " note " << i;
    }
  }
}

}  // namespace
}  // namespace clipgen::protocol
