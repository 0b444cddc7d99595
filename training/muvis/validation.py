"""Validation during training: the val split embedded by the PyTorch towers after each epoch and
scored by one number, the mean of exact-pair Recall@10 music->image, image->music, hum->image and
the category AUROC of music->image (experiment (b)'s measure on whole clips)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from common.corpus import Item

from .config import MuvisConfig
from .data import CachedFeatures
from .features import image_tensor, l2_normalize
from .model import Muvis
from .retrieval import category_retrieval, recall_at_k
from .semantics import caption_categories
from .views import AudioNorm


@dataclass
class ValidationSet:
    clip_windows: list[np.ndarray]   # per item: its clip's inference windows
    hum_windows: list[np.ndarray]    # per item with hums: its first hum's windows
    hum_owner: np.ndarray            # the item of each hum
    images: np.ndarray               # [items, 3, size, size] model inputs
    categories: np.ndarray           # per item: its caption category


def validation_set(items: list[Item], feats: CachedFeatures, norm: AudioNorm, cfg: MuvisConfig, vocab: list[str]) -> ValidationSet:
    from PIL import Image

    clip_windows = [norm.windows(c.astype(np.float32)) for c in feats.clips]
    hum_windows, hum_owner = [], []
    for n, hums in enumerate(feats.hums):
        if hums:  # the first hum of each item: a fixed, reproducible query set
            hum_windows.append(norm.windows(hums[0].astype(np.float32)))
            hum_owner.append(n)
    images = np.stack([image_tensor(Image.fromarray(im), cfg.image.size, cfg.image.mean, cfg.image.std) for im in feats.images])
    return ValidationSet(clip_windows, hum_windows, np.array(hum_owner), images, caption_categories(items, vocab))


@torch.no_grad()
def embed_audio_windows(model: Muvis, windows: list[np.ndarray], batch: int = 128) -> np.ndarray:
    """Embed each recording's windows, mean-pool per recording, L2-normalise."""
    flat = np.concatenate(windows)
    owners = np.repeat(np.arange(len(windows)), [w.shape[0] for w in windows])
    out = np.concatenate([model.audio(torch.from_numpy(flat[s:s + batch])).numpy() for s in range(0, len(flat), batch)])
    pooled = np.zeros((len(windows), out.shape[1]), dtype=np.float32)
    np.add.at(pooled, owners, out)
    return l2_normalize(pooled)


@torch.no_grad()
def embed_images(model: Muvis, pixels: np.ndarray, batch: int = 256) -> np.ndarray:
    return np.concatenate([model.image(torch.from_numpy(pixels[s:s + batch])).numpy() for s in range(0, len(pixels), batch)])


def validate(model: Muvis, val: ValidationSet) -> dict:
    """The figures and their mean, "score"; leaves the model in training mode."""
    model.eval()
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=model.cfg.train.bf16):
        audio = embed_audio_windows(model, val.clip_windows)
        image = embed_images(model, val.images)
        hum = embed_audio_windows(model, val.hum_windows) if val.hum_windows else None
    model.train()
    result = {
        "music_to_image_r10": recall_at_k(audio, image, np.arange(len(audio)), 10),
        "image_to_music_r10": recall_at_k(image, audio, np.arange(len(image)), 10),
    }
    if hum is not None:
        result["hum_to_image_r10"] = recall_at_k(hum, image, val.hum_owner, 10)
    category_auroc = category_retrieval(audio, np.arange(len(audio)), image, val.categories)["AUROC"]
    if category_auroc is not None:  # None when no validation category has both members and others
        result["music_to_image_category_auroc"] = category_auroc
    result["score"] = float(np.mean(list(result.values())))
    return result
