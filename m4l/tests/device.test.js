'use strict';
// The five devices end to end: fake Live set -> real HTTP on loopback -> fake daemon -> clips.
const test = require('node:test');
const assert = require('node:assert/strict');
const {startFakeDaemon, freePort} = require('./support/fake-daemon.js');
const {makeDevice, run, basicSet} = require('./support/harness.js');
const {FakeLiveSet} = require('./support/fake-live.js');
const {TOOLS} = require('../js/clipgen-device.js');

let daemon;
test.before(async () => { daemon = await startFakeDaemon(); });
test.after(async () => { await daemon.close(); });
test.beforeEach(() => { daemon.mode = 'ok'; daemon.apiKey = ''; daemon.requests.length = 0; });

function names(set, track) {
  return set.tracks[track].slots.map((c) => c && c.name);
}

test('Continue posts the selected clip and writes its variations below it', async () => {
  const set = basicSet();
  const device = makeDevice('continue', set, daemon.url);
  assert.ok(device.set('variations', 3));
  assert.ok(device.set('length', 4));
  const {err, summary} = await run(device);
  assert.equal(err, null);
  const req = daemon.requests.at(-1);
  assert.equal(req.url, '/v1/continue');
  assert.equal(req.headers['content-type'], 'application/json');
  assert.equal(req.headers.authorization, undefined, 'no key configured, none sent');
  assert.deepEqual([req.body.variations, req.body.length, req.body.temperature], [3, 4, 1]);
  assert.equal(req.body.kind, undefined, 'Auto leaves kind to the daemon');
  assert.equal(req.body.input.notes.length, 2, 'the muted note stays home');
  assert.equal(req.body.input.tempos[0].qpm, 100);
  assert.deepEqual(names(set, 0), ['Riff', 'Continue 1/3 \u00b7 seed 8131', 'Continue 2/3 \u00b7 seed 8131',
                                   'Continue 3/3 \u00b7 seed 8131', null, null]);
  // 4 beats of input + 4 bars of continuation.
  assert.equal(set.tracks[0].slots[1].length, 20);
  assert.deepEqual(summary.slots, [1, 2, 3]);
  assert.match(device.lastStatus, /3 clips in "Keys", slots 2\u20134 \(seed 8131\)/);
  assert.deepEqual(device.busyLog, [1, 0]);
  assert.equal(set.undoSteps, 1);
});

test('kept notes keep their probability and velocity deviation; new notes get none', async () => {
  const set = basicSet();
  const device = makeDevice('continue', set, daemon.url);
  device.set('variations', 1);
  await run(device);
  const add = set.calls.find((c) => c.name === 'add_new_notes');
  const byPitch = Object.fromEntries(add.args[0].notes.map((n) => [n.pitch, n]));
  assert.equal(byPitch[60].probability, 0.5);
  assert.equal(byPitch[60].velocity_deviation, -20);
  assert.equal(byPitch[70].probability, undefined, 'the continuation note is new');
});

test('Generate writes into the device track from the selected scene, skipping user clips', async () => {
  const set = basicSet({selection: {scene: 0}, device: {track: 1, index: 0}});
  const device = makeDevice('generate', set, daemon.url);
  device.set('variations', 2);
  device.set('temperature', 0.5);
  const {err} = await run(device);
  assert.equal(err, null);
  const body = daemon.requests.at(-1).body;
  assert.deepEqual(body, {kind: 'drums', variations: 2, temperature: 0.5}, 'Drum Rack track: drums');
  assert.deepEqual(names(set, 1).slice(0, 3), ['Beat', 'Generate 1/2 \u00b7 seed 8131',
                                               'Generate 2/2 \u00b7 seed 8131']);
  assert.equal(set.tracks[1].slots[1].length, 16);
});

test('the kind menu overrides Auto and marks the input notes', async () => {
  const set = basicSet();
  const device = makeDevice('continue', set, daemon.url);
  assert.ok(device.set('kind', 2)); // menu index: Auto, Melody, Drums
  await run(device);
  const body = daemon.requests.at(-1).body;
  assert.equal(body.kind, 'drums');
  assert.ok(body.input.notes.every((n) => n.isDrum === true));
});

test('Interpolate needs two captures, then writes below the lower of the two', async () => {
  const set = basicSet({keysSlots: [{name: 'A', notes: [{pitch: 60, start_time: 0, duration: 1, velocity: 100}]},
                                    null,
                                    {name: 'B', notes: [{pitch: 72, start_time: 0, duration: 1, velocity: 100}]},
                                    null, null, null]});
  const device = makeDevice('interpolate', set, daemon.url);
  let r = await run(device);
  assert.match(r.err, /capture two clips first/i);
  assert.equal(daemon.requests.length, 0);
  assert.ok(device.capture('a'));
  set.selection.detail = {track: 0, slot: 2};
  assert.ok(device.capture('b'));
  assert.equal(device.lastStatus, 'A: "A"  B: "B"');
  device.set('steps', 4);
  r = await run(device);
  assert.equal(r.err, null);
  const body = daemon.requests.at(-1).body;
  assert.deepEqual([body.a.notes[0].pitch, body.b.notes[0].pitch, body.steps], [60, 72, 4]);
  assert.deepEqual(names(set, 0), ['A', null, 'B', 'Interpolate 1/4 \u00b7 seed 8131',
    'Interpolate 2/4 \u00b7 seed 8131', 'Interpolate 3/4 \u00b7 seed 8131', 'Interpolate 4/4 \u00b7 seed 8131']);
  assert.equal(r.summary.scenesAdded, 1);
  assert.equal(names(set, 1)[1], null, 'the user slot between A and B stays empty on other tracks too');
});

test('Groove sends drums with amount and keeps the groove timing', async () => {
  const set = basicSet({selection: {detail: {track: 1, slot: 0}}});
  const device = makeDevice('groove', set, daemon.url);
  device.set('amount', 0.25);
  const {err} = await run(device);
  assert.equal(err, null);
  const body = daemon.requests.at(-1).body;
  assert.equal(body.amount, 0.25);
  assert.ok(body.input.notes.every((n) => n.isDrum));
  const out = set.tracks[1].slots[1];
  assert.equal(out.name, 'Groove 1/1 \u00b7 seed 8131');
  // 10 ms late at 100 bpm = 0.01667 beats: from seconds, not steps.
  assert.ok(Math.abs(out.notes[0].start_time - 0.01 * 100 / 60) < 1e-4);
  assert.equal(out.notes[0].probability, 0.7, 'the moved hit keeps its probability');
});

test('Drumify writes its variations', async () => {
  const set = basicSet();
  const device = makeDevice('drumify', set, daemon.url);
  device.set('variations', 2);
  const {err} = await run(device);
  assert.equal(err, null);
  assert.equal(daemon.requests.at(-1).url, '/v1/drumify');
  assert.deepEqual(names(set, 0).slice(0, 3), ['Riff', 'Drumify 1/2 \u00b7 seed 8131', 'Drumify 2/2 \u00b7 seed 8131']);
});

test('a seed set on the device is sent and named', async () => {
  const set = basicSet();
  const device = makeDevice('drumify', set, daemon.url);
  device.set('seed', 77);
  await run(device);
  assert.equal(daemon.requests.at(-1).body.seed, 77);
  assert.equal(set.tracks[0].slots[1].name, 'Drumify 1/1 \u00b7 seed 77');
});

test('out-of-range controls are refused, not clamped', () => {
  const device = makeDevice('generate', basicSet(), daemon.url);
  assert.equal(device.set('variations', 17), false);
  assert.match(device.lastStatus, /variations must be between 1 and 16/);
  assert.equal(device.values.variations, 8);
  assert.equal(device.set('temperature', -0.1), false);
  assert.equal(device.set('kind', 'jazz'), false);
  assert.equal(device.set('amount', 0.5), false, 'Generate has no amount');
});

test('every tool has at most three sliders besides the kind menu', () => {
  for (const [name, spec] of Object.entries(TOOLS)) {
    const sliders = spec.controls.filter((c) => !c.values);
    assert.ok(sliders.length <= 3, `${name} has ${sliders.length} sliders`);
    assert.ok(spec.inputs <= 2);
  }
});

async function assertNothingWritten(set, device, pattern) {
  const {err} = await run(device);
  assert.match(err, pattern);
  assert.match(device.lastStatus, pattern);
  assert.deepEqual(set.writes(), []);
  assert.equal(device.busy, false);
}

test('no clip selected: plain message, no request, nothing written', async () => {
  const set = basicSet({selection: {detail: null, highlighted: {track: 0, slot: 4}}});
  await assertNothingWritten(set, makeDevice('continue', set, daemon.url), /select a MIDI clip first/i);
  assert.equal(daemon.requests.length, 0);
});

test('an audio clip selected: plain message, nothing written', async () => {
  const set = basicSet({selection: {detail: {track: 2, slot: 0}}});
  await assertNothingWritten(set, makeDevice('groove', set, daemon.url), /select a MIDI clip first/i);
});

test('a clip with no playing notes is refused before asking the daemon', async () => {
  const set = basicSet({keysSlots: [{name: 'Empty', notes: []}, null]});
  await assertNothingWritten(set, makeDevice('continue', set, daemon.url), /has no notes/);
  assert.equal(daemon.requests.length, 0);
});

test('daemon down: says how to start ClipGen', async () => {
  const set = basicSet();
  const port = await freePort();
  await assertNothingWritten(set, makeDevice('continue', set, `http://127.0.0.1:${port}`),
                             /ClipGen is not running \u2014 start it with `clipgen service install` or scripts\/run\.sh/);
});

test('daemon too slow: times out with a message and writes nothing', async () => {
  daemon.mode = 'slow';
  const set = basicSet();
  await assertNothingWritten(set, makeDevice('continue', set, daemon.url, {timeoutSeconds: 0.3}),
                             /took longer than 0\.3 s/);
});

test('error envelopes become plain words', async () => {
  const cases = [
    ['loading', /ClipGen is not ready: the melody model is still loading/],
    ['unprocessable', /ClipGen: the input clip has no notes the model can use/],
    ['garbage', /cannot read.*port/],
  ];
  for (const [mode, pattern] of cases) {
    daemon.mode = mode;
    const set = basicSet();
    await assertNothingWritten(set, makeDevice('continue', set, daemon.url), pattern);
  }
});

test('an API key is sent as a Bearer header; a missing one is explained', async () => {
  daemon.apiKey = 's3cret';
  let set = basicSet();
  await assertNothingWritten(set, makeDevice('drumify', set, daemon.url), /wants an API key.*apiKey/);
  set = basicSet();
  const {err} = await run(makeDevice('drumify', set, daemon.url, {apiKey: 's3cret'}));
  assert.equal(err, null);
  assert.equal(daemon.requests.at(-1).headers.authorization, 'Bearer s3cret');
});

test('a second press while waiting is refused and sends nothing', async () => {
  daemon.mode = 'slow';
  const set = basicSet();
  const device = makeDevice('continue', set, daemon.url, {timeoutSeconds: 0.3});
  const first = run(device);
  const second = await run(device);
  assert.equal(second.err, 'busy');
  assert.match(device.lastStatus, /still working/);
  await first;
  assert.equal(daemon.requests.length, 1);
});

test('Live 10: reads with get_notes, writes with set_notes, no extended calls', async () => {
  const set = basicSet({version: 10});
  const device = makeDevice('continue', set, daemon.url);
  device.set('variations', 2);
  const {err} = await run(device);
  assert.equal(err, null);
  const called = new Set(set.calls.filter((c) => c.op === 'call').map((c) => c.name));
  for (const name of ['get_notes', 'set_notes', 'notes', 'note', 'done', 'create_clip']) assert.ok(called.has(name), name);
  for (const name of ['get_notes_extended', 'add_new_notes', 'begin_undo_step']) assert.ok(!called.has(name), name);
  assert.deepEqual(set.tracks[0].slots[1].notes.map((n) => n.pitch), [60, 62, 70]);
});

test('an Arrangement clip sends its results to Session slots from the selected scene', async () => {
  const set = new FakeLiveSet({
    tracks: [{name: 'Lead', slots: [{name: 'Mine'}, null, null],
              arrangement: [{name: 'Arr', length: 4, notes: [{pitch: 70, start_time: 0, duration: 1, velocity: 100}]}]}],
    selection: {detail: {track: 0, arrangement: 0}, scene: 0},
  });
  const device = makeDevice('continue', set, daemon.url);
  device.set('variations', 2);
  const {err} = await run(device);
  assert.equal(err, null);
  assert.deepEqual(set.tracks[0].slots.map((c) => c && c.name),
                   ['Mine', 'Continue 1/2 \u00b7 seed 8131', 'Continue 2/2 \u00b7 seed 8131']);
});
