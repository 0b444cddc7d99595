"""Train MusIm's denoiser on the corpus latents (encoded once with a trained autoencoder, cached)
conditioned on MuVis audio embeddings of each item's own clip and its hums, then export the bundle.

    python3 training/musim/train_denoiser.py --autoencoder data/musim/runs/autoencoder-small/last.pt
        [--config small|tiny] [--cond data/imagic/cond] [--prediction v|epsilon] [--steps N] [--batch B]
        [--lr X] [--max-minutes M] [--time-schedule] [--resume] [--run DIR] [--out BUNDLE] [--no-export]

Data: the corpus images of the train split (pictures.py's corpus-train.npy) encoded with the
autoencoder's mean, scaled (RUN/latents.npz, made once); a random horizontal flip of the latent per
example. Condition per example: the item's own clip (--p-clip) or one of its hums (--p-hum,
renormalised when an item has none), the vectors of training/imagic/conditions.py (which pins the
same MuVis bundle); with probability --cond-dropout the null condition (cond_mask 0, zero vector)
for classifier-free guidance. Objective: MSE of the --prediction target (v by default) at a train
step t drawn uniformly from the cosine schedule (schedule.py; exported as alphasCumprod). AdamW,
warm-up then cosine, an exponential moving average of the weights (what is exported), bf16
autocast where the CPU has it. Validation on the val split at fixed noise and steps, with the
clip condition and with none: the gap is what the condition buys. RUN/last.pt every
--checkpoint-minutes; --resume continues exactly (draws seeded by (seed, step)); --max-minutes caps
the wall time summed over resumes.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch
import torch.nn.functional as F

from common.runtime import REPO, cpu_name, git_commit, log, seed_everything, write_json_atomic

from imagic.export import DEFAULT_ENCODER, encoder_block
from musim.export import write_bundle
from musim.model import PRESETS, Autoencoder, AutoencoderConfig, Denoiser, parameter_count
from musim.pictures import DEFAULT_OUT as DEFAULT_PICTURES
from musim.runloop import WallClock, lr_factor, resume_state, save_atomic, to_unit, use_bf16
from musim.schedule import PREDICTIONS, TRAIN_STEPS, add_noise, cosine_alphas_cumprod, target

DEFAULT_COND = REPO / "data/imagic/cond"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--autoencoder", default=str(REPO / "data/musim/runs/autoencoder-small/last.pt"),
                    help="train_autoencoder.py's last.pt (complete: calibrated)")
    ap.add_argument("--pictures", default=str(DEFAULT_PICTURES))
    ap.add_argument("--cond", default=str(DEFAULT_COND), help="training/imagic/conditions.py output")
    ap.add_argument("--encoder", default=str(DEFAULT_ENCODER), help="the MuVis bundle the conditions came from")
    ap.add_argument("--config", default="small", choices=sorted(PRESETS))
    ap.add_argument("--prediction", default="v", choices=PREDICTIONS)
    ap.add_argument("--run", help="checkpoint folder (default data/musim/runs/denoiser-<config>)")
    ap.add_argument("--out", default=str(REPO / "data/musim/bundles/musim-small"))
    ap.add_argument("--name")
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=6e-4)
    ap.add_argument("--min-lr-ratio", type=float, default=0.1)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--ema", type=float, default=0.999)
    ap.add_argument("--p-clip", type=float, default=0.5)
    ap.add_argument("--p-hum", type=float, default=0.5)
    ap.add_argument("--cond-dropout", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-minutes", type=float)
    ap.add_argument("--time-schedule", action="store_true", help="with --max-minutes: the cosine runs over wall time")
    ap.add_argument("--checkpoint-minutes", type=float, default=4.0)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--val-every", type=int, default=1000)
    ap.add_argument("--val-items", type=int, default=256)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--no-export", action="store_true")
    ap.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto")
    return ap.parse_args(argv)


def load_autoencoder(path: Path) -> tuple[Autoencoder, dict]:
    ck = torch.load(path, map_location="cpu", weights_only=False)
    if not ck["state"].get("complete") or "calibration" not in ck["state"]:
        raise SystemExit(f"{path} is not a finished (calibrated) autoencoder run")
    cfg = AutoencoderConfig(**{k: tuple(v) if isinstance(v, list) else v for k, v in ck["config"].items()})
    ae = Autoencoder(cfg)
    ae.load_state_dict(ck["model"])
    return ae.eval(), ck


@torch.no_grad()
def encode_split(ae: Autoencoder, images_u8: np.ndarray, batch: int = 32) -> np.ndarray:
    out = []
    for i in range(0, len(images_u8), batch):
        x = to_unit(torch.from_numpy(np.array(images_u8[i:i + batch])))
        out.append(ae.scale(ae.encode(x)[0]).numpy())
    return np.concatenate(out) if out else np.zeros((0, ae.cfg.latent, 32, 32), np.float32)


def cached_latents(ae: Autoencoder, ae_path: Path, pictures: Path, run: Path) -> dict[str, np.ndarray]:
    """Scaled latent means of corpus-train and corpus-val (float32, in pictures.json's row order),
    cached in RUN/latents.npz keyed by the autoencoder checkpoint's step and the pictures' corpus."""
    meta = json.loads((pictures / "pictures.json").read_text(encoding="utf-8"))
    key = {"autoencoder": str(ae_path), "aeStep": int(torch.load(ae_path, map_location="cpu", weights_only=False)["state"]["step"]),
           "corpus": meta["corpus"]["fingerprint"]}
    path = run / "latents.npz"
    if path.exists():
        z = np.load(path, allow_pickle=False)
        if json.loads(str(z["key"])) == key:
            return {k: z[k] for k in ("train", "val", "train_index", "val_index")}
    t = time.time()
    out = {}
    for split in ("train", "val"):
        out[split] = encode_split(ae, np.load(pictures / f"corpus-{split}.npy", mmap_mode="r"))
        out[f"{split}_index"] = np.array(meta["corpus"][split], dtype=np.int64)
        log(f"encoded corpus {split}: {out[split].shape}, latent mean {out[split].mean():.3f} std {out[split].std():.3f}")
    tmp = run / ".latents.tmp.npz"
    np.savez(tmp, key=json.dumps(key), **out)
    tmp.replace(path)
    log(f"latents cached in {path} ({time.time() - t:.0f}s)")
    return out


class Conditions:
    """The item's own clip and its hums (rows of conditions.py's arrays: clip by manifest row, hums
    grouped by hum_owner), drawn per example."""

    def __init__(self, cond_dir: Path):
        self.clip = np.load(cond_dir / "clip.npy")
        hum, owner = np.load(cond_dir / "hum.npy"), np.load(cond_dir / "hum_owner.npy")
        self.hums = [hum[owner == i] for i in range(len(self.clip))]
        self.meta = json.loads((cond_dir / "meta.json").read_text(encoding="utf-8"))
        self.dim = self.clip.shape[1]

    def draw(self, item: int, p_clip: float, p_hum: float, dropout: float, rng: np.random.Generator) -> tuple[np.ndarray, float, str]:
        if rng.random() < dropout:
            return np.zeros(self.dim, np.float32), 0.0, "none"
        hums = self.hums[item]
        if len(hums) and rng.random() < p_hum / (p_clip + p_hum):
            return hums[int(rng.integers(len(hums)))], 1.0, "hum"
        return self.clip[item], 1.0, "clip"


def make_batch(latents: np.ndarray, index: np.ndarray, conds: Conditions, args, rng: np.random.Generator, step_gen: torch.Generator):
    rows = rng.integers(0, len(latents), size=args.batch)
    x0 = latents[rows].copy()
    flip = rng.random(args.batch) < 0.5
    x0[flip] = x0[flip][..., ::-1]
    drawn = [conds.draw(int(index[r]), args.p_clip, args.p_hum, args.cond_dropout, rng) for r in rows]
    cond = torch.from_numpy(np.stack([d[0] for d in drawn]).astype(np.float32))
    mask = torch.tensor([d[1] for d in drawn], dtype=torch.float32)
    t = torch.from_numpy(rng.integers(0, TRAIN_STEPS, size=args.batch))
    eps = torch.randn(x0.shape, generator=step_gen)
    return torch.from_numpy(x0), eps, t, cond, mask


@torch.no_grad()
def validate(model: Denoiser, latents: np.ndarray, index: np.ndarray, conds: Conditions, abar: torch.Tensor,
             prediction: str, seed: int = 7) -> dict:
    """MSE of the prediction target on the val latents at fixed noise and steps (8 steps spread over the
    schedule per item), with the item's clip as condition and with none."""
    model.eval()
    gen = torch.Generator().manual_seed(seed)
    out = {"clip": 0.0, "none": 0.0}
    n = 0
    for i in range(0, len(latents), 32):
        x0 = torch.from_numpy(latents[i:i + 32])
        b = len(x0)
        clip = torch.from_numpy(conds.clip[index[i:i + 32]])
        for t_val in np.linspace(25, TRAIN_STEPS - 25, 8).astype(np.int64):
            t = torch.full((b,), int(t_val))
            eps = torch.randn(x0.shape, generator=gen)
            xt, tgt = add_noise(x0, eps, t, abar), target(x0, eps, t, abar, prediction)
            for kind, mask in (("clip", torch.ones(b)), ("none", torch.zeros(b))):
                out[kind] += float(F.mse_loss(model(xt, t.float(), clip * mask[:, None], mask), tgt, reduction="sum")) / x0[0].numel()
            n += b
    model.train()
    return {k: round(v / max(n, 1), 5) for k, v in out.items()}


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    bf16 = use_bf16(args.precision)
    out = Path(args.out)
    name = args.name or out.name
    run = Path(args.run) if args.run else REPO / f"data/musim/runs/denoiser-{args.config}"
    run.mkdir(parents=True, exist_ok=True)
    ckpt = run / "last.pt"

    ae_path = Path(args.autoencoder)
    ae, ae_ck = load_autoencoder(ae_path)
    conds = Conditions(Path(args.cond))
    pinned = encoder_block(Path(args.encoder))
    if conds.meta["encoder"] != pinned:
        raise SystemExit(f"{args.cond} was embedded with {conds.meta['encoder']}, not the encoder {args.encoder}")
    lat = cached_latents(ae, ae_path, Path(args.pictures), run)
    # a conditions cache of the corpus's first N items (conditions.py --limit) covers only those
    keep = lambda split: lat[f"{split}_index"] < len(conds.clip)  # noqa: E731
    train, train_index = lat["train"][keep("train")], lat["train_index"][keep("train")]
    val, val_index = lat["val"][keep("val")][: args.val_items], lat["val_index"][keep("val")][: args.val_items]
    if not len(train):
        raise SystemExit("no train latents with conditions")

    cfg = PRESETS[args.config].denoiser
    model = Denoiser(cfg).to(memory_format=torch.channels_last)   # oneDNN's fast layout (bf16 on AMX: ~3x)
    ema = copy.deepcopy(model).eval()
    for p in ema.parameters():
        p.requires_grad_(False)
    decay, rest = [], []
    for n_, p in model.named_parameters():
        (decay if p.ndim >= 2 else rest).append(p)
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay}, {"params": rest, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.99))
    alphas = cosine_alphas_cumprod()
    abar = torch.from_numpy(alphas)

    state = resume_state(ckpt, args.resume, cfg.to_dict(), {"step": 0, "wall": 0.0, "history": [], "val": [], "complete": False, "commits": []},
                         model=model, ema=ema, optimizer=opt)
    state["commits"].append(git_commit())
    log(f"denoiser {args.config}: {parameter_count(model):,} parameters; {len(train)} train / {len(val)} val latents; "
        f"prediction {args.prediction}; {args.steps} steps of {args.batch}; {args.threads} threads on {cpu_name()}, "
        f"{'bf16 autocast' if bf16 else 'float32'}")

    def training_block() -> dict:
        return {
            "corpus": conds.meta["corpus"], "commit": state["commits"][0], "commits": state["commits"],
            "wallSeconds": round(state["wall"], 1), "steps": state["step"], "complete": state["complete"],
            "epochs": round(state["step"] * args.batch / max(1, len(train)), 2),
            "device": f"{cpu_name()}, {args.threads} threads, {'bf16 autocast' if bf16 else 'float32'}",
            "flags": vars(args), "config": cfg.to_dict(), "parameters": parameter_count(model),
            "data": {"train": len(train), "val": len(val), "augment": "horizontal flip of the latent"},
            "conditions": {"clip": args.p_clip, "hum": args.p_hum, "dropout": args.cond_dropout, "encoder": pinned["name"],
                           "cache": conds.meta.get("counts")},
            "objective": f"MSE of {args.prediction}, t uniform over {TRAIN_STEPS} steps, cosine schedule",
            "optimizer": {"name": "AdamW", "lr": args.lr, "betas": [0.9, 0.99], "weightDecay": args.weight_decay,
                          "warmup": args.warmup, "minLrRatio": args.min_lr_ratio, "clip": 1.0, "ema": args.ema,
                          "schedule": "cosine over wall time to --max-minutes" if args.time_schedule and args.max_minutes else "cosine over --steps"},
            "autoencoder": {"checkpoint": str(ae_path), "steps": ae_ck["state"]["step"], "wallSeconds": round(ae_ck["state"]["wall"], 1),
                            "calibration": ae_ck["state"]["calibration"], "flags": ae_ck.get("args"),
                            "pictures": "corpus train split + real pictures from Debian wallpaper packages (training/musim/pictures.py)"},
            "history": state["history"][-40:], "val": state["val"],
        }

    def metrics_block() -> dict:
        return {"autoencoder": ae_ck["state"].get("metrics"),
                "denoiserVal": {"split": "val", "items": len(val), "loss": state["val"][-1] if state["val"] else None,
                                "note": f"EMA weights; MSE of {args.prediction} at 8 fixed steps and fixed noise, own clip vs null condition"}}

    def payload() -> dict:
        return {"config": cfg.to_dict(), "model": model.state_dict(), "ema": ema.state_dict(), "optimizer": opt.state_dict(),
                "state": state, "args": vars(args), "kind": "musim-denoiser", "prediction": args.prediction,
                "alphasCumprod": [float(a) for a in alphas], "autoencoderConfig": ae.cfg.to_dict(),
                "autoencoder": ae.state_dict(), "training": training_block(), "metrics": metrics_block()}

    clock = WallClock(state)
    cap = args.max_minutes * 60 if args.max_minutes else None
    last_ckpt, t_log, acc, acc_n = time.time(), time.time(), 0.0, 0
    model.train()
    while state["step"] < args.steps:
        step = state["step"]
        wall = clock.update()
        if cap and wall >= cap:
            log(f"wall-clock cap reached at step {step}")
            break
        progress = wall / cap if args.time_schedule and cap else step / args.steps
        for g in opt.param_groups:
            g["lr"] = args.lr * lr_factor(progress, step, args.warmup, args.min_lr_ratio)
        rng = np.random.default_rng([args.seed, step])
        x0, eps, t, cond, mask = make_batch(train, train_index, conds, args, rng, torch.Generator().manual_seed(int(rng.integers(2 ** 62))))
        xt, tgt = add_noise(x0, eps, t, abar), target(x0, eps, t, abar, args.prediction)
        xt = xt.contiguous(memory_format=torch.channels_last)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            pred = model(xt, t.float(), cond, mask)
        loss = F.mse_loss(pred.float(), tgt)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        d = min(args.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.lerp_(pm, 1 - d)
        state["step"] = step + 1
        acc += loss.item()
        acc_n += 1
        if state["step"] % args.log_every == 0:
            rate = acc_n * args.batch / (time.time() - t_log)
            entry = {"step": state["step"], "loss": round(acc / acc_n, 5), "lr": opt.param_groups[0]["lr"], "wall": round(clock.update(), 1)}
            state["history"].append(entry)
            log(f"step {state['step']}/{args.steps}: loss {entry['loss']:.4f}, lr {entry['lr']:.2e}, {rate:.0f} latents/s, {entry['wall'] / 60:.1f} min")
            acc, acc_n, t_log = 0.0, 0, time.time()
        if state["step"] % args.val_every == 0 and len(val):
            v = validate(ema, val, val_index, conds, abar, args.prediction)
            state["val"].append({"step": state["step"], **v})
            log(f"validation (EMA) at step {state['step']}: clip {v['clip']:.4f}, none {v['none']:.4f}")
            t_log = time.time()
        if time.time() - last_ckpt > args.checkpoint_minutes * 60:
            clock.update()
            save_atomic(ckpt, payload())
            last_ckpt = time.time()

    state["complete"] = True
    if len(val):
        v = validate(ema, val, val_index, conds, abar, args.prediction)
        state["val"].append({"step": state["step"], **v})
        log(f"final validation (EMA): clip {v['clip']:.4f}, none {v['none']:.4f}")
    clock.update()
    save_atomic(ckpt, payload())
    write_json_atomic(run / "metrics.json", {**metrics_block(), "steps": state["step"], "wallSeconds": round(state["wall"], 1)})
    if args.no_export:
        return
    m = write_bundle(ae, ema, out, name, training_block(), metrics_block(), args.prediction, alphas, Path(args.encoder))
    log(f"wrote {out} (parity {m['metrics']['onnxParity']})")


if __name__ == "__main__":
    main()
