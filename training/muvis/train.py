"""Train MuVis on a built ImMuTe corpus, export the bundle, evaluate it.

    npm run train:muvis -- --corpus data/corpus --out models/muvis-small [--config small]
        [--max-minutes 55] [--epochs N] [--batch-size N] [--seed N] [--caption-weight W]
        [--group-weight W] [--group-scale S] [--category-weight W] [--tag-weight W] [--head-scale S]
        [--hum-pairs N] [--hum-pair-weight W] [--freeze image|audio] [--anchor-weight W]
        [--lr X] [--precision auto|bf16|fp32] [--init-from BUNDLE] [--threads N] [--no-eval]
"""

from __future__ import annotations

import argparse
import copy
import json
import math
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch

from muvis.config import MuvisConfig, preset
from muvis.data import FbankCache, by_split, corpus_fingerprint, fbank_stats, load_features, read_manifest
from muvis.export import bundle_manifest, export_bundle, git_commit
from muvis.features import FbankParams, l2_normalize
from muvis.model import CaptionHeads, Muvis, anchor_loss, caption_head_loss, hum_pair_loss, training_loss
from muvis.retrieval import category_retrieval, recall_at_k
from muvis.semantics import caption_agreement, caption_categories, tag_matrix, tag_vocabulary
from muvis.views import AudioNorm, ViewSampler
from muvis.warmstart import WarmStartError, bundle_normalization, warm_start

REPO = Path(__file__).resolve().parents[2]


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def native_bf16() -> bool:
    """Whether this CPU computes bf16 natively (AVX512-BF16 or AMX). Without it autocast emulates
    bf16 and a step runs about 12x slower than in float32 (measured on a 2-core AVX2 EPYC)."""
    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")  # private, so looked up with care
    return any(getattr(torch.cpu, name, lambda: False)() for name in probes)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def param_groups(model: torch.nn.Module, weight_decay: float, heads: CaptionHeads | None = None) -> list[dict]:
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:  # a frozen tower (--freeze)
            continue
        (no_decay if p.ndim < 2 or "embeddings" in name or name == "logit_scale" else decay).append(p)
    if heads is not None:  # prototypes are used normalised: decay would only inflate their step size
        no_decay.extend(heads.parameters())
    return [{"params": decay, "weight_decay": weight_decay}, {"params": no_decay, "weight_decay": 0.0}]


def cosine_with_warmup(step: int, total: int, warmup: int) -> float:
    if step < warmup:
        return (step + 1) / max(1, warmup)
    progress = (step - warmup) / max(1, total - warmup)
    return 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))


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


def validate(model: Muvis, val: dict) -> dict:
    model.eval()
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=model.cfg.train.bf16):
        audio = embed_audio_windows(model, val["clip_windows"])
        image = embed_images(model, val["images"])
        hum = embed_audio_windows(model, val["hum_windows"]) if val["hum_windows"] else None
    model.train()
    result = {
        "music_to_image_r10": recall_at_k(audio, image, np.arange(len(audio)), 10),
        "image_to_music_r10": recall_at_k(image, audio, np.arange(len(image)), 10),
    }
    if hum is not None:
        result["hum_to_image_r10"] = recall_at_k(hum, image, val["hum_owner"], 10)
    # experiment (b)'s measure on whole clips: do images of the clip's caption category rank first?
    category_auroc = category_retrieval(audio, np.arange(len(audio)), image, val["categories"])["AUROC"]
    if category_auroc is not None:  # None when no validation category has both members and others
        result["music_to_image_category_auroc"] = category_auroc
    result["score"] = float(np.mean(list(result.values())))
    return result


def prepare_validation(items, feats, norm: AudioNorm, cfg: MuvisConfig, vocab: list[str]) -> dict:
    from PIL import Image
    from muvis.features import image_tensor

    clip_windows = [norm.windows(c.astype(np.float32)) for c in feats.clips]
    hum_windows, hum_owner = [], []
    for n, hums in enumerate(feats.hums):
        if hums:  # the first hum of each item: a fixed, reproducible query set
            hum_windows.append(norm.windows(hums[0].astype(np.float32)))
            hum_owner.append(n)
    images = np.stack([image_tensor(Image.fromarray(im), cfg.image.size, cfg.image.mean, cfg.image.std) for im in feats.images])
    return {"clip_windows": clip_windows, "hum_windows": hum_windows, "hum_owner": np.array(hum_owner), "images": images,
            "categories": caption_categories(items, vocab)}


def start_bundle_model(model: Muvis, args: argparse.Namespace, warm: dict) -> Muvis:
    """The --init-from bundle as it was, frozen. When its image patches were resized the copy of
    the warm-started model would be the resized tower, which is not what the bundle computes; the
    teacher then keeps the bundle's own patch size (only its embeddings are compared). Layers
    added by --image-layers start as identities, so they need no such care."""
    if warm["imagePatchResized"]:
        teacher = Muvis(preset(args.config, image_patch=warm["imagePatchResized"][0], image_layers=args.image_layers))
        warm_start(teacher, Path(args.init_from), args.freeze)
    else:
        teacher = copy.deepcopy(model)
    return teacher.eval().requires_grad_(False)


def train(args: argparse.Namespace) -> Path:
    started = time.time()
    cfg: MuvisConfig = preset(args.config, image_patch=args.image_patch, image_layers=args.image_layers,
                              max_epochs=args.epochs, batch_size=args.batch_size, seed=args.seed,
                              patience=args.patience, caption_weight=args.caption_weight,
                              group_weight=args.group_weight, group_scale=args.group_scale,
                              category_weight=args.category_weight, tag_weight=args.tag_weight, head_scale=args.head_scale,
                              hum_pairs=args.hum_pairs, hum_pair_weight=args.hum_pair_weight,
                              freeze=args.freeze, anchor_weight=args.anchor_weight,
                              lr=args.lr, threads=args.threads, bf16={"bf16": True, "fp32": False, "auto": native_bf16()}[args.precision])
    tc = cfg.train
    seed_everything(tc.seed)
    torch.set_num_threads(tc.threads)
    params = FbankParams(numMelBins=cfg.audio.mel_bins)

    items = read_manifest(args.corpus)
    train_items, val_items = by_split(items, "train"), by_split(items, "val")
    if len(train_items) < 2:
        raise SystemExit(f"need at least 2 training items, corpus has {len(train_items)}")
    log(f"corpus {args.corpus}: {len(items)} items, {len(train_items)} train, {len(val_items)} val; config {cfg.name}")
    cache = FbankCache(args.cache, params)
    train_feats = load_features(train_items, cache)
    val_feats = load_features(val_items, cache) if val_items else None
    mean, std = fbank_stats(train_feats.clips)
    log(f"fbank stats over train clips: mean {mean:.4f} std {std:.4f}")
    if args.init_from:
        mean, std = bundle_normalization(Path(args.init_from))
        log(f"keeping the start bundle's fbank normalisation: mean {mean:.4f} std {std:.4f}")
    norm = AudioNorm(mean, std, cfg.audio, params)
    sampler = ViewSampler(train_items, train_feats, norm, cfg.image, tc)
    vocab = tag_vocabulary(train_items)
    categories = caption_categories(train_items, vocab)
    tags = tag_matrix(train_items, vocab)
    val = prepare_validation(val_items, val_feats, norm, cfg, vocab) if val_feats else None

    model = Muvis(cfg)
    warm = warm_start(model, Path(args.init_from), tc.freeze) if args.init_from else None
    if warm:
        log(f"warm start from {args.init_from} ({warm['weights']}, trained at {warm['trainingCommit']})")
        if warm["imagePatchResized"]:
            log("image patches resized from {} to {} pixels".format(*warm["imagePatchResized"]))
        if warm["imageLayersGrown"]:
            log("image tower grown from {} to {} layers (the added ones start as identities)".format(*warm["imageLayersGrown"]))
    if (tc.freeze or tc.anchor_weight > 0) and not warm:
        raise SystemExit("--freeze and --anchor-weight fine-tune a bundle: give --init-from BUNDLE")
    if tc.freeze:
        getattr(model, tc.freeze).requires_grad_(False)
        log(f"{tc.freeze} tower frozen: only the other tower (and the logit scale) train")
    # the start bundle, fixed: where the trained tower's non-hum embeddings should stay (anchor_loss)
    teacher = start_bundle_model(model, args, warm) if tc.anchor_weight > 0 else None
    if teacher is not None:
        warm["anchorImagePatch"] = teacher.cfg.image.patch
    model.train()
    heads = None
    if tc.category_weight > 0 or tc.tag_weight > 0:
        category_names, category_index = np.unique(categories, return_inverse=True)
        category_ids = torch.from_numpy(category_index)
        heads = CaptionHeads(len(category_names), torch.from_numpy(tags.mean(axis=0)), cfg.embedding_dim, tc.head_scale)
        log(f"caption heads: {len(category_names)} categories, {len(vocab)} tags, weights {tc.category_weight:g} / {tc.tag_weight:g}")
    batch = min(tc.batch_size, len(train_items))
    steps_per_epoch = max(1, len(train_items) // batch)
    total_steps = steps_per_epoch * tc.max_epochs
    warmup = max(1, int(tc.warmup_fraction * total_steps))
    optimizer = torch.optim.AdamW(param_groups(model, tc.weight_decay, heads), lr=tc.lr, betas=(0.9, 0.98), eps=1e-6)
    # --max-minutes only stops before an epoch that would end past the deadline; the cosine
    # horizon stays max_epochs, so `--epochs N` replays a run exactly up to where it stopped.
    plan = {"epochs": tc.max_epochs}
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: cosine_with_warmup(s, plan["epochs"] * steps_per_epoch, warmup))
    rng = np.random.default_rng(tc.seed)
    deadline = started + args.max_minutes * 60 if args.max_minutes else None

    best = {"score": -1.0, "epoch": 0, "state": copy.deepcopy(model.state_dict()), "val": {}}
    history, step, stale, stop_reason = [], 0, 0, "planned epochs done"
    train_started = time.time()
    prefetch = ThreadPoolExecutor(max_workers=1)
    epoch = 0
    while epoch < plan["epochs"]:
        epoch += 1
        order = rng.permutation(len(train_items))
        epoch_loss, epoch_started = 0.0, time.time()
        # The next batch's views are cut on a helper thread while this one trains (numpy and
        # PIL release the GIL); one worker keeps the rng draws in a fixed order.
        next_batch = prefetch.submit(sampler.batch, order[:batch], rng)
        for b in range(steps_per_epoch):
            views = next_batch.result()
            members = order[b * batch:(b + 1) * batch]
            agreement = torch.from_numpy(caption_agreement(categories[members], tags[members]))
            if b + 1 < steps_per_epoch:
                next_batch = prefetch.submit(sampler.batch, order[(b + 1) * batch:(b + 2) * batch], rng)
            n_pairs = len(views.pair_owner)
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=tc.bf16):
                audio_in = np.concatenate([views.audio, views.pair_hums]) if n_pairs else views.audio
                with torch.set_grad_enabled(tc.freeze != "audio"):
                    ea_all = model.audio(torch.from_numpy(audio_in))
                ea, eh = ea_all[:len(members)], ea_all[len(members):]
                with torch.set_grad_enabled(tc.freeze != "image"):
                    ei = model.image(torch.from_numpy(views.image))
                anchors = []  # (embeddings being trained, where the start bundle puts the same views)
                if teacher is not None:
                    music_views = ~views.is_hum
                    if tc.freeze != "audio":
                        with torch.no_grad():
                            target = teacher.audio(torch.from_numpy(views.audio[music_views]))
                        anchors.append((ea[torch.from_numpy(music_views)], target))
                    if tc.freeze != "image":
                        with torch.no_grad():
                            target = teacher.image(torch.from_numpy(views.image))
                        anchors.append((ei, target))
            loss = training_loss(ea, ei, model.scale(), agreement, tc.caption_weight, tc.group_weight, tc.group_scale)
            if n_pairs:
                loss = loss + tc.hum_pair_weight * hum_pair_loss(
                    eh, ea, ei, torch.from_numpy(views.pair_owner), model.scale())
            if heads is not None:
                loss = loss + caption_head_loss(heads, ea, ei, torch.from_numpy(~views.is_hum), category_ids[members],
                                                torch.from_numpy(tags[members]), tc.category_weight, tc.tag_weight)
            for student, target in anchors:
                loss = loss + tc.anchor_weight * anchor_loss(student, target)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            step += 1
            epoch_loss += loss.item()
            if step % args.log_every == 0 or b == steps_per_epoch - 1:
                per_step = (time.time() - train_started) / step
                eta = per_step * (plan["epochs"] * steps_per_epoch - step)
                log(f"epoch {epoch}/{plan['epochs']} step {b + 1}/{steps_per_epoch} loss {loss.item():.4f} "
                    f"scale {model.scale().item():.1f} lr {scheduler.get_last_lr()[0]:.2e} "
                    f"{per_step:.2f}s/step eta(all epochs) {eta / 60:.1f} min")
        record = {"epoch": epoch, "loss": epoch_loss / steps_per_epoch, "seconds": round(time.time() - epoch_started, 1)}
        if val:
            record["val"] = validate(model, val)
            score = record["val"]["score"]
        else:
            score = -record["loss"]
        history.append(record)
        log(f"epoch {epoch} done: {json.dumps(record)}")
        if score > best["score"]:
            best = {"score": score, "epoch": epoch, "state": copy.deepcopy(model.state_dict()), "val": record.get("val", {})}
            stale = 0
        else:
            stale += 1
            if stale >= tc.patience:
                stop_reason = f"early stop: no better validation score for {tc.patience} epochs"
                break
        if deadline:
            epoch_seconds = time.time() - epoch_started
            if epoch < plan["epochs"] and time.time() + epoch_seconds > deadline:
                stop_reason = f"wall-clock cap of {args.max_minutes} min"
                break
    prefetch.shutdown()
    log(f"training stopped ({stop_reason}); best epoch {best['epoch']} score {best['score']:.4f}")
    model.load_state_dict(best["state"])
    model.eval()

    wall = time.time() - started
    name = Path(args.out).name
    training = {
        "corpus": str(args.corpus), "corpusManifestSha256": corpus_fingerprint(args.corpus),
        "items": {"train": len(train_items), "val": len(val_items), "test": len(by_split(items, "test"))},
        "commit": git_commit(REPO), "config": cfg.to_dict(), "seed": tc.seed,
        "command": "npm run train:muvis -- " + " ".join(sys.argv[1:]), "warmStart": warm,
        "device": f"cpu x{tc.threads} threads, bf16 autocast={tc.bf16}",
        "plannedEpochs": plan["epochs"], "epochsRun": len(history), "bestEpoch": best["epoch"], "stopReason": stop_reason,
        "bestValidation": best["val"], "history": history, "wallSeconds": round(wall, 1),
    }
    manifest = bundle_manifest(name, cfg, params, mean, std, model, training)
    if warm and warm["imageArchitecture"]:  # a frozen ensemble stays the ensemble it was
        manifest["architecture"]["image"] = warm["imageArchitecture"]
    export_bundle(model, args.out, manifest)
    log(f"exported {args.out} ({wall / 60:.1f} min)")
    if args.checkpoint:
        torch.save({"config": cfg.to_dict(), "state": best["state"], "mean": mean, "std": std}, args.checkpoint)
    return Path(args.out)


def main(argv: list[str] | None = None) -> None:
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
    ap.add_argument("--group-weight", type=float, default=None,
                    help="weight of the low-scale term whose targets are the caption agreement alone (0: none)")
    ap.add_argument("--group-scale", type=float, default=None, help="fixed logit scale of that term")
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
    ap.add_argument("--image-layers", type=int, default=None,
                    help="image encoder layers (default: the preset's, 3); with --init-from a shallower bundle, "
                         "the added layers go on top and start as identities")
    ap.add_argument("--lr", type=float, default=None, help="peak learning rate (default 8e-4)")
    ap.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto",
                    help="bf16 autocast or float32; auto: bf16 where the CPU has native bf16 (AVX512-BF16, AMX)")
    ap.add_argument("--init-from", default=None, metavar="BUNDLE",
                    help="start from this bundle's tower weights (its ONNX files, int8 dequantised) and logit scale")
    ap.add_argument("--threads", type=int, default=None,
                    help="PyTorch threads (default 2); sums may round differently with another count, so replay with the same")
    ap.add_argument("--max-minutes", type=float, default=None, help="stop starting epochs after this wall time")
    ap.add_argument("--cache", default=os.environ.get("MUVIS_CACHE", str(REPO / "data/cache/muvis")))
    ap.add_argument("--checkpoint", default=None, help="also save the best PyTorch state here")
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--no-eval", action="store_true", help="skip the test-split evaluation after export")
    args = ap.parse_args(argv)
    try:
        bundle = train(args)
    except WarmStartError as err:
        raise SystemExit(f"error: cannot start from {args.init_from}: {err}") from None
    if not args.no_eval:
        from muvis.eval import evaluate_bundle

        evaluate_bundle(bundle, Path(args.corpus))


if __name__ == "__main__":
    main()
