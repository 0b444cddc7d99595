"""The MuVis training loop: AdamW with linear warm-up and a cosine schedule, the loss of one batch
of views, epochs scored on the val split, the best epoch kept, early stopping and a wall-clock cap.

Everything random is drawn in a fixed order from generators seeded by the config, so a command
replays its run to the last digit on the same CPU and thread count."""

from __future__ import annotations

import copy
import json
import math
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import torch

from common.runtime import log

from .config import TrainConfig
from .losses import CaptionHeads, anchor_loss, caption_head_loss, contrastive_loss, hum_pair_loss
from .model import Muvis
from .semantics import caption_agreement
from .validation import ValidationSet, validate
from .views import Batch, ViewSampler


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


@dataclass
class Objective:
    """What a step minimises: the caption-weighted contrastive loss, plus the caption heads, the
    hum pairs and the anchor to the start bundle where the config turns them on."""

    cfg: TrainConfig
    categories: np.ndarray              # per training item: its caption category
    tags: np.ndarray                    # per training item: [vocabulary] 0/1
    embedding_dim: int
    teacher: Muvis | None = None        # the start bundle, frozen: where the anchor holds embeddings
    heads: CaptionHeads | None = field(init=False, default=None)
    category_ids: torch.Tensor | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        tc = self.cfg
        if tc.category_weight > 0 or tc.tag_weight > 0:
            names, index = np.unique(self.categories, return_inverse=True)
            self.category_ids = torch.from_numpy(index)
            self.heads = CaptionHeads(len(names), torch.from_numpy(self.tags.mean(axis=0)), self.embedding_dim, tc.head_scale)
            log(f"caption heads: {len(names)} categories, {self.tags.shape[1]} tags, weights {tc.category_weight:g} / {tc.tag_weight:g}")

    def loss(self, model: Muvis, views: Batch, members: np.ndarray) -> torch.Tensor:
        tc = self.cfg
        agreement = torch.from_numpy(caption_agreement(self.categories[members], self.tags[members]))
        n_pairs = len(views.pair_owner)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=tc.bf16):
            audio_in = np.concatenate([views.audio, views.pair_hums]) if n_pairs else views.audio
            with torch.set_grad_enabled(tc.freeze != "audio"):
                ea_all = model.audio(torch.from_numpy(audio_in))
            ea, eh = ea_all[:len(members)], ea_all[len(members):]
            with torch.set_grad_enabled(tc.freeze != "image"):
                ei = model.image(torch.from_numpy(views.image))
            anchors = self._anchors(views, ea, ei)
        loss = contrastive_loss(ea, ei, model.scale(), agreement, tc.caption_weight)
        if n_pairs:
            loss = loss + tc.hum_pair_weight * hum_pair_loss(eh, ea, ei, torch.from_numpy(views.pair_owner), model.scale())
        if self.heads is not None:
            loss = loss + caption_head_loss(self.heads, ea, ei, torch.from_numpy(~views.is_hum), self.category_ids[members],
                                            torch.from_numpy(self.tags[members]), tc.category_weight, tc.tag_weight)
        for student, target in anchors:
            loss = loss + tc.anchor_weight * anchor_loss(student, target)
        return loss

    def _anchors(self, views: Batch, audio: torch.Tensor, image: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """(embeddings being trained, where the start bundle puts the same views): the trained
        towers' non-hum views; hums are what a fine-tune is free to move."""
        if self.teacher is None:
            return []
        anchors = []
        music_views = ~views.is_hum
        if self.cfg.freeze != "audio":
            with torch.no_grad():
                target = self.teacher.audio(torch.from_numpy(views.audio[music_views]))
            anchors.append((audio[torch.from_numpy(music_views)], target))
        if self.cfg.freeze != "image":
            with torch.no_grad():
                target = self.teacher.image(torch.from_numpy(views.image))
            anchors.append((image, target))
        return anchors


@dataclass
class Outcome:
    history: list[dict]                 # per epoch: mean loss, seconds, validation figures
    best_epoch: int
    best_score: float
    best_state: dict                    # the model's state_dict at the best epoch
    best_val: dict
    stop_reason: str


class Trainer:
    """Epochs of shuffled batches over the training items, each batch's views cut on a helper
    thread while the previous batch trains."""

    def __init__(self, model: Muvis, objective: Objective, sampler: ViewSampler, n_items: int, log_every: int):
        tc = objective.cfg
        self.model, self.objective, self.sampler, self.cfg, self.log_every = model, objective, sampler, tc, log_every
        self.n_items = n_items
        self.batch = min(tc.batch_size, n_items)
        self.steps_per_epoch = max(1, n_items // self.batch)
        total_steps = self.steps_per_epoch * tc.max_epochs
        warmup = max(1, int(tc.warmup_fraction * total_steps))
        self.optimizer = torch.optim.AdamW(param_groups(model, tc.weight_decay, objective.heads), lr=tc.lr,
                                           betas=(0.9, 0.98), eps=1e-6)
        # --max-minutes only stops before an epoch that would end past the deadline; the cosine
        # horizon stays max_epochs, so `--epochs N` replays a run exactly up to where it stopped.
        self.scheduler = torch.optim.lr_scheduler.LambdaLR(self.optimizer, lambda s: cosine_with_warmup(s, total_steps, warmup))
        self.rng = np.random.default_rng(tc.seed)
        self.prefetch = ThreadPoolExecutor(max_workers=1)
        self.steps_done = 0
        self.train_started = time.time()

    def fit(self, val: ValidationSet | None, started: float, max_minutes: float | None) -> Outcome:
        """Train up to max_epochs; stop early after `patience` epochs without a better validation
        score (without val items: a lower loss), or before an epoch that would end past
        ``started + max_minutes``."""
        tc = self.cfg
        deadline = started + max_minutes * 60 if max_minutes else None
        out = Outcome([], 0, -1.0, copy.deepcopy(self.model.state_dict()), {}, "planned epochs done")
        stale = 0
        self.train_started = time.time()
        for epoch in range(1, tc.max_epochs + 1):
            epoch_started = time.time()
            record = {"epoch": epoch, "loss": self.epoch(epoch), "seconds": round(time.time() - epoch_started, 1)}
            if val:
                record["val"] = validate(self.model, val)
                score = record["val"]["score"]
            else:
                score = -record["loss"]
            out.history.append(record)
            log(f"epoch {epoch} done: {json.dumps(record)}")
            if score > out.best_score:
                out.best_score, out.best_epoch, out.best_val = score, epoch, record.get("val", {})
                out.best_state = copy.deepcopy(self.model.state_dict())
                stale = 0
            else:
                stale += 1
                if stale >= tc.patience:
                    out.stop_reason = f"early stop: no better validation score for {tc.patience} epochs"
                    break
            if deadline and epoch < tc.max_epochs:
                now = time.time()
                if now + (now - epoch_started) > deadline:  # the next epoch would end past it
                    out.stop_reason = f"wall-clock cap of {max_minutes} min"
                    break
        self.prefetch.shutdown()
        log(f"training stopped ({out.stop_reason}); best epoch {out.best_epoch} score {out.best_score:.4f}")
        return out

    def epoch(self, epoch: int) -> float:
        """One pass over the training items in a fresh order; the mean loss of its steps. The next
        batch's views are cut on the helper thread while this one trains (numpy and PIL release
        the GIL); one worker keeps the rng draws in a fixed order."""
        order = self.rng.permutation(self.n_items)
        batches = [order[b * self.batch:(b + 1) * self.batch] for b in range(self.steps_per_epoch)]
        total = 0.0
        next_views = self.prefetch.submit(self.sampler.batch, batches[0], self.rng)
        for b, members in enumerate(batches):
            views = next_views.result()
            if b + 1 < len(batches):
                next_views = self.prefetch.submit(self.sampler.batch, batches[b + 1], self.rng)
            loss = self.step(views, members)
            total += loss
            if self.steps_done % self.log_every == 0 or b == len(batches) - 1:
                self._log_progress(epoch, b, loss)
        return total / self.steps_per_epoch

    def step(self, views: Batch, members: np.ndarray) -> float:
        loss = self.objective.loss(self.model, views, members)
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
        self.optimizer.step()
        self.scheduler.step()
        self.steps_done += 1
        return loss.item()

    def _log_progress(self, epoch: int, b: int, loss: float) -> None:
        tc = self.cfg
        per_step = (time.time() - self.train_started) / self.steps_done
        eta = per_step * (tc.max_epochs * self.steps_per_epoch - self.steps_done)
        log(f"epoch {epoch}/{tc.max_epochs} step {b + 1}/{self.steps_per_epoch} loss {loss:.4f} "
            f"scale {self.model.scale().item():.1f} lr {self.scheduler.get_last_lr()[0]:.2e} "
            f"{per_step:.2f}s/step eta(all epochs) {eta / 60:.1f} min")
