'use strict';
// clipgen-max.js as Max runs it: a plain script with Max's globals (jsarguments, outlet, LiveAPI,
// XMLHttpRequest, Task, File, messagename) and Max-style require() by bare name. The stand-ins
// are thin: LiveAPI is the fake Live set, XMLHttpRequest speaks real HTTP through node:http.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const vm = require('node:vm');
const {startFakeDaemon, freePort} = require('./support/fake-daemon.js');
const {nodeTransport} = require('./support/node-transport.js');
const {basicSet} = require('./support/harness.js');

const JS = path.join(__dirname, '..', 'js');

function maxEnvironment(tool, set, configText) {
  const outlets = [];
  let waiters = [];
  const modules = {};
  function maxRequire(name) {
    if (!modules[name]) {
      const file = path.join(JS, name.endsWith('.js') ? name : `${name}.js`);
      const ctx = vm.createContext({exports: {}, require: maxRequire});
      modules[name] = ctx.exports;
      vm.runInContext(fs.readFileSync(file, 'utf8'), ctx, {filename: file});
    }
    return modules[name];
  }
  function XMLHttpRequest() {
    this.readyState = 0;
    this.status = 0;
    this.responseText = '';
    this.headers = {};
  }
  XMLHttpRequest.prototype.open = function (method, url) { this.method = method; this.url = url; this.readyState = 1; };
  XMLHttpRequest.prototype.setRequestHeader = function (k, v) { this.headers[k] = v; };
  XMLHttpRequest.prototype.abort = function () { this.aborted = true; };
  XMLHttpRequest.prototype.send = function (body) {
    nodeTransport({method: this.method, url: this.url, headers: this.headers, body: this.method === 'GET' ? null : body,
                   timeoutMs: 60000}, (failure, res) => {
      if (this.aborted) return;
      this.readyState = 4;
      this.status = failure ? 0 : res.status;
      this.responseText = failure ? '' : res.body;
      this.onreadystatechange();
    });
  };
  function Task(fn) { this.fn = fn; }
  Task.prototype.schedule = function (ms) { this.timer = setTimeout(this.fn, ms || 0); };
  Task.prototype.cancel = function () { clearTimeout(this.timer); };
  function File(name) {
    this.isopen = name === 'clipgen-m4l.json' && configText !== null;
    this.position = 0;
    this.eof = this.isopen ? configText.length : 0;
  }
  File.prototype.readstring = function (n) {
    const s = configText.slice(this.position, this.position + n);
    this.position += s.length;
    return s;
  };
  File.prototype.close = function () { this.isopen = false; };
  const ctx = vm.createContext({
    jsarguments: ['clipgen-max.js', tool],
    outlet: (n, ...args) => {
      outlets.push([n, ...args]);
      const ready = waiters.filter((w) => w.test(n, args));
      waiters = waiters.filter((w) => !ready.includes(w));
      ready.forEach((w) => w.resolve());
    },
    post: () => {}, setinletassist: () => {}, setoutletassist: () => {},
    arrayfromargs: (a) => Array.prototype.slice.call(a),
    require: maxRequire, LiveAPI: function (p) { return set.factory(p); },
    XMLHttpRequest, Task, File, setTimeout, clearTimeout,
  });
  const file = path.join(JS, 'clipgen-max.js');
  vm.runInContext(fs.readFileSync(file, 'utf8'), ctx, {filename: file});
  return {
    outlets,
    // Max calls the function named like the message, else anything() with messagename set.
    send(name, ...args) {
      if (typeof ctx[name] === 'function') return ctx[name](...args);
      ctx.messagename = name;
      return ctx.anything(...args);
    },
    status: () => outlets.filter((o) => o[0] === 0).map((o) => o[2]).at(-1),
    idle: () => new Promise((resolve) => waiters.push({test: (n, a) => n === 1 && a[0] === 0, resolve})),
  };
}

let daemon;
test.before(async () => { daemon = await startFakeDaemon(); });
test.after(async () => { await daemon.close(); });

test('the Max entry script runs Continue through XMLHttpRequest and Task', async () => {
  const set = basicSet();
  const max = maxEnvironment('continue', set, JSON.stringify({port: daemon.port}));
  max.send('variations', 2); // a dial before init, as Live restores parameters at load
  max.send('init');
  assert.equal(max.status(), 'Ready.');
  max.send('press', 0); // the button's release does nothing
  assert.equal(max.outlets.filter((o) => o[0] === 1).length, 0);
  const idle = max.idle();
  max.send('press', 1);
  await idle;
  assert.match(max.status(), /Continue: 2 clips in "Keys", slots 2\u20133/);
  assert.equal(set.tracks[0].slots[2].name, 'Continue 2/2 \u00b7 seed 8131');
  assert.equal(max.outlets[0][1], 'set', 'status goes to a comment as "set <text>"');
});

test('before init the button asks to wait; a bad config file is reported', () => {
  const set = basicSet();
  const max = maxEnvironment('generate', set, '{"port": 99999}');
  max.send('press', 1);
  assert.match(max.status(), /starting/);
  max.send('init');
  assert.match(max.status(), /port must be a whole number/);
  assert.deepEqual(set.writes(), []);
});

test('Max glue: daemon down and timeout come back as plain words', async () => {
  const port = await freePort();
  let max = maxEnvironment('drumify', basicSet(), JSON.stringify({port}));
  max.send('init');
  let idle = max.idle();
  max.send('bang');
  await idle;
  assert.match(max.status(), /ClipGen is not running/);

  daemon.mode = 'slow';
  try {
    max = maxEnvironment('drumify', basicSet(), JSON.stringify({port: daemon.port, timeoutSeconds: 0.3}));
    max.send('init');
    idle = max.idle();
    max.send('press', 1);
    await idle;
    assert.match(max.status(), /took longer than 0\.3 s/);
  } finally {
    daemon.mode = 'ok';
  }
});

test('Interpolate captures through capture_a / capture_b messages', () => {
  const set = basicSet();
  const max = maxEnvironment('interpolate', set, null);
  max.send('init');
  assert.equal(max.status(), 'A: \u2014  B: \u2014');
  max.send('capture_a', 1);
  assert.equal(max.status(), 'A: "Riff"  B: \u2014');
});
