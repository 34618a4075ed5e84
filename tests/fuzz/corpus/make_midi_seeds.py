#!/usr/bin/env python3
"""Writes the tiny MIDI seed files of corpus/midi_read (run once; the files are committed)."""
import os

import mido

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "midi_read")


def save(name, mid):
    mid.save(os.path.join(here, name))


# Format 0, one channel, velocity-0 note-offs (running status), a tempo.
mid = mido.MidiFile(type=0, ticks_per_beat=96)
t = mido.MidiTrack()
t.append(mido.MetaMessage("set_tempo", tempo=500000, time=0))
for i, p in enumerate([60, 62, 64]):
    t.append(mido.Message("note_on", note=p, velocity=90, time=0))
    t.append(mido.Message("note_on", note=p, velocity=0, time=48))
mid.tracks.append(t)
save("format0_running_status.mid", mid)

# Format 1: a meta track with tempo and meter changes, a drum track on channel 10 with a
# program change, an overlapping retrigger and a zero-length note.
mid = mido.MidiFile(type=1, ticks_per_beat=480)
meta = mido.MidiTrack()
meta.append(mido.MetaMessage("time_signature", numerator=3, denominator=4, time=0))
meta.append(mido.MetaMessage("set_tempo", tempo=400000, time=0))
meta.append(mido.MetaMessage("set_tempo", tempo=800000, time=960))
drums = mido.MidiTrack()
drums.append(mido.Message("program_change", channel=9, program=25, time=0))
drums.append(mido.Message("note_on", channel=9, note=36, velocity=100, time=0))
drums.append(mido.Message("note_on", channel=9, note=36, velocity=80, time=120))
drums.append(mido.Message("note_off", channel=9, note=36, velocity=0, time=120))
drums.append(mido.Message("note_on", channel=9, note=42, velocity=70, time=0))
drums.append(mido.Message("note_off", channel=9, note=42, velocity=0, time=0))
keys = mido.MidiTrack()
keys.append(mido.Message("program_change", channel=0, program=5, time=0))
keys.append(mido.Message("note_on", channel=0, note=72, velocity=64, time=0))
keys.append(mido.Message("control_change", channel=0, control=64, value=127, time=10))
keys.append(mido.Message("pitchwheel", channel=0, pitch=100, time=10))
keys.append(mido.MetaMessage("track_name", name="keys", time=0))
mid.tracks += [meta, drums, keys]  # the last note is left sounding at the end of its track
save("format1_drums_tempo_meter.mid", mid)

# Sysex and an unknown meta event between notes.
mid = mido.MidiFile(type=1, ticks_per_beat=220)
t = mido.MidiTrack()
t.append(mido.Message("sysex", data=[0x7E, 0x7F, 0x09, 0x01], time=0))
t.append(mido.MetaMessage("marker", text="A", time=0))
t.append(mido.Message("note_on", channel=3, note=0, velocity=1, time=5))
t.append(mido.Message("note_off", channel=3, note=0, velocity=0, time=1))
t.append(mido.Message("note_on", channel=3, note=127, velocity=127, time=0))
t.append(mido.Message("note_off", channel=3, note=127, velocity=0, time=100000))
mid.tracks.append(t)
save("sysex_marker_extremes.mid", mid)
