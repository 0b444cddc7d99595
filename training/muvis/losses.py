"""What MuVis training minimises: the symmetric contrastive loss with caption-weighted targets,
the hum-pair loss, the anchor to a start bundle, and the caption heads (training only, not exported)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


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
