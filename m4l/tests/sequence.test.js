'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const {toNoteSequence, fromNoteSequence, noteKey, beatsPerBar} = require('../js/clipgen-sequence.js');

test('a looped region becomes a NoteSequence from time 0 with seconds and 4 steps per quarter', () => {
  const notes = [
    {pitch: 60, start_time: 4, duration: 1, velocity: 100, probability: 0.25},
    {pitch: 67, start_time: 5.5, duration: 4, velocity: 64.4}, // runs past the loop end
    {pitch: 72, start_time: 2, duration: 1, velocity: 90},     // before the loop
    {pitch: 65, start_time: 6, duration: 1, velocity: 90, mute: 1},
  ];
  const {sequence, extras} = toNoteSequence(notes, {start: 4, end: 8},
                                            {tempo: 90, numerator: 3, denominator: 4}, false);
  assert.equal(sequence.notes.length, 2);
  const [a, b] = sequence.notes;
  assert.deepEqual([a.pitch, a.quantizedStartStep, a.quantizedEndStep], [60, 0, 4]);
  assert.equal(a.startTime, 0);
  assert.ok(Math.abs(a.endTime - 60 / 90) < 1e-6);
  assert.deepEqual([b.pitch, b.quantizedStartStep, b.quantizedEndStep, b.velocity], [67, 6, 16, 64]);
  assert.ok(Math.abs(b.endTime - 4 * 60 / 90) < 1e-6, 'clipped at the loop end');
  assert.equal(sequence.totalQuantizedSteps, 16);
  assert.ok(Math.abs(sequence.totalTime - 4 * 60 / 90) < 1e-6);
  assert.deepEqual(sequence.tempos, [{time: 0, qpm: 90}]);
  assert.deepEqual(sequence.timeSignatures, [{time: 0, numerator: 3, denominator: 4}]);
  assert.deepEqual(sequence.quantizationInfo, {stepsPerQuarter: 4});
  assert.equal(a.isDrum, false);
  assert.equal(extras[noteKey(60, 0)].probability, 0.25);
});

test('drum clips mark every note isDrum', () => {
  const {sequence} = toNoteSequence([{pitch: 36, start_time: 0, duration: 0.25, velocity: 100}],
                                    {start: 0, end: 4}, {tempo: 120, numerator: 4, denominator: 4}, true);
  assert.equal(sequence.notes[0].isDrum, true);
});

test('output seconds win over steps and the clip length rounds up to whole bars', () => {
  const seq = {
    notes: [{pitch: 36, velocity: 100, quantizedStartStep: 4, quantizedEndStep: 5,
             startTime: 0.5 + 0.01, endTime: 0.625 + 0.01}],
    tempos: [{time: 0, qpm: 120}], quantizationInfo: {stepsPerQuarter: 4}, totalQuantizedSteps: 20,
  };
  const out = fromNoteSequence(seq, 100, 4, null);
  assert.ok(Math.abs(out.notes[0].start_time - 1.02) < 1e-6, 'groove timing is kept');
  assert.equal(out.length, 8, '5 beats round up to 2 bars');
});

test('steps are used when seconds are missing, and input extras come back on kept notes', () => {
  const seq = {notes: [{pitch: 60, velocity: 100, quantizedStartStep: 2, quantizedEndStep: 6},
                       {pitch: 61, velocity: 300, quantizedStartStep: 2, quantizedEndStep: 2}],
               quantizationInfo: {stepsPerQuarter: 4}};
  const extras = {[noteKey(60, 2)]: {probability: 0.4, velocity_deviation: 12, release_velocity: 30}};
  const out = fromNoteSequence(seq, 120, 4, extras);
  assert.deepEqual(out.notes[0], {pitch: 60, start_time: 0.5, duration: 1, velocity: 100, mute: 0,
                                  probability: 0.4, velocity_deviation: 12, release_velocity: 30});
  assert.equal(out.notes[1].velocity, 127);
  assert.ok(out.notes[1].duration > 0, 'zero-length notes get one step');
  assert.equal(out.notes[1].probability, undefined);
  assert.equal(out.length, 4, 'at least one bar');
});

test('bars follow the time signature', () => {
  assert.equal(beatsPerBar(4, 4), 4);
  assert.equal(beatsPerBar(6, 8), 3);
  assert.equal(beatsPerBar(3, 4), 3);
});
