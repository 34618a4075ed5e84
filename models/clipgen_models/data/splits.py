"""Train/validation splits.

* Groove MIDI: the dataset's own `split` column of info.csv (train / validation).
* Melodies (Nottingham, POP909): by content hash, so renaming or moving files does not move
  them between splits: validation when int(sha1(file bytes)[:8], 16) % 10 == 0, else train.
"""
import csv
import hashlib
import os

VALIDATION_MODULUS = 10


def content_split(path):
    with open(path, "rb") as f:
        h = hashlib.sha1(f.read()).hexdigest()
    return "validation" if int(h[:8], 16) % VALIDATION_MODULUS == 0 else "train"


def groove_info(groove_dir):
    """Rows of info.csv whose MIDI file exists, as dicts (path made absolute)."""
    rows = []
    with open(os.path.join(groove_dir, "info.csv")) as f:
        for row in csv.DictReader(f):
            path = os.path.join(groove_dir, row["midi_filename"])
            if os.path.exists(path):
                row["path"] = path
                rows.append(row)
    return rows
