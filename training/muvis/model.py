"""The two MuVis towers: Hugging Face AST and ViT encoders, tokens mean-pooled (CLS and
distillation tokens excluded), linearly projected to the joint space and L2-normalised."""

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


def contrastive_targets(n: int, agreement: torch.Tensor | None = None, caption_weight: float = 0.0,
                        dtype: torch.dtype = torch.float32, device: torch.device | None = None) -> torch.Tensor:
    """[n, n] target distributions: row i is (1 - w) on the exact pair plus w spread over the
    batch in proportion to agreement[i] (caption_weight w; w = 0 or no agreement: the identity)."""
    target = torch.eye(n, device=device, dtype=dtype)
    if agreement is not None and caption_weight > 0:
        spread = agreement / agreement.sum(dim=1, keepdim=True)
        target = (1.0 - caption_weight) * target + caption_weight * spread
    return target


def contrastive_loss(audio: torch.Tensor, image: torch.Tensor, scale: torch.Tensor,
                     agreement: torch.Tensor | None = None, caption_weight: float = 0.0) -> torch.Tensor:
    """Symmetric InfoNCE over a batch of matched (audio_i, image_i) pairs.

    With an [n, n] caption `agreement` (symmetric, positive diagonal) and caption_weight w, the
    targets are contrastive_targets: items whose captions agree are pulled together too, not
    pushed apart as negatives. w = 0 is the plain exact-pair loss."""
    logits = scale * audio @ image.t()
    target = contrastive_targets(logits.shape[0], agreement, caption_weight, logits.dtype, logits.device)
    # agreement is symmetric, so row i of `target` is also image i's target over the audio
    return 0.5 * (F.cross_entropy(logits, target) + F.cross_entropy(logits.t(), target))


def training_loss(audio: torch.Tensor, image: torch.Tensor, scale: torch.Tensor, agreement: torch.Tensor,
                  caption_weight: float, group_weight: float = 0.0, group_scale: float = 10.0) -> torch.Tensor:
    """The loss MuVis trains on: contrastive_loss at the learned scale with caption-weighted
    targets, plus group_weight x contrastive_loss at the fixed group_scale whose targets are the
    caption agreement alone (weight 1: the exact pair counts only through its own agreement)."""
    loss = contrastive_loss(audio, image, scale, agreement, caption_weight)
    if group_weight > 0:
        fixed = torch.tensor(group_scale, dtype=scale.dtype, device=scale.device)
        loss = loss + group_weight * contrastive_loss(audio, image, fixed, agreement, 1.0)
    return loss


def hum_pair_loss(hums: torch.Tensor, audio: torch.Tensor, image: torch.Tensor, owner: torch.Tensor,
                  scale: torch.Tensor) -> torch.Tensor:
    """Extra hum views [k, d] as queries over the batch's audio views [n, d] and images [n, d]:
    the positives of hum j are the audio view and the image of item owner[j]. The mean of the two
    cross-entropies (the query-by-humming direction only). The audio side teaches the melody
    directly: a hum and its item's clip (or another hum of it, in another key, tempo and voice)
    share the tune and nothing else."""
    if hums.shape[0] == 0:
        return hums.sum() * 0.0
    return 0.5 * (F.cross_entropy(scale * hums @ audio.t(), owner) + F.cross_entropy(scale * hums @ image.t(), owner))


def anchor_loss(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """Mean cosine distance (1 - cos) between unit vectors [n, d] and their fixed targets [n, d]:
    0 when every embedding is where the teacher puts it, 2 when opposite."""
    if student.shape[0] == 0:
        return student.sum() * 0.0
    return (1.0 - (student * teacher.to(student.dtype)).sum(dim=-1)).mean()


class CaptionHeads(nn.Module):
    """Training-only heads over the joint space (not exported): one prototype per caption
    category and one per vocabulary tag, shared by both towers and compared by cosine at a fixed
    scale. The category head is a softmax over the categories (NormFace-style proxy loss); the
    tag head is one sigmoid per tag with a learnable bias, initialised at the tag's log-odds in
    the training split, so an untrained head predicts the prior."""

    def __init__(self, n_categories: int, tag_prior: torch.Tensor, dim: int, scale: float):
        super().__init__()
        self.scale = scale
        self.category_prototypes = nn.Parameter(torch.randn(n_categories, dim))
        self.tag_prototypes = nn.Parameter(torch.randn(len(tag_prior), dim))
        prior = tag_prior.clamp(1e-4, 1 - 1e-4)
        self.tag_bias = nn.Parameter(torch.log(prior / (1 - prior)))

    def category_logits(self, embedding: torch.Tensor) -> torch.Tensor:
        return self.scale * embedding @ F.normalize(self.category_prototypes, dim=-1).t()

    def tag_logits(self, embedding: torch.Tensor) -> torch.Tensor:
        return self.scale * embedding @ F.normalize(self.tag_prototypes, dim=-1).t() + self.tag_bias

    def losses(self, embedding: torch.Tensor, category: torch.Tensor, tags: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(category cross-entropy, tag binary cross-entropy averaged over tags) of unit vectors."""
        if embedding.shape[0] == 0:
            zero = embedding.sum() * 0.0
            return zero, zero
        return (F.cross_entropy(self.category_logits(embedding), category),
                F.binary_cross_entropy_with_logits(self.tag_logits(embedding), tags))


def caption_head_loss(heads: CaptionHeads, audio: torch.Tensor, image: torch.Tensor, audio_mask: torch.Tensor,
                      category: torch.Tensor, tags: torch.Tensor, category_weight: float, tag_weight: float) -> torch.Tensor:
    """Both towers' head losses, averaged over the two modalities; audio rows where audio_mask
    is False (hum views) are left out."""
    ca, ta = heads.losses(audio[audio_mask], category[audio_mask], tags[audio_mask])
    ci, ti = heads.losses(image, category, tags)
    return category_weight * 0.5 * (ca + ci) + tag_weight * 0.5 * (ta + ti)


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
