"""Script a network and save it as <id>.pt with the clipgen.json extra file (docs/models.md)."""
import json
from typing import Any, Dict, Tuple

import torch

from . import __version__

FORMAT_VERSION = 1
KINDS = ("musicvae", "groovae", "musicrnn")
CONVERTERS = ("melody", "drums", "groove")
TOOLS = ("generate", "continue", "interpolate", "groove", "drumify")


def check_metadata(meta: Dict[str, Any]) -> None:
    """Raises ValueError naming the first missing or wrong field."""
    for key in ("id", "kind", "tools", "converter", "bars", "stepsPerQuarter", "source"):
        if key not in meta:
            raise ValueError(f"clipgen.json: missing field '{key}'")
    if meta["kind"] not in KINDS:
        raise ValueError(f"clipgen.json: kind must be one of {KINDS}, got {meta['kind']!r}")
    conv = meta["converter"]
    if conv.get("type") not in CONVERTERS:
        raise ValueError(f"clipgen.json: converter.type must be one of {CONVERTERS}")
    if conv["type"] == "melody" and not {"minPitch", "maxPitch"} <= conv.keys():
        raise ValueError("clipgen.json: melody converter needs minPitch and maxPitch")
    if conv["type"] in ("drums", "groove") and "drumPitchClasses" not in conv:
        raise ValueError("clipgen.json: drum converters need drumPitchClasses")
    if meta["kind"] != "musicrnn":
        if "zSize" not in meta or "numSteps" not in conv:
            raise ValueError("clipgen.json: VAEs need zSize and converter.numSteps")
    bad = [t for t in meta["tools"] if t not in TOOLS]
    if bad:
        raise ValueError(f"clipgen.json: unknown tools {bad}")


def save(module: torch.nn.Module, meta: Dict[str, Any], path: str) -> torch.jit.ScriptModule:
    """Scripts module (eval mode, no grad) and saves it with clipgen.json. Returns the script."""
    meta = dict(meta)
    meta.setdefault("formatVersion", FORMAT_VERSION)
    meta.setdefault("createdBy", f"models/export.py {__version__}")
    check_metadata(meta)
    module = module.eval()
    for p in module.parameters():
        p.requires_grad_(False)
    scripted = torch.jit.script(module)
    torch.jit.save(scripted, path, _extra_files={"clipgen.json": json.dumps(meta, indent=1)})
    return scripted


def load(path: str) -> Tuple[torch.jit.ScriptModule, Dict[str, Any]]:
    extra = {"clipgen.json": ""}
    module = torch.jit.load(path, map_location="cpu", _extra_files=extra)
    meta = json.loads(extra["clipgen.json"])
    if meta.get("formatVersion") != FORMAT_VERSION:
        raise ValueError(f"{path}: formatVersion {meta.get('formatVersion')} is not {FORMAT_VERSION}")
    return module, meta


