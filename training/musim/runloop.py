"""What both MusIm trainers share: the precision choice, the learning-rate schedule (by steps, or
by wall time for a CPU shared with other work), atomic checkpoints, the wall-clock cap summed over
resumes, and image-quality measures (PSNR, SSIM)."""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

import torch
import torch.nn.functional as F

from common.runtime import log, native_bf16


def use_bf16(precision: str) -> bool:
    return {"bf16": True, "fp32": False, "auto": native_bf16()}[precision]


def lr_factor(progress: float, step: int, warmup: int, min_ratio: float) -> float:
    """Linear warm-up over ``warmup`` steps, then cosine from 1 to ``min_ratio`` as progress goes 0 -> 1."""
    if step < warmup:
        return (step + 1) / max(1, warmup)
    p = min(1.0, max(0.0, progress))
    return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * p))


def save_atomic(path: Path, payload: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    torch.save(payload, tmp)
    os.replace(tmp, path)


class WallClock:
    """Wall seconds of a run summed over its sessions (``state['wall']`` carries earlier ones)."""

    def __init__(self, state: dict):
        self.state, self.start, self.base = state, time.time(), state.get("wall", 0.0)

    def update(self) -> float:
        self.state["wall"] = self.base + time.time() - self.start
        return self.state["wall"]


def to_unit(images_u8: torch.Tensor) -> torch.Tensor:
    """uint8 NHWC -> float NCHW in [-1, 1]."""
    return images_u8.permute(0, 3, 1, 2).float() / 127.5 - 1.0


def psnr(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Per image, on [-1, 1] pictures clamped and read as [0, 1]."""
    mse = ((a.clamp(-1, 1) - b.clamp(-1, 1)) / 2).pow(2).flatten(1).mean(1)
    return 10 * torch.log10(1.0 / mse.clamp_min(1e-10))


def _gauss(size: int = 11, sigma: float = 1.5) -> torch.Tensor:
    x = torch.arange(size, dtype=torch.float32) - size // 2
    g = torch.exp(-x ** 2 / (2 * sigma ** 2))
    g = g / g.sum()
    return (g[:, None] * g[None, :])[None, None].repeat(3, 1, 1, 1)


def ssim(a: torch.Tensor, b: torch.Tensor, per_image: bool = True) -> torch.Tensor:
    """SSIM (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5, K 0.01/0.03) of [-1, 1] pictures
    read as [0, 1], averaged over channels and positions (valid windows only); differentiable."""
    a, b = (a.float().clamp(-1, 1) + 1) / 2, (b.float().clamp(-1, 1) + 1) / 2
    w = _gauss().to(a.device)
    conv = lambda x: F.conv2d(x, w, groups=3)  # noqa: E731
    mu_a, mu_b = conv(a), conv(b)
    var_a, var_b = conv(a * a) - mu_a ** 2, conv(b * b) - mu_b ** 2
    cov = conv(a * b) - mu_a * mu_b
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a ** 2 + mu_b ** 2 + c1) * (var_a + var_b + c2))
    return s.flatten(1).mean(1) if per_image else s.mean()


def resume_state(ckpt: Path, resume: bool, config: dict, state: dict, **parts) -> dict:
    """The run's state: ``state`` for a fresh run, or the checkpoint's with each of ``parts`` (model=,
    optimizer=, ema=) loaded from its key. A fresh run never overwrites a checkpoint, and a resumed one
    must have the same config."""
    if not ckpt.exists():
        return state
    if not resume:
        raise SystemExit(f"{ckpt} exists: give --resume to continue it, or another --run")
    ck = torch.load(ckpt, map_location="cpu", weights_only=False)
    if ck["config"] != config:
        raise SystemExit(f"{ckpt} has another config: {ck['config']}")
    for key, part in parts.items():
        part.load_state_dict(ck[key])
    log(f"resumed {ckpt}: step {ck['state']['step']}, {ck['state']['wall'] / 60:.1f} min")
    return ck["state"]
