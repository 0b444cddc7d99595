"""Fixed audio descriptors read from a bundle's normalised fbank window. Nothing here is learnt, so
they describe a recorded game track as faithfully as a SoundFont rendering. Frames that are all
exactly zero are the window's padding and are left out of every statistic.

- FbankDescriptor: per mel band, the mean and the spread of the level over time and the mean size of
  its frame-to-frame change: the spectral balance (brightness, bass weight), how much each band
  moves (dynamics), and how busy it is.
- RhythmDescriptor: per group of bands, the modulation spectrum of the onset envelope (how strongly
  the band's rises repeat at each rate from 0.5 to 10 Hz): tempo, pulse and how rhythmic a track is,
  which the per-band averages above cannot see.
- FbankRhythmDescriptor: the two side by side.
"""

from __future__ import annotations

import math

import torch
from torch import nn



def valid_frames(fbank: torch.Tensor) -> torch.Tensor:
    """[B, T, 1]: 1 for a frame of the recording, 0 for padding."""
    return (fbank.abs().amax(dim=2, keepdim=True) > 0).to(fbank.dtype)


class FbankDescriptor(nn.Module):
    """[batch, frames, bins] normalised fbank -> [batch, 3 * bins]."""

    def forward(self, fbank: torch.Tensor) -> torch.Tensor:
        valid = valid_frames(fbank)                                                  # [B, T, 1]
        count = valid.sum(dim=1).clamp_min(1.0)                                     # [B, 1]
        mean = (fbank * valid).sum(dim=1) / count
        spread = (((fbank - mean[:, None, :]) ** 2 * valid).sum(dim=1) / count).clamp_min(1e-8).sqrt()
        both = valid[:, 1:] * valid[:, :-1]
        change = ((fbank[:, 1:] - fbank[:, :-1]).abs() * both).sum(dim=1) / both.sum(dim=1).clamp_min(1.0)
        return torch.cat([mean, spread, change], dim=1)


class RhythmDescriptor(nn.Module):
    """[batch, frames, bins] normalised fbank -> [batch, groups * rates].

    The bins are averaged into ``groups`` equal bands; a band's onset envelope is its positive
    frame-to-frame change, less its mean over the recording's frames. Its Fourier magnitude is taken
    every 0.05 Hz from ``low_hz`` to ``high_hz`` (finer than a 10 s window resolves, so no pulse
    falls between two rates) and averaged into ``rates`` log-spaced bands with triangular weights;
    it is divided by the number of frames, so a pulse of a given strength scores the same in a 4 s
    snippet as in a 10 s window."""

    def __init__(self, frame_rate: float, groups: int = 8, rates: int = 24, low_hz: float = 0.5, high_hz: float = 10.0):
        super().__init__()
        self.frame_rate, self.groups = frame_rate, groups
        dense = torch.arange(low_hz, high_hz + 1e-6, 0.05)
        centres = torch.linspace(math.log(low_hz), math.log(high_hz), rates)
        step = centres[1] - centres[0]
        weights = (1 - (dense.log()[:, None] - centres[None, :]).abs() / step).clamp_min(0.0)   # [dense, rates]
        self.rates_hz = centres.exp()  # each output band's centre (not a buffer: the graph never reads it)
        self.register_buffer("hz", dense)
        self.register_buffer("pool", weights / weights.sum(dim=0, keepdim=True))

    def forward(self, fbank: torch.Tensor) -> torch.Tensor:
        b, frames, bins = fbank.shape
        valid = valid_frames(fbank)
        bands = fbank.reshape(b, frames, self.groups, bins // self.groups).mean(dim=3)   # [B, T, G]
        both = valid[:, 1:] * valid[:, :-1]                                              # [B, T-1, 1]
        count = both.sum(dim=1, keepdim=True).clamp_min(1.0)                             # [B, 1, 1]
        onset = (bands[:, 1:] - bands[:, :-1]).clamp_min(0.0) * both
        onset = (onset - onset.sum(dim=1, keepdim=True) / count) * both
        seconds = torch.arange(frames - 1, dtype=fbank.dtype, device=fbank.device) / self.frame_rate
        phase = 2 * math.pi * seconds[:, None] * self.hz[None, :]                        # [T-1, dense]
        re = torch.einsum("btg,tf->bgf", onset, torch.cos(phase))
        im = torch.einsum("btg,tf->bgf", onset, torch.sin(phase))
        magnitude = (re ** 2 + im ** 2 + 1e-12).sqrt() / count                          # [B, G, dense]
        return (magnitude @ self.pool).flatten(1)


class FbankRhythmDescriptor(nn.Module):
    """[batch, frames, bins] -> [batch, 3 * bins + groups * rates]."""

    def __init__(self, frame_rate: float):
        super().__init__()
        self.fbank, self.rhythm = FbankDescriptor(), RhythmDescriptor(frame_rate)

    def forward(self, fbank: torch.Tensor) -> torch.Tensor:
        return torch.cat([self.fbank(fbank), self.rhythm(fbank)], dim=1)


def audio_reader(name: str, frame_rate: float) -> nn.Module:
    if name == "fbank":
        return FbankDescriptor()
    if name == "fbank-rhythm":
        return FbankRhythmDescriptor(frame_rate)
    raise ValueError(f"unknown audio reader {name!r} (one of {', '.join(AUDIO_READERS)})")


AUDIO_READER_TEXT = {
    "fbank": "per mel band: mean, spread and mean frame-to-frame change of the normalised fbank over the window's frames",
    "fbank-rhythm": "per mel band: mean, spread and mean frame-to-frame change of the normalised fbank; per group of 16 bands: "
                    "the onset envelope's modulation magnitude in 24 log-spaced bands from 0.5 to 10 Hz",
}


AUDIO_READERS = tuple(AUDIO_READER_TEXT)
