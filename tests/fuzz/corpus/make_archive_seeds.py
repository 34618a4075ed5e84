#!/usr/bin/env python3
"""Writes the seeds of corpus/torchscript_archive from tests/data/torchscript/tiny.pt (run once;
the files are committed): the file as torch.jit.save wrote it (code deflated), every entry
stored, and every entry stored with zip64 records (directory entries and end record)."""
import os
import shutil
import struct
import zipfile
import zlib

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "torchscript_archive")
tiny = os.path.join(here, "..", "..", "data", "torchscript", "tiny.pt")
os.makedirs(out, exist_ok=True)
shutil.copy(tiny, os.path.join(out, "tiny.pt"))

with zipfile.ZipFile(tiny) as z:
    entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]

with zipfile.ZipFile(os.path.join(out, "tiny_stored.pt"), "w", zipfile.ZIP_STORED) as z:
    for name, data in entries:
        z.writestr(name, data)

# zipfile writes zip64 records only past 4 GiB, so by hand: sizes and offsets at 0xffffffff in
# the 32-bit fields, the real ones in each directory entry's zip64 extra field.
body, directory = b"", b""
for name, data in entries:
    n, crc, offset = name.encode(), zlib.crc32(data), len(body)
    common = struct.pack("<HHHIIIIH", 45, 0, 0, 0, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(n))
    body += struct.pack("<I", 0x04034B50) + common + struct.pack("<H", 0) + n + data
    extra = struct.pack("<HHQQQ", 1, 24, len(data), len(data), offset)
    directory += (struct.pack("<IH", 0x02014B50, 45) + common +
                  struct.pack("<HHHHII", len(extra), 0, 0, 0, 0, 0xFFFFFFFF) + n + extra)
end64 = len(body) + len(directory)
tail = struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 45, 45, 0, 0, len(entries), len(entries),
                   len(directory), len(body))
tail += struct.pack("<IIQI", 0x07064B50, 0, end64, 1)
tail += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
with open(os.path.join(out, "tiny_zip64.pt"), "wb") as f:
    f.write(body + directory + tail)
