"""Networks with the TorchScript interface of docs/models.md."""
from .layers import Dense, LSTMStack, TFLSTMCell, sample_categorical  # noqa: F401
from .music_rnn import MusicRNN  # noqa: F401
from .music_vae import MusicVAE, build_groove_vae, build_music_vae  # noqa: F401
