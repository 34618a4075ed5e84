// Writes magenta_goldens.json: what magenta.js itself (sequences.quantizeNoteSequence,
// unquantizeSequence, NoteSequence.toJSON) makes of a set of seeded random sequences and of the
// cases it rejects. protocol/tests/magenta_parity_test.cc checks the C++ against it.
//
// Run from the repository root after `npm ci` in tests/parity (which holds @magenta/music):
//   NODE_PATH=tests/parity/node_modules node protocol/tests/data/make_magenta_goldens.js
'use strict';
const fs = require('fs');
const path = require('path');
const Module = require('module');

// node/core pulls in Tone.js (audio) at load; the sequence functions never touch it.
const load = Module._load;
Module._load = function(request, ...rest) {
  if (request === 'tone' || request.startsWith('tone/')) {
    return new Proxy({}, {get: () => function() { return {}; }});
  }
  return load.call(this, request, ...rest);
};
const core = require('@magenta/music/node/core');
const {NoteSequence} = require('@magenta/music/node/protobuf');
const VERSION = require('@magenta/music/package.json').version;

function mulberry32(seed) {
  return function() {
    let t = (seed += 0x6D2B79F5);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(20261126);
const pick = (list) => list[Math.floor(rand() * list.length)];

function randomTime(stepSeconds) {
  // Mix of free times and times exactly on half-step boundaries (the rounding cutoff).
  if (rand() < 0.3) return (Math.floor(rand() * 40) + 0.5) * stepSeconds;
  if (rand() < 0.2) return Math.floor(rand() * 40) * stepSeconds;
  return Math.round(rand() * 8000) / 1000;
}

function randomSequence() {
  const qpm = pick([60, 87.5, 90, 100, 120, 133.3, 150, 174]);
  const spq = pick([1, 2, 3, 4, 4, 4, 12, 24]);
  const stepSeconds = 60 / qpm / spq;
  const notes = [];
  const n = 1 + Math.floor(rand() * 8);
  for (let i = 0; i < n; i++) {
    const start = randomTime(stepSeconds);
    const length = rand() < 0.15 ? 0 : (rand() < 0.2 ? stepSeconds * 0.3 : rand() * 2);
    notes.push({pitch: 36 + Math.floor(rand() * 60), velocity: Math.floor(rand() * 128),
                startTime: start, endTime: start + length, isDrum: rand() < 0.2,
                instrument: Math.floor(rand() * 3), program: Math.floor(rand() * 128)});
  }
  const ns = {notes, totalTime: rand() < 0.5 ? 0 : Math.round(rand() * 12000) / 1000};
  if (rand() < 0.8) ns.tempos = [{time: 0, qpm}];
  if (rand() < 0.15) ns.tempos = [{time: 1.5, qpm: 120}];                 // implicit 120 is fine
  if (rand() < 0.1) ns.tempos = [{time: 0, qpm}, {time: 2, qpm}];         // repeated, fine
  if (rand() < 0.5) ns.timeSignatures = [{time: 0, numerator: pick([3, 4, 6, 7]),
                                          denominator: pick([4, 8])}];
  return {ns, spq};
}

const rejected = [
  {name: 'tempo change', ns: {notes: [{pitch: 60, endTime: 1}],
                              tempos: [{time: 0, qpm: 120}, {time: 1, qpm: 90}]}},
  {name: 'implicit tempo change', ns: {notes: [{pitch: 60, endTime: 1}],
                                       tempos: [{time: 1, qpm: 90}]}},
  {name: 'meter change', ns: {notes: [{pitch: 60, endTime: 1}],
                              timeSignatures: [{time: 0, numerator: 3, denominator: 4},
                                               {time: 2, numerator: 4, denominator: 4}]}},
  {name: 'implicit meter change', ns: {notes: [{pitch: 60, endTime: 1}],
                                       timeSignatures: [{time: 2, numerator: 3, denominator: 4}]}},
  {name: 'denominator not a power of two',
   ns: {notes: [{pitch: 60, endTime: 1}],
        timeSignatures: [{time: 0, numerator: 4, denominator: 3}]}},
  {name: 'negative time', ns: {notes: [{pitch: 60, startTime: -1, endTime: 1}]}},
];

const cases = [];
for (let i = 0; i < 40; i++) {
  const {ns, spq} = randomSequence();
  const input = NoteSequence.create(ns);
  const q = core.sequences.quantizeNoteSequence(input, spq);
  const unquantizeQpm = pick([undefined, 60, 97, 120, 140.5]);
  const u = core.sequences.unquantizeSequence(q, unquantizeQpm);
  cases.push({name: `random ${i}`, stepsPerQuarter: spq, input: input.toJSON(),
              quantized: q.toJSON(), unquantizeQpm: unquantizeQpm === undefined ? null : unquantizeQpm,
              unquantized: u.toJSON()});
}
for (const r of rejected) {
  let error = null;
  try {
    core.sequences.quantizeNoteSequence(NoteSequence.create(r.ns), 4);
  } catch (e) {
    error = e.message;  // class names are minified in the bundle
  }
  if (!error) throw new Error(`magenta.js accepted "${r.name}"`);
  cases.push({name: r.name, stepsPerQuarter: 4, input: NoteSequence.create(r.ns).toJSON(),
              error});
}

const out = path.join(__dirname, 'magenta_goldens.json');
// One case per line keeps diffs readable.
fs.writeFileSync(out, `{"magentaVersion": ${JSON.stringify(VERSION)}, "cases": [\n` +
                          cases.map((c) => JSON.stringify(c)).join(',\n') + '\n]}\n');
console.log(`wrote ${cases.length} cases from @magenta/music ${VERSION} to ${out}`);
