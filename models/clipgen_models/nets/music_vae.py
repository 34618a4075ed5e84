"""MusicVAE (and GrooVAE, which differs only in its core decoder) with the v1 interface."""
from typing import List, Tuple

import torch
from torch import Tensor, nn

from .decoders import (CategoricalDecoder, ConductorDecoder, FlatCategoricalDecoder,
                       FlatGrooveDecoder, GrooveDecoder)
from .encoders import FlatEncoder, HierarchicalEncoder
from .layers import Dense

NUM_DRUM_CLASSES = 9


def drum_onehot_to_roll(x: Tensor, num_drums: int, magenta_js_shift: bool = False) -> Tensor:
    """[B,T,512] one-hot drum classes -> [B,T,10] roll (9 class bits, then 'no hit'), the
    encoder input of magenta's drums VAEs (DrumsConverter roll_input).

    magenta.js' DrumsConverter writes the 'no hit' bit of step t+1 into row t (tf.buffer.set
    with index -1) and leaves the last row's bit 0; magenta_js_shift reproduces that.
    """
    idx = torch.argmax(x, -1)
    pow2 = torch.pow(2, torch.arange(num_drums, device=x.device, dtype=idx.dtype))
    bits = torch.remainder(torch.div(idx.unsqueeze(-1), pow2, rounding_mode="floor"), 2)
    no_hit = (idx == 0).to(idx.dtype)
    if magenta_js_shift:
        no_hit = torch.cat([no_hit[:, 1:], torch.zeros_like(no_hit[:, :1])], 1)
    return torch.cat([bits, no_hit.unsqueeze(-1)], -1).to(x.dtype)


class MusicVAE(nn.Module):
    """encoder -> mu, sigma = softplus(dense) over its final state; decoder from z."""

    def __init__(self, encoder: nn.Module, decoder: nn.Module, z_size: int, num_steps: int,
                 roll_input: bool = False, magenta_js_roll: bool = False):
        super().__init__()
        self.encoder = encoder
        self.decoder = decoder
        self.mu = Dense(encoder.output_size, z_size)
        self.sigma = Dense(encoder.output_size, z_size)
        self.z_size = z_size
        self.num_steps = num_steps
        self.roll_input = roll_input
        self.num_drums = NUM_DRUM_CLASSES
        self.magenta_js_roll = magenta_js_roll

    @torch.jit.export
    def encode(self, x: Tensor, lengths: Tensor) -> Tuple[Tensor, Tensor]:
        if x.size(1) != self.num_steps:
            raise RuntimeError("encode: the model takes exactly num_steps steps")
        if self.roll_input:
            x = drum_onehot_to_roll(x, self.num_drums, self.magenta_js_roll)
        h = self.encoder(x, lengths)
        return self.mu(h), torch.nn.functional.softplus(self.sigma(h))

    @torch.jit.export
    def decode(self, z: Tensor, temperature: float, uniforms: Tensor) -> Tensor:
        if z.dim() != 2 or z.size(1) != self.z_size:
            raise RuntimeError("decode: z must be [B, zSize]")
        if uniforms.size(0) != z.size(0) or uniforms.size(1) != self.num_steps:
            raise RuntimeError("decode: uniforms must be [B, numSteps] ([B, numSteps, 9] for groove)")
        return self.decoder(z, temperature, uniforms)

    def forward(self, z: Tensor, temperature: float, uniforms: Tensor) -> Tensor:
        return self.decode(z, temperature, uniforms)


def build_music_vae(input_size: int, num_classes: int, z_size: int, encoder_units: List[int],
                    decoder_layers: List[int], num_steps: int, num_segments: int = 0,
                    conductor_layers: List[int] = [], roll_input: bool = False,
                    magenta_js_roll: bool = False) -> MusicVAE:
    """Categorical MusicVAE. encoder_units: [units] flat, [units0, units1] hierarchical."""
    if num_segments:
        if len(encoder_units) != 2:
            raise ValueError("hierarchical encoder needs two levels of units")
        encoder = HierarchicalEncoder(input_size, encoder_units[0], encoder_units[1], num_segments)
        core = CategoricalDecoder(num_classes, conductor_layers[-1], decoder_layers)
        decoder = ConductorDecoder(core, z_size, conductor_layers, num_steps, num_segments)
    else:
        encoder = FlatEncoder(input_size, encoder_units[0])
        decoder = FlatCategoricalDecoder(CategoricalDecoder(num_classes, z_size, decoder_layers),
                                         num_steps)
    return MusicVAE(encoder, decoder, z_size, num_steps, roll_input, magenta_js_roll)


def build_groove_vae(z_size: int, encoder_units: int, decoder_layers: List[int], num_steps: int,
                     num_drums: int = NUM_DRUM_CLASSES,
                     velocity_given_hit: bool = False) -> MusicVAE:
    encoder = FlatEncoder(3 * num_drums, encoder_units)
    decoder = FlatGrooveDecoder(
        GrooveDecoder(num_drums, z_size, decoder_layers, velocity_given_hit), num_steps)
    return MusicVAE(encoder, decoder, z_size, num_steps, False)
