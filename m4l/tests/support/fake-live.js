'use strict';
// A fake Live set behind a LiveAPI-shaped factory, close to what Max's LiveAPI answers:
// get() returns arrays, object references come back as ["id", n], unknown paths give id 0,
// Live 10 lacks the *_extended note calls and undo steps. Every call is recorded in `calls`.

let nextNoteId = 1;

function makeClip(spec, isMidi) {
  const length = spec.length ?? 4;
  return {
    name: spec.name ?? '',
    isMidi: spec.isMidi ?? isMidi,
    looping: spec.looping ?? 1,
    loop_start: spec.loop_start ?? 0,
    loop_end: spec.loop_end ?? length,
    start_marker: spec.start_marker ?? 0,
    end_marker: spec.end_marker ?? length,
    length,
    notes: (spec.notes || []).map((n) => ({note_id: nextNoteId++, mute: 0, probability: 1,
                                           velocity_deviation: 0, release_velocity: 64, ...n})),
  };
}

class FakeLiveSet {
  // tracks: [{name, type: 'midi'|'audio', devices: [{class_name, can_have_drum_pads}],
  //           slots: [null | clip spec], arrangement: [clip spec]}]
  // selection: {detail: {track, slot} | {track, arrangement} | null,
  //             highlighted: {track, slot}, scene}; device: {track, index}
  constructor(opts = {}) {
    this.version = opts.version ?? 12;
    this.tempo = opts.tempo ?? 120;
    this.numerator = opts.numerator ?? 4;
    this.denominator = opts.denominator ?? 4;
    const sceneCount = opts.scenes ?? Math.max(1, ...(opts.tracks || []).map((t) => (t.slots || []).length));
    this.tracks = (opts.tracks || []).map((t) => {
      const midi = (t.type ?? 'midi') === 'midi';
      const slots = [];
      for (let i = 0; i < sceneCount; i++) {
        const c = t.slots && t.slots[i];
        slots.push(c ? makeClip(c, midi) : null);
      }
      return {
        name: t.name ?? 'Track',
        midi,
        devices: (t.devices || []).map((d) => ({class_name: d.class_name ?? 'MxDeviceMidiEffect',
                                                  can_have_drum_pads: d.can_have_drum_pads ?? 0})),
        slots,
        arrangement: (t.arrangement || []).map((c) => makeClip(c, midi)),
      };
    });
    this.sceneCount = sceneCount;
    this.selection = {detail: null, highlighted: null, scene: 0, ...(opts.selection || {})};
    this.device = opts.device ?? {track: 0, index: 0};
    this.calls = [];
    this.undoDepth = 0;
    this.undoSteps = 0;
    this.ids = new Map();
    this.paths = new Map();
    this.factory = (path) => new FakeApi(this, String(path));
  }

  idFor(path) {
    if (!this.ids.has(path)) {
      const id = this.ids.size + 1;
      this.ids.set(path, id);
      this.paths.set(id, path);
    }
    return this.ids.get(path);
  }

  // Canonical path and the object it names, or null.
  resolve(path) {
    path = path.replace(/"/g, '').trim();
    let m = /^id (\d+)$/.exec(path);
    if (m) {
      const p = this.paths.get(Number(m[1]));
      return p ? this.resolve(p) : null;
    }
    const aliases = {
      'live_set view detail_clip': () => this.selectionPath(this.selection.detail, true),
      'live_set view highlighted_clip_slot': () => this.selectionPath(this.selection.highlighted, false),
      'live_set view selected_scene': () => `live_set scenes ${this.selection.scene}`,
      this_device: () => `live_set tracks ${this.device.track} devices ${this.device.index}`,
    };
    if (aliases[path]) {
      const p = aliases[path]();
      return p ? this.resolve(p) : null;
    }
    if (path === 'live_app') return {kind: 'app', path};
    if (path === 'live_set') return {kind: 'song', path};
    m = /^live_set scenes (\d+)$/.exec(path);
    if (m) return Number(m[1]) < this.sceneCount ? {kind: 'scene', path} : null;
    m = /^live_set tracks (\d+)(.*)$/.exec(path);
    if (!m) return null;
    const track = this.tracks[Number(m[1])];
    if (!track) return null;
    const rest = m[2].trim();
    if (rest === '') return {kind: 'track', path, track};
    m = /^clip_slots (\d+)( clip)?$/.exec(rest);
    if (m) {
      const index = Number(m[1]);
      if (index >= track.slots.length) return null;
      if (!m[2]) return {kind: 'slot', path, track, index};
      const clip = track.slots[index];
      return clip ? {kind: 'clip', path, track, clip} : null;
    }
    m = /^arrangement_clips (\d+)$/.exec(rest);
    if (m) {
      if (this.version < 11) return null;
      const clip = track.arrangement[Number(m[1])];
      return clip ? {kind: 'clip', path, track, clip} : null;
    }
    m = /^devices (\d+)$/.exec(rest);
    if (m) {
      const device = track.devices[Number(m[1])];
      return device ? {kind: 'device', path, track, device} : null;
    }
    return null;
  }

  selectionPath(sel, clip) {
    if (!sel) return null;
    if (sel.arrangement !== undefined) return `live_set tracks ${sel.track} arrangement_clips ${sel.arrangement}`;
    return `live_set tracks ${sel.track} clip_slots ${sel.slot}${clip ? ' clip' : ''}`;
  }

  trackIndex(track) {
    return this.tracks.indexOf(track);
  }

  // Calls that change the set, for "nothing was written" assertions.
  writes() {
    const changing = new Set(['create_clip', 'create_scene', 'add_new_notes', 'set_notes', 'note',
                              'notes', 'done', 'delete_clip', 'remove_notes_extended',
                              'remove_notes', 'apply_note_modifications']);
    return this.calls.filter((c) => c.op === 'set' || (c.op === 'call' && changing.has(c.name)));
  }
}

class FakeApi {
  constructor(set, path) {
    this.set_ = set;
    const r = set.resolve(path);
    this.target = r;
    this.id = r ? set.idFor(r.path) : 0;
    this.unquotedpath = r ? r.path : '';
    this.path = r ? `"${r.path}"` : '';
    this.type = r ? r.kind : '';
    set.calls.push({op: 'new', path: String(path), resolved: this.unquotedpath});
  }

  record(op, name, args) {
    this.set_.calls.push({op, path: this.unquotedpath, name, args});
  }

  requireTarget() {
    if (!this.target) throw new Error('LiveAPI: id 0 has no properties');
    return this.target;
  }

  get(prop) {
    this.record('get', prop, []);
    const t = this.requireTarget();
    const s = this.set_;
    const ref = (path) => ['id', s.idFor(path)];
    switch (t.kind) {
      case 'song':
        if (prop === 'tempo') return [s.tempo];
        if (prop === 'signature_numerator') return [s.numerator];
        if (prop === 'signature_denominator') return [s.denominator];
        break;
      case 'track':
        if (prop === 'name') return [t.track.name];
        if (prop === 'has_midi_input') return [t.track.midi ? 1 : 0];
        if (prop === 'canonical_parent') return ref('live_set');
        break;
      case 'slot':
        if (prop === 'has_clip') return [t.track.slots[t.index] ? 1 : 0];
        if (prop === 'canonical_parent') return ref(`live_set tracks ${s.trackIndex(t.track)}`);
        break;
      case 'clip': {
        const c = t.clip;
        if (prop === 'is_midi_clip') return [c.isMidi ? 1 : 0];
        if (prop === 'is_audio_clip') return [c.isMidi ? 0 : 1];
        if (prop === 'name') return [c.name];
        if (prop === 'canonical_parent') return ref(t.path.replace(/ clip$/, '').replace(/ arrangement_clips \d+$/, ''));
        if (prop in c && typeof c[prop] === 'number') return [c[prop]];
        break;
      }
      case 'device':
        if (prop === 'class_name') return [t.device.class_name];
        if (prop === 'can_have_drum_pads') return [t.device.can_have_drum_pads];
        if (prop === 'canonical_parent') return ref(`live_set tracks ${s.trackIndex(t.track)}`);
        break;
      default:
        break;
    }
    throw new Error(`LiveAPI: ${t.kind} has no property "${prop}"`);
  }

  set(prop, value) {
    this.record('set', prop, [value]);
    const t = this.requireTarget();
    if (t.kind === 'clip' && prop === 'name') {
      t.clip.name = String(value);
      return;
    }
    throw new Error(`LiveAPI: cannot set "${prop}" on ${t.kind}`);
  }

  getcount(prop) {
    this.record('getcount', prop, []);
    const t = this.requireTarget();
    if (t.kind === 'track' && prop === 'clip_slots') return t.track.slots.length;
    if (t.kind === 'track' && prop === 'devices') return t.track.devices.length;
    if (t.kind === 'track' && prop === 'arrangement_clips') return t.track.arrangement.length;
    if (t.kind === 'song' && prop === 'tracks') return this.set_.tracks.length;
    if (t.kind === 'song' && prop === 'scenes') return this.set_.sceneCount;
    throw new Error(`LiveAPI: ${t.kind} has no list "${prop}"`);
  }

  call(name, ...args) {
    this.record('call', name, args);
    const t = this.requireTarget();
    const s = this.set_;
    const v11 = s.version >= 11;
    if (t.kind === 'app' && name === 'get_major_version') return s.version;
    if (t.kind === 'song') {
      if (name === 'create_scene') {
        const at = args[0] === -1 ? s.sceneCount : args[0];
        for (const tr of s.tracks) tr.slots.splice(at, 0, null);
        s.sceneCount++;
        return undefined;
      }
      if (v11 && name === 'begin_undo_step') { s.undoDepth++; s.undoSteps++; return undefined; }
      if (v11 && name === 'end_undo_step') { s.undoDepth--; return undefined; }
    }
    if (t.kind === 'slot' && name === 'create_clip') {
      if (t.track.slots[t.index]) throw new Error('LiveAPI: clip slot already has a clip');
      if (!t.track.midi) throw new Error('LiveAPI: cannot create a MIDI clip on an audio track');
      if (!(args[0] > 0)) throw new Error('LiveAPI: clip length must be positive');
      t.track.slots[t.index] = makeClip({length: args[0]}, true);
      return undefined;
    }
    if (t.kind === 'clip') {
      const c = t.clip;
      if (v11 && name === 'get_notes_extended') {
        const [fromPitch, pitchSpan, fromTime, timeSpan] = args;
        const notes = c.notes.filter((n) => n.pitch >= fromPitch && n.pitch < fromPitch + pitchSpan &&
                                            n.start_time >= fromTime && n.start_time < fromTime + timeSpan);
        return JSON.stringify({notes});
      }
      if (v11 && name === 'add_new_notes') {
        for (const n of args[0].notes) {
          c.notes.push({note_id: nextNoteId++, mute: 0, probability: 1, velocity_deviation: 0,
                        release_velocity: 64, ...n});
        }
        return undefined;
      }
      if (name === 'get_notes') {
        const [fromTime, fromPitch, timeSpan, pitchSpan] = args;
        const notes = c.notes.filter((n) => n.pitch >= fromPitch && n.pitch < fromPitch + pitchSpan &&
                                            n.start_time >= fromTime && n.start_time < fromTime + timeSpan);
        const flat = ['notes', notes.length];
        for (const n of notes) flat.push('note', n.pitch, n.start_time, n.duration, n.velocity, n.mute);
        flat.push('done');
        return flat;
      }
      if (name === 'set_notes') { c.pending = {count: null, notes: []}; return undefined; }
      if (name === 'notes' && c.pending) { c.pending.count = args[0]; return undefined; }
      if (name === 'note' && c.pending) {
        const [pitch, start_time, duration, velocity, mute] = args;
        c.pending.notes.push({pitch, start_time, duration, velocity, mute});
        return undefined;
      }
      if (name === 'done' && c.pending) {
        if (c.pending.count !== c.pending.notes.length) throw new Error('LiveAPI: wrong note count');
        for (const n of c.pending.notes) c.notes.push({note_id: nextNoteId++, ...n});
        c.pending = null;
        return undefined;
      }
    }
    throw new Error(`LiveAPI: ${t.kind} has no function "${name}" (Live ${s.version})`);
  }
}

module.exports = {FakeLiveSet};
