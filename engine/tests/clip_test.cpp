// Input preparation and output assembly shared by the tools.
#include "clip.h"

#include <gtest/gtest.h>

#include "clipgen/protocol/validation.h"

namespace clipgen::engine::detail {
namespace {

protocol::Note note(int pitch, double start, double end, bool drum = false, int velocity = 80) {
  protocol::Note n;
  n.pitch = pitch;
  n.start_time = start;
  n.end_time = end;
  n.is_drum = drum;
  n.velocity = velocity;
  return n;
}

TEST(Clip, QuantizesSecondsAtTheModelGrid) {
  protocol::NoteSequence s;
  s.tempos.push_back({0.0, 120.0});
  s.notes = {note(60, 0.01, 0.49), note(62, 0.5, 1.0)};
  s.total_time = 2.0;
  auto c = prepare_clip(s, 4, "the clip");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->total_steps, 16);
  ASSERT_EQ(c->notes.size(), 2u);
  EXPECT_EQ(c->notes[0].startStep, 0);
  EXPECT_EQ(c->notes[0].endStep, 4);
  EXPECT_EQ(c->notes[1].startStep, 4);
  EXPECT_TRUE(c->notes[0].hasTime);
  EXPECT_DOUBLE_EQ(c->notes[0].startTime, 0.01);  // seconds kept for the groove offsets
  EXPECT_EQ(c->steps_per_bar, 16.0);
}

TEST(Clip, StepsOnlyInputHasNoTiming) {
  protocol::NoteSequence s;
  s.steps_per_quarter = 4;
  protocol::Note n = note(36, 0, 0, true);
  n.quantized_start_step = 8;
  n.quantized_end_step = 9;
  s.notes = {n};
  s.total_quantized_steps = 16;
  auto c = prepare_clip(s, 4, "the clip");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->notes[0].hasTime);
  EXPECT_EQ(c->notes[0].startStep, 8);
}

TEST(Clip, StepsOnlyNoteOnTheFirstStepHasNoTiming) {
  // Its missing seconds (0..0) agree with step 0; it must still count as untimed, or Groove
  // would give the downbeat a 1 ms length.
  protocol::NoteSequence s;
  s.steps_per_quarter = 4;
  protocol::Note n = note(36, 0, 0, true);
  n.quantized_start_step = 0;
  n.quantized_end_step = 1;
  s.notes = {n};
  s.total_quantized_steps = 16;
  auto c = prepare_clip(s, 4, "the clip");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->notes[0].hasTime);
}

TEST(Clip, LoopToFillRepeatsAShortClipByWholeBars) {
  GridNote a;
  a.pitch = 60;
  a.startStep = 0;
  a.endStep = 4;
  GridNote b = a;
  b.pitch = 64;
  b.startStep = 12;
  b.endStep = 20;  // rings past the clip's 14 steps, which round up to one bar
  const auto looped = loop_to_fill({a, b}, 14, 16.0, 64);
  ASSERT_EQ(looped.size(), 8u);
  EXPECT_EQ(looped[2].pitch, 60);
  EXPECT_EQ(looped[2].startStep, 16);
  EXPECT_EQ(looped[7].startStep, 60);
  EXPECT_EQ(looped[7].endStep, 64);  // cut at the window
  EXPECT_EQ(loop_to_fill({a, b}, 64, 16.0, 64).size(), 2u);  // already long enough
  EXPECT_EQ(loop_to_fill({a, b}, 40, 16.0, 64).size(), 4u);  // 3 bars: bar 4 is bar 1 again
}

TEST(Clip, OtherMetersAreRefusedForFourFourModels) {
  protocol::NoteSequence s;
  s.time_signatures.push_back({0.0, 3, 4});
  s.notes = {note(60, 0, 0.5)};
  s.total_time = 1.5;
  auto c = prepare_clip(s, 4, "clip A");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->steps_per_bar, 12.0);
  Status st = require_four_four(c.value(), "Interpolate");
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::kUnprocessable);
  EXPECT_NE(st.error().message.find("clip A is in 3/4"), std::string::npos);
}

TEST(Clip, TooManyNotesIsUnprocessable) {
  protocol::NoteSequence s;
  for (size_t i = 0; i <= kMaxInputNotes; ++i)
    s.notes.push_back(note(60, 0.1 * double(i), 0.1 * double(i) + 0.05));
  auto c = prepare_clip(s, 4, "the clip");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, ErrorKind::kUnprocessable);
}

TEST(Clip, TopLineKeepsTheHighestSoundingNote) {
  std::vector<GridNote> notes(4);
  notes[0] = {60, 80, 0, 8, 0, 0, false, true};  // chord, lower
  notes[1] = {67, 80, 0, 8, 0, 0, false, true};  // chord, top
  notes[2] = {55, 80, 4, 6, 0, 0, false, true};  // under the sounding top note: dropped
  notes[3] = {64, 80, 8, 12, 0, 0, false, true};
  int dropped = 0;
  auto line = top_line(notes, &dropped);
  ASSERT_EQ(line.size(), 2u);
  EXPECT_EQ(line[0].pitch, 67);
  EXPECT_EQ(line[1].pitch, 64);
  EXPECT_EQ(dropped, 2);
}

TEST(Clip, InferKindFromIsDrum) {
  protocol::NoteSequence s;
  s.notes = {note(36, 0, 0.1, true), note(38, 0.5, 0.6, true), note(60, 0, 1)};
  std::vector<std::string> warnings;
  EXPECT_EQ(infer_kind(s, warnings), Kind::kDrums);
  ASSERT_EQ(warnings.size(), 1u);
  warnings.clear();
  s.notes = {note(60, 0, 1)};
  EXPECT_EQ(infer_kind(s, warnings), Kind::kMelody);
  EXPECT_TRUE(warnings.empty());
}

TEST(Clip, MakeSequenceCarriesStepsAndSecondsAndClipsToTheClip) {
  std::vector<GridNote> notes(3);
  notes[0] = {60, 0, 0, 4, -0.01, 0.5, false, true};    // before 0 -> starts at 0, velocity 1
  notes[1] = {62, 90, 14, 20, 1.75, 2.5, false, true};  // past the end -> cut at 2 s / 16
  notes[2] = {64, 90, 16, 18, 2.0, 2.25, false, true};  // starts at the end -> dropped
  int dropped = 0;
  auto s = make_sequence(notes, true, 16, 4, 120.0, 4, 4, &dropped);
  EXPECT_EQ(dropped, 1);
  ASSERT_EQ(s.notes.size(), 2u);
  EXPECT_TRUE(protocol::validate(s).empty());
  EXPECT_EQ(s.notes[0].start_time, 0.0);
  EXPECT_EQ(s.notes[0].velocity, 1);
  EXPECT_EQ(s.notes[1].quantized_end_step, 16);
  EXPECT_DOUBLE_EQ(s.notes[1].end_time, 2.0);
  EXPECT_DOUBLE_EQ(s.total_time, 2.0);
  EXPECT_EQ(s.total_quantized_steps, 16);
  ASSERT_EQ(s.tempos.size(), 1u);
  ASSERT_EQ(s.time_signatures.size(), 1u);
  EXPECT_EQ(s.steps_per_quarter, 4);

  auto q = make_sequence({{60, 100, 4, 8, 0, 0, false, false}}, false, 16, 4, 60.0);
  EXPECT_DOUBLE_EQ(q.notes[0].start_time, 1.0);  // 4 steps at 60 qpm
  EXPECT_DOUBLE_EQ(q.notes[0].end_time, 2.0);
}

}  // namespace
}  // namespace clipgen::engine::detail
