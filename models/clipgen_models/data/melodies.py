"""Melody windows from Nottingham (4/4 and 2/2 tunes) and POP909 (MELODY track).

Windows: `bars` bars of 4/4 at 4 steps per quarter, starting on every bar (hop one bar),
kept when they hold at least `min_notes` onsets and at most one silent bar. Steps come from
ticks (quarter = ticks_per_beat), note-ons snap to the nearest step (magenta's 0.5 cutoff).
The melody is reduced to one line by the reference MelodyConverter (chords -> top note),
pitches are kept as MIDI pitches so that training can transpose before encoding.
"""
import glob
import math
import os

import numpy as np

from .midi import MidiNotes
from .splits import content_split

STEPS_PER_QUARTER = 4
STEPS_PER_BAR = 16
FOUR_FOUR = {(4, 4), (2, 2)}


def melody_sources(shared_data):
    """[(path, source, track name or None)] for every usable file."""
    out = []
    for p in sorted(glob.glob(os.path.join(shared_data, "nottingham-melody", "*.mid"))):
        out.append((p, "nottingham", None))
    for p in sorted(glob.glob(os.path.join(shared_data, "pop909", "*.mid"))):
        out.append((p, "pop909", "MELODY"))
    return out


def file_monophonic_events(path, track):
    """-> (pitch events per step as (start, pitch, end) list, total steps) or None when the
    file is not 4/4. POP909's time-signature events are placeholders (1/4), its songs are
    4/4 pop, so they are taken as 4/4."""
    m = MidiNotes(path)
    if not track:  # None: check the time signature here; "": the caller did
        sigs = {(n, d) for _, n, d in m.time_signatures}
        if track is None and sigs and not sigs <= FOUR_FOUR:
            return None
        notes = [n for n in m.notes if n["channel"] != 9]
    else:
        notes = m.notes_of_track(track)
    tps = m.ticks_per_beat / STEPS_PER_QUARTER
    out = []
    for n in notes:
        s = int(math.floor(n["startTick"] / tps + 0.5))
        e = int(math.floor(n["endTick"] / tps + 0.5))
        out.append((s, n["pitch"], max(e, s + 1)))
    total = max([e for _, _, e in out] + [0])
    return out, total


def monophonic_line(notes):
    """magenta.js Melody.fromNoteSequence on (start, pitch, end) over the whole file, returning
    pitch events [(start, pitch, end)] with ends cut where the next onset or note-off lands."""
    notes = sorted(notes, key=lambda t: (t[0], -t[1]))
    total = max([e for _, _, e in notes] + [0]) + 1
    ev = np.zeros(total, dtype=np.int64)  # 0 hold, -1 off, >0 pitch
    last = -1
    for s, p, e in notes:
        if s == last:
            continue
        ev[s] = p
        ev[e] = -1
        last = s
    return ev


def windows_from_events(ev, bars, min_notes=4):
    """Slice a per-step event array (0 hold, -1 off, >0 MIDI pitch) into bar-aligned windows.
    A window starting inside a held note starts with silence (the note belongs to the past)."""
    n = bars * STEPS_PER_BAR
    out = []
    for start in range(0, max(len(ev) - n + 1, 0), STEPS_PER_BAR):
        w = ev[start:start + n].copy()
        onsets = w > 0
        if onsets.sum() < min_notes:
            continue
        bar_onsets = onsets.reshape(bars, STEPS_PER_BAR).any(axis=1)
        if (~bar_onsets).sum() > 1:
            continue
        out.append(w)
    return out


def extract_melody_windows(shared_data, bars=4, min_notes=4, limit_files=None,
                           sources=("nottingham", "pop909")):
    """-> dict split -> int16 array [N, bars*16] of events (0 hold, -1 off, >0 pitch), and a
    per-window source index list."""
    res = {"train": [], "validation": []}
    src = {"train": [], "validation": []}
    files = [f for f in melody_sources(shared_data) if f[1] in sources]
    if limit_files:
        files = files[:limit_files]
    for path, source, track in files:
        r = file_monophonic_events(path, track)
        if r is None or not r[0]:
            continue
        ev = monophonic_line(r[0])
        split = content_split(path)
        ws = windows_from_events(ev, bars, min_notes)
        res[split].extend(ws)
        src[split].extend([os.path.relpath(path, shared_data)] * len(ws))
    n = bars * STEPS_PER_BAR
    return ({k: (np.array(v, dtype=np.int16) if v else np.zeros((0, n), np.int16))
             for k, v in res.items()}, src)


def events_to_classes(windows, min_pitch, max_pitch, transpose=0):
    """Event windows -> melody classes (0 hold, 1 off, 2+k note-on), pitches transposed then
    folded by octaves into range (as the MelodyConverter does)."""
    w = np.asarray(windows, dtype=np.int64)
    out = np.where(w == -1, 1, 0).astype(np.int64)
    on = w > 0
    p = w + transpose
    lo, hi = min_pitch, max_pitch
    p = np.where(p < lo, p + 12 * np.ceil((lo - p) / 12.0).astype(np.int64), p)
    p = np.where(p > hi, p - 12 * np.ceil((p - hi) / 12.0).astype(np.int64), p)
    out[on] = (p[on] - min_pitch + 2)
    return out


PLACEHOLDER_SIGNATURES = {(1, 4)}  # POP909 writes 1/4; its songs are 4/4


def folder_melody_windows(folder, bars=4, split=None, min_notes=4):
    """Windows from every .mid under folder (recursive): the MELODY track when there is one,
    else all non-drum notes; files with a time signature other than 4/4 (2/2) are skipped.
    split: keep only files of that content-hash split (None = all)."""
    out = []
    for path in sorted(glob.glob(os.path.join(folder, "**", "*.mid"), recursive=True)):
        if split is not None and content_split(path) != split:
            continue
        m = MidiNotes(path)
        sigs = {(n, d) for _, n, d in m.time_signatures} - PLACEHOLDER_SIGNATURES
        if sigs and not sigs <= FOUR_FOUR:
            continue
        has_melody = any(n.strip().upper() == "MELODY" for n in m.track_names)
        r = file_monophonic_events(path, "MELODY" if has_melody else "")
        if r is None or not r[0]:
            continue
        out.extend(windows_from_events(monophonic_line(r[0]), bars, min_notes))
    n = bars * STEPS_PER_BAR
    return np.array(out, dtype=np.int16) if out else np.zeros((0, n), np.int16)
