"""GrooVAE = MusicVAE with the GrooveDecoder core (see decoders.GrooveDecoder)."""
from .decoders import FlatGrooveDecoder, GrooveDecoder  # noqa: F401
from .music_vae import build_groove_vae  # noqa: F401
