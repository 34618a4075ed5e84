"""Standard MIDI files -> plain note lists (mido), with tick and second times.

Times in seconds follow the file's tempo map. Steps for melodies are computed from ticks
(quarter = ticks_per_beat), which is what a bar grid means in a file with a tempo map.
"""
import mido


class MidiNotes:
    def __init__(self, path):
        mf = mido.MidiFile(path)
        self.path = path
        self.ticks_per_beat = mf.ticks_per_beat
        self.notes = []             # dicts: pitch, velocity, startTick, endTick, channel, track
        self.tempos = []            # (tick, microseconds per quarter)
        self.time_signatures = []   # (tick, numerator, denominator)
        self.track_names = []
        for ti, track in enumerate(mf.tracks):
            tick = 0
            name = ""
            open_notes = {}
            for msg in track:
                tick += msg.time
                if msg.type == "track_name":
                    name = name or msg.name
                elif msg.type == "set_tempo":
                    self.tempos.append((tick, msg.tempo))
                elif msg.type == "time_signature":
                    self.time_signatures.append((tick, msg.numerator, msg.denominator))
                elif msg.type == "note_on" and msg.velocity > 0:
                    key = (msg.channel, msg.note)
                    if key in open_notes:  # retrigger: close the sounding one
                        self._close(open_notes.pop(key), tick)
                    open_notes[key] = {"pitch": msg.note, "velocity": msg.velocity,
                                       "startTick": tick, "channel": msg.channel, "track": ti}
                elif msg.type == "note_off" or (msg.type == "note_on" and msg.velocity == 0):
                    n = open_notes.pop((msg.channel, msg.note), None)
                    if n is not None:
                        self._close(n, tick)
            for n in open_notes.values():
                self._close(n, tick)
            self.track_names.append(name)
        self.tempos.sort()
        if not self.tempos or self.tempos[0][0] > 0:
            self.tempos.insert(0, (0, 500000))
        self.notes.sort(key=lambda n: (n["startTick"], -n["pitch"]))
        self._add_seconds()

    def _close(self, n, tick):
        n["endTick"] = max(tick, n["startTick"])
        self.notes.append(n)

    def _tick_to_seconds_fn(self):
        points = []  # (tick, seconds at tick, seconds per tick)
        secs = 0.0
        last_tick, last_tempo = 0, self.tempos[0][1]
        for tick, tempo in self.tempos:
            secs += (tick - last_tick) * last_tempo / 1e6 / self.ticks_per_beat
            points.append((tick, secs, tempo / 1e6 / self.ticks_per_beat))
            last_tick, last_tempo = tick, tempo

        def conv(t):
            lo = 0
            for i, p in enumerate(points):
                if p[0] <= t:
                    lo = i
                else:
                    break
            tick, s, spt = points[lo]
            return s + (t - tick) * spt
        return conv

    def _add_seconds(self):
        conv = self._tick_to_seconds_fn()
        for n in self.notes:
            n["startTime"] = conv(n["startTick"])
            n["endTime"] = conv(n["endTick"])

    @property
    def qpm(self):
        """Tempo of the first tempo event, in quarters per minute."""
        return 60e6 / self.tempos[0][1]

    def notes_of_track(self, name):
        idx = [i for i, n in enumerate(self.track_names) if n.strip().upper() == name.upper()]
        return [n for n in self.notes if n["track"] in idx]
