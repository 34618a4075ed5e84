// Reading the selected clip and writing result clips through the Live Object Model.
// Every Live call goes through `factory(pathOrId)`, which returns a LiveAPI-like object
// (Max's LiveAPI in the device, a fake Live set in the tests). ES5 only.

function load(name) {
  // Max's [js] require() looks names up in its search path; Node wants a relative path.
  var inNode = typeof process === 'object' && process.versions && process.versions.node;
  return inNode ? require('./' + name + '.js') : require(name);
}
var seq = load('clipgen-sequence');

function first(v) {
  if (v && typeof v === 'object' && typeof v.length === 'number') return v.length ? v[0] : null;
  return v;
}
function num(api, prop) {
  var v = Number(first(api.get(prop)));
  return isNaN(v) ? 0 : v;
}
function str(api, prop) {
  var v = api.get(prop);
  if (v && typeof v === 'object' && typeof v.length === 'number') return v.join(' ');
  return v === undefined || v === null ? '' : String(v);
}
// get('canonical_parent') answers ["id", 12]; 0 means none.
function idOf(api, prop) {
  var v = api.get(prop);
  if (v && typeof v === 'object' && typeof v.length === 'number') v = v[v.length - 1];
  var n = Number(v);
  return isNaN(n) ? 0 : n;
}
function pathOf(api) {
  if (api.unquotedpath) return String(api.unquotedpath);
  return String(api.path || '').replace(/"/g, '');
}
function callValue(v) {
  if (v && typeof v === 'object' && typeof v.length === 'number' && v.length === 1) return v[0];
  return v;
}

function Lom(factory) {
  this.factory = factory;
  this.major = 0;
}
// null when the path or id names nothing (Max gives id 0 then).
Lom.prototype.obj = function (path) {
  var api = this.factory(path);
  if (!api || String(api.id) === '0' || api.id === 0) return null;
  return api;
};
Lom.prototype.majorVersion = function () {
  if (!this.major) {
    var app = this.obj('live_app');
    var v = app ? Number(callValue(app.call('get_major_version'))) : 0;
    this.major = v > 0 ? v : 10;
  }
  return this.major;
};
// Live 11 brought get_notes_extended/add_new_notes, probability and undo steps from the API.
Lom.prototype.extended = function () {
  return this.majorVersion() >= 11;
};
Lom.prototype.setInfo = function () {
  var song = this.obj('live_set');
  return {
    tempo: song ? num(song, 'tempo') : 120,
    numerator: song ? num(song, 'signature_numerator') : 4,
    denominator: song ? num(song, 'signature_denominator') : 4
  };
};

// {track, slot} from a path; slot is null for an Arrangement clip.
function parseLocation(path) {
  var t = /(?:^|\s)tracks\s+(\d+)/.exec(path);
  if (!t) return null;
  var s = /clip_slots\s+(\d+)/.exec(path);
  return {track: Number(t[1]), slot: s ? Number(s[1]) : null};
}

Lom.prototype.locate = function (api) {
  var loc = parseLocation(pathOf(api));
  var cursor = api;
  // Some selections answer with an id-only path: walk up clip -> slot -> track.
  for (var hops = 0; !loc && hops < 3; hops++) {
    var parent = idOf(cursor, 'canonical_parent');
    if (!parent) break;
    cursor = this.obj('id ' + parent);
    if (!cursor) break;
    loc = parseLocation(pathOf(cursor));
  }
  return loc;
};

Lom.prototype.trackPath = function (index) {
  return 'live_set tracks ' + index;
};

Lom.prototype.trackName = function (index) {
  var track = this.obj(this.trackPath(index));
  return track ? str(track, 'name') : '';
};

// A Drum Rack anywhere in the track's top-level devices makes its clips drum clips.
Lom.prototype.trackHasDrumRack = function (index) {
  var track = this.obj(this.trackPath(index));
  if (!track) return false;
  var count = track.getcount('devices');
  for (var i = 0; i < count; i++) {
    var dev = this.obj(this.trackPath(index) + ' devices ' + i);
    if (dev && (num(dev, 'can_have_drum_pads') || str(dev, 'class_name') === 'DrumGroupDevice')) {
      return true;
    }
  }
  return false;
};

Lom.prototype.readNotes = function (clip, from, span) {
  if (span <= 0) return [];
  if (this.extended()) {
    var raw = callValue(clip.call('get_notes_extended', 0, 128, from, span));
    var parsed = typeof raw === 'string' ? JSON.parse(raw) : raw;
    return (parsed && parsed.notes) || [];
  }
  // Live 10: a flat list: notes N note pitch time duration velocity muted ... done
  var flat = clip.call('get_notes', from, 0, span, 128) || [];
  var notes = [];
  for (var i = 0; i < flat.length; i++) {
    if (flat[i] === 'note') {
      notes.push({pitch: Number(flat[i + 1]), start_time: Number(flat[i + 2]),
                  duration: Number(flat[i + 3]), velocity: Number(flat[i + 4]),
                  mute: Number(flat[i + 5])});
      i += 5;
    }
  }
  return notes;
};

// The clip shown in Clip View, else the highlighted Session slot's clip.
// Answers {clip: {...}} or {error: "plain words"}.
Lom.prototype.readSelectedClip = function () {
  var api = this.obj('live_set view detail_clip');
  if (!api) {
    var slot = this.obj('live_set view highlighted_clip_slot');
    if (slot && num(slot, 'has_clip')) api = this.obj(pathOf(slot) + ' clip');
  }
  if (!api) return {error: 'Select a MIDI clip first.'};
  if (!num(api, 'is_midi_clip')) {
    return {error: 'Select a MIDI clip first: the selected clip is an audio clip.'};
  }
  var loc = this.locate(api);
  if (!loc) return {error: 'Select a MIDI clip on a track first (this clip is not on a track).'};
  var looping = num(api, 'looping');
  var region = looping ? {start: num(api, 'loop_start'), end: num(api, 'loop_end')}
                       : {start: num(api, 'start_marker'), end: num(api, 'end_marker')};
  if (!(region.end > region.start)) region = {start: 0, end: num(api, 'length')};
  var notes = this.readNotes(api, region.start, region.end - region.start);
  return {
    clip: {
      name: str(api, 'name'),
      track: loc.track,
      slot: loc.slot,
      region: region,
      notes: notes,
      isDrum: this.trackHasDrumRack(loc.track)
    }
  };
};

// Where Generate writes: the device's own track, from the selected scene down.
Lom.prototype.deviceTarget = function () {
  var dev = this.obj('this_device');
  var loc = dev ? this.locate(dev) : null;
  if (!loc) return {error: 'Put the ClipGen device on a MIDI track.'};
  return {track: loc.track, slot: this.selectedSceneIndex()};
};

Lom.prototype.selectedSceneIndex = function () {
  var scene = this.obj('live_set view selected_scene');
  var m = scene ? /scenes\s+(\d+)/.exec(pathOf(scene)) : null;
  return m ? Number(m[1]) : 0;
};

Lom.prototype.slotPath = function (track, slot) {
  return this.trackPath(track) + ' clip_slots ' + slot;
};

Lom.prototype.slotIsEmpty = function (track, slot) {
  var api = this.obj(this.slotPath(track, slot));
  return !!api && !num(api, 'has_clip');
};

// The first `count` empty Session slots at or below `from` on the track. Occupied slots are
// skipped, never touched; missing slots are reported as `missing` (scenes to add).
Lom.prototype.planSlots = function (track, from, count) {
  var api = this.obj(this.trackPath(track));
  if (!api) return {error: 'The target track is gone.'};
  var total = api.getcount('clip_slots');
  var free = [];
  for (var k = Math.max(0, from); k < total && free.length < count; k++) {
    if (this.slotIsEmpty(track, k)) free.push(k);
  }
  return {slots: free, missing: count - free.length};
};

Lom.prototype.writeNotes = function (clip, notes) {
  if (!notes.length) return;
  if (this.extended()) {
    clip.call('add_new_notes', {notes: notes});
    return;
  }
  clip.call('set_notes');
  clip.call('notes', notes.length);
  for (var i = 0; i < notes.length; i++) {
    var n = notes[i];
    clip.call('note', n.pitch, n.start_time, n.duration, n.velocity, n.mute ? 1 : 0);
  }
  clip.call('done');
};

// clips: [{name, length (beats), notes}]. Writes them into empty slots from `from` down on
// `track`, adding scenes at the end when the track runs out, as one undo step (Live 11+).
// Answers {slots: [...], scenesAdded} or {error}.
Lom.prototype.writeClips = function (track, from, clips) {
  var plan = this.planSlots(track, from, clips.length);
  if (plan.error) return plan;
  var song = this.obj('live_set');
  var undo = this.extended() && song;
  if (undo) song.call('begin_undo_step');
  var written = [];
  var scenesAdded = 0;
  try {
    var slots = plan.slots.slice();
    for (var s = 0; s < plan.missing; s++) {
      song.call('create_scene', -1);
      scenesAdded++;
      var trackApi = this.obj(this.trackPath(track));
      slots.push(trackApi.getcount('clip_slots') - 1);
    }
    for (var i = 0; i < clips.length; i++) {
      var index = slots[i];
      // Re-checked right before writing: a clip that appeared meanwhile is never replaced.
      if (!this.slotIsEmpty(track, index)) {
        return {error: 'A clip appeared in slot ' + (index + 1) + ' while writing; stopped.',
                slots: written, scenesAdded: scenesAdded};
      }
      var slot = this.obj(this.slotPath(track, index));
      slot.call('create_clip', clips[i].length);
      var clip = this.obj(this.slotPath(track, index) + ' clip');
      clip.set('name', clips[i].name);
      this.writeNotes(clip, clips[i].notes);
      written.push(index);
    }
  } finally {
    if (undo) song.call('end_undo_step');
  }
  return {slots: written, scenesAdded: scenesAdded};
};

exports.Lom = Lom;
exports.parseLocation = parseLocation;
exports.beatsPerBar = seq.beatsPerBar;
