'use strict';
// The devices against the real clipgend: fake Live set -> device JavaScript -> HTTP -> clipgend.
// Runs when CLIPGEN_DAEMON_URL names a running daemon (e.g. http://127.0.0.1:7311), or
// CLIPGEN_BIN names a clipgend binary to start on a free loopback port (extra flags in
// CLIPGEN_BIN_ARGS, e.g. "--models /path/to/models"). CLIPGEN_API_KEY is sent when set.
// CLIPGEN_E2E_TOOLS limits the tools (comma list; default all five). Skips otherwise.
const test = require('node:test');
const assert = require('node:assert/strict');
const {spawn} = require('node:child_process');
const {freePort} = require('./support/fake-daemon.js');
const {nodeTransport} = require('./support/node-transport.js');
const {makeDevice, run, basicSet} = require('./support/harness.js');

const URL_ENV = process.env.CLIPGEN_DAEMON_URL;
const BIN = process.env.CLIPGEN_BIN;
const SKIP = URL_ENV || BIN ? false
  : 'set CLIPGEN_DAEMON_URL (a running clipgend) or CLIPGEN_BIN (a clipgend binary) to run the ' +
    'end-to-end device test';
const TOOLS = (process.env.CLIPGEN_E2E_TOOLS || 'generate,continue,interpolate,groove,drumify')
  .split(',').map((s) => s.trim()).filter(Boolean);

let url = URL_ENV;
let child = null;
let childLog = '';

function health(base) {
  return new Promise((resolve) => {
    nodeTransport({method: 'GET', url: `${base}/v1/health`, headers: {}, body: null, timeoutMs: 2000},
                  (failure, res) => resolve(failure ? 0 : res.status));
  });
}

// Waits for the daemon to say ready (models can take a while to load); not a timing assertion.
async function waitReady(base, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if ((await health(base)) === 200) return true;
    if (child && child.exitCode !== null) return false;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

test.before(async () => {
  if (SKIP) return;
  if (!url) {
    const port = await freePort();
    const extra = (process.env.CLIPGEN_BIN_ARGS || '').split(/\s+/).filter(Boolean);
    child = spawn(BIN, ['--port', String(port), '--host', '127.0.0.1', '--log-file', 'none', ...extra],
                  {stdio: ['ignore', 'pipe', 'pipe']});
    child.stdout.on('data', (d) => { childLog += d; });
    child.stderr.on('data', (d) => { childLog += d; });
    url = `http://127.0.0.1:${port}`;
  }
  const ready = await waitReady(url, 120);
  assert.ok(ready, `clipgend at ${url} never answered /v1/health with 200.\n${childLog.slice(-2000)}`);
});

test.after(() => {
  if (child && child.exitCode === null) child.kill('SIGTERM');
});

const extra = {apiKey: process.env.CLIPGEN_API_KEY || '', timeoutSeconds: 300};

for (const tool of TOOLS) {
  test(`${tool} writes the daemon's clips into the fake Live set`, {skip: SKIP}, async () => {
    const set = basicSet();
    const drums = tool === 'groove';
    if (drums) set.selection.detail = {track: 1, slot: 0};
    const device = makeDevice(tool, set, url, extra);
    if (tool === 'interpolate') {
      // A: the riff; B: the riff moved up an octave in the next slot.
      set.tracks[0].slots[1] = {...set.tracks[0].slots[0], name: 'Riff up',
        notes: set.tracks[0].slots[0].notes.map((n) => ({...n, pitch: n.pitch + 12}))};
      assert.ok(device.capture('a'));
      set.selection.detail = {track: 0, slot: 1};
      assert.ok(device.capture('b'));
    }
    if (tool === 'generate' || tool === 'continue') device.set('variations', 2);
    const {err, summary} = await run(device);
    assert.equal(err, null, `device said: ${device.lastStatus}`);
    const track = drums ? 1 : 0;
    const written = summary.slots.map((i) => set.tracks[track].slots[i]);
    assert.ok(written.length >= 1);
    const title = tool[0].toUpperCase() + tool.slice(1);
    for (const [i, clip] of written.entries()) {
      assert.equal(clip.name, `${title} ${i + 1}/${written.length} \u00b7 seed ${summary.seed}`);
      assert.ok(clip.length >= 4);
      for (const n of clip.notes) {
        assert.ok(n.pitch >= 0 && n.pitch <= 127 && n.velocity >= 1 && n.velocity <= 127);
        assert.ok(n.start_time >= 0 && n.start_time < clip.length && n.duration > 0);
      }
    }
    assert.ok(written.some((c) => c.notes.length > 0), 'at least one clip has notes');
    assert.equal(set.tracks[track].slots[0].name, drums ? 'Beat' : 'Riff', 'the input clip is untouched');
  });
}

test('the same seed gives the same clips from the real daemon', {skip: SKIP}, async () => {
  const notesOf = async () => {
    const set = basicSet();
    const device = makeDevice('generate', set, url, extra);
    device.set('variations', 1);
    device.set('seed', 1234);
    const {err, summary} = await run(device);
    assert.equal(err, null, device.lastStatus);
    return set.tracks[0].slots[summary.slots[0]].notes.map((n) => [n.pitch, n.start_time, n.duration]);
  };
  assert.deepEqual(await notesOf(), await notesOf());
});
