"""The six shipped models: network sizes, data, loss kind and clipgen.json metadata."""
from clipgen_models.converters import GM_DRUM_PITCH_CLASSES

MEL_MIN, MEL_MAX = 21, 108          # mel_4bar_vae range (magenta mel_*_bar)
RNN_MIN, RNN_MAX = 48, 83           # melody_rnn range (magenta basic/attention_rnn)

CONFIGS = {
    "mel_4bar_vae": dict(
        kind="musicvae", data="melody", loss="categorical_vae", bars=4,
        net=dict(input_size=MEL_MAX - MEL_MIN + 3, num_classes=MEL_MAX - MEL_MIN + 3, z_size=128,
                 encoder_units=[128, 128], decoder_layers=[192], num_steps=64, num_segments=4,
                 conductor_layers=[128]),
        converter={"type": "melody", "minPitch": MEL_MIN, "maxPitch": MEL_MAX, "numSteps": 64,
                   "stepsPerQuarter": 4, "numSegments": 4},
        tools=["generate", "interpolate"], max_beta=0.2, free_bits=48),
    "drums_4bar_vae": dict(
        kind="musicvae", data="drums4", loss="categorical_vae", bars=4,
        net=dict(input_size=10, num_classes=512, z_size=128, encoder_units=[128, 128],
                 decoder_layers=[192], num_steps=64, num_segments=4, conductor_layers=[128],
                 roll_input=True),
        converter={"type": "drums", "numSteps": 64, "stepsPerQuarter": 4, "numSegments": 4,
                   "drumPitchClasses": GM_DRUM_PITCH_CLASSES},
        tools=["generate", "interpolate"], max_beta=0.2, free_bits=48),
    "melody_rnn": dict(
        kind="musicrnn", data="melody", loss="rnn", bars=4,
        net=dict(num_classes=RNN_MAX - RNN_MIN + 3, layer_sizes=[128, 128], attn_length=32,
                 aux_bits=5),
        converter={"type": "melody", "minPitch": RNN_MIN, "maxPitch": RNN_MAX,
                   "stepsPerQuarter": 4},
        tools=["continue"]),
    "drum_kit_rnn": dict(
        kind="musicrnn", data="drums4", loss="rnn", bars=4,
        net=dict(num_classes=512, layer_sizes=[192, 192], attn_length=0, aux_bits=5),
        converter={"type": "drums", "stepsPerQuarter": 4,
                   "drumPitchClasses": GM_DRUM_PITCH_CLASSES},
        tools=["continue"]),
    "groovae_humanize": dict(
        kind="groovae", data="groove_humanize", loss="groove_vae", bars=2,
        # Groove forces the clip's own hits, so the velocity head is trained on hits only.
        net=dict(z_size=128, encoder_units=192, decoder_layers=[256], num_steps=32,
                 velocity_given_hit=True),
        converter={"type": "groove", "numSteps": 32, "stepsPerQuarter": 4, "humanize": True,
                   "tapify": False, "drumPitchClasses": GM_DRUM_PITCH_CLASSES},
        tools=["groove"], max_beta=0.2, free_bits=48),
    "groovae_tap": dict(
        kind="groovae", data="groove_tap", loss="groove_vae", bars=2,
        net=dict(z_size=128, encoder_units=192, decoder_layers=[256], num_steps=32),
        converter={"type": "groove", "numSteps": 32, "stepsPerQuarter": 4, "humanize": False,
                   "tapify": True, "drumPitchClasses": GM_DRUM_PITCH_CLASSES},
        tools=["drumify"], max_beta=0.2, free_bits=48),
}


def build_net(cfg):
    from clipgen_models.nets import MusicRNN, build_groove_vae, build_music_vae
    if cfg["kind"] == "musicvae":
        return build_music_vae(**cfg["net"])
    if cfg["kind"] == "groovae":
        return build_groove_vae(**cfg["net"])
    return MusicRNN(**cfg["net"])
