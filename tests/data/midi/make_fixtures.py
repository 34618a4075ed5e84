#!/usr/bin/env python3
"""Writes the MIDI fixtures of protocol/tests and what they must read as.

Run with /usr/bin/python3 (needs python3-mido):  /usr/bin/python3 make_fixtures.py [SHARED_DATA]

1. Small .mid files written by mido (running status, format 0 and 1, tempo and meter changes,
   drums, overlaps, sysex, ...), each with <name>.expected.json; also the expectations of the
   committed files that other software wrote (EXTERNAL).
2. shared_expectations.json: note counts, tempos and first notes of a sample of the real files in
   ../shared/data (groove-midi, pop909, nottingham-melody), when that folder is present.

Expectations come from mido's parse and the note rules written out below (the same rules
docs/protocol.md states), never from the C++ reader.
"""
import json
import os
import sys

import mido

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SHARED = os.path.join(HERE, '..', '..', '..', '..', 'shared', 'data')


# --- expectations from mido -------------------------------------------------------------------

def expected_sequence(path):
    """NoteSequence fields of a file under the documented reading rules."""
    mid = mido.MidiFile(path)
    if mid.type == 2:
        raise ValueError('format 2')
    tpq = mid.ticks_per_beat
    notes, tempos, meters = [], [], []
    for track_index, track in enumerate(mid.tracks):
        tick = 0
        sounding = {}  # (channel, pitch) -> index in notes
        program = [0] * 16

        def close(key):
            if key in sounding:
                notes[sounding.pop(key)]['endTick'] = tick

        for msg in track:
            tick += msg.time
            if msg.type == 'end_of_track':
                break
            if msg.type == 'set_tempo':
                tempos.append((tick, msg.tempo))
            elif msg.type == 'time_signature':
                meters.append((tick, msg.numerator, msg.denominator))
            elif msg.type == 'program_change':
                program[msg.channel] = msg.program
            elif msg.type == 'note_on' and msg.velocity > 0:
                key = (msg.channel, msg.note)
                close(key)  # retrigger
                sounding[key] = len(notes)
                notes.append({'startTick': tick, 'endTick': tick, 'pitch': msg.note,
                              'velocity': msg.velocity, 'program': program[msg.channel],
                              'track': track_index, 'channel': msg.channel})
            elif msg.type in ('note_on', 'note_off'):
                close((msg.channel, msg.note))
        for key in sorted(sounding):
            close(key)

    # Tempo map: 120 qpm at tick 0; a change at the last change's tick replaces it; a change to
    # the tempo in effect is dropped.
    tempos.sort(key=lambda t: t[0])
    segments = [[0, 500000, 0.0]]  # tick, microseconds per quarter, seconds
    for tick, us in tempos:
        last = segments[-1]
        if tick <= last[0]:
            last[1] = us
        elif us != last[1]:
            seconds = last[2] + (tick - last[0]) * (last[1] / 1e6 / tpq)
            segments.append([tick, us, seconds])

    def seconds_at(tick):
        seg = segments[0]
        for s in segments:
            if s[0] <= tick:
                seg = s
        return seg[2] + (tick - seg[0]) * (seg[1] / 1e6 / tpq)

    meters.sort(key=lambda m: m[0])
    kept = []
    for m in meters:
        if m[1] == 0 or m[2] > 64:
            continue
        if kept and kept[-1][0] == m[0]:
            kept[-1] = m
        elif not kept or kept[-1][1:] != m[1:]:
            kept.append(m)

    pairs = sorted({(n['track'], n['channel']) for n in notes})
    instrument = {pair: i for i, pair in enumerate(pairs)}
    out_notes = []
    for n in notes:
        out_notes.append({
            'pitch': n['pitch'], 'velocity': n['velocity'],
            'startTime': seconds_at(n['startTick']), 'endTime': seconds_at(n['endTick']),
            'isDrum': n['channel'] == 9, 'program': n['program'],
            'instrument': instrument[(n['track'], n['channel'])]})
    out_notes.sort(key=lambda n: (n['startTime'], n['pitch'], n['instrument'], n['endTime'],
                                  n['velocity']))
    return {
        'format': mid.type,
        'ticksPerQuarter': tpq,
        'notes': out_notes,
        'tempos': [{'time': s[2], 'qpm': 60e6 / s[1]} for s in segments],
        'timeSignatures': [{'time': seconds_at(m[0]), 'numerator': m[1], 'denominator': m[2]}
                           for m in kept],
        'totalTime': max([n['endTime'] for n in out_notes], default=0.0),
    }


# --- small fixtures written by mido -----------------------------------------------------------

def on(note, velocity, time, channel=0):
    return mido.Message('note_on', note=note, velocity=velocity, time=time, channel=channel)


def off(note, time, channel=0, velocity=64):
    return mido.Message('note_off', note=note, velocity=velocity, time=time, channel=channel)


def type0_running_status():
    """Format 0; consecutive note-ons on one channel are written with running status by mido,
    note-offs as note-on velocity 0."""
    mid = mido.MidiFile(type=0, ticks_per_beat=96)
    t = mido.MidiTrack()
    t.append(mido.MetaMessage('set_tempo', tempo=600000, time=0))  # 100 qpm
    t.append(mido.MetaMessage('time_signature', numerator=3, denominator=4, time=0))
    t.append(mido.Message('program_change', program=24, time=0))
    for i, pitch in enumerate([60, 62, 64, 65, 67, 69]):
        t.append(on(pitch, 70 + i, 0 if i == 0 else 0))
        t.append(on(pitch, 0, 48 + 12 * i))
    # A chord: three note-ons in a row, then their releases, all running status.
    t.append(on(48, 90, 24))
    t.append(on(52, 91, 0))
    t.append(on(55, 92, 0))
    t.append(on(48, 0, 192))
    t.append(on(52, 0, 0))
    t.append(on(55, 0, 0))
    mid.tracks.append(t)
    return mid


def type1_tempo_changes():
    """Format 1: tempo/meter track with changes, two instrument tracks, note_off messages."""
    mid = mido.MidiFile(type=1, ticks_per_beat=480)
    meta = mido.MidiTrack()
    meta.append(mido.MetaMessage('track_name', name='tempo', time=0))
    meta.append(mido.MetaMessage('set_tempo', tempo=500000, time=0))
    meta.append(mido.MetaMessage('time_signature', numerator=4, denominator=4, time=0))
    meta.append(mido.MetaMessage('set_tempo', tempo=750000, time=1920))   # 80 qpm at bar 2
    meta.append(mido.MetaMessage('set_tempo', tempo=750000, time=480))    # repeated: no change
    meta.append(mido.MetaMessage('time_signature', numerator=6, denominator=8, time=1440))
    meta.append(mido.MetaMessage('set_tempo', tempo=400000, time=960))    # 150 qpm
    mid.tracks.append(meta)

    lead = mido.MidiTrack()
    lead.append(mido.MetaMessage('track_name', name='lead', time=0))
    lead.append(mido.Message('program_change', program=73, channel=0, time=0))
    t = 0
    for pitch in [72, 74, 76, 77, 79, 81, 83, 84, 86, 88]:
        lead.append(on(pitch, 100, 240 if t else 0))
        lead.append(off(pitch, 480))
        t += 1
    lead.append(mido.Message('program_change', program=40, channel=0, time=0))
    lead.append(on(60, 80, 0))
    lead.append(off(60, 960))
    mid.tracks.append(lead)

    bass = mido.MidiTrack()
    bass.append(mido.Message('program_change', program=33, channel=1, time=0))
    for i, pitch in enumerate([36, 43, 41, 38, 36]):
        bass.append(on(pitch, 110, 0 if i == 0 else 0, channel=1))
        bass.append(off(pitch, 1920, channel=1))
    mid.tracks.append(bass)
    return mid


def drums_channel10():
    """Format 0 drum groove on channel 10 with a bass on channel 1; same-tick off/on pairs."""
    mid = mido.MidiFile(type=0, ticks_per_beat=220)
    t = mido.MidiTrack()
    t.append(mido.MetaMessage('set_tempo', tempo=mido.bpm2tempo(97), time=0))
    t.append(mido.Message('program_change', program=0, channel=9, time=0))
    t.append(mido.Message('program_change', program=34, channel=0, time=0))
    events = []  # (tick, order, message) - offs before ons at a tick, as DAWs write them
    for step in range(16):
        tick = step * 55
        hits = [(42, 80 if step % 2 else 100)]
        if step % 8 == 0:
            hits.append((36, 120))
        if step % 8 == 4:
            hits.append((38, 110))
        if step == 15:
            hits.append((46, 90))
        for pitch, vel in hits:
            events.append((tick, 1, on(pitch, vel, 0, channel=9)))
            events.append((tick + 20, 0, off(pitch, 0, channel=9)))
    for i, pitch in enumerate([36, 36, 43, 41]):
        events.append((i * 220, 1, on(pitch, 100, 0, channel=0)))
        events.append(((i + 1) * 220, 0, on(pitch, 0, 0, channel=0)))  # same tick as next on
    events.sort(key=lambda e: (e[0], e[1]))
    last = 0
    for tick, _, msg in events:
        t.append(msg.copy(time=tick - last))
        last = tick
    mid.tracks.append(t)
    return mid


def edge_cases():
    """Retrigger, orphan note-off, a note left sounding at the end of its track, a zero-length
    note, and events the reader must skip: sysex, pitch bend, control change, aftertouch, key
    signature, text, sequencer-specific meta."""
    mid = mido.MidiFile(type=1, ticks_per_beat=120)
    meta = mido.MidiTrack()
    meta.append(mido.MetaMessage('key_signature', key='E', time=0))
    meta.append(mido.MetaMessage('text', text='edge cases', time=0))
    meta.append(mido.MetaMessage('set_tempo', tempo=mido.bpm2tempo(140), time=0))
    mid.tracks.append(meta)
    t = mido.MidiTrack()
    t.append(mido.Message('sysex', data=[0x7E, 0x7F, 0x09, 0x01], time=0))
    t.append(on(60, 100, 0))
    t.append(on(60, 90, 60))            # retrigger: the first 60 ends at 60
    t.append(mido.Message('pitchwheel', pitch=2000, time=10))
    t.append(mido.Message('control_change', control=64, value=127, time=0))
    t.append(off(60, 50))               # ends the second 60 at 120
    t.append(off(60, 10))               # orphan: ignored
    t.append(mido.Message('polytouch', note=62, value=30, time=0))
    t.append(mido.Message('aftertouch', value=20, time=0))
    t.append(on(62, 50, 10))
    t.append(off(62, 0))                # zero length, kept
    t.append(mido.MetaMessage('sequencer_specific', data=[0x00, 0x20, 0x29], time=0))
    t.append(on(64, 64, 30))
    t.append(on(67, 65, 0, channel=2))
    t.append(off(67, 120, channel=2))
    t.append(mido.MetaMessage('marker', text='end', time=240))  # 64 still sounding: ends here
    mid.tracks.append(t)
    return mid


FIXTURES = {
    'type0_running_status': type0_running_status,
    'type1_tempo_changes': type1_tempo_changes,
    'drums_channel10': drums_channel10,
    'edge_cases': edge_cases,
}


# Committed files written by other software (see the script named beside each).
EXTERNAL = {
    'magentajs_written': 'make_magentajs_midi.js (magenta.js sequenceProtoToMidi / @tonejs/midi)',
}


def write_json(path, value):
    with open(path, 'w') as f:
        json.dump(value, f, indent=1, sort_keys=True)
        f.write('\n')


def make_small():
    for name, build in FIXTURES.items():
        path = os.path.join(HERE, name + '.mid')
        build().save(path)
        write_json(os.path.join(HERE, name + '.expected.json'), expected_sequence(path))
        print('wrote', path)
    for name in EXTERNAL:
        path = os.path.join(HERE, name + '.mid')
        if os.path.exists(path):
            write_json(os.path.join(HERE, name + '.expected.json'), expected_sequence(path))
            print('read', path)


# --- samples of the shared real-world files --------------------------------------------------

def sample_shared(data_dir):
    picks = []
    groove = []
    for root, _, files in os.walk(os.path.join(data_dir, 'groove-midi')):
        groove += [os.path.join(root, f) for f in files if f.endswith('.mid')]
    groove.sort()
    picks += groove[::max(1, len(groove) // 6)][:6]
    for folder, names in (('pop909', ['001.mid', '123.mid', '404.mid', '800.mid']),
                          ('nottingham-melody', None)):
        d = os.path.join(data_dir, folder)
        files = sorted(f for f in os.listdir(d) if f.endswith('.mid'))
        chosen = names if names else files[::max(1, len(files) // 4)][:4]
        picks += [os.path.join(d, f) for f in chosen if f in files]
    entries = []
    for path in picks:
        seq = expected_sequence(path)
        entries.append({
            'path': os.path.relpath(path, data_dir),
            'format': seq['format'],
            'noteCount': len(seq['notes']),
            'drumNoteCount': sum(1 for n in seq['notes'] if n['isDrum']),
            'firstNotes': seq['notes'][:5],
            'lastNote': seq['notes'][-1] if seq['notes'] else None,
            'tempoCount': len(seq['tempos']),
            'tempos': seq['tempos'][:4],
            'timeSignatures': seq['timeSignatures'][:4],
            'totalTime': seq['totalTime'],
        })
        print('sampled', entries[-1]['path'], entries[-1]['noteCount'], 'notes')
    # One compact line per file keeps this small and diffable.
    with open(os.path.join(HERE, 'shared_expectations.json'), 'w') as f:
        f.write('[\n' + ',\n'.join(json.dumps(e, sort_keys=True) for e in entries) + '\n]\n')


if __name__ == '__main__':
    make_small()
    shared = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_SHARED
    if os.path.isdir(shared):
        sample_shared(shared)
    else:
        print('no shared data at', shared, '- shared_expectations.json left as it is')
