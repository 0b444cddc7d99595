"""The noise schedule the denoiser is trained with and the bundle exports (``alphasCumprod``):
x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps for the train step t in 0 .. trainSteps-1, and the
training targets for epsilon- and v-prediction."""

from __future__ import annotations

import math

import numpy as np
import torch

TRAIN_STEPS = 1000
PREDICTIONS = ("epsilon", "v")


def cosine_alphas_cumprod(steps: int = TRAIN_STEPS, offset: float = 0.008, max_beta: float = 0.999) -> np.ndarray:
    """Nichol & Dhariwal's cosine schedule: abar(s) = f(s)/f(0), f(s) = cos^2((s/T + o)/(1 + o) * pi/2),
    with abar_t = abar((t+1)/T) through betas clipped at ``max_beta`` (so the last step keeps a
    sliver of signal and log-SNR stays finite for DPM-Solver). float32 values: what training uses
    and what the bundle lists, to the bit."""
    f = lambda s: math.cos((s / steps + offset) / (1 + offset) * math.pi / 2) ** 2  # noqa: E731
    betas = [min(1 - f(t + 1) / f(t), max_beta) for t in range(steps)]
    return np.cumprod(1.0 - np.array(betas, dtype=np.float64)).astype(np.float32)


def add_noise(x0: torch.Tensor, eps: torch.Tensor, t: torch.Tensor, abar: torch.Tensor) -> torch.Tensor:
    a = abar[t].view(-1, 1, 1, 1)
    return a.sqrt() * x0 + (1 - a).sqrt() * eps


def target(x0: torch.Tensor, eps: torch.Tensor, t: torch.Tensor, abar: torch.Tensor, prediction: str) -> torch.Tensor:
    if prediction == "epsilon":
        return eps
    a = abar[t].view(-1, 1, 1, 1)
    return a.sqrt() * eps - (1 - a).sqrt() * x0


def predict_x0(x_t: torch.Tensor, out: torch.Tensor, t: torch.Tensor, abar: torch.Tensor, prediction: str) -> torch.Tensor:
    """The clean-latent estimate from the model output (what a sampler and the previews use)."""
    a = abar[t].view(-1, 1, 1, 1)
    if prediction == "epsilon":
        return (x_t - (1 - a).sqrt() * out) / a.sqrt()
    return a.sqrt() * x_t - (1 - a).sqrt() * out
