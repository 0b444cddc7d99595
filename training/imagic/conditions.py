"""Imagic's conditions: every corpus item's image, its manifest crops, its hums and its own clip
embedded with the PINNED MuVis bundle's ONNX towers on that bundle's own preprocessing
(muvis.runner, as packages/embeddings runs it in Node), cached as .npy.

    python3 training/imagic/conditions.py --corpus data/corpus [--encoder models/muvis-small] [--out data/imagic/cond]

Resumable: items are embedded in parts of ``--part`` items (``OUT/parts/NNNNN.npz``); a part on
disk is not redone. When all are there they are joined into
  image.npy [items,D]  clip.npy [items,D]  crop.npy [crops,D] + crop_owner.npy  hum.npy [hums,D] + hum_owner.npy
(rows of image/clip in manifest order; owners are manifest row numbers) and meta.json (encoder
name/version/sha256 of its towers, corpus fingerprint, counts). Every vector is L2-normalised.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from common.corpus import corpus_fingerprint, read_manifest
from common.runtime import REPO, log, write_json_atomic

from imagic.export import DEFAULT_ENCODER, encoder_block
from muvis.features import fbank, l2_normalize, load_rgb, load_wav_mono
from muvis.runner import OnnxBundle

KINDS = ("image", "clip", "crop", "hum")
DEFAULT_OUT = REPO / "data/imagic/cond"


def embed_part(bundle: OnnxBundle, items) -> dict[str, np.ndarray]:
    params = bundle.params
    audio = lambda p: fbank(load_wav_mono(str(p), params.sampleRate), params)  # noqa: E731
    images, crops, crop_owner = [], [], []
    for it in items:
        img = load_rgb(it.image)
        images.append(img)
        for x, y, w, h in it.crops:
            crops.append(img.crop((x, y, x + w, y + h)))
            crop_owner.append(it.index)
    hums = [(it.index, h) for it in items for h in it.hums]
    d = bundle.manifest["embeddingDim"]
    out = {
        "index": np.array([it.index for it in items], dtype=np.int64),
        "image": l2_normalize(bundle.embed_images(images)),
        "clip": bundle.embed_fbanks([audio(it.audio) for it in items]),
        "crop": l2_normalize(bundle.embed_images(crops)) if crops else np.zeros((0, d), np.float32),
        "crop_owner": np.array(crop_owner, dtype=np.int64),
        "hum": bundle.embed_fbanks([audio(h) for _, h in hums]) if hums else np.zeros((0, d), np.float32),
        "hum_owner": np.array([o for o, _ in hums], dtype=np.int64),
    }
    return {k: v.astype(np.float32) if v.dtype.kind == "f" else v for k, v in out.items()}


def load_conditions(cond_dir: Path) -> dict[str, np.ndarray]:
    """The joined arrays (KINDS, crop_owner, hum_owner) and meta.json under "meta"."""
    out: dict = {k: np.load(cond_dir / f"{k}.npy") for k in (*KINDS, "crop_owner", "hum_owner")}
    out["meta"] = json.loads((cond_dir / "meta.json").read_text(encoding="utf-8"))
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(REPO / "data/corpus"))
    ap.add_argument("--encoder", default=str(DEFAULT_ENCODER))
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--part", type=int, default=100, help="items per resumable part")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit", type=int, default=0, help="only the first N items (tests)")
    args = ap.parse_args(argv)
    out, encoder_dir = Path(args.out), Path(args.encoder)
    items = read_manifest(args.corpus)
    if args.limit:
        items = items[:args.limit]
    if [it.index for it in items] != list(range(len(items))):
        raise SystemExit("manifest rows must be indexed 0..N-1 in order")
    meta = {"encoder": encoder_block(encoder_dir), "corpus": corpus_fingerprint(args.corpus), "items": len(items)}
    out.mkdir(parents=True, exist_ok=True)
    parts_dir = out / "parts"
    parts_dir.mkdir(exist_ok=True)
    pending_meta = out / "parts.json"
    if pending_meta.exists() and json.loads(pending_meta.read_text()) != meta:
        raise SystemExit(f"{parts_dir} was started with another encoder or corpus; remove it to start again")
    write_json_atomic(pending_meta, meta)

    bundle = OnnxBundle(encoder_dir, threads=args.threads)
    starts = range(0, len(items), args.part)
    started, done = time.time(), 0
    for n, start in enumerate(starts, 1):
        path = parts_dir / f"{start:05d}.npz"
        if path.exists():
            continue
        part = embed_part(bundle, items[start:start + args.part])
        tmp = path.with_name(f".{path.stem}.tmp.npz")
        np.savez(tmp, **part)
        tmp.replace(path)
        done += 1
        eta = (time.time() - started) / done * sum(not (parts_dir / f"{s:05d}.npz").exists() for s in starts)
        log(f"conditions: part {n}/{len(starts)} (items {start}-{start + len(part['index']) - 1}), "
            f"{time.time() - started:.0f}s, about {eta / 60:.1f} min left")

    parts = [np.load(parts_dir / f"{s:05d}.npz") for s in starts]
    for key in (*KINDS, "crop_owner", "hum_owner"):
        np.save(out / f"{key}.npy", np.concatenate([p[key] for p in parts]))
    meta["counts"] = {k: int(sum(p[k].shape[0] for p in parts)) for k in KINDS}
    meta["preprocessing"] = "muvis.runner.OnnxBundle: the bundle's own fbank/windows and image resize; every vector L2-normalised"
    write_json_atomic(out / "meta.json", meta)
    log(f"conditions: {meta['counts']} in {out}")


if __name__ == "__main__":
    main()
