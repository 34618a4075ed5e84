'use strict';
// Builds a device wired to a fake Live set and a (fake or real) daemon over real HTTP.
const {Device} = require('../../js/clipgen-device.js');
const {nodeTransport} = require('./node-transport.js');

function makeDevice(tool, set, url, extra = {}) {
  const u = new URL(url);
  const statuses = [];
  const busy = [];
  const device = new Device(tool, {
    factory: set.factory,
    transport: nodeTransport,
    defer: (fn) => setImmediate(fn),
    status: (t) => statuses.push(t),
    busy: (b) => busy.push(b),
    config: {host: u.hostname, port: Number(u.port), apiKey: extra.apiKey ?? '',
             timeoutSeconds: extra.timeoutSeconds ?? 10},
  });
  device.statuses = statuses;
  device.busyLog = busy;
  return device;
}

function run(device) {
  return new Promise((resolve) => device.run((err, summary) => resolve({err, summary})));
}

// A melodic track with a 1-bar clip in slot 0 and an empty rest, a drum track, an audio track.
function basicSet(opts = {}) {
  const {FakeLiveSet} = require('./fake-live.js');
  return new FakeLiveSet({
    version: opts.version ?? 12,
    tempo: 100,
    tracks: [
      {name: 'Keys', devices: [{class_name: 'MxDeviceMidiEffect'}], slots: opts.keysSlots ?? [
        {name: 'Riff', length: 4, notes: [
          {pitch: 60, start_time: 0, duration: 1, velocity: 100, probability: 0.5, velocity_deviation: -20},
          {pitch: 62, start_time: 1, duration: 0.5, velocity: 90},
          {pitch: 64, start_time: 2, duration: 1, velocity: 80, mute: 1},
        ]},
        null, null, null, null, null]},
      {name: 'Drums', devices: [{class_name: 'DrumGroupDevice', can_have_drum_pads: 1}],
       slots: [{name: 'Beat', length: 4, notes: [
         {pitch: 36, start_time: 0, duration: 0.25, velocity: 110, probability: 0.7},
         {pitch: 38, start_time: 1, duration: 0.25, velocity: 100}]}, null, null, null, null, null]},
      {name: 'Audio', type: 'audio', slots: [{name: 'Loop', isMidi: false}, null, null, null, null, null]},
    ],
    selection: {detail: {track: 0, slot: 0}, highlighted: {track: 0, slot: 0}, scene: 0,
                ...(opts.selection || {})},
    device: opts.device ?? {track: 0, index: 0},
  });
}

module.exports = {makeDevice, run, basicSet};
