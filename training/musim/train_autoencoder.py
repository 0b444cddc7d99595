"""Train MusIm's autoencoder (a small VAE, 256x256x3 <-> 4x32x32) on the corpus train images and
the real train pictures (pictures.py), then calibrate its latent to about unit variance and
measure reconstruction PSNR/SSIM on the corpus test images and the held-out real pictures.

    python3 training/musim/train_autoencoder.py [--config small|tiny] [--steps N] [--batch B] [--crop PX]
        [--p-real P] [--lr X] [--max-minutes M] [--time-schedule] [--resume] [--run DIR] [--seed N]

Every step draws --batch pictures (real ones with probability --p-real, else corpus ones), a random
--crop square of each (the networks are fully convolutional and normless, so they run on whole
256x256 pictures afterwards) and a random horizontal flip. Loss: L1 + --ssim-weight x (1 - SSIM) +
--kl-weight x KL(q(z|x) || N(0, I)) per latent element, the decoder fed a posterior sample. AdamW,
warm-up then cosine (over --steps, or over wall time to --max-minutes with --time-schedule),
bf16 autocast where the CPU has it (the norms and losses in float32). Checkpoint RUN/last.pt every
--checkpoint-minutes; --resume continues exactly (each step's draws are seeded by (seed, step)).
At the end: latent calibration (shift and scale from the train pictures' latent means) and the
evaluation, both stored in the checkpoint and RUN/metrics.json.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch

from common.runtime import REPO, cpu_name, git_commit, log, seed_everything, write_json_atomic

from musim.model import PRESETS, Autoencoder, parameter_count
from musim.pictures import DEFAULT_OUT as DEFAULT_PICTURES
from musim.runloop import WallClock, lr_factor, psnr, resume_state, save_atomic, ssim, to_unit, use_bf16


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pictures", default=str(DEFAULT_PICTURES))
    ap.add_argument("--config", default="small", choices=sorted(PRESETS))
    ap.add_argument("--run", help="checkpoint folder (default data/musim/runs/autoencoder-<config>)")
    ap.add_argument("--steps", type=int, default=8000)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--crop", type=int, default=96)
    ap.add_argument("--p-real", type=float, default=0.3, help="share of real pictures in a batch")
    ap.add_argument("--lr", type=float, default=5e-4)
    ap.add_argument("--min-lr-ratio", type=float, default=0.1)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--weight-decay", type=float, default=0.01)
    ap.add_argument("--ssim-weight", type=float, default=0.5)
    ap.add_argument("--kl-weight", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-minutes", type=float)
    ap.add_argument("--time-schedule", action="store_true", help="with --max-minutes: the cosine runs over wall time")
    ap.add_argument("--checkpoint-minutes", type=float, default=4.0)
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--eval-items", type=int, default=256, help="corpus test images in the final evaluation (0: all)")
    ap.add_argument("--calibrate-items", type=int, default=1024)
    ap.add_argument("--resume", action="store_true")
    ap.add_argument("--precision", choices=("auto", "bf16", "fp32"), default="auto")
    return ap.parse_args(argv)


class Pictures:
    """The cached uint8 sets; any of them may be missing (a corpus-only or real-only run)."""

    def __init__(self, folder: Path):
        def get(name: str) -> np.ndarray:
            path = folder / f"{name}.npy"
            return np.load(path, mmap_mode="r") if path.exists() else np.zeros((0, 256, 256, 3), np.uint8)
        self.corpus, self.real = get("corpus-train"), get("real-train")
        self.corpus_test, self.real_heldout = get("corpus-test"), get("real-heldout")
        if not len(self.corpus) and not len(self.real):
            raise SystemExit(f"no training pictures in {folder} (run training/musim/pictures.py)")

    def batch(self, n: int, crop: int, p_real: float, rng: np.random.Generator) -> torch.Tensor:
        p = p_real if len(self.corpus) and len(self.real) else (1.0 if len(self.real) else 0.0)
        out = np.empty((n, crop, crop, 3), np.uint8)
        for i in range(n):
            src = self.real if rng.random() < p else self.corpus
            img = src[int(rng.integers(len(src)))]
            y, x = (int(v) for v in rng.integers(0, 256 - crop + 1, size=2))
            patch = img[y:y + crop, x:x + crop]
            out[i] = patch[:, ::-1] if rng.random() < 0.5 else patch
        return to_unit(torch.from_numpy(out))   # NHWC memory read as NCHW: channels_last


def kl_per_element(mean: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    return 0.5 * (mean.pow(2) + logvar.exp() - 1.0 - logvar).mean()


@torch.no_grad()
def reconstruct(ae: Autoencoder, images_u8: np.ndarray, batch: int = 8) -> dict:
    """Mean PSNR (dB) and SSIM of encode (the mean) -> decode over whole 256x256 pictures."""
    ae.eval()
    p, s = [], []
    for i in range(0, len(images_u8), batch):
        x = to_unit(torch.from_numpy(np.array(images_u8[i:i + batch])))
        y = ae.decode(ae.encode(x)[0])
        p.append(psnr(y, x))
        s.append(ssim(y, x))
    if not p:
        return {"images": 0}
    p_all, s_all = torch.cat(p), torch.cat(s)
    return {"images": len(images_u8), "psnr": round(float(p_all.mean()), 3), "ssim": round(float(s_all.mean()), 4)}


@torch.no_grad()
def calibrate(ae: Autoencoder, pics: Pictures, items: int, rng: np.random.Generator) -> dict:
    """Latent shift/scale from the means of up to ``items`` train pictures (corpus and real alike)."""
    ae.eval()
    sets = [s for s in (pics.corpus, pics.real) if len(s)]
    chosen = [(s, int(i)) for s in sets for i in rng.permutation(len(s))[: max(1, items * len(s) // sum(map(len, sets)))]]
    means = []
    for i in range(0, len(chosen), 16):
        x = to_unit(torch.from_numpy(np.stack([s[j] for s, j in chosen[i:i + 16]])))
        means.append(ae.encode(x)[0])
    return ae.calibrate(torch.cat(means))


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    seed_everything(args.seed)
    bf16 = use_bf16(args.precision)
    run = Path(args.run) if args.run else REPO / f"data/musim/runs/autoencoder-{args.config}"
    run.mkdir(parents=True, exist_ok=True)
    ckpt = run / "last.pt"
    pics = Pictures(Path(args.pictures))
    cfg = PRESETS[args.config].autoencoder
    ae = Autoencoder(cfg).to(memory_format=torch.channels_last)   # oneDNN's fast layout for bf16 convs
    opt = torch.optim.AdamW(ae.parameters(), lr=args.lr, betas=(0.9, 0.99), weight_decay=args.weight_decay)
    state = resume_state(ckpt, args.resume, cfg.to_dict(), {"step": 0, "wall": 0.0, "history": [], "complete": False, "commits": []},
                         model=ae, optimizer=opt)
    state["commits"].append(git_commit())
    log(f"autoencoder {args.config}: encoder {parameter_count(ae.encoder):,} / decoder {parameter_count(ae.decoder):,} parameters; "
        f"{len(pics.corpus)} corpus + {len(pics.real)} real train pictures; {args.steps} steps of {args.batch} x {args.crop}px; "
        f"{args.threads} threads on {cpu_name()}, {'bf16 autocast' if bf16 else 'float32'}")

    def payload() -> dict:
        return {"config": cfg.to_dict(), "model": ae.state_dict(), "optimizer": opt.state_dict(), "state": state,
                "args": vars(args), "kind": "musim-autoencoder"}

    clock = WallClock(state)
    cap = args.max_minutes * 60 if args.max_minutes else None
    last_ckpt, t_log, acc, acc_n = time.time(), time.time(), np.zeros(4), 0
    ae.train()
    while state["step"] < args.steps and not state["complete"]:
        step = state["step"]
        wall = clock.update()
        if cap and wall >= cap:
            log(f"wall-clock cap reached at step {step}")
            break
        progress = wall / cap if args.time_schedule and cap else step / args.steps
        for g in opt.param_groups:
            g["lr"] = args.lr * lr_factor(progress, step, args.warmup, args.min_lr_ratio)
        rng = np.random.default_rng([args.seed, step])
        x = pics.batch(args.batch, args.crop, args.p_real, rng)
        noise = torch.randn(args.batch, cfg.latent, args.crop // 8, args.crop // 8, generator=torch.Generator().manual_seed(int(rng.integers(2 ** 62))))
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            mean, logvar = ae.encode(x)
            z = mean.float() + (0.5 * logvar.float()).exp() * noise
            y = ae.decode(z).float()
        l1 = (y - x).abs().mean()
        s = ssim(y, x, per_image=False)
        kl = kl_per_element(mean.float(), logvar.float())
        loss = l1 + args.ssim_weight * (1 - s) + args.kl_weight * kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(ae.parameters(), 1.0)
        opt.step()
        state["step"] = step + 1
        acc += [loss.item(), l1.item(), s.item(), kl.item()]
        acc_n += 1
        if state["step"] % args.log_every == 0:
            n = acc_n   # fewer than log_every after a resume
            rate = n * args.batch / (time.time() - t_log)
            entry = {"step": state["step"], "loss": acc[0] / n, "l1": acc[1] / n, "ssim": acc[2] / n, "kl": acc[3] / n,
                     "lr": opt.param_groups[0]["lr"], "wall": round(clock.update(), 1)}
            state["history"].append(entry)
            log(f"step {state['step']}/{args.steps}: loss {entry['loss']:.4f} (L1 {entry['l1']:.4f}, SSIM {entry['ssim']:.4f}, "
                f"KL {entry['kl']:.2f}), lr {entry['lr']:.2e}, {rate:.1f} crops/s, {entry['wall'] / 60:.1f} min")
            acc[:], acc_n, t_log = 0, 0, time.time()
        if time.time() - last_ckpt > args.checkpoint_minutes * 60:
            clock.update()
            save_atomic(ckpt, payload())
            last_ckpt = time.time()

    state["complete"] = True   # steps done or the cap reached: calibrate and evaluate what there is
    t = time.time()
    state["calibration"] = calibrate(ae, pics, args.calibrate_items, np.random.default_rng([args.seed, 99]))
    test = pics.corpus_test[: args.eval_items] if args.eval_items else pics.corpus_test
    state["metrics"] = {
        "corpusTest": reconstruct(ae, test), "realHeldout": reconstruct(ae, pics.real_heldout),
        "note": "encode (the mean) -> decode of whole 256x256 pictures; PSNR in dB and SSIM (11x11 Gaussian) on [0, 1]",
    }
    clock.update()
    log(f"calibration {state['calibration']}; reconstruction {state['metrics']} ({time.time() - t:.0f}s)")
    save_atomic(ckpt, payload())
    write_json_atomic(run / "metrics.json", {"calibration": state["calibration"], **state["metrics"],
                                             "steps": state["step"], "wallSeconds": round(state["wall"], 1),
                                             "device": f"{cpu_name()}, {args.threads} threads, {'bf16 autocast' if bf16 else 'float32'}"})


if __name__ == "__main__":
    main()
