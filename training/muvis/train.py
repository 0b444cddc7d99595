"""Train MuVis on a built ImMuTe corpus, export the bundle, evaluate it.

    npm run train:muvis -- --corpus data/corpus --out models/muvis-small [--config small]
        [--max-minutes 55] [--epochs N] [--batch-size N] [--seed N] [--patience N] [--caption-weight W]
        [--category-weight W] [--tag-weight W] [--head-scale S] [--hum-pairs N] [--hum-pair-weight W]
        [--init-from BUNDLE] [--freeze image|audio] [--anchor-weight W] [--image-patch N]
        [--lr X] [--precision auto|bf16|fp32] [--threads N] [--checkpoint FILE] [--no-eval]

Wiring only: the corpus's features and views (data, views, semantics, validation), the model and
where it starts (model, warmstart), the loop (loop, losses), the bundle (export), the test-split
evaluation (eval).
"""

from __future__ import annotations

import argparse
import copy
import sys
import time
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch

from common.corpus import Item, by_split, corpus_fingerprint, read_manifest
from common.runtime import git_commit, log, native_bf16, seed_everything
from muvis.config import MuvisConfig, preset
from muvis.data import CACHE_DIR, FbankCache, fbank_stats, load_features
from muvis.export import bundle_manifest, export_bundle
from muvis.features import FbankParams
from muvis.loop import Objective, Outcome, Trainer
from muvis.model import Muvis
from muvis.semantics import caption_categories, tag_matrix, tag_vocabulary
from muvis.validation import ValidationSet, validation_set
from muvis.views import AudioNorm, ViewSampler
from muvis.warmstart import WarmStartError, bundle_normalization, warm_start


def config_from_args(args: argparse.Namespace) -> MuvisConfig:
    if (args.freeze or (args.anchor_weight or 0) > 0) and not args.init_from:
        raise SystemExit("--freeze and --anchor-weight fine-tune a bundle: give --init-from BUNDLE")
    bf16 = {"bf16": True, "fp32": False, "auto": native_bf16()}[args.precision]
    return preset(args.config, image_patch=args.image_patch,
                  max_epochs=args.epochs, batch_size=args.batch_size, seed=args.seed, patience=args.patience,
                  caption_weight=args.caption_weight, category_weight=args.category_weight, tag_weight=args.tag_weight,
                  head_scale=args.head_scale, hum_pairs=args.hum_pairs, hum_pair_weight=args.hum_pair_weight,
                  freeze=args.freeze, anchor_weight=args.anchor_weight, lr=args.lr, threads=args.threads, bf16=bf16)


@dataclass
class TrainingData:
    items: list[Item]                   # the whole corpus
    train_items: list[Item]
    val_items: list[Item]
    params: FbankParams
    mean: float                         # the fbank normalisation the towers are trained with
    std: float
    sampler: ViewSampler
    categories: np.ndarray              # per training item: its caption category
    tags: np.ndarray                    # per training item: [vocabulary] 0/1
    val: ValidationSet | None


def load_data(corpus: Path, cache_dir: str, cfg: MuvisConfig, init_from: str | None) -> TrainingData:
    """The corpus's features, the fbank normalisation (a warm start keeps its bundle's), the view
    sampler over the train split, what its captions say, and the validation set."""
    params = FbankParams(numMelBins=cfg.audio.mel_bins)
    items = read_manifest(corpus)
    train_items, val_items = by_split(items, "train"), by_split(items, "val")
    if len(train_items) < 2:
        raise SystemExit(f"need at least 2 training items, corpus has {len(train_items)}")
    log(f"corpus {corpus}: {len(items)} items, {len(train_items)} train, {len(val_items)} val; config {cfg.name}")
    cache = FbankCache(cache_dir, params)
    train_feats = load_features(train_items, cache)
    val_feats = load_features(val_items, cache) if val_items else None
    mean, std = fbank_stats(train_feats.clips)
    log(f"fbank stats over train clips: mean {mean:.4f} std {std:.4f}")
    if init_from:
        mean, std = bundle_normalization(Path(init_from))
        log(f"keeping the start bundle's fbank normalisation: mean {mean:.4f} std {std:.4f}")
    norm = AudioNorm(mean, std, cfg.audio, params)
    vocab = tag_vocabulary(train_items)
    return TrainingData(
        items, train_items, val_items, params, mean, std,
        sampler=ViewSampler(train_items, train_feats, norm, cfg.image, cfg.train),
        categories=caption_categories(train_items, vocab), tags=tag_matrix(train_items, vocab),
        val=validation_set(val_items, val_feats, norm, cfg, vocab) if val_feats else None)


def start_model(cfg: MuvisConfig, init_from: str | None) -> tuple[Muvis, dict | None, Muvis | None]:
    """The model to train, from scratch or from a bundle (--init-from), with the frozen tower
    (--freeze) frozen; what the warm start read; and, for --anchor-weight, the start bundle as
    it was, frozen: the teacher the anchor holds the trained embeddings to."""
    tc = cfg.train
    model = Muvis(cfg)
    warm = warm_start(model, Path(init_from), tc.freeze) if init_from else None
    if warm:
        log(f"warm start from {init_from} ({warm['weights']}, trained at {warm['trainingCommit']})")
        if warm["imagePatchResized"]:
            log("image patches resized from {} to {} pixels".format(*warm["imagePatchResized"]))
    if tc.freeze:
        getattr(model, tc.freeze).requires_grad_(False)
        log(f"{tc.freeze} tower frozen: only the other tower (and the logit scale) train")
    teacher = start_bundle_model(model, cfg, init_from, warm) if tc.anchor_weight > 0 else None
    if teacher is not None:
        warm["anchorImagePatch"] = teacher.cfg.image.patch
    model.train()
    return model, warm, teacher


def start_bundle_model(model: Muvis, cfg: MuvisConfig, init_from: str, warm: dict) -> Muvis:
    """The --init-from bundle as it was, frozen. When its image patches were resized the copy of
    the warm-started model would be the resized tower, which is not what the bundle computes; the
    teacher then keeps the bundle's own patch size (only its embeddings are compared)."""
    if warm["imagePatchResized"]:
        teacher = Muvis(preset(cfg.name, image_patch=warm["imagePatchResized"][0]))
        warm_start(teacher, Path(init_from), cfg.train.freeze)
    else:
        teacher = copy.deepcopy(model)
    return teacher.eval().requires_grad_(False)


def training_record(args: argparse.Namespace, cfg: MuvisConfig, data: TrainingData, warm: dict | None,
                    outcome: Outcome, wall: float) -> dict:
    """The manifest's `training`: what the bundle was trained on, by which code and command."""
    tc = cfg.train
    return {
        "corpus": str(args.corpus), "corpusManifestSha256": corpus_fingerprint(args.corpus),
        "items": {"train": len(data.train_items), "val": len(data.val_items), "test": len(by_split(data.items, "test"))},
        "commit": git_commit(), "config": cfg.to_dict(), "seed": tc.seed,
        "command": "npm run train:muvis -- " + " ".join(sys.argv[1:]), "warmStart": warm,
        "device": f"cpu x{tc.threads} threads, bf16 autocast={tc.bf16}",
        "plannedEpochs": tc.max_epochs, "epochsRun": len(outcome.history), "bestEpoch": outcome.best_epoch,
        "stopReason": outcome.stop_reason, "bestValidation": outcome.best_val, "history": outcome.history,
        "wallSeconds": round(wall, 1),
    }


def train(args: argparse.Namespace) -> Path:
    started = time.time()
    cfg = config_from_args(args)
    tc = cfg.train
    seed_everything(tc.seed)
    torch.set_num_threads(tc.threads)
    data = load_data(Path(args.corpus), args.cache, cfg, args.init_from)
    model, warm, teacher = start_model(cfg, args.init_from)
    objective = Objective(tc, data.categories, data.tags, cfg.embedding_dim, teacher)
    outcome = Trainer(model, objective, data.sampler, len(data.train_items), args.log_every).fit(data.val, started, args.max_minutes)
    model.load_state_dict(outcome.best_state)
    model.eval()

    wall = time.time() - started
    manifest = bundle_manifest(Path(args.out).name, cfg, data.params, data.mean, data.std, model,
                               training_record(args, cfg, data, warm, outcome, wall))
    if warm and warm["imageArchitecture"]:  # a frozen ensemble stays the ensemble it was
        manifest["architecture"]["image"] = warm["imageArchitecture"]
    export_bundle(model, args.out, manifest)
    log(f"exported {args.out} ({wall / 60:.1f} min)")
    if args.checkpoint:
        torch.save({"config": cfg.to_dict(), "state": outcome.best_state, "mean": data.mean, "std": data.std}, args.checkpoint)
    return Path(args.out)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description="Train, export and evaluate a MuVis bundle.")
    ap.add_argument("--corpus", required=True, help="built corpus folder (with manifest.jsonl)")
    ap.add_argument("--out", required=True, help="bundle folder to write, e.g. models/muvis-small")
    ap.add_argument("--config", default="small", help="preset: small | tiny")
    ap.add_argument("--epochs", type=int, default=None)
    ap.add_argument("--batch-size", type=int, default=None)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--patience", type=int, default=None, help="epochs without a better validation score before stopping")
    ap.add_argument("--caption-weight", type=float, default=None,
                    help="share of each contrastive target spread over caption-agreeing items (0: exact pairs only)")
    ap.add_argument("--category-weight", type=float, default=None,
                    help="weight of the caption-category prototype loss on both towers (0: none)")
    ap.add_argument("--tag-weight", type=float, default=None, help="weight of the tag prototype loss on both towers (0: none)")
    ap.add_argument("--head-scale", type=float, default=None, help="fixed cosine scale of the caption heads")
    ap.add_argument("--hum-pairs", type=int, default=None,
                    help="items per batch given a second, hum view for the hum-pair loss (default 0: none)")
    ap.add_argument("--hum-pair-weight", type=float, default=None,
                    help="weight of the hum-pair loss: extra hums against the batch's audio views and images")
    ap.add_argument("--freeze", choices=("image", "audio"), default=None,
                    help="keep this tower as --init-from gave it and train the other one only")
    ap.add_argument("--anchor-weight", type=float, default=None,
                    help="weight of 1 - cos between the trained tower's non-hum embeddings and the --init-from bundle's (0: none)")
    ap.add_argument("--image-patch", type=int, default=None,
                    help="image patch size in pixels (default: the preset's, 32); with --init-from a bundle of "
                         "another patch size, its patch projection and position embeddings are resized")
    ap.add_argument("--lr", type=float, default=None, help="peak learning rate (default 8e-4)")
    ap.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto",
                    help="bf16 autocast or float32; auto: bf16 where the CPU has native bf16 (AVX512-BF16, AMX)")
    ap.add_argument("--init-from", default=None, metavar="BUNDLE",
                    help="start from this bundle's tower weights (its ONNX files, int8 dequantised) and logit scale")
    ap.add_argument("--threads", type=int, default=None,
                    help="PyTorch threads (default 2); sums may round differently with another count, so replay with the same")
    ap.add_argument("--max-minutes", type=float, default=None, help="stop starting epochs after this wall time")
    ap.add_argument("--cache", default=CACHE_DIR)
    ap.add_argument("--checkpoint", default=None, help="also save the best PyTorch state here")
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--no-eval", action="store_true", help="skip the test-split evaluation after export")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        bundle = train(args)
    except WarmStartError as err:
        raise SystemExit(f"error: cannot start from {args.init_from}: {err}") from None
    if not args.no_eval:
        from muvis.eval import evaluate_bundle

        evaluate_bundle(bundle, Path(args.corpus))


if __name__ == "__main__":
    main()
