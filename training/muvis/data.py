"""The corpus manifest (contract in docs/architecture.md) and the cached features over it."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .features import FbankParams, fbank, load_wav_mono

SPLITS = ("train", "val", "test")


class CorpusError(RuntimeError):
    """The corpus directory or its manifest is missing or malformed."""


@dataclass
class Item:
    index: int
    ytid: str
    caption: str
    tags: list[str]
    split: str
    seed: int
    audio: Path
    image: Path
    hums: list[Path]
    snippets: list[tuple[float, float]]
    crops: list[tuple[int, int, int, int]]
    music: dict = field(default_factory=dict)
    visual: dict = field(default_factory=dict)


def read_manifest(corpus_dir: str | Path) -> list[Item]:
    root = Path(corpus_dir)
    path = root / "manifest.jsonl"
    if not path.is_file():
        raise CorpusError(f"no manifest.jsonl in {root} (build one with `npm run corpus -- build --out {root}`)")
    items: list[Item] = []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                files, views = row["files"], row.get("views", {})
                item = Item(
                    index=int(row["index"]), ytid=str(row["ytid"]), caption=str(row.get("caption", "")),
                    tags=[str(t) for t in row.get("tags", [])], split=str(row["split"]), seed=int(row["seed"]),
                    audio=root / files["audio"], image=root / files["image"],
                    hums=[root / h for h in files.get("hum", [])],
                    snippets=[(float(s["start"]), float(s["end"])) for s in views.get("snippets", [])],
                    crops=[(int(c["x"]), int(c["y"]), int(c["w"]), int(c["h"])) for c in views.get("crops", [])],
                    music=dict(row.get("music", {})),
                    visual=dict(row.get("visual", {})),
                )
            except (KeyError, TypeError, ValueError) as err:
                raise CorpusError(f"{path}:{line_no}: malformed manifest line ({err!r})") from err
            if item.split not in SPLITS:
                raise CorpusError(f"{path}:{line_no}: unknown split {item.split!r}")
            items.append(item)
    if not items:
        raise CorpusError(f"{path} is empty")
    return items


def by_split(items: list[Item], split: str) -> list[Item]:
    return [it for it in items if it.split == split]


def corpus_fingerprint(corpus_dir: str | Path) -> str:
    """sha256 of manifest.jsonl: identifies the corpus a bundle was trained on."""
    return hashlib.sha256((Path(corpus_dir) / "manifest.jsonl").read_bytes()).hexdigest()


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
