"""A reference sampler over a MusIm bundle's ONNX files (what the Node engine does, in numpy): DDIM
(eta 0) with classifier-free guidance, one image per corpus item of a split from its own clip's
MuVis embedding, written as PNGs and a contact sheet (true image | generated), with a quick check of
the result: each generated image embedded with the pinned MuVis image tower and ranked against the
clips of the same items (R@1/R@10/MRR; chance R@10 = 10/items). The full evaluation is `npm run
eval:musim`; this one judges a training run.

    python3 training/musim/sample.py --bundle data/musim/bundles/musim-small [--split test] [--items 64]
        [--steps 20] [--guidance 3] [--seed 0] [--out data/musim/samples/musim-small]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from PIL import Image

from common.corpus import read_manifest
from common.onnx_runner import cpu_session
from common.runtime import REPO, log, write_json_atomic

from imagic.export import DEFAULT_ENCODER
from musim.train_denoiser import DEFAULT_COND


def ddim_steps(train_steps: int, steps: int) -> np.ndarray:
    return np.round(np.linspace(train_steps - 1, 0, steps)).astype(np.int64)


def sample(den, manifest: dict, cond: np.ndarray, steps: int, guidance: float, seed: int) -> np.ndarray:
    """Latents [N, 4, 32, 32] for N conditions; each row's noise from its own seed (seed + row)."""
    d = manifest["denoiser"]
    abar = np.array(d["alphasCumprod"], dtype=np.float64)
    lat = manifest["latent"]
    out = []
    for i, c in enumerate(cond):
        x = np.random.default_rng(seed + i).standard_normal((1, lat["channels"], lat["size"], lat["size"]))
        ts = ddim_steps(d["trainSteps"], steps)
        for k, t in enumerate(ts):
            feeds = {"latent": np.repeat(x, 2, 0).astype(np.float32), "timestep": np.full(2, t, np.float32),
                     "cond": np.stack([c, np.zeros_like(c)]).astype(np.float32), "cond_mask": np.array([1, 0], np.float32)}
            p_cond, p_null = den.run(None, feeds)[0].astype(np.float64)
            p = p_null + guidance * (p_cond - p_null)
            a = abar[t]
            if d["prediction"] == "v":
                x0, eps = np.sqrt(a) * x - np.sqrt(1 - a) * p, np.sqrt(1 - a) * x + np.sqrt(a) * p
            else:
                x0, eps = (x - np.sqrt(1 - a) * p) / np.sqrt(a), p
            a_prev = abar[ts[k + 1]] if k + 1 < len(ts) else 1.0
            x = np.sqrt(a_prev) * x0 + np.sqrt(1 - a_prev) * eps
        out.append(x[0])
    return np.stack(out).astype(np.float32)


def to_pil(image: np.ndarray) -> Image.Image:
    return Image.fromarray(((np.clip(image, -1, 1).transpose(1, 2, 0) + 1) * 127.5).round().astype(np.uint8))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--corpus", default=str(REPO / "data/corpus"))
    ap.add_argument("--cond", default=str(DEFAULT_COND))
    ap.add_argument("--encoder", default=str(DEFAULT_ENCODER))
    ap.add_argument("--split", default="test")
    ap.add_argument("--items", type=int, default=64)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--guidance", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--sheet", type=int, default=16, help="items on the contact sheet")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out")
    args = ap.parse_args(argv)
    bundle = Path(args.bundle)
    out = Path(args.out) if args.out else REPO / "data/musim/samples" / bundle.name
    out.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    items = [it for it in read_manifest(args.corpus) if it.split == args.split][: args.items]
    clips = np.load(Path(args.cond) / "clip.npy")[[it.index for it in items]]
    den = cpu_session(bundle / manifest["denoiser"]["onnx"], args.threads)
    dec = cpu_session(bundle / manifest["autoencoder"]["decoder"], args.threads)
    t = time.time()
    latents = sample(den, manifest, clips, args.steps, args.guidance, args.seed)
    images = np.concatenate([dec.run(None, {"latent": latents[i:i + 8]})[0] for i in range(0, len(latents), 8)])
    per_image = (time.time() - t) / max(1, len(items))
    pils = [to_pil(im) for im in images]
    for it, pil in zip(items, pils):
        pil.save(out / f"{it.index:05d}.png")

    from muvis.features import l2_normalize
    from muvis.runner import OnnxBundle
    muvis = OnnxBundle(Path(args.encoder), threads=args.threads)
    gen_emb = l2_normalize(muvis.embed_images(pils))
    true_emb = l2_normalize(muvis.embed_images([Image.open(it.image).convert("RGB") for it in items]))
    clips_n = l2_normalize(clips)

    def retrieval(queries: np.ndarray) -> dict:
        sims = queries @ clips_n.T
        ranks = (sims > np.diag(sims)[:, None]).sum(1) + 1
        return {"r1": round(float((ranks <= 1).mean()), 4), "r10": round(float((ranks <= 10).mean()), 4),
                "mrr": round(float((1 / ranks).mean()), 4), "agreement": round(float(np.diag(sims).mean()), 4)}

    n = len(items)
    report = {"bundle": str(bundle), "split": args.split, "items": n, "steps": args.steps, "guidance": args.guidance,
              "seed": args.seed, "sampler": "DDIM eta 0, numpy over denoiser.onnx", "secondsPerImage": round(per_image, 3),
              "generated": retrieval(gen_emb), "truePair": retrieval(true_emb),
              "randomPairAgreement": round(float((np.roll(true_emb, 1, axis=0) * clips_n).sum(1).mean()), 4),
              "chance": {"r1": round(1 / n, 4), "r10": round(min(1.0, 10 / n), 4)},
              "note": "own-clip rank among the same items' clips, MuVis image tower; agreement = mean cosine with the own clip "
                      "(randomPairAgreement: another item's true image with the clip)"}
    write_json_atomic(out / "report.json", report)

    # the autoencoder alone: true | encode -> decode, for the first corpus items of the split
    enc = cpu_session(bundle / manifest["autoencoder"]["encoder"], args.threads)
    k = min(args.sheet, n)
    trues = np.stack([np.asarray(Image.open(it.image).convert("RGB"), np.float32).transpose(2, 0, 1) / 127.5 - 1 for it in items[:k]])
    recon = dec.run(None, {"latent": enc.run(None, {"image": trues})[0]})[0]
    rsheet = Image.new("RGB", (256 * 4, 256 * ((k + 1) // 2)), "white")
    for i in range(k):
        row, col = divmod(i, 2)
        rsheet.paste(to_pil(trues[i]), (col * 512, row * 256))
        rsheet.paste(to_pil(recon[i]), (col * 512 + 256, row * 256))
    rsheet.save(out / "reconstructions.png")

    sheet = Image.new("RGB", (256 * 4, 256 * ((k + 1) // 2)), "white")
    for i in range(k):
        row, col = divmod(i, 2)
        sheet.paste(Image.open(items[i].image).convert("RGB"), (col * 512, row * 256))
        sheet.paste(pils[i], (col * 512 + 256, row * 256))
    sheet.save(out / "sheet.png")
    log(f"{n} images in {out} ({per_image:.2f} s each): generated {report['generated']}, true pair {report['truePair']}")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
