'use strict';
// Reading and writing through the Live Object Model against the fake Live set.
const test = require('node:test');
const assert = require('node:assert/strict');
const {Lom} = require('../js/clipgen-live.js');
const {FakeLiveSet} = require('./support/fake-live.js');
const {basicSet} = require('./support/harness.js');

test('reads the clip shown in Clip View with its loop, notes and track', () => {
  const set = basicSet();
  const read = new Lom(set.factory).readSelectedClip();
  assert.equal(read.error, undefined);
  assert.equal(read.clip.name, 'Riff');
  assert.equal(read.clip.track, 0);
  assert.equal(read.clip.slot, 0);
  assert.deepEqual(read.clip.region, {start: 0, end: 4});
  assert.equal(read.clip.notes.length, 3);
  assert.equal(read.clip.isDrum, false);
  assert.ok(set.calls.some((c) => c.name === 'get_notes_extended'));
  assert.deepEqual(set.writes(), []);
});

test('falls back to the highlighted slot when Clip View shows nothing', () => {
  const set = basicSet({selection: {detail: null, highlighted: {track: 1, slot: 0}}});
  const read = new Lom(set.factory).readSelectedClip();
  assert.equal(read.clip.name, 'Beat');
  assert.equal(read.clip.isDrum, true, 'a Drum Rack on the track makes it a drum clip');
});

test('an Arrangement clip is read with no slot', () => {
  const set = new FakeLiveSet({
    tracks: [{name: 'Lead', slots: [null], arrangement: [
      {name: 'Arr', length: 8, looping: 0, start_marker: 2, end_marker: 6,
       notes: [{pitch: 70, start_time: 2, duration: 1, velocity: 100}]}]}],
    selection: {detail: {track: 0, arrangement: 0}},
  });
  const read = new Lom(set.factory).readSelectedClip();
  assert.equal(read.clip.slot, null);
  assert.equal(read.clip.track, 0);
  assert.deepEqual(read.clip.region, {start: 2, end: 6});
});

test('no selected clip: a plain message and nothing read or written', () => {
  const set = basicSet({selection: {detail: null, highlighted: {track: 0, slot: 3}}});
  const read = new Lom(set.factory).readSelectedClip();
  assert.match(read.error, /select a MIDI clip first/i);
  assert.deepEqual(set.writes(), []);
});

test('an audio clip is refused with a plain message', () => {
  const set = basicSet({selection: {detail: {track: 2, slot: 0}}});
  const read = new Lom(set.factory).readSelectedClip();
  assert.match(read.error, /select a MIDI clip first.*audio clip/i);
  assert.ok(!set.calls.some((c) => c.name === 'get_notes_extended' || c.name === 'get_notes'));
});

test('Live 10 reads notes with get_notes', () => {
  const set = basicSet({version: 10});
  const read = new Lom(set.factory).readSelectedClip();
  assert.equal(read.clip.notes.length, 3);
  assert.deepEqual(read.clip.notes[1], {pitch: 62, start_time: 1, duration: 0.5, velocity: 90, mute: 0});
  assert.ok(set.calls.some((c) => c.name === 'get_notes'));
  assert.ok(!set.calls.some((c) => c.name === 'get_notes_extended'));
});

function clips(n) {
  return Array.from({length: n}, (_, i) => ({name: `R ${i + 1}`, length: 4,
    notes: [{pitch: 60 + i, start_time: 0, duration: 1, velocity: 100, mute: 0, probability: 0.5}]}));
}

test('writes N clips into the empty slots below, skipping occupied ones, in one undo step', () => {
  const set = basicSet({keysSlots: [{name: 'In'}, null, {name: 'Mine'}, null, null, {name: 'Keep'}]});
  const before = set.tracks[0].slots.filter(Boolean).map((c) => c);
  const res = new Lom(set.factory).writeClips(0, 1, clips(3));
  assert.deepEqual(res.slots, [1, 3, 4]);
  assert.equal(res.scenesAdded, 0);
  const names = set.tracks[0].slots.map((c) => c && c.name);
  assert.deepEqual(names, ['In', 'R 1', 'Mine', 'R 2', 'R 3', 'Keep']);
  for (const c of before) assert.ok(set.tracks[0].slots.includes(c), 'user clips are the same objects');
  assert.equal(set.undoSteps, 1);
  assert.equal(set.undoDepth, 0);
  const add = set.calls.filter((c) => c.name === 'add_new_notes');
  assert.equal(add.length, 3);
  assert.equal(add[0].args[0].notes[0].probability, 0.5);
});

test('a full track gets scenes added at the end; other tracks are untouched', () => {
  const set = basicSet({keysSlots: [{name: 'A'}, {name: 'B'}, null, {name: 'X'}, {name: 'Y'}, {name: 'Z'}]});
  const drumsBefore = set.tracks[1].slots.slice();
  const res = new Lom(set.factory).writeClips(0, 1, clips(3));
  assert.deepEqual(res.slots, [2, 6, 7]);
  assert.equal(res.scenesAdded, 2);
  assert.deepEqual(set.calls.filter((c) => c.name === 'create_scene').map((c) => c.args), [[-1], [-1]]);
  assert.deepEqual(set.tracks[0].slots.map((c) => c && c.name), ['A', 'B', 'R 1', 'X', 'Y', 'Z', 'R 2', 'R 3']);
  assert.equal(set.tracks[1].slots.length, 8, 'scenes add a slot to every track');
  assert.deepEqual(set.tracks[1].slots.slice(0, drumsBefore.length), drumsBefore);
});

test('never calls create_clip on an occupied slot', () => {
  const set = basicSet({keysSlots: [{name: 'A'}, {name: 'B'}, {name: 'C'}, null, {name: 'D'}]});
  new Lom(set.factory).writeClips(0, 0, clips(4));
  const created = set.calls.filter((c) => c.name === 'create_clip').map((c) => c.path);
  assert.deepEqual(created, ['live_set tracks 0 clip_slots 3', 'live_set tracks 0 clip_slots 5',
                             'live_set tracks 0 clip_slots 6', 'live_set tracks 0 clip_slots 7']);
  assert.deepEqual(set.tracks[0].slots.map((c) => c && c.name),
                   ['A', 'B', 'C', 'R 1', 'D', 'R 2', 'R 3', 'R 4']);
});

test('Live 10 writes with set_notes and no undo-step calls', () => {
  const set = basicSet({version: 10});
  const res = new Lom(set.factory).writeClips(0, 1, clips(2));
  assert.deepEqual(res.slots, [1, 2]);
  const names = set.calls.filter((c) => c.op === 'call').map((c) => c.name);
  assert.ok(names.includes('set_notes') && names.includes('done'));
  assert.ok(!names.includes('add_new_notes'));
  assert.ok(!names.includes('begin_undo_step'));
  assert.deepEqual(set.tracks[0].slots[2].notes.map((n) => n.pitch), [61]);
});
