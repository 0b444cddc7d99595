"""The two MuVis towers: Hugging Face AST and ViT encoders, tokens mean-pooled (CLS and
distillation tokens excluded), linearly projected to the joint space and L2-normalised; and an
image ensemble of several towers that embeds into the same space."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn
from transformers import ASTConfig, ASTModel, ViTConfig, ViTModel

from .config import AudioTowerConfig, ImageTowerConfig, MuvisConfig


def ast_config(c: AudioTowerConfig) -> ASTConfig:
    return ASTConfig(
        hidden_size=c.hidden, num_hidden_layers=c.layers, num_attention_heads=c.heads,
        intermediate_size=c.intermediate, patch_size=c.patch, frequency_stride=c.patch,
        time_stride=c.time_patch, max_length=c.max_frames, num_mel_bins=c.mel_bins,
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, layer_norm_eps=1e-6,
    )


def vit_config(c: ImageTowerConfig) -> ViTConfig:
    return ViTConfig(
        image_size=c.size, patch_size=c.patch, hidden_size=c.hidden, num_hidden_layers=c.layers,
        num_attention_heads=c.heads, intermediate_size=c.intermediate,
        hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0, layer_norm_eps=1e-6,
    )


class AudioTower(nn.Module):
    """[batch, max_frames, mel_bins] normalised fbank -> [batch, dim] unit vectors."""

    # AST prepends a CLS and a distillation token; the patch tokens follow.
    special_tokens = 2

    def __init__(self, cfg: AudioTowerConfig, dim: int):
        super().__init__()
        self.encoder = ASTModel(ast_config(cfg))
        if cfg.time_patch != cfg.patch:
            # AST's patches are square; wider non-overlapping patches (patch mel bins x time_patch
            # frames) halve the tokens of a 10 s clip. ASTEmbeddings sizes its position table from
            # (max_length - patch) // time_stride + 1, which equals this convolution's output width
            # whenever max_frames is a multiple of time_patch.
            if cfg.max_frames % cfg.time_patch:
                raise ValueError("max_frames must be a multiple of time_patch")
            self.encoder.embeddings.patch_embeddings.projection = nn.Conv2d(
                1, cfg.hidden, kernel_size=(cfg.patch, cfg.time_patch), stride=(cfg.patch, cfg.time_patch))
        self.proj = nn.Linear(cfg.hidden, dim)

    def forward(self, fbank: torch.Tensor) -> torch.Tensor:
        tokens = self.encoder(input_values=fbank).last_hidden_state[:, self.special_tokens:]
        return F.normalize(self.proj(tokens.mean(dim=1)).float(), dim=-1)


class ImageTower(nn.Module):
    """[batch, 3, size, size] normalised RGB -> [batch, dim] unit vectors."""

    special_tokens = 1  # CLS

    def __init__(self, cfg: ImageTowerConfig, dim: int):
        super().__init__()
        self.encoder = ViTModel(vit_config(cfg), add_pooling_layer=False)
        self.proj = nn.Linear(cfg.hidden, dim)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        tokens = self.encoder(pixel_values=pixel_values).last_hidden_state[:, self.special_tokens:]
        return F.normalize(self.proj(tokens.mean(dim=1)).float(), dim=-1)


class Muvis(nn.Module):
    def __init__(self, cfg: MuvisConfig):
        super().__init__()
        self.cfg = cfg
        self.audio = AudioTower(cfg.audio, cfg.embedding_dim)
        self.image = ImageTower(cfg.image, cfg.embedding_dim)
        self.logit_scale = nn.Parameter(torch.tensor(math.log(1.0 / cfg.train.init_temperature)))

    def scale(self) -> torch.Tensor:
        return self.logit_scale.clamp(max=math.log(self.cfg.train.max_logit_scale)).exp()


def parameter_count(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


class ImageEnsemble(nn.Module):
    """[batch, 3, size, size] -> the normalised weighted sum of the members' unit embeddings."""

    def __init__(self, towers: list[nn.Module], weights: list[float]):
        super().__init__()
        self.towers = nn.ModuleList(towers)
        self.weights = list(weights)

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        mix = sum(w * tower(pixel_values) for w, tower in zip(self.weights, self.towers))
        return F.normalize(mix, dim=-1)
