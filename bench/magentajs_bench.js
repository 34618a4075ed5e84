#!/usr/bin/env node
// Times magenta.js (@magenta/music under node, tfjs cpu backend) on the bench work items, using
// the same checkpoint folders and input NoteSequences as clipgen_bench.
// Usage: node magentajs_bench.js --checkpoint DIR --inputs FILE --work w1,w2 --out FILE
//        [--warmup N] [--reps N] [--budget-ms MS]
// Work items: sampleN, interpolateN, continueS (4 variations of S steps), grooveB (B bars),
// drumifyB. Writes {"side": "magentajs", "results": {work: [ms, ...]}}; warm-up runs excluded.
// Run with NODE_PATH pointing at tests/parity/node_modules (bench/run.sh does).
'use strict';
const fs = require('fs');
const path = require('path');

const {serve} = require('../tests/parity/checkpoint_server');

const tf = require('@tensorflow/tfjs');
const mvae = require('@magenta/music/node/music_vae');
const mrnn = require('@magenta/music/node/music_rnn');
const core = require('@magenta/music/node/protobuf');

const TEMPERATURE = 1.0;
const CONTINUE_VARIATIONS = 4;  // as the Continue tool's default; magenta.js makes one per call

function arg(name, fallback) {
  const a = process.argv.find(s => s.startsWith(`--${name}=`));
  if (a) return a.slice(name.length + 3);
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const ns = obj => core.NoteSequence.create(obj);

// 2-bar (numSteps) windows of a quantized 4/4 drum clip, as Magenta Studio's Groove feeds them.
function windows(seq, numSteps) {
  const total = seq.totalQuantizedSteps;
  const spq = seq.quantizationInfo.stepsPerQuarter;
  const qpm = seq.tempos && seq.tempos.length ? seq.tempos[0].qpm : 120;
  const step = 60 / qpm / spq;
  const out = [];
  for (let s0 = 0; s0 < total; s0 += numSteps) {
    const notes = seq.notes
        .filter(n => n.quantizedStartStep >= s0 && n.quantizedStartStep < s0 + numSteps)
        .map(n => Object.assign({}, n, {
          quantizedStartStep: n.quantizedStartStep - s0,
          quantizedEndStep: Math.min(n.quantizedEndStep - s0, numSteps),
          startTime: (n.quantizedStartStep - s0) * step,
          endTime: (Math.min(n.quantizedEndStep - s0, numSteps)) * step,
        }));
    out.push(ns({notes, quantizationInfo: {stepsPerQuarter: spq}, totalQuantizedSteps: numSteps,
                 tempos: [{time: 0, qpm}], totalTime: numSteps * step}));
  }
  return out;
}

function workFn(work, model, inputs, isRnn) {
  const m = /^([a-z]+)(\d+)$/.exec(work);
  if (!m) throw new Error(`unknown work item ${work}`);
  const [, what, nText] = m;
  const n = Number(nText);
  if (what === 'sample' && !isRnn) return () => model.sample(n, TEMPERATURE);
  if (what === 'interpolate' && !isRnn) {
    const pair = [ns(inputs.a), ns(inputs.b)];
    return () => model.interpolate(pair, n, TEMPERATURE);
  }
  if ((what === 'groove' || what === 'drumify') && !isRnn) {
    const chunks = windows(ns(inputs[work]), model.dataConverter.numSteps);
    return async () => {
      const z = await model.encode(chunks);
      const out = await model.decode(z, TEMPERATURE);
      z.dispose();
      return out;
    };
  }
  if (what === 'continue' && isRnn) {
    const primer = ns(inputs.primer);
    return async () => {
      const out = [];
      for (let v = 0; v < CONTINUE_VARIATIONS; ++v) {
        out.push(await model.continueSequence(primer, n, TEMPERATURE));
      }
      return out;
    };
  }
  throw new Error(`work item ${work} does not apply to this model`);
}

// warmup untimed calls (the first ones allocate and fetch), then up to reps timed calls (at least
// min(3, reps)) within budgetMs.
async function timeIt(fn, warmup, reps, budgetMs) {
  for (let i = 0; i < warmup; ++i) await fn();
  const ms = [];
  const start = Date.now();
  const least = Math.min(3, reps);
  while (ms.length < reps && (ms.length < least || Date.now() - start < budgetMs)) {
    const t0 = process.hrtime.bigint();
    await fn();
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return ms;
}

async function main() {
  const dir = path.resolve(arg('checkpoint'));
  const inputs = JSON.parse(fs.readFileSync(arg('inputs'), 'utf8'));
  const works = arg('work', '').split(',').filter(Boolean);
  const warmup = Number(arg('warmup', '2'));
  const reps = Number(arg('reps', '20'));
  const budgetMs = Number(arg('budget-ms', '4000'));
  await tf.setBackend('cpu');
  const config = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
  const isRnn = config.type === 'MusicRNN';
  const server = await serve(dir);
  const url = `http://127.0.0.1:${server.address().port}`;
  const results = {};
  try {
    const model = isRnn ? new mrnn.MusicRNN(url) : new mvae.MusicVAE(url);
    await model.initialize();
    for (const w of works) results[w] = await timeIt(workFn(w, model, inputs, isRnn), warmup, reps,
                                                 budgetMs);
    model.dispose();
  } finally {
    server.close();
  }
  const out = {side: 'magentajs', backend: tf.getBackend(), tfjs: tf.version_core,
               magenta: require('@magenta/music/package.json').version, results};
  fs.writeFileSync(arg('out'), JSON.stringify(out) + '\n');
}

main().catch(e => { console.error(`magentajs_bench: ${e.stack || e}`); process.exit(1); });
