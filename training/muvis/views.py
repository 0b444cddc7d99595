"""Training views cut from cached features, and the inference-time audio windows.

Audio views (one per item per step, drawn at random):
  * clip    - the whole clip (one window of max_frames when it fits, else a random window):
              exactly what inference embeds;
  * snippet - a random 3-5 s slice of the clip, zero-padded after normalising (snippet queries);
  * hum     - one of the item's hums, time-stretched by a random factor (hum_stretch: people
              drift from the tempo more than the corpus's hums do), whole or a random 4-8 s
              slice, so hums are positives for the item's image (query by humming).
Hum pairs (train.hum_pairs_per_batch > 0): up to that many items of the batch that have hums get
one more hum view besides their audio view, for the hum-pair loss (model.hum_pair_loss).
Image views: the full image or a square crop (a manifest crop or a random one, side 50-100 %),
resized with the reference preprocessing, then brightness / contrast / saturation jitter.
Never flipped: an ImMuTe image draws the melody as a contour (time -> x, pitch -> y). Hue is
never changed: it carries the music's key.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from .config import AudioTowerConfig, ImageTowerConfig, TrainConfig
from common.corpus import Item

from .data import CachedFeatures
from .features import audio_windows, hop_frames, image_tensor, normalize_fbank, FbankParams

FRAMES_PER_SECOND = 100  # 10 ms frame shift


class AudioNorm:
    def __init__(self, mean: float, std: float, cfg: AudioTowerConfig, params: FbankParams):
        self.mean, self.std, self.cfg = mean, std, cfg
        self.hop = hop_frames(cfg.hop_seconds, params)

    def window(self, fb: np.ndarray) -> np.ndarray:
        return normalize_fbank(fb, self.mean, self.std, self.cfg.max_frames)

    def windows(self, fb: np.ndarray) -> np.ndarray:
        """Inference windows of a whole recording, [n, max_frames, mels] (see features.window_starts)."""
        return audio_windows(fb, self.mean, self.std, self.cfg.max_frames, self.hop)


def time_stretch(fb: np.ndarray, factor: float) -> np.ndarray:
    """[frames, mels] resampled to round(frames * factor) frames by linear interpolation along
    time: factor > 1 is slower. The spectrum of each frame, so the pitch, is left alone."""
    frames = fb.shape[0]
    n = max(1, int(round(frames * factor)))
    pos = np.linspace(0.0, frames - 1, n)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, frames - 1)
    frac = (pos - lo)[:, None].astype(np.float32)
    x = fb.astype(np.float32)
    return x[lo] * (1.0 - frac) + x[hi] * frac


def random_window(fb: np.ndarray, length: int, rng: np.random.Generator) -> np.ndarray:
    if fb.shape[0] <= length:
        return fb
    start = int(rng.integers(0, fb.shape[0] - length + 1))
    return fb[start:start + length]


@dataclass
class Batch:
    audio: np.ndarray       # [n, frames, mels] one audio view per item
    image: np.ndarray       # [n, 3, size, size] one image view per item
    is_hum: np.ndarray      # [n] bool: the audio view is a hum
    pair_hums: np.ndarray   # [k, frames, mels] extra hum views (hum pairs), k <= train.hum_pairs
    pair_owner: np.ndarray  # [k] the batch position of each extra hum's item


class ViewSampler:
    def __init__(self, items: list[Item], feats: CachedFeatures, norm: AudioNorm,
                 image_cfg: ImageTowerConfig, train_cfg: TrainConfig):
        self.items, self.feats, self.norm = items, feats, norm
        self.image_cfg, self.train_cfg = image_cfg, train_cfg
        probs = np.array([train_cfg.p_clip, train_cfg.p_snippet, train_cfg.p_hum], dtype=np.float64)
        self.audio_probs = probs / probs.sum()

    def audio_view(self, i: int, rng: np.random.Generator) -> tuple[np.ndarray, bool]:
        """One normalised window and whether it is a hum view."""
        kind = int(rng.choice(3, p=self.audio_probs))
        is_hum = kind == 2 and bool(self.feats.hums[i])
        if is_hum:
            return self.hum_view(i, rng), True
        if kind == 1:
            lo, hi = self.train_cfg.snippet_seconds
            length = int(rng.uniform(lo, hi) * FRAMES_PER_SECOND)
            fb = random_window(self.feats.clips[i], min(length, self.norm.cfg.max_frames), rng)
        else:
            fb = random_window(self.feats.clips[i], self.norm.cfg.max_frames, rng)
        return self.norm.window(fb.astype(np.float32)), False

    def hum_view(self, i: int, rng: np.random.Generator) -> np.ndarray:
        """One of item i's hums, time-stretched, whole or a slice; normalised. The item must have hums."""
        hums = self.feats.hums[i]
        hum = time_stretch(hums[int(rng.integers(len(hums)))], float(rng.uniform(*self.train_cfg.hum_stretch)))
        length = self.norm.cfg.max_frames
        if rng.random() < 0.5:
            lo, hi = self.train_cfg.hum_snippet_seconds
            length = min(length, int(rng.uniform(lo, hi) * FRAMES_PER_SECOND))
        return self.norm.window(random_window(hum, length, rng).astype(np.float32))

    def image_view(self, i: int, rng: np.random.Generator) -> np.ndarray:
        pixels = self.feats.images[i]
        h, w = pixels.shape[:2]
        if rng.random() < self.train_cfg.p_image_crop:
            crops = self.items[i].crops
            if crops and rng.random() < 0.5:
                x, y, cw, ch = crops[int(rng.integers(len(crops)))]
            else:
                side = int(rng.uniform(0.5, 1.0) * min(h, w))
                x, y, cw, ch = int(rng.integers(0, w - side + 1)), int(rng.integers(0, h - side + 1)), side, side
            pixels = pixels[y:y + ch, x:x + cw]
        pixels = jitter(pixels, self.train_cfg.jitter, rng)
        return image_tensor(Image.fromarray(np.ascontiguousarray(pixels)), self.image_cfg.size,
                            self.image_cfg.mean, self.image_cfg.std)

    def batch(self, indices: np.ndarray, rng: np.random.Generator) -> Batch:
        audio, is_hum = zip(*(self.audio_view(int(i), rng) for i in indices))
        image = np.stack([self.image_view(int(i), rng) for i in indices])
        # drawn after the main views, so a run without hum pairs draws exactly what it did before
        owners = [k for k, i in enumerate(indices) if self.feats.hums[int(i)]][:self.train_cfg.hum_pairs_per_batch]
        frames, mels = audio[0].shape
        pair_hums = (np.stack([self.hum_view(int(indices[k]), rng) for k in owners]) if owners
                     else np.zeros((0, frames, mels), dtype=np.float32))
        return Batch(np.stack(audio), image, np.array(is_hum, dtype=bool), pair_hums, np.array(owners, dtype=np.int64))


def jitter(pixels: np.ndarray, amount: float, rng: np.random.Generator) -> np.ndarray:
    """Brightness, contrast and saturation scaled by factors in [1 - amount, 1 + amount]."""
    if amount <= 0:
        return pixels
    p = pixels.astype(np.float32) / 255.0
    b, c, s = rng.uniform(1 - amount, 1 + amount, size=3)
    p = p * b
    gray = p @ np.array([0.299, 0.587, 0.114], dtype=np.float32)
    p = (p - gray.mean()) * c + gray.mean()
    gray = (p @ np.array([0.299, 0.587, 0.114], dtype=np.float32))[..., None]
    p = gray + (p - gray) * s
    return (np.clip(p, 0.0, 1.0) * 255.0 + 0.5).astype(np.uint8)
