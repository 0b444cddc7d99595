"""A tiny synthetic corpus in the manifest format, for developing and smoke-testing the
training code without the ImMuTe build: an item's hue and its tone's pitch go together."""

from __future__ import annotations

import argparse
import colorsys
import json
import zlib
from pathlib import Path

import numpy as np
import soundfile as sf
from PIL import Image

TAGS = ["piano", "guitar", "sad", "happy", "calm", "energetic", "strings", "drums"]


def write_synthetic_corpus(out: str | Path, count: int = 64, seconds: float = 10.0) -> Path:
    root = Path(out)
    for sub in ("audio", "images", "hum"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    rows = []
    sr = 16000
    t = np.arange(int(sr * seconds)) / sr
    for i in range(count):
        rng = np.random.default_rng(i)
        hue = i / count
        f0 = 110.0 * 2 ** (hue * 3)
        wave = 0.3 * np.sin(2 * np.pi * f0 * t) + 0.1 * np.sin(2 * np.pi * 2 * f0 * t) + 0.02 * rng.standard_normal(t.size)
        sf.write(root / f"audio/{i:05d}.wav", wave.astype(np.float32), sr, subtype="PCM_16")
        hums = []
        for h in range(2):
            ht = t[: int(sr * 6)]
            hum = 0.2 * np.sin(2 * np.pi * f0 * (1 + 0.01 * h) * ht) + 0.02 * rng.standard_normal(ht.size)
            sf.write(root / f"hum/{i:05d}_{h}.wav", hum.astype(np.float32), sr, subtype="PCM_16")
            hums.append(f"hum/{i:05d}_{h}.wav")
        r, g, b = colorsys.hsv_to_rgb(hue, 0.8, 0.9)
        img = np.zeros((256, 256, 3), dtype=np.float64)
        img[:] = (r, g, b)
        img *= np.linspace(0.6, 1.0, 256)[None, :, None]
        img += 0.05 * rng.standard_normal(img.shape)
        Image.fromarray((np.clip(img, 0, 1) * 255).astype(np.uint8)).save(root / f"images/{i:05d}.png")
        ytid = f"synthetic{i:05d}"
        bucket = zlib.crc32(ytid.encode()) % 10
        rows.append({
            "index": i, "ytid": ytid, "caption": f"a synthetic tone at {f0:.0f} Hz",
            "aspects": [], "tags": [TAGS[i % len(TAGS)], TAGS[(i // 3) % len(TAGS)]],
            "split": "test" if bucket == 0 else "val" if bucket == 1 else "train",
            "seed": int(rng.integers(0, 2**31)), "music": {"style": TAGS[i % 4]}, "visual": {},
            "files": {"audio": f"audio/{i:05d}.wav", "midi": "", "image": f"images/{i:05d}.png", "hum": hums},
            "views": {"snippets": [{"start": 1.0, "end": 5.0}, {"start": 4.5, "end": 8.0}],
                      "crops": [{"x": 20, "y": 30, "w": 180, "h": 180}, {"x": 60, "y": 10, "w": 160, "h": 160}]},
        })
    with (root / "manifest.jsonl").open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
    return root


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", required=True)
    ap.add_argument("--count", type=int, default=64)
    args = ap.parse_args()
    print(write_synthetic_corpus(args.out, args.count))
