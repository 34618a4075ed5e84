// NoteSequence (magenta.js JSON) <-> Live clip notes. ES5 only: this file runs in Max's [js]
// (SpiderMonkey, JavaScript 1.8.5) and in Node for the tests.
// Live counts time in beats (quarter notes); the daemon wants seconds and 4 steps per quarter.

var STEPS_PER_QUARTER = 4;

function round6(x) {
  return Math.round(x * 1e6) / 1e6;
}

function clampInt(x, lo, hi) {
  x = Math.round(Number(x));
  if (isNaN(x)) return lo;
  return x < lo ? lo : (x > hi ? hi : x);
}

// The key under which an input note's Live-only fields (probability, velocity deviation, release
// velocity) are kept, so an output note on the same pitch and step gets them back.
function noteKey(pitch, step) {
  return pitch + ':' + step;
}

// notes: Live notes ({pitch, start_time, duration, velocity, mute, probability, ...}) in clip beats.
// region: {start, end} in beats (the loop or the start/end markers). set: {tempo, numerator,
// denominator}. Muted notes and notes that start outside the region are left out, as Live
// does not play them either.
function toNoteSequence(notes, region, set, isDrum) {
  var qpm = set.tempo > 0 ? set.tempo : 120;
  var secondsPerBeat = 60 / qpm;
  var length = Math.max(0, region.end - region.start);
  var out = [];
  var extras = {};
  for (var i = 0; i < notes.length; i++) {
    var n = notes[i];
    if (n.mute) continue;
    var start = n.start_time - region.start;
    if (start < -1e-9 || start >= length - 1e-9) continue;
    if (start < 0) start = 0;
    var end = Math.min(start + Math.max(n.duration, 0), length);
    var qs = Math.round(start * STEPS_PER_QUARTER);
    var qe = Math.max(qs + 1, Math.round(end * STEPS_PER_QUARTER));
    var pitch = clampInt(n.pitch, 0, 127);
    out.push({
      pitch: pitch,
      velocity: clampInt(n.velocity, 1, 127),
      startTime: round6(start * secondsPerBeat),
      endTime: round6(Math.max(end, start + 1 / 64) * secondsPerBeat),
      quantizedStartStep: qs,
      quantizedEndStep: qe,
      instrument: 0,
      program: 0,
      isDrum: !!isDrum
    });
    extras[noteKey(pitch, qs)] = {
      probability: n.probability,
      velocity_deviation: n.velocity_deviation,
      release_velocity: n.release_velocity
    };
  }
  out.sort(function (a, b) {
    return a.quantizedStartStep - b.quantizedStartStep || a.pitch - b.pitch;
  });
  var numerator = set.numerator > 0 ? set.numerator : 4;
  var denominator = set.denominator > 0 ? set.denominator : 4;
  return {
    sequence: {
      notes: out,
      tempos: [{time: 0, qpm: qpm}],
      timeSignatures: [{time: 0, numerator: numerator, denominator: denominator}],
      quantizationInfo: {stepsPerQuarter: STEPS_PER_QUARTER},
      totalTime: round6(length * secondsPerBeat),
      totalQuantizedSteps: Math.round(length * STEPS_PER_QUARTER)
    },
    extras: extras
  };
}

function isNumber(x) {
  return typeof x === 'number' && !isNaN(x);
}

// Beats per bar for a time signature (Live beats are quarter notes).
function beatsPerBar(numerator, denominator) {
  return (numerator > 0 ? numerator : 4) * 4 / (denominator > 0 ? denominator : 4);
}

// An output NoteSequence -> {notes: Live notes, length: clip length in beats, whole bars}.
// Seconds win over steps when both are there: they carry Groove's timing; steps are the fallback.
// extras: the input's Live-only note fields by noteKey; an output note that keeps an input
// note (same pitch, same step) gets them back.
function fromNoteSequence(seq, fallbackQpm, bar, extras) {
  var qpm = (seq.tempos && seq.tempos.length && seq.tempos[0].qpm > 0) ? seq.tempos[0].qpm
                                                                         : fallbackQpm;
  var spq = (seq.quantizationInfo && seq.quantizationInfo.stepsPerQuarter > 0)
                ? seq.quantizationInfo.stepsPerQuarter : STEPS_PER_QUARTER;
  var beatsPerSecond = qpm / 60;
  var notes = [];
  var lastEnd = 0;
  var list = seq.notes || [];
  for (var i = 0; i < list.length; i++) {
    var n = list[i];
    var start, end;
    if (isNumber(n.startTime) && isNumber(n.endTime)) {
      start = n.startTime * beatsPerSecond;
      end = n.endTime * beatsPerSecond;
    } else if (isNumber(n.quantizedStartStep) && isNumber(n.quantizedEndStep)) {
      start = n.quantizedStartStep / spq;
      end = n.quantizedEndStep / spq;
    } else {
      continue;
    }
    if (start < 0) start = 0;
    if (end <= start) end = start + 1 / spq;
    var pitch = clampInt(n.pitch, 0, 127);
    var step = isNumber(n.quantizedStartStep) ? Math.round(n.quantizedStartStep * STEPS_PER_QUARTER / spq)
                                              : Math.round(start * STEPS_PER_QUARTER);
    var note = {
      pitch: pitch,
      start_time: round6(start),
      duration: round6(end - start),
      velocity: clampInt(isNumber(n.velocity) ? n.velocity : 100, 1, 127),
      mute: 0
    };
    var extra = extras ? extras[noteKey(pitch, step)] : null;
    if (extra) {
      if (isNumber(extra.probability)) note.probability = extra.probability;
      if (isNumber(extra.velocity_deviation)) note.velocity_deviation = extra.velocity_deviation;
      if (isNumber(extra.release_velocity)) note.release_velocity = extra.release_velocity;
    }
    notes.push(note);
    if (end > lastEnd) lastEnd = end;
  }
  var length = 0;
  if (isNumber(seq.totalQuantizedSteps) && seq.totalQuantizedSteps > 0) {
    length = seq.totalQuantizedSteps / spq;
  } else if (isNumber(seq.totalTime) && seq.totalTime > 0) {
    length = seq.totalTime * beatsPerSecond;
  }
  if (lastEnd > length) length = lastEnd;
  var barBeats = bar > 0 ? bar : 4;
  length = Math.max(1, Math.ceil(round6(length / barBeats))) * barBeats;
  return {notes: notes, length: length};
}

exports.STEPS_PER_QUARTER = STEPS_PER_QUARTER;
exports.noteKey = noteKey;
exports.toNoteSequence = toNoteSequence;
exports.fromNoteSequence = fromNoteSequence;
exports.beatsPerBar = beatsPerBar;
