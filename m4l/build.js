#!/usr/bin/env node
'use strict';
// Builds the five ClipGen Max for Live devices: m4l/patchers/*.maxpat -> dist/*.amxd, and copies
// the shared JavaScript beside them (the devices are not frozen; Max finds the .js files in the
// device's folder). Checks each patcher against the rules below before writing anything.
//
// .amxd layout, as Ableton's maxdevtools (maxdiff/amxd_textconv.py) reads it: chunks of a 4-byte
// ASCII tag and a little-endian u32 size, then the data:
//   "ampf" 4 "mmmm"   device type: MIDI effect
//   "meta" 4 00000000
//   "ptch" N <patcher JSON, UTF-8, ending in one NUL byte (counted in N), as Max writes it>
//
// Usage: node build.js [--out DIR]   (default: m4l/dist)
const fs = require('node:fs');
const path = require('node:path');

const HERE = __dirname;
const PATCHERS = path.join(HERE, 'patchers');
const SCRIPTS = path.join(HERE, 'js');
const DEVICE_TYPE = 'mmmm';
const SLIDERS = new Set(['live.dial', 'live.slider', 'live.numbox']);
const TOOLS = ['generate', 'continue', 'interpolate', 'groove', 'drumify'];

function chunk(tag, data) {
  const head = Buffer.alloc(8);
  head.write(tag, 0, 4, 'ascii');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data]);
}

function amxdBytes(patcher, type = DEVICE_TYPE) {
  const json = Buffer.from(JSON.stringify(patcher, null, '\t') + '\n', 'utf8');
  return Buffer.concat([
    chunk('ampf', Buffer.from(type, 'ascii')),
    chunk('meta', Buffer.alloc(4)),
    chunk('ptch', Buffer.concat([json, Buffer.from([0])])),
  ]);
}

// The reverse, as maxdevtools does it: {type, patcher}. Throws on anything unexpected.
function parseAmxd(buf) {
  const out = {};
  let at = 0;
  while (at + 8 <= buf.length) {
    const tag = buf.toString('ascii', at, at + 4);
    const size = buf.readUInt32LE(at + 4);
    const data = buf.subarray(at + 8, at + 8 + size);
    if (data.length !== size) throw new Error(`chunk ${tag} is cut short`);
    at += 8 + size;
    if (tag === 'ampf') out.type = data.toString('ascii');
    else if (tag === 'meta') out.meta = data;
    else if (tag === 'ptch') {
      const text = data[size - 1] === 0 ? data.subarray(0, size - 1) : data;
      out.patcher = JSON.parse(text.toString('utf8'));
    } else throw new Error(`unknown chunk ${tag}`);
  }
  if (at !== buf.length) throw new Error('trailing bytes after the last chunk');
  return out;
}

// Production-guideline checks (Ableton's m4l-production-guidelines) plus our own limits:
// presentation mode, device info, named and annotated parameters, <= 3 sliders, <= 2 inputs.
function lintPatcher(doc, name) {
  const problems = [];
  const p = doc && doc.patcher;
  if (!p || !Array.isArray(p.boxes) || !Array.isArray(p.lines)) return [`${name}: not a Max patcher`];
  if (p.openinpresentation !== 1) problems.push(`${name}: must open in presentation mode`);
  if (!p.description) problems.push(`${name}: needs a device description (info text)`);
  const boxes = p.boxes.map((b) => b.box);
  const ids = new Set(boxes.map((b) => b.id));
  const longnames = new Set();
  let sliders = 0;
  let inputs = 0;
  const byId = new Map(boxes.map((b) => [b.id, b]));
  // An input is a button that feeds [prepend capture_*] (Interpolate's A and B).
  const feedsCapture = (b) => p.lines.some((l) => l.patchline.source[0] === b.id &&
    /^prepend capture_/.test((byId.get(l.patchline.destination[0]) || {}).text || ''));
  for (const b of boxes) {
    if (b.maxclass === 'live.text' && feedsCapture(b)) inputs++;
    if (SLIDERS.has(b.maxclass)) sliders++;
    if (!b.parameter_enable) continue;
    const v = b.saved_attribute_attributes && b.saved_attribute_attributes.valueof;
    const where = `${name}: ${b.maxclass} ${b.id}`;
    if (!v || !v.parameter_longname || !v.parameter_shortname) {
      problems.push(`${where}: parameter needs a Long Name and a Short Name`);
      continue;
    }
    const ln = v.parameter_longname;
    if (/^live\./.test(ln) || /\[\d+\]$/.test(ln)) problems.push(`${where}: generic parameter name "${ln}"`);
    if (longnames.has(ln)) problems.push(`${where}: Long Name "${ln}" is used twice`);
    longnames.add(ln);
    if (!b.annotation || !b.annotation_name) problems.push(`${where}: needs info text (annotation)`);
    if (!b.presentation) problems.push(`${where}: parameter is not in presentation`);
    const r = b.presentation_rect || [];
    if (r.some((x) => Math.round(x) !== x)) problems.push(`${where}: presentation rect must be whole pixels`);
    if (b.maxclass === 'live.text' && v.parameter_invisible !== 2) {
      problems.push(`${where}: a button's parameter must be Hidden (no undo flooding)`);
    }
  }
  if (sliders > 3) problems.push(`${name}: ${sliders} sliders; at most 3`);
  if (inputs > 2) problems.push(`${name}: ${inputs} inputs; at most 2`);
  for (const l of p.lines) {
    const {source, destination} = l.patchline;
    if (!ids.has(source[0]) || !ids.has(destination[0])) problems.push(`${name}: a patch cord points nowhere`);
  }
  const js = boxes.filter((b) => b.maxclass === 'newobj' && /^js clipgen-max\.js /.test(b.text || ''));
  if (js.length !== 1) problems.push(`${name}: needs exactly one [js clipgen-max.js <tool>]`);
  else if (!TOOLS.includes(js[0].text.split(/\s+/)[2])) problems.push(`${name}: unknown tool in "${js[0].text}"`);
  const midiThrough = p.lines.some((l) => {
    const s = boxes.find((b) => b.id === l.patchline.source[0]);
    const d = boxes.find((b) => b.id === l.patchline.destination[0]);
    return s && d && s.text === 'midiin' && d.text === 'midiout';
  });
  if (!midiThrough) problems.push(`${name}: MIDI must pass through (midiin -> midiout)`);
  return problems;
}

function build(outDir = path.join(HERE, 'dist'), patchersDir = PATCHERS) {
  const sources = fs.readdirSync(patchersDir).filter((f) => f.endsWith('.maxpat')).sort();
  const problems = [];
  const devices = [];
  for (const file of sources) {
    let doc;
    try {
      doc = JSON.parse(fs.readFileSync(path.join(patchersDir, file), 'utf8'));
    } catch (e) {
      problems.push(`${file}: ${e.message}`);
      continue;
    }
    problems.push(...lintPatcher(doc, file));
    devices.push({name: file.replace(/\.maxpat$/, '.amxd'), doc});
  }
  if (problems.length) throw new Error(`patchers have problems:\n  ${problems.join('\n  ')}`);
  fs.mkdirSync(outDir, {recursive: true});
  const written = [];
  for (const d of devices) {
    const target = path.join(outDir, d.name);
    fs.writeFileSync(target, amxdBytes(d.doc));
    written.push(target);
  }
  for (const f of fs.readdirSync(SCRIPTS).filter((x) => x.endsWith('.js')).sort()) {
    const target = path.join(outDir, f);
    fs.copyFileSync(path.join(SCRIPTS, f), target);
    written.push(target);
  }
  const example = path.join(HERE, 'clipgen-m4l.example.json');
  fs.copyFileSync(example, path.join(outDir, path.basename(example)));
  written.push(path.join(outDir, path.basename(example)));
  return written;
}

if (require.main === module) {
  const i = process.argv.indexOf('--out');
  const outDir = i > 0 ? path.resolve(process.argv[i + 1]) : undefined;
  try {
    const files = build(outDir);
    for (const f of files) console.log(`wrote ${path.relative(process.cwd(), f)}`);
  } catch (e) {
    console.error(`m4l build failed: ${e.message}`);
    process.exit(1);
  }
}

module.exports = {build, amxdBytes, parseAmxd, lintPatcher, DEVICE_TYPE};
