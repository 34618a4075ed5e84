// Cross-checks tests/data/converters/*.json against magenta.js (node check_magentajs.js NODE_MODULES GOLDEN_DIR).
// Skipped cases are where ClipGen deliberately differs (see the converter docstrings).
// magenta.js's node bundle requires tone (audio) at load time; the converters do not use it.
const Module = require('module'); const _orig = Module._load; Module._load = function(req, ...a) { if (req === 'tone') return {}; return _orig.call(this, req, ...a); };
const path = process.argv[2] + '/';
const core = require(path + '@magenta/music/node/core'); core.NoteSequence = require(path + '@magenta/music/node/protobuf').NoteSequence;
const tf = require(path + '@tensorflow/tfjs');
const fs = require('fs');
const dir = process.argv[3] + '/';
(async () => {
  let bad = 0;
  const mel = JSON.parse(fs.readFileSync(dir + 'melody.json'));
  for (const c of mel.cases) {
    if (!c.input || c.report.octaveShifted) continue;
    const conv = new core.data.MelodyConverter({minPitch: c.converter.minPitch, maxPitch: c.converter.maxPitch, numSteps: c.converter.numSteps});
    const ns = core.NoteSequence.create(JSON.parse(JSON.stringify(c.input)));
    const t = conv.toTensor(ns);
    const cls = Array.from(await t.argMax(1).data());
    const ok = JSON.stringify(cls) === JSON.stringify(c.tensor);
    const dec = await conv.toNoteSequence(t, 4, 120);
    const d2 = dec.notes.map(n => [n.pitch, n.quantizedStartStep, n.quantizedEndStep]);
    const d1 = c.decoded.notes.map(n => [n.pitch, n.quantizedStartStep, n.quantizedEndStep]);
    const ok2 = JSON.stringify(d1) === JSON.stringify(d2);
    if (!ok || !ok2) bad++;
    console.log('melody', c.name, ok, ok2);
  }
  const dr = JSON.parse(fs.readFileSync(dir + 'drums.json'));
  for (const c of dr.cases) {
    const conv = new core.data.DrumsOneHotConverter({numSteps: c.converter.numSteps, pitchClasses: c.converter.drumPitchClasses});
    let ok = 'skip';
    if (c.report.unknownPitches === 0 && c.report.droppedPastEnd === 0 && c.name.indexOf('twice') < 0) {
      const t = conv.toTensor(core.NoteSequence.create(JSON.parse(JSON.stringify(c.input))));
      ok = JSON.stringify(Array.from(await t.argMax(1).data())) === JSON.stringify(c.tensor);
      if (!ok) bad++;
    }
    const dconv = new core.data.DrumsConverter({numSteps: c.converter.numSteps, pitchClasses: c.converter.drumPitchClasses});
    const oh = tf.oneHot(tf.tensor1d(c.tensor, 'int32'), 512);
    const dec = await dconv.toNoteSequence(oh, 4, 120);
    const ok2 = JSON.stringify(dec.notes.map(n => [n.pitch, n.quantizedStartStep])) === JSON.stringify(c.decoded.notes.map(n => [n.pitch, n.quantizedStartStep]));
    if (!ok2) bad++;
    console.log('drums', c.name, ok, ok2);
  }
  const gr = JSON.parse(fs.readFileSync(dir + 'groove.json'));
  for (const c of gr.cases) {
    const conv = new core.data.GrooveConverter({numSteps: c.converter.numSteps, humanize: c.converter.humanize, tapify: c.converter.tapify, pitchClasses: c.converter.drumPitchClasses});
    let maxd = 0;
    if (c.input) {
      const t = conv.toTensor(core.NoteSequence.create(JSON.parse(JSON.stringify(c.input))));
      const a = await t.data();
      const b = c.tensor.flat();
      for (let i = 0; i < b.length; i++) maxd = Math.max(maxd, Math.abs(a[i] - b[i]));
    }
    const dec = await conv.toNoteSequence(tf.tensor2d(c.tensor), undefined, c.qpm);
    let maxt = 0, same = dec.notes.length === c.decoded.notes.length;
    dec.notes.forEach((n, i) => { const m = c.decoded.notes[i]; if (!m || m.pitch !== n.pitch || m.velocity !== n.velocity) same = false; else maxt = Math.max(maxt, Math.abs(m.startTime - n.startTime), Math.abs(m.endTime - n.endTime)); });
    if (maxd > 1e-6 || maxt > 1e-6 || !same) bad++;
    console.log('groove', c.name, 'tensor maxdiff', maxd, 'decoded same', same, 'time maxdiff', maxt);
  }
  console.log('mismatches', bad); process.exitCode = bad ? 1 : 0;
})();
