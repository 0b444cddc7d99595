"""Validation loss of an Imagic model on the val split: each item's first window (crop_at_bar with
no rng), per condition kind, over all targets and apart over the attribute prefix (tempo, key,
mode, meter, style, instruments, density: what the condition should decide) and the body.

    python3 training/imagic/validation.py --checkpoint data/imagic/runs/imagic-small/last.pt [--items 200] [--kinds image,none]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch
import torch.nn.functional as F

from common.runtime import REPO

from imagic.data import Conditions, Sequence, collate, crop_at_bar
from imagic.model import PAD_TOKEN, Imagic

KINDS = ("image", "crop", "hum", "clip", "none")


def _condition(conds: Conditions, index: int, kind: str) -> tuple[np.ndarray, float]:
    if kind == "none":
        return np.zeros(conds.dim, np.float32), 0.0
    return conds.choices(index)[kind][0], 1.0


@torch.no_grad()
def validate(model: Imagic, seqs: list[Sequence], conds: Conditions, bar: int, batch_tokens: int,
             kinds: tuple[str, ...] = ("image", "none")) -> dict:
    """Per kind ("none": the null condition): mean next-token loss in nats and its perplexity over
    all targets, and the mean loss over the attribute prefix's targets (after COND, before the first
    Bar) and over the rest."""
    was_training = model.training
    model.eval()
    windows = [crop_at_bar(s.tokens, bar, model.cfg.max_context, None) for s in seqs]
    order = np.argsort([len(w) for w in windows], kind="stable")
    out = {}
    for kind in kinds:
        sums = {"all": [0.0, 0], "prefix": [0.0, 0], "body": [0.0, 0]}
        i = 0
        while i < len(order):
            j = i + 1
            while j < len(order) and (j - i + 1) * len(windows[order[j]]) <= batch_tokens:
                j += 1
            idx = order[i:j]
            vecs, masks = zip(*(_condition(conds, seqs[k].index, kind) for k in idx))
            batch = collate([windows[k] for k in idx], list(vecs), list(masks), [kind] * len(idx), bar)
            logits = model(batch.tokens, batch.cond, batch.cond_mask)
            nll = F.cross_entropy(logits.flatten(0, 1), batch.targets.flatten(), ignore_index=PAD_TOKEN,
                                  reduction="none").view(batch.targets.shape)
            valid = batch.targets != PAD_TOKEN
            prefix = valid & batch.prefix
            for name, m in (("all", valid), ("prefix", prefix), ("body", valid & ~prefix)):
                sums[name][0] += float(nll[m].sum())
                sums[name][1] += int(m.sum())
            i = j
        mean = {k: s / max(n, 1) for k, (s, n) in sums.items()}
        out[kind] = {"loss": mean["all"], "perplexity": math.exp(mean["all"]), "tokens": sums["all"][1],
                     "prefixLoss": mean["prefix"], "bodyLoss": mean["body"]}
    model.train(was_training)
    return out


def main(argv: list[str] | None = None) -> None:
    from imagic.conditions import DEFAULT_OUT, load_conditions
    from imagic.data import read_tokens
    from imagic.export import load_checkpoint

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checkpoint", required=True)
    ap.add_argument("--tokens", default=str(REPO / "data/imagic/tokens"))
    ap.add_argument("--cond", default=str(DEFAULT_OUT))
    ap.add_argument("--items", type=int, default=200)
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--split", default="val")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    model, _ = load_checkpoint(Path(args.checkpoint))
    tf = read_tokens(Path(args.tokens))
    conds = Conditions(load_conditions(Path(args.cond)))
    seqs = [s for s in tf.sequences if s.split == args.split][:args.items or None]
    res = validate(model, seqs, conds, tf.bar_token, 8192, tuple(args.kinds.split(",")))
    print(json.dumps({"checkpoint": args.checkpoint, "split": args.split, "items": len(seqs), "losses": res}, indent=2))


if __name__ == "__main__":
    main()
