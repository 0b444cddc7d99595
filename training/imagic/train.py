"""Train Imagic on the exported token files and the cached MuVis conditions, export the bundle.

    npm run train:imagic -- [--config small|tiny] [--d-model N --layers N --heads N --head-dim N --ffn N
        --max-context N] [--epochs E] [--batch-tokens N] [--lr X] [--seed N] [--threads N]
        [--max-minutes M] [--checkpoint-minutes M] [--resume] [--run DIR] [--out BUNDLE]
        [--p-image P --p-crop P --p-hum P --p-clip P --cond-dropout P] [--limit N] [--no-export]

Data: data/imagic/tokens (`npm run tokens -- --corpus data/corpus --out data/imagic/tokens`) and
data/imagic/cond (`python3 training/imagic/conditions.py`), train split; long items cropped at a
Bar with the attribute prefix kept (data.crop_at_bar). Each example gets one condition, drawn by
--p-* among the item's image, its crops, its hums and its own clip, or none (--cond-dropout, the
null condition for classifier-free guidance). Loss: next-token cross-entropy over every non-PAD
target. AdamW, linear warm-up then cosine to --min-lr-ratio, gradient clipping at 1. The state is
checkpointed to RUN/last.pt every --checkpoint-minutes and after each epoch; --resume continues it
exactly (batches and draws are seeded by (seed, epoch, batch)). --max-minutes stops the run (wall
time summed over resumes; the schedule stays --epochs, so a resume without the cap goes on where
it stopped) and exports what it has. Validation each epoch on the val split (its first --val-items
items): the first window of each item, with its image as condition and with none; at the end also
with a crop, a hum and its own clip.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch
import torch.nn.functional as F

from common.runtime import REPO, cpu_name, git_commit, log, native_bf16, seed_everything

from imagic.conditions import DEFAULT_OUT as DEFAULT_COND, load_conditions
from imagic.data import ConditionMix, Conditions, epoch_batches, make_batch, read_tokens
from imagic.export import DEFAULT_ENCODER, encoder_block, write_bundle
from imagic.model import PAD_TOKEN, PRESETS, Imagic, ImagicConfig, parameter_count
from imagic.validation import validate


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tokens", default=str(REPO / "data/imagic/tokens"))
    ap.add_argument("--cond", default=str(DEFAULT_COND))
    ap.add_argument("--encoder", default=str(DEFAULT_ENCODER), help="the MuVis bundle the conditions came from")
    ap.add_argument("--out", default=str(REPO / "data/imagic/bundles/imagic-small"))
    ap.add_argument("--name", help="bundle name (default: the out folder's name)")
    ap.add_argument("--run", help="checkpoint folder (default data/imagic/runs/<bundle name>)")
    ap.add_argument("--config", default="small", choices=sorted(PRESETS))
    for flag in ("d-model", "layers", "heads", "head-dim", "ffn", "max-context"):
        ap.add_argument(f"--{flag}", type=int)
    ap.add_argument("--dropout", type=float)
    ap.add_argument("--epochs", type=float, default=2.0, help="schedule length; fractions allowed")
    ap.add_argument("--batch-tokens", type=int, default=8192, help="padded tokens per batch")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--min-lr-ratio", type=float, default=0.1)
    ap.add_argument("--warmup", type=float, default=0.04, help="share of the steps")
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--prefix-weight", type=float, default=1.0,
                    help="loss weight of the attribute-prefix targets (tempo ... density) against 1 for the rest")
    ap.add_argument("--init-from", help="start from this checkpoint's weights (fresh optimizer and schedule)")
    mix = ConditionMix()
    for kind in ("image", "crop", "hum", "clip"):
        ap.add_argument(f"--p-{kind}", type=float, default=getattr(mix, kind))
    ap.add_argument("--cond-dropout", type=float, default=mix.dropout)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-minutes", type=float)
    ap.add_argument("--time-schedule", action="store_true",
                    help="with --max-minutes: the cosine runs over wall time (ends at the cap) instead of over the "
                         "steps of --epochs, which then only bounds the run; for a CPU shared with other work")
    ap.add_argument("--checkpoint-minutes", type=float, default=5.0)
    ap.add_argument("--log-every", type=int, default=20)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--val-items", type=int, default=200, help="validate on the first N val-split items (0: all)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N token lines (tests)")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto",
                    help="bf16 autocast (norms and the loss in float32) or float32; auto: bf16 where the CPU has native "
                         "bf16 (AVX512-BF16, AMX: about 3x the tokens a second), else float32")
    return ap.parse_args(argv)


def model_config(args: argparse.Namespace, vocab_size: int, cond_dim: int) -> ImagicConfig:
    over = {k: getattr(args, k) for k in ("d_model", "layers", "heads", "head_dim", "ffn", "max_context", "dropout")
            if getattr(args, k) is not None}
    return replace(PRESETS[args.config], vocab=vocab_size, cond_dim=cond_dim, **over)


def same_shape(saved: dict, cfg: ImagicConfig) -> bool:
    """Whether a checkpoint's config has this model's shape (dropout is training-only)."""
    ignore = ("dropout",)
    return {k: v for k, v in saved.items() if k not in ignore} == {k: v for k, v in cfg.to_dict().items() if k not in ignore}


def schedule(step: int, total: int, warmup: int, min_ratio: float) -> float:
    if step < warmup:
        return (step + 1) / max(1, warmup)
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return min_ratio + (1 - min_ratio) * 0.5 * (1 + math.cos(math.pi * progress))


def param_groups(model: Imagic, weight_decay: float) -> list[dict]:
    """Decay on the Linear weights only (not embeddings, positions, norms, biases, the null vector)."""
    decay, rest = [], []
    for name, p in model.named_parameters():
        (decay if p.ndim == 2 and not name.startswith(("tok.", "pos.")) else rest).append(p)
    return [{"params": decay, "weight_decay": weight_decay}, {"params": rest, "weight_decay": 0.0}]


def batch_loss(model: Imagic, batch, prefix_weight: float = 1.0, bf16: bool = False) -> tuple[torch.Tensor, int]:
    """Mean next-token cross-entropy over the non-PAD targets; attribute-prefix targets count
    ``prefix_weight`` times (they are about 2 % of the tokens but carry most of what the condition
    decides)."""
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        logits = model(batch.tokens, batch.cond, batch.cond_mask)
    logits = logits.float()
    n = int((batch.targets != PAD_TOKEN).sum())
    nll = F.cross_entropy(logits.flatten(0, 1), batch.targets.flatten(), ignore_index=PAD_TOKEN, reduction="none")
    if prefix_weight != 1.0:
        nll = nll * (1.0 + (prefix_weight - 1.0) * batch.prefix.flatten().float())
    return nll.sum() / max(n, 1), n


def save_checkpoint(path: Path, model: Imagic, opt, state: dict, extra: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    torch.save({"config": model.cfg.to_dict(), "model": model.state_dict(), "optimizer": opt.state_dict(),
                "state": state, **extra}, tmp)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    bf16 = {"bf16": True, "fp32": False, "auto": native_bf16()}[args.precision]
    out = Path(args.out)
    name = args.name or out.name
    run_dir = Path(args.run) if args.run else REPO / "data/imagic/runs" / name
    run_dir.mkdir(parents=True, exist_ok=True)
    ckpt_path = run_dir / "last.pt"

    tf = read_tokens(Path(args.tokens), args.limit)
    arrays = load_conditions(Path(args.cond))
    conds = Conditions(arrays)
    pinned = encoder_block(Path(args.encoder))
    if arrays["meta"]["encoder"] != pinned:
        raise SystemExit(f"{args.cond} was embedded with {arrays['meta']['encoder']}, not the encoder {args.encoder}")
    train = [s for s in tf.sequences if s.split == "train" and s.index < len(conds.image)]
    val = [s for s in tf.sequences if s.split == "val" and s.index < len(conds.image)]
    if args.val_items:
        val = val[:args.val_items]
    if not train:
        raise SystemExit("no training sequences with conditions")
    cfg = model_config(args, int(tf.vocab["size"]), conds.dim)
    mix = ConditionMix(args.p_image, args.p_crop, args.p_hum, args.p_clip, args.cond_dropout)
    model = Imagic(cfg)
    opt = torch.optim.AdamW(param_groups(model, args.weight_decay), lr=args.lr, betas=(0.9, 0.95), eps=1e-8)

    lengths = np.array([min(len(s.tokens), cfg.max_context) for s in train])
    n_epochs = math.ceil(args.epochs)
    plans = [epoch_batches(lengths, args.batch_tokens, np.random.default_rng([args.seed, e])) for e in range(n_epochs)]
    steps_in = [len(p) if e + 1 <= args.epochs else int(len(p) * (args.epochs - e)) for e, p in enumerate(plans)]
    total_steps, warmup = sum(steps_in), max(1, int(args.warmup * sum(steps_in)))

    state = {"step": 0, "epoch": 0, "batch": 0, "wall": 0.0, "tokens": 0, "history": [], "complete": False,
             "epochLoss": 0.0, "epochTokens": 0}
    if args.resume and ckpt_path.exists():
        ck = torch.load(ckpt_path, map_location="cpu", weights_only=False)
        if ck["config"] != cfg.to_dict():
            raise SystemExit(f"{ckpt_path} has another model config: {ck['config']}")
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["optimizer"])
        state = ck["state"]
        log(f"resumed {ckpt_path}: epoch {state['epoch']}, batch {state['batch']}, step {state['step']}, {state['wall'] / 60:.1f} min")
    elif ckpt_path.exists() and not args.resume:
        raise SystemExit(f"{ckpt_path} exists: give --resume to continue it, or another --run")
    if args.init_from and state["step"] == 0:
        ck = torch.load(args.init_from, map_location="cpu", weights_only=False)
        if not same_shape(ck["config"], cfg):
            raise SystemExit(f"{args.init_from} has another model shape: {ck['config']}")
        model.load_state_dict(ck["model"])
        t = ck.get("training", {})
        init_from = {"checkpoint": str(args.init_from), "commit": t.get("commit"), "steps": t.get("steps"),
                     "tokensSeen": t.get("tokensSeen"), "wallSeconds": t.get("wallSeconds"), "flags": t.get("flags"),
                     "history": t.get("history")}
        state["initFrom"] = init_from
        log(f"weights from {args.init_from} ({t.get('steps')} steps, {t.get('wallSeconds')} s)")

    state.setdefault("commits", []).append(git_commit())  # the code each session (launch, resumes) ran
    log(f"imagic: {len(train)} train / {len(val)} val sequences; config {cfg}; {parameter_count(model):,} parameters; "
        f"{total_steps} steps over {args.epochs:g} epochs (~{args.batch_tokens} tokens a batch); conditions {mix.to_dict()}; "
        f"{args.threads} threads on {cpu_name()}, {'bf16 autocast' if bf16 else 'float32'}")

    def extra() -> dict:
        return {"args": vars(args), "training": training_block(), "metrics": metrics_block()}

    def training_block() -> dict:
        return {
            "corpus": arrays["meta"]["corpus"], "commit": state["commits"][0], "commits": state["commits"], "tokens": tf.sha256,
            "tokensFile": "tokens.jsonl (npm run tokens)", "vocab": tf.vocab["version"],
            "wallSeconds": round(state["wall"], 1), "device": f"{cpu_name()}, {args.threads} threads, {'bf16 autocast' if bf16 else 'float32'}",
            "flags": {k: v for k, v in vars(args).items()},
            "conditions": {**mix.to_dict(), "encoder": pinned["name"], "cache": arrays["meta"].get("counts"),
                           "rule": "per example one kind drawn by these probabilities (renormalised over the kinds the "
                                   "item has), one vector of it uniformly; with probability dropout the null condition"},
            "config": cfg.to_dict(), "parameters": parameter_count(model),
            "data": {"train": len(train), "val": len(val), "crop": "attribute prefix kept, then from a Bar token "
                     "(uniform among full windows and the first that reaches the end), up to maxContext"},
            "optimizer": {"name": "AdamW", "betas": [0.9, 0.95], "lr": args.lr, "weightDecay": args.weight_decay,
                          "warmupSteps": warmup, "totalSteps": total_steps,
                          "schedule": (f"warm-up {warmup} steps, then cosine over wall time to {args.max_minutes} min"
                                       if args.time_schedule and args.max_minutes else "warm-up, then cosine over the steps"), "minLrRatio": args.min_lr_ratio, "clip": 1.0},
            "steps": state["step"], "tokensSeen": state["tokens"], "epochs": round(state["epoch"] + state["batch"] / max(1, len(plans[min(state['epoch'], n_epochs - 1)])), 3),
            "complete": state["complete"], "history": state["history"], "prefixWeight": args.prefix_weight,
            "initFrom": state.get("initFrom"),
        }

    def metrics_block() -> dict:
        last = state["history"][-1]["val"] if state["history"] else {}
        return {"split": "val", "items": len(val), "window": "first maxContext tokens of each item (crop_at_bar, first Bar)",
                "valLoss": {k: round(v["loss"], 4) for k, v in last.items()},
                "valPerplexity": {k: round(v["perplexity"], 3) for k, v in last.items()},
                "valPrefixLoss": {k: round(v["prefixLoss"], 4) for k, v in last.items()}}

    time_schedule = bool(args.time_schedule and args.max_minutes)
    model.train()
    session_start = time.time()
    wall_at_start = state["wall"]
    last_ckpt = time.time()
    run_loss, run_n, run_t, run_tok = 0.0, 0, time.time(), 0
    stopped = False
    while state["epoch"] < n_epochs and not stopped:
        e = state["epoch"]
        plan = plans[e]
        while state["batch"] < steps_in[e]:
            b = state["batch"]
            rng = np.random.default_rng([args.seed, e, b, 1])
            batch = make_batch([train[i] for i in plan[b]], tf.bar_token, cfg.max_context, conds, mix, rng)
            if time_schedule:  # progress by wall time, expressed on the step axis the schedule reads
                progress = warmup + (total_steps - warmup) * min(1.0, state["wall"] / (args.max_minutes * 60))
                lr_step = state["step"] if state["step"] < warmup else int(progress)
            else:
                lr_step = state["step"]
            for g in opt.param_groups:
                g["lr"] = args.lr * schedule(lr_step, total_steps, warmup, args.min_lr_ratio)
            torch.manual_seed(args.seed * 1_000_003 + state["step"])  # dropout masks replay on resume
            loss, n = batch_loss(model, batch, args.prefix_weight, bf16)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            state["step"] += 1
            state["batch"] += 1
            state["tokens"] += n
            state["wall"] = wall_at_start + time.time() - session_start
            run_loss, run_n, run_tok = run_loss + float(loss) * n, run_n + n, run_tok + n
            state["epochLoss"] += float(loss) * n
            state["epochTokens"] += n
            if state["step"] % args.log_every == 0:
                dt = time.time() - run_t
                log(f"epoch {e} step {state['step']}/{total_steps} loss {run_loss / run_n:.4f} "
                    f"lr {opt.param_groups[0]['lr']:.2e} {run_tok / dt:.0f} tok/s, {state['wall'] / 60:.1f} min")
                run_loss, run_n, run_t, run_tok = 0.0, 0, time.time(), 0
            if time.time() - last_ckpt > args.checkpoint_minutes * 60:
                save_checkpoint(ckpt_path, model, opt, state, extra())
                last_ckpt = time.time()
            if args.max_minutes and state["wall"] > args.max_minutes * 60:
                log(f"wall-clock cap of {args.max_minutes} min reached at epoch {e}, batch {state['batch']}")
                stopped = True
                break
        t = time.time()
        v = validate(model, val, conds, tf.bar_token, args.batch_tokens)
        state["history"].append({"epoch": round(e + (state["batch"] / len(plan) if stopped else 1.0), 3),
                                 "step": state["step"], "train": round(state["epochLoss"] / max(1, state["epochTokens"]), 4),
                                 "val": v, "wallSeconds": round(state["wall"], 1)})
        if not stopped:
            state["epoch"] += 1
            state["batch"] = 0
            state["epochLoss"], state["epochTokens"] = 0.0, 0
        state["wall"] = wall_at_start + time.time() - session_start
        log(f"validation after epoch {e}: " + ", ".join(f"{k} {x['loss']:.4f} (ppl {x['perplexity']:.2f})" for k, x in v.items())
            + f" ({time.time() - t:.0f}s)")
        save_checkpoint(ckpt_path, model, opt, state, extra())
        last_ckpt = time.time()

    state["complete"] = state["epoch"] >= n_epochs or (time_schedule and stopped)  # a time schedule ends at its cap
    if state["complete"]:
        t = time.time()
        final = validate(model, val, conds, tf.bar_token, args.batch_tokens, ("image", "crop", "hum", "clip", "none"))
        state["history"][-1]["valAllConditions"] = final
        state["wall"] = wall_at_start + time.time() - session_start
        log("final validation: " + ", ".join(f"{k} {x['loss']:.4f}" for k, x in final.items()) + f" ({time.time() - t:.0f}s)")
    save_checkpoint(ckpt_path, model, opt, state, extra())
    if args.no_export:
        return
    metrics = metrics_block()
    if state["complete"]:
        metrics["valAllConditions"] = {k: round(v["loss"], 4) for k, v in state["history"][-1]["valAllConditions"].items()}
    manifest = write_bundle(model, out, name, training_block(), metrics, Path(args.tokens) / "vocab.json", Path(args.encoder))
    log(f"wrote {out} ({manifest['decoder']['bytes']:,} bytes; parity {manifest['metrics']['onnxParity']})")


if __name__ == "__main__":
    main()
