"""MusIm's networks (contract in docs/architecture.md, "MusIm bundle"): a small convolutional VAE
between 256x256 RGB pictures and a 4x32x32 latent (its decoder light in the TAESD way: no norms,
channels shrinking as the resolution grows, so a 256x256 decode is cheap on a CPU), and a small UNet
denoiser over that latent conditioned on a MuVis audio embedding and the timestep, with a learned
null condition (cond_mask 0) for classifier-free guidance. The export wrappers at the end are what
the three ONNX files compute."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class AutoencoderConfig:
    latent: int = 4
    # channels at 256, 128, 64 and 32 pixels (three halvings: 256 -> 32)
    encoder: tuple[int, int, int, int] = (16, 32, 64, 96)
    decoder: tuple[int, int, int, int] = (16, 32, 64, 96)
    # residual blocks after each halving (128, 64, 32 px) and, for the decoder, at 32, 64, 128 px:
    # the time goes where the pixels are, so the blocks sit at the coarse end
    encoder_blocks: tuple[int, int, int] = (0, 1, 2)
    decoder_blocks: tuple[int, int, int] = (2, 1, 0)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class DenoiserConfig:
    latent: int = 4
    channels: tuple[int, int, int] = (64, 128, 192)   # at 32, 16 and 8 latent cells
    blocks: int = 1                                   # residual blocks per level on the way down
    heads: int = 4                                    # self-attention at the coarsest level
    emb: int = 256
    cond_dim: int = 128

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Preset:
    autoencoder: AutoencoderConfig = field(default_factory=AutoencoderConfig)
    denoiser: DenoiserConfig = field(default_factory=DenoiserConfig)


PRESETS = {
    # channels 48/96/144: a training step costs about half of 64/128/192's, and on a shared 2-core CPU
    # the epochs a run gets matter more than the width
    "small": Preset(denoiser=DenoiserConfig(channels=(48, 96, 144))),
    "base": Preset(),
    # for tests and CI: the same graph, a few thousand parameters a module, exported in seconds
    "tiny": Preset(AutoencoderConfig(encoder=(8, 16, 16, 32), decoder=(8, 8, 16, 32), encoder_blocks=(0, 0, 1), decoder_blocks=(1, 0, 0)),
                   DenoiserConfig(channels=(16, 32, 32), heads=2, emb=64)),
}


def parameter_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


class Norm(nn.GroupNorm):
    """GroupNorm computed in float32 under bf16 autocast (its statistics lose too much in bf16)."""

    def __init__(self, channels: int):
        super().__init__(math.gcd(32, channels // 4) if channels >= 8 else 1, channels, eps=1e-5)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.group_norm(x.float(), self.num_groups, self.weight, self.bias, self.eps).to(x.dtype)


def conv3(cin: int, cout: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=1)


# ----------------------------------------------------------------------------- autoencoder

class PlainBlock(nn.Module):
    """conv-SiLU-conv with a residual, no norm: the autoencoder is trained on crops and run on
    whole pictures, and a normless block computes the same thing at any size."""

    def __init__(self, channels: int):
        super().__init__()
        self.c1, self.c2 = conv3(channels, channels), conv3(channels, channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.c2(F.silu(self.c1(F.silu(x))))


class Encoder(nn.Module):
    def __init__(self, cfg: AutoencoderConfig):
        super().__init__()
        c = cfg.encoder
        layers: list[nn.Module] = [conv3(3, c[0])]
        for i in range(3):
            layers += [nn.SiLU(), conv3(c[i], c[i + 1], stride=2)]
            layers += [PlainBlock(c[i + 1]) for _ in range(cfg.encoder_blocks[i])]
        layers += [nn.SiLU(), conv3(c[3], 2 * cfg.latent)]
        self.net = nn.Sequential(*layers)
        # start the posterior narrow (std ~0.05): at logvar 0 the decoder's input is mostly noise and
        # the first hundreds of steps only learn the mean picture
        with torch.no_grad():
            self.net[-1].bias[cfg.latent:].fill_(-6.0)

    def forward(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mean, logvar = self.net(image).chunk(2, dim=1)
        return mean, logvar.clamp(-30.0, 20.0)


class Decoder(nn.Module):
    def __init__(self, cfg: AutoencoderConfig):
        super().__init__()
        c = cfg.decoder[::-1]   # 32 px first
        layers: list[nn.Module] = [conv3(cfg.latent, c[0])]
        for i in range(3):
            layers += [PlainBlock(c[i]) for _ in range(cfg.decoder_blocks[i])]
            layers += [nn.Upsample(scale_factor=2, mode="nearest"), conv3(c[i], c[i + 1])]
        layers += [nn.SiLU(), conv3(c[3], 3)]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class Autoencoder(nn.Module):
    """A VAE. ``latent_shift`` (per channel) and ``latent_scale`` are set after training from the
    train pictures' latent means so that the latent the bundle exposes, (mean - shift) * scale, has
    about zero mean and unit variance; the denoiser only ever sees that scaled latent."""

    def __init__(self, cfg: AutoencoderConfig):
        super().__init__()
        self.cfg = cfg
        self.encoder, self.decoder = Encoder(cfg), Decoder(cfg)
        self.register_buffer("latent_shift", torch.zeros(cfg.latent))
        self.register_buffer("latent_scale", torch.ones(()))

    def encode(self, image: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        return self.encoder(image)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)

    def scale(self, mean: torch.Tensor) -> torch.Tensor:
        return (mean - self.latent_shift.view(1, -1, 1, 1)) * self.latent_scale

    def unscale(self, latent: torch.Tensor) -> torch.Tensor:
        return latent / self.latent_scale + self.latent_shift.view(1, -1, 1, 1)

    @torch.no_grad()
    def calibrate(self, means: torch.Tensor) -> dict:
        """Set the shift and scale from unscaled latent means [N, C, H, W]."""
        shift = means.mean(dim=(0, 2, 3))
        std = (means - shift.view(1, -1, 1, 1)).std()
        self.latent_shift.copy_(shift)
        self.latent_scale.fill_(1.0 / max(float(std), 1e-6))
        return {"shift": [round(float(s), 6) for s in shift], "scale": round(float(self.latent_scale), 6),
                "stdBefore": round(float(std), 6), "images": int(means.shape[0])}


# ----------------------------------------------------------------------------- denoiser

def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    """Sinusoids of the (float) train step t in [0, trainSteps)."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    args = t.float()[:, None] * freqs[None, :]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1)


class ResBlock(nn.Module):
    """GroupNorm-SiLU-conv, then a norm whose scale and shift come from the step and condition
    embedding, SiLU, conv; a 1x1 skip when the channels change."""

    def __init__(self, cin: int, cout: int, emb: int):
        super().__init__()
        self.n1, self.c1 = Norm(cin), conv3(cin, cout)
        self.film = nn.Linear(emb, 2 * cout)
        self.n2, self.c2 = Norm(cout), conv3(cout, cout)
        nn.init.zeros_(self.c2.weight)
        nn.init.zeros_(self.c2.bias)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x: torch.Tensor, e: torch.Tensor) -> torch.Tensor:
        h = self.c1(F.silu(self.n1(x)))
        scale, shift = self.film(e)[:, :, None, None].chunk(2, dim=1)
        h = self.n2(h) * (1 + scale) + shift
        return self.skip(x) + self.c2(F.silu(h))


class Attention(nn.Module):
    """Self-attention over the cells of the coarsest level, written out (matmul, softmax) so the
    ONNX graph holds only plain operators."""

    def __init__(self, channels: int, heads: int):
        super().__init__()
        self.heads = heads
        self.norm = Norm(channels)
        self.qkv = nn.Conv2d(channels, 3 * channels, 1)
        self.out = nn.Conv2d(channels, channels, 1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        d = c // self.heads
        q, k, v = self.qkv(self.norm(x)).reshape(b, 3, self.heads, d, h * w).unbind(1)   # [B, heads, d, N]
        att = torch.softmax(torch.matmul(q.transpose(2, 3), k) * (d ** -0.5), dim=-1)    # [B, heads, N, N]
        y = torch.matmul(v, att.transpose(2, 3)).reshape(b, c, h, w)
        return x + self.out(y)


class Denoiser(nn.Module):
    """A three-level UNet (32, 16, 8 cells) with attention at 8x8. The condition enters through the
    same embedding as the timestep: cond_mask * Linear(cond) + (1 - cond_mask) * null."""

    def __init__(self, cfg: DenoiserConfig):
        super().__init__()
        self.cfg = cfg
        c0, c1, c2 = cfg.channels
        e = cfg.emb
        self.time = nn.Sequential(nn.Linear(e, e), nn.SiLU(), nn.Linear(e, e))
        self.cond = nn.Sequential(nn.Linear(cfg.cond_dim, e), nn.SiLU(), nn.Linear(e, e))
        self.null = nn.Parameter(torch.zeros(e))
        self.inp = conv3(cfg.latent, c0)
        self.down0 = nn.ModuleList([ResBlock(c0, c0, e) for _ in range(cfg.blocks)])
        self.pool0 = conv3(c0, c0, stride=2)
        self.down1 = nn.ModuleList([ResBlock(c0 if i == 0 else c1, c1, e) for i in range(cfg.blocks)])
        self.pool1 = conv3(c1, c1, stride=2)
        self.down2 = ResBlock(c1, c2, e)
        self.attn2 = Attention(c2, cfg.heads)
        self.mid = ResBlock(c2, c2, e)
        self.mid_attn = Attention(c2, cfg.heads)
        self.up2 = ResBlock(2 * c2, c2, e)
        self.up1 = ResBlock(c2 + c1, c1, e)
        self.up0 = ResBlock(c1 + c0, c0, e)
        self.out_norm = Norm(c0)
        self.out = conv3(c0, cfg.latent)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def embedding(self, timestep: torch.Tensor, cond: torch.Tensor, cond_mask: torch.Tensor) -> torch.Tensor:
        m = cond_mask.to(cond.dtype)[:, None]
        c = m * self.cond(cond) + (1 - m) * self.null[None, :]
        return F.silu(self.time(timestep_embedding(timestep, self.cfg.emb).to(cond.dtype)) + c)

    def forward(self, latent: torch.Tensor, timestep: torch.Tensor, cond: torch.Tensor, cond_mask: torch.Tensor) -> torch.Tensor:
        e = self.embedding(timestep, cond, cond_mask)
        h = self.inp(latent)
        for block in self.down0:
            h = block(h, e)
        s0 = h
        h = self.pool0(h)
        for block in self.down1:
            h = block(h, e)
        s1 = h
        h = self.attn2(self.down2(self.pool1(h), e))
        s2 = h
        h = self.mid_attn(self.mid(h, e))
        h = self.up2(torch.cat([h, s2], dim=1), e)
        h = self.up1(torch.cat([F.interpolate(h, scale_factor=2.0, mode="nearest"), s1], dim=1), e)
        h = self.up0(torch.cat([F.interpolate(h, scale_factor=2.0, mode="nearest"), s0], dim=1), e)
        return self.out(F.silu(self.out_norm(h)))


# ----------------------------------------------------------------------------- what the ONNX files compute

class EncoderExport(nn.Module):
    """encoder.onnx: image [B,3,256,256] in [-1,1] -> the scaled latent mean [B,4,32,32]."""

    def __init__(self, ae: Autoencoder):
        super().__init__()
        self.ae = ae

    def forward(self, image: torch.Tensor) -> torch.Tensor:
        return self.ae.scale(self.ae.encode(image)[0])


class DecoderExport(nn.Module):
    """decoder.onnx: scaled latent [B,4,32,32] -> image [B,3,256,256], about [-1,1]."""

    def __init__(self, ae: Autoencoder):
        super().__init__()
        self.ae = ae

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        return self.ae.decode(self.ae.unscale(latent))
