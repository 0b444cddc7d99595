"""The features training reads from a corpus: log-mel fbank cached on disk, decoded images, and
the fbank normalisation statistics of the training clips."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from common.corpus import CorpusError, Item
from common.runtime import REPO

from .features import FbankParams, fbank, load_wav_mono

# where train.py and cache.py keep the fbank cache unless told otherwise
CACHE_DIR = os.environ.get("MUVIS_CACHE", str(REPO / "data/cache/muvis"))


class FbankCache:
    """float16 log-mel fbank per source file under ``root/<params hash>/``, keyed by the file's
    path, size and mtime, so rebuilding the corpus invalidates exactly the changed files."""

    def __init__(self, root: str | Path, params: FbankParams):
        digest = hashlib.sha1(json.dumps(params.to_manifest() | {"sr": params.sampleRate}, sort_keys=True).encode()).hexdigest()[:12]
        self.dir = Path(root) / digest
        self.dir.mkdir(parents=True, exist_ok=True)
        self.params = params

    def _key(self, path: Path) -> Path:
        st = path.stat()
        ident = f"{path.resolve()}|{st.st_size}|{st.st_mtime_ns}"
        return self.dir / (hashlib.sha1(ident.encode()).hexdigest() + ".npy")

    def get(self, path: Path) -> np.ndarray:
        key = self._key(path)
        if key.is_file():
            return np.load(key)
        fb = fbank(load_wav_mono(str(path), self.params.sampleRate), self.params).astype(np.float16)
        tmp = key.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(tmp, fb)
        os.replace(tmp, key)
        return fb


@dataclass
class CachedFeatures:
    clips: list[np.ndarray]          # per item [frames, mels] float16
    hums: list[list[np.ndarray]]     # per item, per hum
    images: np.ndarray               # [items, H, W, 3] uint8


def load_features(items: list[Item], cache: FbankCache, with_hums: bool = True, log_every: int = 500) -> CachedFeatures:
    from PIL import Image

    clips, hums, images = [], [], []
    started = time.time()
    for n, it in enumerate(items, 1):
        clips.append(cache.get(it.audio))
        hums.append([cache.get(h) for h in it.hums] if with_hums else [])
        with Image.open(it.image) as img:
            images.append(np.asarray(img.convert("RGB"), dtype=np.uint8))
        if n % log_every == 0 or n == len(items):
            print(f"features {n}/{len(items)} ({time.time() - started:.0f}s)", file=sys.stderr, flush=True)
    shapes = {im.shape for im in images}
    if len(shapes) != 1:
        raise CorpusError(f"corpus images differ in size: {sorted(shapes)[:3]}")
    return CachedFeatures(clips, hums, np.stack(images))


def fbank_stats(clips: list[np.ndarray]) -> tuple[float, float]:
    """Mean and standard deviation over every frame and bin of the given clips (AST's dataset
    normalisation statistics), computed in float64."""
    total = sum(c.size for c in clips)
    s = sum(float(c.astype(np.float64).sum()) for c in clips)
    mean = s / total
    sq = sum(float(((c.astype(np.float64) - mean) ** 2).sum()) for c in clips)
    return mean, (sq / total) ** 0.5
