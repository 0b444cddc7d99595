"""A fixed audio descriptor read from a bundle's normalised fbank window: per mel band, the mean and
the spread of the level over time and the mean size of its frame-to-frame change. Nothing here is
learnt, so it describes a recorded game track as faithfully as a SoundFont rendering: the spectral
balance (brightness, bass weight), how much each band moves (dynamics), and how busy it is (onsets,
rhythm). Frames that are all exactly zero are the window's padding and are left out."""

from __future__ import annotations

import torch
from torch import nn


class FbankDescriptor(nn.Module):
    """[batch, frames, bins] normalised fbank -> [batch, 3 * bins]."""

    def forward(self, fbank: torch.Tensor) -> torch.Tensor:
        valid = (fbank.abs().amax(dim=2, keepdim=True) > 0).to(fbank.dtype)        # [B, T, 1]
        count = valid.sum(dim=1).clamp_min(1.0)                                     # [B, 1]
        mean = (fbank * valid).sum(dim=1) / count
        spread = (((fbank - mean[:, None, :]) ** 2 * valid).sum(dim=1) / count).clamp_min(1e-8).sqrt()
        both = valid[:, 1:] * valid[:, :-1]
        change = ((fbank[:, 1:] - fbank[:, :-1]).abs() * both).sum(dim=1) / both.sum(dim=1).clamp_min(1.0)
        return torch.cat([mean, spread, change], dim=1)
