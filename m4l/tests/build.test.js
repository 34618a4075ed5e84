'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const {execFileSync} = require('node:child_process');
const {build, parseAmxd, lintPatcher} = require('../build.js');

const HERE = path.join(__dirname, '..');
const DEVICES = ['Continue', 'Drumify', 'Generate', 'Groove', 'Interpolate'].map((t) => `ClipGen ${t}.amxd`);

function tmp() {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'clipgen-m4l-'));
}

test('the build script writes five MIDI-effect .amxd files with the maxdevtools layout', () => {
  const out = tmp();
  execFileSync(process.execPath, [path.join(HERE, 'build.js'), '--out', out], {stdio: 'pipe'});
  const amxd = fs.readdirSync(out).filter((f) => f.endsWith('.amxd')).sort();
  assert.deepEqual(amxd, DEVICES);
  for (const name of amxd) {
    const buf = fs.readFileSync(path.join(out, name));
    assert.equal(buf.toString('ascii', 0, 4), 'ampf');
    assert.equal(buf.readUInt32LE(4), 4);
    assert.equal(buf.toString('ascii', 8, 12), 'mmmm');
    assert.equal(buf.toString('ascii', 12, 16), 'meta');
    assert.equal(buf.readUInt32LE(16), 4);
    assert.equal(buf.readUInt32LE(20), 0);
    assert.equal(buf.toString('ascii', 24, 28), 'ptch');
    const size = buf.readUInt32LE(28);
    assert.equal(buf.length, 32 + size, 'ptch runs to the end of the file');
    assert.equal(buf[buf.length - 1], 0, 'patcher JSON ends in NUL, as Max writes it');
    const json = JSON.parse(buf.toString('utf8', 32, buf.length - 1));
    assert.equal(json.patcher.openinpresentation, 1);
    const parsed = parseAmxd(buf);
    assert.equal(parsed.type, 'mmmm');
    assert.deepEqual(parsed.patcher, json);
    const tool = name.replace(/^ClipGen (\w+)\.amxd$/, '$1').toLowerCase();
    assert.ok(json.patcher.boxes.some((b) => b.box.text === `js clipgen-max.js ${tool}`), `${name} runs ${tool}`);
  }
  for (const js of ['clipgen-max.js', 'clipgen-device.js', 'clipgen-live.js', 'clipgen-http.js', 'clipgen-sequence.js']) {
    assert.ok(fs.existsSync(path.join(out, js)), `${js} ships beside the devices`);
  }
});

test('every device passes the production-guideline checks and has unique named parameters', () => {
  for (const f of fs.readdirSync(path.join(HERE, 'patchers'))) {
    const doc = JSON.parse(fs.readFileSync(path.join(HERE, 'patchers', f), 'utf8'));
    assert.deepEqual(lintPatcher(doc, f), []);
    const params = doc.patcher.boxes.map((b) => b.box).filter((b) => b.parameter_enable);
    for (const b of params) {
      assert.ok(b.annotation.length > 10, `${f} ${b.varname} has info text`);
    }
  }
});

test('the checks catch generic names, missing info text, too many sliders and a missing pass-through', () => {
  const doc = JSON.parse(fs.readFileSync(path.join(HERE, 'patchers', 'ClipGen Continue.maxpat'), 'utf8'));
  const dial = doc.patcher.boxes.find((b) => b.box.maxclass === 'live.dial').box;
  dial.saved_attribute_attributes.valueof.parameter_longname = 'live.dial[1]';
  delete dial.annotation;
  doc.patcher.boxes.push({box: {...dial, id: 'obj-extra', saved_attribute_attributes: {valueof: {
    ...dial.saved_attribute_attributes.valueof, parameter_longname: 'Extra'}}, annotation: 'more', annotation_name: 'Extra'}});
  doc.patcher.lines = doc.patcher.lines.filter((l) => l.patchline.destination[0] !== 'obj-2');
  doc.patcher.openinpresentation = 0;
  const problems = lintPatcher(doc, 'x').join('\n');
  assert.match(problems, /generic parameter name "live\.dial\[1\]"/);
  assert.match(problems, /needs info text/);
  assert.match(problems, /4 sliders; at most 3/);
  assert.match(problems, /MIDI must pass through/);
  assert.match(problems, /presentation mode/);
});

test('build refuses to write anything from a broken patcher', () => {
  const out = tmp();
  const src = tmp();
  fs.copyFileSync(path.join(HERE, 'patchers', 'ClipGen Groove.maxpat'), path.join(src, 'ClipGen Groove.maxpat'));
  fs.writeFileSync(path.join(src, 'ClipGen Broken.maxpat'), '{"patcher": {"boxes": [], "lines": []}}');
  assert.throws(() => build(out, src), /ClipGen Broken\.maxpat: must open in presentation mode/);
  assert.deepEqual(fs.readdirSync(out), []);
});

// Max's classic [js] engine is JavaScript 1.8.5: no ES2015 syntax may reach the devices.
test('device JavaScript stays ES5', () => {
  for (const f of fs.readdirSync(path.join(HERE, 'js'))) {
    const code = fs.readFileSync(path.join(HERE, 'js', f), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '')
      .replace(/'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"/g, '""')
      .replace(/\/(?:\\.|\[[^\]]*\]|[^/\\\n])+\/[gimy]*/g, '/re/');
    for (const [pattern, what] of [[/=>/, 'arrow function'], [/\blet\b/, 'let'], [/\bconst\b/, 'const'],
      [/`/, 'template literal'], [/\bclass\b/, 'class'], [/\.\.\./, 'spread'], [/\basync\b|\bawait\b/, 'async'],
      [/\bfor\s*\([^)]*\bof\b/, 'for...of'], [/\bPromise\b/, 'Promise']]) {
      assert.doesNotMatch(code, pattern, `${f} uses ${what}`);
    }
  }
});
