"""Musical features of windows and distances between feature distributions (eval.py)."""
import numpy as np

from clipgen_models.converters import classes_to_roll

STEPS_PER_BAR = 16


def melody_notes(classes, min_pitch):
    """Class window [T] -> [(start, pitch, end)] (melody decoding rules)."""
    notes, cur = [], None
    for s, c in enumerate(classes):
        c = int(c)
        if c == 1 or c >= 2:
            if cur is not None:
                notes.append((cur[0], cur[1], s))
                cur = None
            if c >= 2:
                cur = (s, c - 2 + min_pitch)
    if cur is not None:
        notes.append((cur[0], cur[1], len(classes)))
    return notes


def melody_features(windows, min_pitch):
    """-> dict feature -> list of values (pooled over windows)."""
    f = {k: [] for k in ("pitch_count", "pitch_class", "pitch_range", "interval", "ioi",
                         "note_length", "empty_bars")}
    for w in windows:
        notes = melody_notes(w, min_pitch)
        pitches = [p for _, p, _ in notes]
        f["pitch_count"].append(len(set(pitches)))
        f["pitch_class"].extend(p % 12 for p in pitches)
        f["pitch_range"].append(max(pitches) - min(pitches) if pitches else 0)
        f["interval"].extend(int(np.clip(b - a, -24, 24)) for a, b in zip(pitches, pitches[1:]))
        starts = [s for s, _, _ in notes]
        f["ioi"].extend(min(b - a, 32) for a, b in zip(starts, starts[1:]))
        f["note_length"].extend(min(e - s, 32) for s, _, e in notes)
        bars = len(w) // STEPS_PER_BAR
        f["empty_bars"].append(sum(1 for b in range(bars)
                                   if not any(b * 16 <= s < b * 16 + 16 for s in starts)))
    return f


def drum_features(windows):
    """Class windows [N,T] (512-way) -> features."""
    f = {k: [] for k in ("hits", "instrument", "simultaneous", "ioi", "empty_bars",
                         "onset_position")}
    for w in windows:
        roll = classes_to_roll(np.asarray(w))
        f["hits"].append(int(roll.sum()))
        for s, c in zip(*np.nonzero(roll)):
            f["instrument"].append(int(c))
        on = np.nonzero(roll.any(1))[0]
        f["simultaneous"].extend(int(roll[s].sum()) for s in on)
        f["ioi"].extend(int(min(b - a, 32)) for a, b in zip(on, on[1:]))
        f["onset_position"].extend(int(s % STEPS_PER_BAR) for s in on)
        bars = len(w) // STEPS_PER_BAR
        f["empty_bars"].append(sum(1 for b in range(bars) if not roll[b * 16:b * 16 + 16].any()))
    return f


def histogram(values, support):
    counts = np.zeros(len(support), dtype=np.float64)
    index = {v: i for i, v in enumerate(support)}
    for v in values:
        counts[index[v]] += 1
    return counts


def compare(ref_values, other_values, eps=1e-3):
    """-> (KL(ref || other) in nats with eps smoothing, overlapped area in [0, 1])."""
    support = sorted(set(ref_values) | set(other_values))
    if not support:
        return 0.0, 1.0
    p = histogram(ref_values, support)
    q = histogram(other_values, support)
    p = p / max(p.sum(), 1)
    q = q / max(q.sum(), 1)
    oa = float(np.minimum(p, q).sum())
    ps = (p + eps) / (p + eps).sum()
    qs = (q + eps) / (q + eps).sum()
    return float(np.sum(ps * np.log(ps / qs))), oa


class TrigramBaseline:
    """Interpolated 3-gram over classes (add-0.1 smoothing), fitted on training windows."""

    def __init__(self, windows, num_classes, lambdas=(0.6, 0.3, 0.1)):
        self.c = num_classes
        self.l3, self.l2, self.l1 = lambdas
        self.uni = np.full(num_classes, 0.1)
        self.bi = {}
        self.tri = {}
        for w in windows:
            w = [int(x) for x in w]
            for t, x in enumerate(w):
                self.uni[x] += 1
                if t >= 1:
                    self.bi.setdefault(w[t - 1], {}).setdefault(x, 0)
                    self.bi[w[t - 1]][x] += 1
                if t >= 2:
                    d = self.tri.setdefault((w[t - 2], w[t - 1]), {})
                    d[x] = d.get(x, 0) + 1
        self.uni /= self.uni.sum()

    def _cond(self, table, key):
        d = table.get(key)
        p = np.full(self.c, 0.1 / self.c)
        if d:
            total = sum(d.values()) + 0.1
            p = np.full(self.c, 0.1 / self.c / total)
            for k, v in d.items():
                p[k] += v / total
        else:
            p = self.uni.copy()
        return p

    def probs(self, prev2, prev1):
        return (self.l3 * self._cond(self.tri, (prev2, prev1)) +
                self.l2 * self._cond(self.bi, prev1) + self.l1 * self.uni)

    def evaluate(self, windows):
        """-> (mean NLL in nats, next-step accuracy) over steps 1..T-1."""
        nll, hit, n = 0.0, 0, 0
        for w in windows:
            w = [int(x) for x in w]
            for t in range(1, len(w)):
                p = self.probs(w[t - 2] if t >= 2 else -1, w[t - 1])
                nll -= np.log(p[w[t]] / p.sum())
                hit += int(np.argmax(p) == w[t])
                n += 1
        return nll / max(n, 1), hit / max(n, 1)
