"""CI smoke run of MusIm's training side: tiny autoencoder and tiny denoiser, about one epoch each
over a few dozen pictures, exported as a bundle (under 2 minutes on 2 cores).

    python3 training/musim/smoke.py --out DIR [--corpus CORPUS --cond COND] [--work DIR]

With --corpus (a small built corpus) and --cond (training/imagic/conditions.py --corpus CORPUS
--limit N) it trains on them; without, on 48 generated pictures with random unit conditions (the
bundle then only proves the pipeline, not the data).
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
import tempfile
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from common.runtime import log, write_json_atomic

from imagic.export import DEFAULT_ENCODER, encoder_block
from musim import pictures as pictures_mod
from musim import train_autoencoder, train_denoiser
from musim.export import smooth_pictures

GENERATED = 48


def generated_pictures(folder: Path) -> None:
    """48 stand-in pictures split 40/4/4 as a corpus would be, in pictures.py's layout."""
    imgs = ((smooth_pictures(GENERATED, seed=3).permute(0, 2, 3, 1).numpy() + 1) * 127.5).round().astype(np.uint8)
    splits = {"train": range(0, 40), "val": range(40, 44), "test": range(44, 48)}
    for split, rows in splits.items():
        np.save(folder / f"corpus-{split}.npy", imgs[list(rows)])
    write_json_atomic(folder / "pictures.json", {"corpus": {"fingerprint": "generated", **{s: list(r) for s, r in splits.items()}}})


def random_conditions(folder: Path, items: int, dim: int, encoder: dict) -> None:
    rng = np.random.default_rng(0)
    unit = lambda n: (lambda x: x / np.linalg.norm(x, axis=1, keepdims=True))(rng.standard_normal((n, dim)).astype(np.float32))  # noqa: E731
    np.save(folder / "clip.npy", unit(items))
    np.save(folder / "hum.npy", unit(items))
    np.save(folder / "hum_owner.npy", np.arange(items, dtype=np.int64))
    write_json_atomic(folder / "meta.json", {"encoder": encoder, "corpus": "generated", "items": items,
                                             "note": "random unit vectors (smoke run without a corpus)"})


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--corpus")
    ap.add_argument("--cond")
    ap.add_argument("--encoder", default=str(DEFAULT_ENCODER))
    ap.add_argument("--work", help="keep the intermediate files here (default: a temp folder, removed)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    if bool(args.corpus) != bool(args.cond):
        ap.error("give --corpus and --cond together, or neither")
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="musim-smoke-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        pics, cond = work / "pictures", Path(args.cond) if args.cond else work / "cond"
        pics.mkdir(exist_ok=True)
        if args.corpus:
            write_json_atomic(pics / "pictures.json", {"corpus": pictures_mod.build_corpus(Path(args.corpus), pics)})
        else:
            generated_pictures(pics)
            cond.mkdir(exist_ok=True)
            random_conditions(cond, GENERATED, 128, encoder_block(Path(args.encoder)))
        n_train = len(np.load(pics / "corpus-train.npy", mmap_mode="r"))
        common = ["--threads", str(args.threads), "--precision", "fp32", "--log-every", "5"]
        log(f"smoke: {n_train} train pictures in {work}")
        train_autoencoder.main(["--pictures", str(pics), "--config", "tiny", "--run", str(work / "ae"),
                                "--steps", str(max(4, math.ceil(n_train / 8))), "--batch", "8", "--crop", "64",
                                "--warmup", "2", "--lr", "2e-3", "--eval-items", "8", "--calibrate-items", "32", *common])
        train_denoiser.main(["--autoencoder", str(work / "ae/last.pt"), "--pictures", str(pics), "--cond", str(cond),
                             "--encoder", args.encoder, "--config", "tiny", "--run", str(work / "denoiser"),
                             "--steps", str(max(4, math.ceil(n_train / 16))), "--batch", "16", "--warmup", "2",
                             "--lr", "2e-3", "--val-items", "8", "--out", args.out, *common])
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
