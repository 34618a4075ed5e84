// One ClipGen device: its controls, its inputs (selected clips), the request to clipgend and
// writing the answer into empty Session slots. Shared by all five devices. ES5 only.

function load(name) {
  var inNode = typeof process === 'object' && process.versions && process.versions.node;
  return inNode ? require('./' + name + '.js') : require(name);
}
var sequence = load('clipgen-sequence');
var live = load('clipgen-live');
var http = load('clipgen-http');

// Controls follow docs/api.md ranges; the devices' dials use the same ranges and defaults.
var KIND = {name: 'kind', values: ['auto', 'melody', 'drums'], initial: 'auto'};
var TEMPERATURE = {name: 'temperature', min: 0, max: 2, initial: 1.0};
function count(name, max, initial) {
  return {name: name, min: 1, max: max, initial: initial, integer: true};
}

var TOOLS = {
  generate: {title: 'Generate', route: '/v1/generate', inputs: 0,
             controls: [KIND, count('variations', 16, 8), TEMPERATURE]},
  'continue': {title: 'Continue', route: '/v1/continue', inputs: 1,
               controls: [KIND, count('variations', 8, 4), count('length', 32, 2), TEMPERATURE]},
  interpolate: {title: 'Interpolate', route: '/v1/interpolate', inputs: 2,
                controls: [KIND, count('steps', 16, 3), TEMPERATURE]},
  groove: {title: 'Groove', route: '/v1/groove', inputs: 1,
           controls: [TEMPERATURE, {name: 'amount', min: 0, max: 1, initial: 1.0}]},
  drumify: {title: 'Drumify', route: '/v1/drumify', inputs: 1,
            controls: [TEMPERATURE, count('variations', 8, 1)]}
};

function findControl(tool, name) {
  var list = TOOLS[tool].controls;
  for (var i = 0; i < list.length; i++) {
    if (list[i].name === name) return list[i];
  }
  return null;
}

// env: {factory (LiveAPI-like), transport, defer(fn), status(text), busy(flag), config?}
function Device(tool, env) {
  if (!TOOLS[tool]) throw new Error('unknown ClipGen tool "' + tool + '"');
  this.tool = tool;
  this.spec = TOOLS[tool];
  this.env = env;
  this.config = http.copyConfig(env.config || http.DEFAULTS);
  this.values = {};
  this.seed = null;
  this.captured = {a: null, b: null};
  this.busy = false;
  var controls = this.spec.controls;
  for (var i = 0; i < controls.length; i++) this.values[controls[i].name] = controls[i].initial;
}

Device.prototype.status = function (text) {
  this.lastStatus = text;
  if (this.env.status) this.env.status(text);
};

Device.prototype.setBusy = function (flag) {
  this.busy = flag;
  if (this.env.busy) this.env.busy(flag ? 1 : 0);
};

Device.prototype.lom = function () {
  return new live.Lom(this.env.factory);
};

// A control from the patcher: numbers from dials, a menu index or name for kind.
// Out-of-range values are refused with a message, never clamped silently.
Device.prototype.set = function (name, value) {
  if (name === 'seed') {
    var s = Number(value);
    this.seed = s >= 0 && Math.round(s) === s ? s : null;
    return true;
  }
  var control = findControl(this.tool, name);
  if (!control) {
    this.status('ClipGen ' + this.spec.title + ' has no control "' + name + '".');
    return false;
  }
  if (control.values) {
    var v = typeof value === 'number' ? control.values[value] : String(value).toLowerCase();
    if (control.values.indexOf(v) < 0) {
      this.status(name + ' must be one of ' + control.values.join(', ') + '.');
      return false;
    }
    this.values[name] = v;
    return true;
  }
  var x = Number(value);
  if (control.integer) x = Math.round(x);
  if (isNaN(x) || x < control.min || x > control.max) {
    this.status(name + ' must be between ' + control.min + ' and ' + control.max + '.');
    return false;
  }
  this.values[name] = x;
  return true;
};

Device.prototype.setConfig = function (config) {
  this.config = http.copyConfig(config);
};

// The explicit kind from the menu, or null for Auto.
Device.prototype.explicitKind = function () {
  var k = this.values.kind;
  return k === 'melody' || k === 'drums' ? k : null;
};

// Reads the selected clip into {clip, sequence, extras} or {error}.
Device.prototype.readInput = function (lom, forceDrum) {
  var read = lom.readSelectedClip();
  if (read.error) return read;
  var clip = read.clip;
  var kind = this.explicitKind();
  var isDrum = forceDrum || (kind ? kind === 'drums' : clip.isDrum);
  var converted = sequence.toNoteSequence(clip.notes, clip.region, lom.setInfo(), isDrum);
  if (!converted.sequence.notes.length) {
    return {error: 'The selected clip "' + clip.name + '" has no notes in its loop; ' +
                   'add some notes first.'};
  }
  return {clip: clip, sequence: converted.sequence, extras: converted.extras};
};

// Interpolate's two ends: capture('a') / capture('b') store the selected clip.
Device.prototype.capture = function (which) {
  if (which !== 'a' && which !== 'b') return false;
  var input = this.readInput(this.lom(), false);
  if (input.error) {
    this.status(input.error);
    return false;
  }
  this.captured[which] = input;
  this.status(this.captureText());
  return true;
};

Device.prototype.captureText = function () {
  function label(x) {
    return x ? '"' + (x.clip.name || 'untitled') + '"' : '\u2014';
  }
  return 'A: ' + label(this.captured.a) + '  B: ' + label(this.captured.b);
};

// Builds {body, target: {track, slot}, extras: [map per output index]} or {error}.
Device.prototype.prepare = function (lom) {
  var v = this.values;
  var body = {};
  var target, extrasFor;
  var tool = this.tool;
  if (tool === 'generate') {
    target = lom.deviceTarget();
    if (target.error) return target;
    body.kind = this.explicitKind() || (lom.trackHasDrumRack(target.track) ? 'drums' : 'melody');
    body.variations = v.variations;
    body.temperature = v.temperature;
    extrasFor = function () { return null; };
  } else if (tool === 'interpolate') {
    var a = this.captured.a, b = this.captured.b;
    if (!a || !b) {
      return {error: 'Capture two clips first: select a clip and press A, select another and ' +
                     'press B.'};
    }
    body.a = a.sequence;
    body.b = b.sequence;
    if (this.explicitKind()) body.kind = this.explicitKind();
    body.steps = v.steps;
    body.temperature = v.temperature;
    // Below the lower of the two clips when both are on one track, else below A.
    var slotA = a.clip.slot === null ? lom.selectedSceneIndex() - 1 : a.clip.slot;
    var slotB = b.clip.slot === null ? lom.selectedSceneIndex() - 1 : b.clip.slot;
    var below = a.clip.track === b.clip.track ? Math.max(slotA, slotB) : slotA;
    target = {track: a.clip.track, slot: below + 1};
    extrasFor = function (i, n) { return i < n / 2 ? a.extras : b.extras; };
  } else {
    var input = this.readInput(lom, tool === 'groove');
    if (input.error) return input;
    body.input = input.sequence;
    if (tool === 'continue') {
      if (this.explicitKind()) body.kind = this.explicitKind();
      body.variations = v.variations;
      body.length = v.length;
    } else if (tool === 'groove') {
      body.amount = v.amount;
    } else {
      body.variations = v.variations;
    }
    body.temperature = v.temperature;
    // Arrangement clips have no slot: their results go from the selected scene down.
    target = {track: input.clip.track,
              slot: input.clip.slot === null ? lom.selectedSceneIndex() : input.clip.slot + 1};
    extrasFor = function () { return input.extras; };
  }
  if (this.seed !== null) body.seed = this.seed;
  return {body: body, target: target, extrasFor: extrasFor};
};

// The button. callback(errorText, summary) is for tests and callers that want the outcome;
// the device shows the same words in its status line.
Device.prototype.run = function (callback) {
  var self = this;
  var done = function (err, summary) {
    if (callback) callback(err, summary);
  };
  if (this.busy) {
    this.status('ClipGen is still working on the last request; wait for it to finish.');
    return done('busy');
  }
  var lom = this.lom();
  var job;
  try {
    job = this.prepare(lom);
  } catch (e) {
    job = {error: 'Could not read the Live set: ' + (e && e.message || e)};
  }
  if (job.error) {
    this.status(job.error);
    return done(job.error);
  }
  this.setBusy(true);
  this.status(this.spec.title + ': working\u2026');
  http.request(this.env.transport, this.config, this.spec.route, job.body, function (err, json) {
    if (err) {
      self.setBusy(false);
      self.status(err);
      return done(err);
    }
    // Live forbids changing the set from some callbacks; write from the main thread.
    var write = function () {
      var outcome;
      try {
        outcome = self.write(lom, job, json);
      } catch (e) {
        outcome = {error: 'Could not write the clips: ' + (e && e.message || e)};
      }
      self.setBusy(false);
      self.status(outcome.error || outcome.text);
      done(outcome.error || null, outcome);
    };
    if (self.env.defer) self.env.defer(write); else write();
  });
};

Device.prototype.write = function (lom, job, json) {
  var list = json && json.sequences;
  if (!list || typeof list.length !== 'number') {
    return {error: 'ClipGen answered without clips; update ClipGen or check its log.'};
  }
  if (!list.length) return {error: 'ClipGen returned no clips; try a higher temperature.'};
  var setInfo = lom.setInfo();
  var bar = sequence.beatsPerBar(setInfo.numerator, setInfo.denominator);
  var seed = typeof json.seed === 'number' ? json.seed : null;
  var clips = [];
  for (var i = 0; i < list.length; i++) {
    var converted = sequence.fromNoteSequence(list[i], setInfo.tempo, bar,
                                              job.extrasFor(i, list.length));
    clips.push({
      name: clipName(this.spec.title, i + 1, list.length, seed),
      length: converted.length,
      notes: converted.notes
    });
  }
  var result = lom.writeClips(job.target.track, job.target.slot, clips);
  if (result.error) return result;
  var slots = result.slots;
  var text = this.spec.title + ': ' + slots.length + (slots.length === 1 ? ' clip' : ' clips') +
             ' in "' + lom.trackName(job.target.track) + '", slot' +
             (slots.length === 1 ? ' ' + (slots[0] + 1)
                                 : 's ' + (slots[0] + 1) + '\u2013' + (slots[slots.length - 1] + 1)) +
             (seed !== null ? ' (seed ' + seed + ')' : '') +
             (result.scenesAdded ? '; added ' + result.scenesAdded + ' scene' +
                                   (result.scenesAdded === 1 ? '' : 's') : '') + '.';
  var warnings = json.warnings && json.warnings.length ? ' ' + json.warnings.join(' ') : '';
  return {text: text + warnings, slots: slots, scenesAdded: result.scenesAdded, seed: seed};
};

// "Continue 2/4 · seed 8131"
function clipName(title, index, total, seed) {
  return title + ' ' + index + '/' + total + (seed !== null ? ' \u00b7 seed ' + seed : '');
}

exports.TOOLS = TOOLS;
exports.Device = Device;
exports.clipName = clipName;
