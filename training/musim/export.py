"""A MusIm bundle (contract in docs/architecture.md, "MusIm bundle"): encoder.onnx, decoder.onnx and
denoiser.onnx (float32, dynamic batch), manifest.json pinning the MuVis encoder and listing the
noise schedule, and metrics.json. Each ONNX file is traced at one batch size and checked through
onnxruntime against PyTorch at another.

    python3 training/musim/export.py --untrained --config tiny --seed 0 --out data/musim/bundles/musim-untrained
    python3 training/musim/export.py --checkpoint data/musim/runs/denoiser-small/last.pt --out data/musim/bundles/musim-small
    python3 training/musim/export.py --bench data/musim/bundles/musim-small   # ms per denoiser call and per decode
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch

from common.onnx_export import OPSET, PARITY_TOLERANCE, ParityError, bundle_folder
from common.onnx_runner import cpu_session, median_ms
from common.runtime import REPO, cpu_name, git_commit, log, seed_everything, write_json_atomic

from imagic.export import DEFAULT_ENCODER, encoder_block
from musim.model import (PRESETS, Autoencoder, AutoencoderConfig, DecoderExport, Denoiser, DenoiserConfig,
                         EncoderExport, parameter_count)
from musim.schedule import PREDICTIONS, TRAIN_STEPS, cosine_alphas_cumprod

IMAGE_SIZE, LATENT_SIZE = 256, 32
DENOISER_INPUTS = ["latent", "timestep", "cond", "cond_mask"]


def example_inputs(batch: int, latent: int, cond_dim: int, seed: int = 0) -> dict[str, torch.Tensor]:
    """Denoiser inputs of ``batch`` rows: noisy latents, steps spread over the schedule (one
    fractional), unit conditions, alternating conditioned and null rows."""
    gen = torch.Generator().manual_seed(seed)
    t = torch.linspace(0, TRAIN_STEPS - 1, batch)
    if batch > 1:
        t[1] = 417.5
    return {
        "latent": torch.randn(batch, latent, LATENT_SIZE, LATENT_SIZE, generator=gen),
        "timestep": t,
        "cond": torch.nn.functional.normalize(torch.randn(batch, cond_dim, generator=gen), dim=-1),
        "cond_mask": (torch.arange(batch) % 2 == 0).float(),
    }


def export_checked(module: torch.nn.Module, trace: dict[str, torch.Tensor], check: dict[str, torch.Tensor],
                   output: str, path: Path) -> float:
    """Trace ``module`` on the ``trace`` inputs (every axis 0 dynamic), then run the graph through
    onnxruntime on ``check`` (another batch size) and compare with PyTorch. Returns the largest
    absolute difference; above PARITY_TOLERANCE is an error."""
    names = list(trace)
    module = module.float().eval()
    with torch.no_grad():
        torch.onnx.export(module, tuple(trace.values()), str(path), input_names=names, output_names=[output],
                          dynamic_axes={n: {0: "batch"} for n in [*names, output]},
                          opset_version=OPSET, dynamo=False, do_constant_folding=True)
        expected = module(*check.values()).numpy()
    got = cpu_session(path).run([output], {k: v.numpy() for k, v in check.items()})[0]
    diff = float(np.abs(got - expected).max())
    if got.shape != expected.shape or not np.isfinite(diff) or diff > PARITY_TOLERANCE:
        raise ParityError(f"{path.name}: ONNX differs from PyTorch by {diff:.2e} (shape {got.shape})")
    return diff


def smooth_pictures(n: int, seed: int) -> torch.Tensor:
    """Deterministic stand-in pictures in [-1, 1] (upsampled noise), for an untrained autoencoder's
    latent calibration and for checks that need no corpus."""
    gen = torch.Generator().manual_seed(seed)
    coarse = torch.rand(n, 3, 8, 8, generator=gen) * 2 - 1
    fine = torch.rand(n, 3, 64, 64, generator=gen) * 0.4 - 0.2
    up = lambda x: torch.nn.functional.interpolate(x, size=(IMAGE_SIZE, IMAGE_SIZE), mode="bilinear", align_corners=False)  # noqa: E731
    return (up(coarse) + up(fine)).clamp(-1, 1)


def write_bundle(ae: Autoencoder, den: Denoiser, out_dir: Path, name: str, training: dict, metrics: dict,
                 prediction: str, alphas: np.ndarray, encoder_dir: Path = DEFAULT_ENCODER) -> dict:
    """The three ONNX files (parity-checked), manifest.json and metrics.json, written atomically."""
    if prediction not in PREDICTIONS:
        raise ValueError(f"prediction {prediction!r} not in {PREDICTIONS}")
    encoder = encoder_block(encoder_dir)
    if encoder["dim"] != den.cfg.cond_dim:
        raise ValueError(f"denoiser condition size {den.cfg.cond_dim} != encoder dim {encoder['dim']}")
    if len(alphas) != TRAIN_STEPS or not (np.diff(alphas) < 0).all():
        raise ValueError("alphasCumprod must hold trainSteps strictly decreasing values")
    ae, den = ae.float().eval(), den.float().eval()
    lat = ae.cfg.latent
    pictures = smooth_pictures(3, seed=1)
    with bundle_folder(out_dir) as tmp:
        parity = {
            "encoder": export_checked(EncoderExport(ae), {"image": pictures[:2]}, {"image": pictures}, "latent", tmp / "encoder.onnx"),
            "decoder": export_checked(DecoderExport(ae), {"latent": torch.randn(2, lat, LATENT_SIZE, LATENT_SIZE)},
                                      {"latent": torch.randn(3, lat, LATENT_SIZE, LATENT_SIZE)}, "image", tmp / "decoder.onnx"),
            "denoiser": export_checked(den, example_inputs(2, lat, den.cfg.cond_dim), example_inputs(3, lat, den.cfg.cond_dim, seed=1),
                                       "prediction", tmp / "denoiser.onnx"),
        }
        metrics = dict(metrics, onnxParity={k: float(f"{v:.3e}") for k, v in parity.items()})
        size = lambda f: (tmp / f).stat().st_size  # noqa: E731
        manifest = {
            "name": name, "version": "1", "kind": "musim",
            "encoder": encoder,
            "image": {"size": IMAGE_SIZE, "channels": 3, "layout": "NCHW", "range": [-1, 1]},
            "latent": {"channels": lat, "size": LATENT_SIZE,
                       "scaling": {"shift": [float(s) for s in ae.latent_shift], "scale": float(ae.latent_scale),
                                   "note": "already folded into encoder.onnx ((mean - shift) * scale) and decoder.onnx"}},
            "autoencoder": {"encoder": "encoder.onnx", "decoder": "decoder.onnx", "kind": "vae (the encoder returns the mean)",
                            "config": ae.cfg.to_dict(), "parameters": {"encoder": parameter_count(ae.encoder), "decoder": parameter_count(ae.decoder)},
                            "bytes": {"encoder": size("encoder.onnx"), "decoder": size("decoder.onnx")}},
            "denoiser": {"onnx": "denoiser.onnx", "prediction": prediction, "trainSteps": TRAIN_STEPS,
                         "alphasCumprod": [float(a) for a in alphas], "schedule": "cosine (offset 0.008, betas clipped at 0.999)",
                         "timestep": "the train step t, 0 .. trainSteps-1 as float32 (fractional allowed); alphasCumprod[t] is its abar",
                         "inputs": DENOISER_INPUTS, "outputs": ["prediction"], "condDim": den.cfg.cond_dim,
                         "config": den.cfg.to_dict(), "parameters": parameter_count(den), "bytes": size("denoiser.onnx")},
            "opset": OPSET, "weights": "float32",
            "training": training, "metrics": metrics,
        }
        write_json_atomic(tmp / "metrics.json", metrics)
        write_json_atomic(tmp / "manifest.json", manifest)
    return manifest


def bench(bundle: Path, reps: int = 30) -> dict:
    """Median ms of one denoiser call at B=1 and B=2, one decode and one encode (B=1), at 1 and 2
    intra-op threads, and the implied ms per image at 10 and 20 guided steps (B=2) + one decode."""
    m = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    lat, cond_dim = m["latent"]["channels"], m["encoder"]["dim"]
    rows = []
    for threads in (1, 2):
        den = cpu_session(bundle / m["denoiser"]["onnx"], threads)
        dec = cpu_session(bundle / m["autoencoder"]["decoder"], threads)
        enc = cpu_session(bundle / m["autoencoder"]["encoder"], threads)
        row = {"threads": threads}
        for b in (1, 2):
            row[f"denoiserB{b}Ms"] = round(median_ms(den, {k: v.numpy() for k, v in example_inputs(b, lat, cond_dim).items()}, reps), 2)
        row["decoderMs"] = round(median_ms(dec, {"latent": np.zeros((1, lat, LATENT_SIZE, LATENT_SIZE), np.float32)}, reps), 2)
        row["encoderMs"] = round(median_ms(enc, {"image": np.zeros((1, 3, IMAGE_SIZE, IMAGE_SIZE), np.float32)}, max(5, reps // 3)), 2)
        for steps in (10, 20):
            row[f"image{steps}StepsMs"] = round(steps * row["denoiserB2Ms"] + row["decoderMs"], 1)
        rows.append(row)
    return {"bundle": str(bundle), "cpu": cpu_name(), "rows": rows,
            "note": "onnxruntime in Python, median; imageNStepsMs = N guided denoiser calls (B=2) + one decode"}


def untrained(config: str, seed: int) -> tuple[Autoencoder, Denoiser]:
    """Random weights, deterministic for a seed; the latent calibrated on stand-in pictures."""
    seed_everything(seed)
    preset = PRESETS[config]
    ae, den = Autoencoder(preset.autoencoder), Denoiser(preset.denoiser)
    # the zero-initialised output convs would make an untrained denoiser return exactly 0: perturb
    # them so the engine's tests see the condition and the step change the output
    gen = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for p in den.parameters():
            if not p.abs().sum():
                p.copy_(torch.randn(p.shape, generator=gen) * 0.02)
        ae.calibrate(ae.encode(smooth_pictures(8, seed=seed))[0])
        # and make random latents decode to pictures that vary (about std 0.5), not to a flat grey
        # that would hide a sampler bug: the first conv reads the scaled latent, the last is rescaled
        first, last = ae.decoder.net[0], ae.decoder.net[-1]
        first.weight.mul_(ae.latent_scale)
        spread = float(ae.decode(ae.unscale(torch.randn(2, ae.cfg.latent, LATENT_SIZE, LATENT_SIZE, generator=gen))).std())
        last.weight.mul_(0.5 / max(spread, 1e-6))
        last.bias.mul_(0.5 / max(spread, 1e-6))
    return ae.eval(), den.eval()


def load_checkpoint(path: Path) -> tuple[Autoencoder, Denoiser, dict]:
    """A train_denoiser.py checkpoint: the denoiser and the (calibrated) autoencoder it was trained on."""
    state = torch.load(path, map_location="cpu", weights_only=False)
    ae = Autoencoder(AutoencoderConfig(**_tuples(state["autoencoderConfig"])))
    ae.load_state_dict(state["autoencoder"])
    den = Denoiser(DenoiserConfig(**_tuples(state["config"])))
    den.load_state_dict(state["ema"] if "ema" in state else state["model"])
    return ae, den, state


def _tuples(d: dict) -> dict:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in d.items()}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out")
    ap.add_argument("--name", help="bundle name (default: the out folder's name)")
    ap.add_argument("--untrained", action="store_true", help="random weights (for engine tests)")
    ap.add_argument("--config", default="tiny", choices=sorted(PRESETS))
    ap.add_argument("--prediction", default="v", choices=PREDICTIONS, help="with --untrained")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--checkpoint", help="a train_denoiser.py checkpoint (.pt; holds the autoencoder too)")
    ap.add_argument("--encoder", default=str(DEFAULT_ENCODER), help="the pinned MuVis bundle")
    ap.add_argument("--bench", metavar="BUNDLE", help="print ms per denoiser call and per decode at 1 and 2 threads")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    if args.bench:
        print(json.dumps(bench(Path(args.bench)), indent=2))
        return
    if not args.out:
        ap.error("--out is required")
    out = Path(args.out)
    if args.untrained:
        ae, den = untrained(args.config, args.seed)
        prediction, alphas = args.prediction, cosine_alphas_cumprod()
        training = {"untrained": True, "config": args.config, "seed": args.seed, "commit": git_commit(),
                    "note": "random weights, for testing the engine against the contract; generates noise"}
        metrics: dict = {}
    elif args.checkpoint:
        ae, den, state = load_checkpoint(Path(args.checkpoint))
        prediction, alphas = state["prediction"], np.array(state["alphasCumprod"], dtype=np.float32)
        training, metrics = state.get("training", {}), state.get("metrics", {})
    else:
        ap.error("give --untrained or --checkpoint")
    m = write_bundle(ae, den, out, args.name or out.name, training, metrics, prediction, alphas, Path(args.encoder))
    total = sum(m["autoencoder"]["bytes"].values()) + m["denoiser"]["bytes"]
    log(f"wrote {out}: denoiser {m['denoiser']['parameters']:,} parameters, {total:,} bytes of ONNX, "
        f"parity {m['metrics']['onnxParity']}")


if __name__ == "__main__":
    main()
