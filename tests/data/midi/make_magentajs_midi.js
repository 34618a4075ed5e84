// Writes magentajs_written.mid with magenta.js's own writer (sequenceProtoToMidi, which
// uses @tonejs/midi): a drum beat and a melody. make_fixtures.py then computes its expected notes
// with mido. Run from the repository root:
//   NODE_PATH=tests/parity/node_modules node tests/data/midi/make_magentajs_midi.js
'use strict';
const fs = require('fs');
const path = require('path');
const Module = require('module');

const load = Module._load;  // node/core pulls in Tone.js (audio), unused by midi_io
Module._load = function(request, ...rest) {
  if (request === 'tone' || request.startsWith('tone/')) {
    return new Proxy({}, {get: () => function() { return {}; }});
  }
  return load.call(this, request, ...rest);
};
const core = require('@magenta/music/node/core');
const {NoteSequence} = require('@magenta/music/node/protobuf');

const notes = [];
for (let step = 0; step < 16; step++) {
  const t = step * 0.125;
  notes.push({pitch: 42, velocity: step % 2 ? 70 : 100, startTime: t, endTime: t + 0.1,
              isDrum: true, instrument: 9, program: 0});
  if (step % 8 === 0) notes.push({pitch: 36, velocity: 120, startTime: t, endTime: t + 0.1,
                                   isDrum: true, instrument: 9, program: 0});
  if (step % 8 === 4) notes.push({pitch: 38, velocity: 110, startTime: t, endTime: t + 0.1,
                                   isDrum: true, instrument: 9, program: 0});
}
[60, 62, 64, 65, 67, 65, 64, 62].forEach((pitch, i) => {
  notes.push({pitch, velocity: 90, startTime: i * 0.25, endTime: i * 0.25 + 0.2, instrument: 0,
              program: 73});
});
const ns = NoteSequence.create({notes, tempos: [{time: 0, qpm: 120}],
                                timeSignatures: [{time: 0, numerator: 4, denominator: 4}],
                                totalTime: 2});
const bytes = core.sequenceProtoToMidi(ns);
const out = path.join(__dirname, 'magentajs_written.mid');
fs.writeFileSync(out, Buffer.from(bytes));
console.log(`wrote ${bytes.length} bytes to ${out}`);
