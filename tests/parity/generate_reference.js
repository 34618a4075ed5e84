#!/usr/bin/env node
// Writes random-weight magenta.js checkpoints and magenta.js' own outputs on fixed inputs to
// tests/data/parity/<case>/ (config.json, weights_manifest.json, weights.bin, reference.json).
// Checkpoints are served from a loopback HTTP server started here (magenta.js fetches them).
// Usage: node generate_reference.js [OUT_DIR] [--only=CASE]   (OUT_DIR: tests/data/parity)
// Only the node build of @magenta/music is used: node/core would import tone (audio), which
// does not load under node, so NoteSequence comes from node/protobuf and no stub is needed.
'use strict';
const fs = require('fs');
const path = require('path');

const {serve} = require('./checkpoint_server');

const tf = require('@tensorflow/tfjs');
const mvae = require('@magenta/music/node/music_vae');
const mrnn = require('@magenta/music/node/music_rnn');
const core = require('@magenta/music/node/protobuf');  // node/core would pull in tone

const MAGENTA_VERSION = require('@magenta/music/package.json').version;
const DEFAULT_OUT = path.join(__dirname, '..', 'data', 'parity');

// ---- deterministic random numbers (mulberry32), shared with nobody: values are stored. ----
function rng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  next.normal = () => {
    const u = Math.max(next(), 1e-12), v = next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  return next;
}

// ---- checkpoint writing ----
// vars: [[name, shape, hotRows]]; kernels get U(-l, l) with l = 2/sqrt(rows), except their first
// hotRows rows (the one-hot inputs fed back each step) which get U(-1.5, 1.5) so that the
// sampled sequences depend on what was fed back; vectors get U(-0.5, 0.5).
const HOT = 1.5;
function writeCheckpoint(dir, config, vars, seed, quantize) {
  fs.mkdirSync(dir, {recursive: true});
  const r = rng(seed);
  const weights = [];
  const buffers = [];
  for (const [name, shape, hotRows] of vars) {
    const n = shape.reduce((a, b) => a * b, 1);
    const lim = shape.length >= 2 ? 2.0 / Math.sqrt(shape[shape.length - 2]) : 0.5;
    const cols = shape[shape.length - 1];
    const hot = (i) => hotRows && Math.floor(i / cols) < hotRows;
    const range = Math.max(lim, hotRows ? HOT : 0);
    const w = {name, shape, dtype: 'float32'};
    if (quantize) {
      // uint8 quantization {min, scale}: value = q * scale + min.
      const min = -range, scale = (2 * range) / 255;
      const q = new Uint8Array(n);
      for (let i = 0; i < n; ++i) {
        const l = hot(i) ? HOT : lim;
        q[i] = Math.min(255, Math.max(0, Math.round((2 * r() - 1) * l / scale + 127.5)));
      }
      w.quantization = {dtype: 'uint8', min, scale};
      buffers.push(Buffer.from(q.buffer));
    } else {
      const f = new Float32Array(n);
      for (let i = 0; i < n; ++i) f[i] = (2 * r() - 1) * (hot(i) ? HOT : lim);
      buffers.push(Buffer.from(f.buffer));
    }
    weights.push(w);
  }
  // Two shards so the importer's concatenation is exercised.
  const all = Buffer.concat(buffers);
  const cut = Math.floor(all.length / 2);
  fs.writeFileSync(path.join(dir, 'group1-shard1of2'), all.subarray(0, cut));
  fs.writeFileSync(path.join(dir, 'group1-shard2of2'), all.subarray(cut));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify(config, null, 1) + '\n');
  const manifest = [{paths: ['group1-shard1of2', 'group1-shard2of2'], weights}];
  fs.writeFileSync(path.join(dir, 'weights_manifest.json'), JSON.stringify(manifest) + '\n');
}

function lstm(prefix, inSize, units, hotRows = 0) {
  return [[prefix + 'kernel', [inSize + units, 4 * units], hotRows], [prefix + 'bias', [4 * units]]];
}
function dense(prefix, inSize, outSize, k = 'kernel', b = 'bias', hotRows = 0) {
  return [[prefix + k, [inSize, outSize], hotRows], [prefix + b, [outSize]]];
}
// Output projections get large weights so that logits depend on the state, not on the bias.
function projection(prefix, inSize, outSize, k = 'kernel', b = 'bias') {
  return dense(prefix, inSize, outSize, k, b, inSize);
}
function bidi(prefix, inSize, units) {
  return ['fw', 'bw'].flatMap(
      d => lstm(`${prefix}bidirectional_rnn/${d}/multi_rnn_cell/cell_0/lstm_cell/`, inSize, units));
}
function stack(prefix, inSize, layers, cellName = 'lstm_cell', multi = 'multi_rnn_cell/',
               hotRows = 0) {
  const out = [];
  layers.forEach((u, i) => {
    out.push(...lstm(`${prefix}${multi}cell_${i}/${cellName}/`, i ? layers[i - 1] : inSize, u,
                     i ? 0 : hotRows));
  });
  return out;
}

function flatVaeVars(inDepth, outDepth, enc, z, dec) {
  return [
    ...bidi('encoder/cell_0/', inDepth, enc),
    ...dense('encoder/mu/', 2 * enc, z), ...dense('encoder/sigma/', 2 * enc, z),
    ...stack('decoder/', outDepth + z, dec, 'lstm_cell', 'multi_rnn_cell/', outDepth),
    ...dense('decoder/z_to_initial_state/', z, 2 * dec.reduce((a, b) => a + b, 0)),
    ...projection('decoder/output_projection/', dec[dec.length - 1], outDepth),
  ];
}

function hierVaeVars(depth, enc0, enc1, z, cond, dec) {
  const sum = a => a.reduce((x, y) => x + y, 0);
  return [
    ...bidi('encoder/hierarchical_level_0/cell_0/', depth, enc0),
    ...bidi('encoder/hierarchical_level_1/cell_0/', 2 * enc0, enc1),
    ...dense('encoder/mu/', 2 * enc1, z), ...dense('encoder/sigma/', 2 * enc1, z),
    ...stack('decoder/hierarchical_level_0/', 1, cond, 'lstm_cell', ''),
    ...dense('decoder/hierarchical_level_0/initial_state/', z, 2 * sum(cond)),
    ...stack('core_decoder/decoder/', depth + cond[cond.length - 1], dec, 'lstm_cell',
          'multi_rnn_cell/', depth),
    ...dense('core_decoder/decoder/z_to_initial_state/', cond[cond.length - 1], 2 * sum(dec)),
    ...projection('core_decoder/decoder/output_projection/', dec[dec.length - 1], depth),
  ];
}

function rnnVars(inSize, classes, layers, attn) {
  const pre = attn ? 'rnn/attention_cell_wrapper/' : 'rnn/';
  const vars = stack(pre, inSize, layers, 'basic_lstm_cell', 'multi_rnn_cell/', attn ? 0 : inSize);
  if (attn) {
    const a = layers[layers.length - 1];
    const sum = layers.reduce((x, y) => x + y, 0);
    vars.push([pre + 'kernel', [inSize + a, inSize], inSize], [pre + 'bias', [inSize]]);
    vars.push([pre + 'attention/attn_w', [1, 1, a, a]], [pre + 'attention/attn_v', [a]]);
    vars.push(...dense(pre + 'attention/', 2 * sum, a));
    vars.push(...dense(pre + 'attention_output_projection/', 2 * a, a));
  }
  vars.push(...projection('fully_connected/', layers[layers.length - 1], classes, 'weights', 'biases'));
  return vars;
}

// ---- fixed inputs ----
function qns(notes, total, isDrum = false) {
  return core.NoteSequence.create({
    notes: notes.map(([pitch, s, e, velocity]) => ({
      pitch, quantizedStartStep: s, quantizedEndStep: e, velocity: velocity || 100, isDrum})),
    quantizationInfo: {stepsPerQuarter: 4}, totalQuantizedSteps: total,
  });
}
function melody(r, total, lo, hi) {
  const notes = [];
  let s = 0;
  while (s < total) {
    const len = 1 + Math.floor(r() * 4);
    if (r() < 0.8) notes.push([lo + Math.floor(r() * (hi - lo + 1)), s, Math.min(total, s + len)]);
    s += len + (r() < 0.2 ? 1 : 0);
  }
  return qns(notes, total);
}
function drums(r, total) {
  const pitches = [36, 38, 42, 46, 45, 48, 50, 49, 51];
  const notes = [];
  for (let s = 0; s < total; ++s) {
    pitches.forEach((p, i) => { if (r() < (i < 3 ? 0.35 : 0.08)) notes.push([p, s, s + 1]); });
  }
  return qns(notes, total, true);
}

const argmaxRows = t => Array.from(t.argMax(-1).dataSync());
const rows = (t) => t.arraySync();
const round = (x) => Math.fround(x);

// ---- cases ----
const CASES = {
  mel_2bar_small: {
    // Real mel_2bar_small shapes (uint8-quantized to stay small).
    config: {type: 'MusicVAE', dataConverter: {type: 'MelodyConverter',
             args: {numSteps: 32, minPitch: 21, maxPitch: 108}}},
    vars: () => flatVaeVars(90, 90, 512, 256, [256, 256]), quantize: true, seed: 11,
    inputs: r => [melody(r, 32, 48, 84), melody(r, 32, 60, 72), melody(r, 32, 21, 108)],
    z: 256, steps: 32,
  },
  drums_2bar: {
    config: {type: 'MusicVAE', dataConverter: {type: 'DrumsConverter', args: {numSteps: 32}}},
    vars: () => flatVaeVars(10, 512, 24, 8, [24, 24]), seed: 12, quantize: true,
    inputs: r => [drums(r, 32), drums(r, 32)], z: 8, steps: 32,
  },
  mel_4bar_hier: {
    config: {type: 'MusicVAE', dataConverter: {type: 'MelodyConverter',
             args: {numSteps: 64, numSegments: 4, minPitch: 21, maxPitch: 108}}},
    vars: () => hierVaeVars(90, 20, 16, 8, [12, 12], [20, 20]), seed: 13,
    inputs: r => [melody(r, 64, 55, 80), melody(r, 64, 40, 90)], z: 8, steps: 64,
  },
  groovae_2bar: {
    config: {type: 'MusicVAE', dataConverter: {type: 'GrooveConverter',
             args: {numSteps: 32, humanize: true}}},
    vars: () => flatVaeVars(27, 27, 24, 8, [24, 24]), seed: 14, groove: true,
    z: 8, steps: 32,
  },
  basic_rnn: {
    config: {type: 'MusicRNN', dataConverter: {type: 'MelodyConverter',
             args: {minPitch: 48, maxPitch: 83}}},
    vars: () => rnnVars(38, 38, [24, 24]), seed: 15, rnn: true,
    primers: r => [melody(r, 16, 48, 83), melody(r, 8, 60, 70)], steps: 24,
  },
  attention_rnn: {
    config: {type: 'MusicRNN', dataConverter: {type: 'MelodyConverter',
             args: {minPitch: 48, maxPitch: 83}}, attentionLength: 8},
    vars: () => rnnVars(38, 38, [16, 16, 16], true), seed: 21, rnn: true,
    primers: r => [melody(r, 16, 48, 83), melody(r, 12, 55, 75)], steps: 24,
  },
  drum_kit_rnn: {
    config: {type: 'MusicRNN', dataConverter: {type: 'DrumsOneHotConverter', args: {}},
             auxInputs: [{type: 'BinaryCounter', args: {numBits: 6}}]},
    vars: () => rnnVars(512 + 6, 512, [24, 24]), seed: 23, rnn: true, quantize: true,
    primers: r => [drums(r, 16), drums(r, 8)], steps: 24,
  },
  chord_rnn: {
    config: {type: 'MusicRNN', dataConverter: {type: 'MelodyConverter',
             args: {minPitch: 48, maxPitch: 83}}, chordEncoder: 'PitchChordEncoder'},
    vars: () => rnnVars(37 + 38, 38, [16, 16, 16]), seed: 18, rnn: true,
    primers: r => [melody(r, 8, 48, 83)], steps: 24, chords: ['C', 'Am', 'F', 'G7'],
  },
};

async function runVae(name, c, url, r) {
  const model = new mvae.MusicVAE(url);
  await model.initialize();
  const ref = {case: name, magentaVersion: MAGENTA_VERSION, type: 'MusicVAE', temperature: 0};
  let inputTensor, seqs;
  if (c.groove) {
    // Tensor inputs: 9 hits, 9 velocities, 9 offsets per step.
    const data = [];
    for (let b = 0; b < 2; ++b) {
      const seq = [];
      for (let s = 0; s < c.steps; ++s) {
        const hits = Array.from({length: 9}, (_, i) => (r() < (i < 3 ? 0.4 : 0.1) ? 1 : 0));
        seq.push([...hits, ...hits.map(h => h ? round(0.2 + 0.8 * r()) : 0),
                  ...hits.map(h => h ? round(r() - 0.5) : 0)]);
      }
      data.push(seq);
    }
    inputTensor = tf.tensor3d(data);
    ref.inputs = data.map(tensor => ({tensor}));
  } else {
    seqs = c.inputs(r);
    const tensors = seqs.map(ns => model.dataConverter.toTensor(ns));
    inputTensor = tf.stack(tensors);
    ref.inputs = seqs.map((ns, i) => {
      const t = tensors[i];
      const entry = {noteSequence: core.NoteSequence.toObject(ns)};
      if (c.config.dataConverter.type === 'DrumsConverter') {
        entry.roll = rows(t);  // magenta.js' encoder input: 9 class bits + 'no hit'
        entry.classes = rows(t).map(row => row.slice(0, 9).reduce((a, v, k) => a + (v << k), 0));
      } else {
        entry.classes = argmaxRows(t);
      }
      return entry;
    });
  }
  const mu = await model.encodeTensors(inputTensor);
  ref.mu = rows(mu);
  // Public API too (NoteSequence in) for the non-groove cases: must give the same mu.
  if (!c.groove) {
    const z2 = await model.encode(seqs);
    ref.muFromNoteSequences = rows(z2);
  }
  const extra = Array.from({length: 2}, () => Array.from({length: c.z}, () => round(r.normal())));
  ref.z = [...ref.mu, ...extra];
  const out = await model.decodeTensors(tf.tensor2d(ref.z), 0);
  ref.decoded = c.groove ? rows(out) : rows(out.argMax(-1));
  if (!c.groove) {
    const seqs = await model.decode(tf.tensor2d(ref.z), 0);
    ref.decodedNoteSequences = seqs.map(ns => core.NoteSequence.toObject(ns));
  }
  model.dispose();
  return ref;
}

async function runRnn(name, c, url, r) {
  const model = new mrnn.MusicRNN(url);
  await model.initialize();
  const ref = {case: name, magentaVersion: MAGENTA_VERSION, type: 'MusicRNN', temperature: 0,
               steps: c.steps, primers: []};
  for (const ns of c.primers(r)) {
    const inputs = model.dataConverter.toTensor(ns);
    const length = inputs.shape[0];
    let controls, aux;
    if (c.chords) {
      controls = model.chordEncoder.encodeProgression(c.chords, length + c.steps);
    }
    if (model.auxInputs) {
      aux = tf.concat(model.auxInputs.map(a => a.getTensors(length + c.steps)), 1);
    }
    // Probabilities are kept for small class counts only (file size).
    const withProbs = inputs.shape[1] <= 64;
    const result = model.sampleRnn(inputs, c.steps, 0, controls, aux, withProbs);
    const entry = {noteSequence: core.NoteSequence.toObject(ns), classes: argmaxRows(inputs),
                   continuation: result.samples.map(s => argmaxRows(s.as2D(1, -1))[0])};
    if (withProbs) entry.probs = result.probs.map(p => Array.from(p.dataSync()));
    if (controls) {
      entry.chords = c.chords;
      entry.controls = rows(controls);
    }
    const cont = await model.continueSequence(ns, c.steps, 0, c.chords);
    entry.continuationNoteSequence = core.NoteSequence.toObject(cont);
    ref.primers.push(entry);
  }
  model.dispose();
  return ref;
}

async function main() {
  const args = process.argv.slice(2);
  const out = path.resolve(args.find(a => !a.startsWith('--')) || DEFAULT_OUT);
  const only = (args.find(a => a.startsWith('--only=')) || '').slice(7);
  for (const [name, c] of Object.entries(CASES)) {
    if (only && only !== name) continue;
    const dir = path.join(out, name);
    writeCheckpoint(dir, c.config, c.vars(), c.seed, c.quantize);
    const server = await serve(dir);
    const url = `http://127.0.0.1:${server.address().port}`;
    try {
      const r = rng(c.seed + 1);
      const ref = c.rnn ? await runRnn(name, c, url, r) : await runVae(name, c, url, r);
      fs.writeFileSync(path.join(dir, 'reference.json'), JSON.stringify(ref) + '\n');
      console.log(`parity: ${name} written to ${dir}`);
    } finally {
      server.close();
    }
  }
}

main().catch(e => { console.error(`parity: ${e.stack || e}`); process.exit(1); });
