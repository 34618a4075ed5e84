"""ClipGen model package (Python only; never imported at run time).

Layout:
  nets/        PyTorch networks (MusicVAE, GrooVAE, MusicRNN) with the TorchScript
               interface of docs/models.md            -- model-definition owner
  export.py    script + save <id>.pt with clipgen.json -- model-definition owner
  magenta_import.py  magenta.js checkpoint -> nets     -- model-definition owner
  converters/  NoteSequence/MIDI <-> tensors           -- training owner
  data/        datasets and loaders                    -- training owner
"""

__version__ = "0.1.0"
