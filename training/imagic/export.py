"""An Imagic bundle (contract in docs/architecture.md, "Imagic bundle"): decoder.onnx with a static
KV cache in the caller's buffers, manifest.json pinning the vocabulary and the MuVis encoder, and
metrics.json. The export is checked by decoding through onnxruntime step by step with the cache,
as the Node engine does, against a whole-sequence PyTorch forward.

    python3 training/imagic/export.py --untrained --config tiny --seed 0 --out data/imagic/bundles/imagic-untrained
    python3 training/imagic/export.py --checkpoint data/imagic/runs/X/last.pt --out data/imagic/bundles/X
    python3 training/imagic/export.py --bench data/imagic/bundles/imagic-small   # ms per decoder step
"""

from __future__ import annotations

import argparse
import hashlib
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

from imagic.model import PRESETS, Imagic, ImagicConfig, StepModule, parameter_count

INPUTS = ["tokens", "positions", "cond", "cond_mask", "cache_k", "cache_v", "cache_len"]
OUTPUTS = ["logits", "new_k", "new_v"]
DEFAULT_ENCODER = REPO / "models/muvis-small"
DEFAULT_VOCAB = REPO / "data/imagic/tokens/vocab.json"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def vocab_block(vocab_json: Path) -> dict:
    v = json.loads(vocab_json.read_text(encoding="utf-8"))
    return {"version": v["version"], "hash": v["hash"], "size": int(v["size"])}


def encoder_block(bundle_dir: Path) -> dict:
    """The pinned MuVis bundle: name, version, embedding size and the sha256 of its towers."""
    m = json.loads((bundle_dir / "manifest.json").read_text(encoding="utf-8"))
    files = [m["audio"]["onnx"], m["image"]["onnx"]]
    return {"name": m["name"], "version": str(m["version"]), "dim": int(m["embeddingDim"]),
            "files": {f: sha256_file(bundle_dir / f) for f in files}}


def empty_cache(cfg: ImagicConfig, batch: int) -> np.ndarray:
    return np.zeros((cfg.layers, batch, cfg.heads, cfg.max_context, cfg.head_dim), dtype=np.float32)


def export_decoder(model: Imagic, path: Path) -> None:
    """decoder.onnx, traced at B=2, S=3 with 4 cached positions; B and S are dynamic axes."""
    cfg = model.cfg
    gen = torch.Generator().manual_seed(0)
    b, s = 2, 3
    example = (
        torch.randint(5, cfg.vocab, (b, s), generator=gen),
        torch.arange(4, 4 + s)[None, :].repeat(b, 1),
        torch.nn.functional.normalize(torch.randn(b, cfg.cond_dim, generator=gen), dim=-1),
        torch.tensor([1.0, 0.0]),
        torch.randn(cfg.layers, b, cfg.heads, cfg.max_context, cfg.head_dim, generator=gen),
        torch.randn(cfg.layers, b, cfg.heads, cfg.max_context, cfg.head_dim, generator=gen),
        torch.tensor([4, 4]),
    )
    axes = {"tokens": {0: "batch", 1: "new"}, "positions": {0: "batch", 1: "new"}, "cond": {0: "batch"},
            "cond_mask": {0: "batch"}, "cache_k": {1: "batch"}, "cache_v": {1: "batch"}, "cache_len": {0: "batch"},
            "logits": {0: "batch", 1: "new"}, "new_k": {1: "batch", 3: "new"}, "new_v": {1: "batch", 3: "new"}}
    with torch.no_grad():
        torch.onnx.export(StepModule(model.eval()), example, str(path), input_names=INPUTS, output_names=OUTPUTS,
                          dynamic_axes=axes, opset_version=OPSET, dynamo=False, do_constant_folding=True)


def _feeds(tokens, positions, cond, cond_mask, cache_k, cache_v, cache_len) -> dict:
    return dict(zip(INPUTS, [np.ascontiguousarray(tokens, dtype=np.int64), np.ascontiguousarray(positions, dtype=np.int64),
                             cond.astype(np.float32), cond_mask.astype(np.float32), cache_k, cache_v,
                             np.asarray(cache_len, dtype=np.int64)]))


def check_parity(model: Imagic, path: Path, length: int = 48, prefill: int = 5, seed: int = 0) -> dict:
    """Decode through onnxruntime as the engine does (prefill ``prefill`` tokens, then one token a
    step, the caller writing new_k/new_v into its cache at cache_len; the cache beyond cache_len
    holds garbage) and compare every position's logits with one whole-sequence PyTorch forward;
    row 0 is conditioned, row 1 takes the null condition. Then one step where the two rows have
    different cache lengths. Largest absolute difference of each; above PARITY_TOLERANCE raises."""
    cfg = model.cfg
    length = min(length, cfg.max_context)
    rng = np.random.default_rng(seed)
    tokens = rng.integers(5, cfg.vocab, size=(2, length))
    tokens[:, 0], tokens[:, 1] = 1, cfg.cond_token
    cond = rng.standard_normal((2, cfg.cond_dim)).astype(np.float32)
    cond /= np.linalg.norm(cond, axis=1, keepdims=True)
    cond_mask = np.array([1.0, 0.0], dtype=np.float32)
    with torch.no_grad():
        ref = model.eval()(torch.from_numpy(tokens), torch.from_numpy(cond), torch.from_numpy(cond_mask)).numpy()

    sess = cpu_session(path)
    garbage = lambda: rng.standard_normal(empty_cache(cfg, 2).shape).astype(np.float32)  # noqa: E731
    cache_k, cache_v = garbage(), garbage()
    got, n = [], 0
    while n < length:
        s = prefill if n == 0 else 1
        pos = np.arange(n, n + s)[None, :].repeat(2, 0)
        logits, new_k, new_v = sess.run(OUTPUTS, _feeds(tokens[:, n:n + s], pos, cond, cond_mask, cache_k, cache_v, [n, n]))
        cache_k[:, :, :, n:n + s], cache_v[:, :, :, n:n + s] = new_k, new_v
        got.append(logits)
        n += s
    stepwise = float(np.abs(np.concatenate(got, axis=1) - ref).max())

    # rows at different lengths: row 0 has a cached positions, row 1 has b; garbage beyond each
    a, b = length // 3, length - 1
    ks, vs = garbage(), garbage()
    ks[:, 0, :, :a], vs[:, 0, :, :a] = cache_k[:, 0, :, :a], cache_v[:, 0, :, :a]
    ks[:, 1, :, :b], vs[:, 1, :, :b] = cache_k[:, 1, :, :b], cache_v[:, 1, :, :b]
    logits = sess.run(["logits"], _feeds(np.array([[tokens[0, a]], [tokens[1, b]]]), np.array([[a], [b]]),
                                         cond, cond_mask, ks, vs, [a, b]))[0]
    ragged = float(max(np.abs(logits[0, 0] - ref[0, a]).max(), np.abs(logits[1, 0] - ref[1, b]).max()))
    out = {"stepwiseMaxAbs": stepwise, "raggedMaxAbs": ragged, "length": length, "prefill": prefill}
    if max(stepwise, ragged) > PARITY_TOLERANCE or not np.isfinite([stepwise, ragged]).all():
        raise ParityError(f"{path.name}: cached ONNX decoding differs from PyTorch: {out}")
    return out


def bench_step(path: Path, cfg: dict, threads: int, cache_len: int, batch: int = 2, reps: int = 50) -> float:
    """Median milliseconds of one decoder step (S = 1) at ``cache_len`` through onnxruntime."""
    d = cfg
    sess = cpu_session(path, threads)
    cache = np.zeros((d["layers"], batch, d["heads"], d["maxContext"], d["headDim"]), dtype=np.float32)
    rng = np.random.default_rng(0)
    cond = rng.standard_normal((batch, 128)).astype(np.float32)
    feeds = _feeds(np.full((batch, 1), 400), np.full((batch, 1), cache_len), cond[:, :d.get("condDim", 128)],
                   np.ones(batch), cache, cache.copy(), [cache_len] * batch)
    return median_ms(sess, feeds, reps, OUTPUTS, warmup=5)


def decoder_block(cfg: ImagicConfig) -> dict:
    return {"onnx": "decoder.onnx", "layers": cfg.layers, "heads": cfg.heads, "headDim": cfg.head_dim,
            "dModel": cfg.d_model, "maxContext": cfg.max_context, "ffn": cfg.ffn, "condDim": cfg.cond_dim,
            "condToken": cfg.cond_token, "inputs": INPUTS, "outputs": OUTPUTS, "opset": OPSET, "weights": "float32"}


def write_bundle(model: Imagic, out_dir: Path, name: str, training: dict, metrics: dict,
                 vocab_json: Path = DEFAULT_VOCAB, encoder_dir: Path = DEFAULT_ENCODER) -> dict:
    """decoder.onnx (parity-checked), manifest.json and metrics.json, written atomically."""
    cfg = model.cfg
    vocab, encoder = vocab_block(vocab_json), encoder_block(encoder_dir)
    if vocab["size"] != cfg.vocab:
        raise ValueError(f"model vocabulary {cfg.vocab} != {vocab_json} size {vocab['size']}")
    if encoder["dim"] != cfg.cond_dim:
        raise ValueError(f"model condition size {cfg.cond_dim} != encoder dim {encoder['dim']}")
    model = model.float().eval()
    with bundle_folder(out_dir) as tmp:
        export_decoder(model, tmp / "decoder.onnx")
        parity = check_parity(model, tmp / "decoder.onnx")
        metrics = dict(metrics, onnxParity=parity)
        manifest = {
            "name": name, "version": "1", "kind": "imagic", "vocab": vocab, "encoder": encoder,
            "decoder": dict(decoder_block(cfg), parameters=parameter_count(model),
                            bytes=(tmp / "decoder.onnx").stat().st_size),
            "training": training, "metrics": metrics,
        }
        write_json_atomic(tmp / "metrics.json", metrics)
        write_json_atomic(tmp / "manifest.json", manifest)
    return manifest


def load_checkpoint(path: Path) -> tuple[Imagic, dict]:
    state = torch.load(path, map_location="cpu", weights_only=False)
    model = Imagic(ImagicConfig(**state["config"]))
    model.load_state_dict(state["model"])
    return model, state


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out")
    ap.add_argument("--name", help="bundle name (default: the out folder's name)")
    ap.add_argument("--untrained", action="store_true", help="random weights (for engine tests)")
    ap.add_argument("--config", default="tiny", choices=sorted(PRESETS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--checkpoint", help="a train.py checkpoint (.pt)")
    ap.add_argument("--vocab", default=str(DEFAULT_VOCAB))
    ap.add_argument("--encoder", default=str(DEFAULT_ENCODER))
    ap.add_argument("--bench", metavar="BUNDLE", help="print ms per decoder step (B=2) at 1 and 2 threads")
    args = ap.parse_args(argv)
    if args.bench:
        bundle = Path(args.bench)
        d = json.loads((bundle / "manifest.json").read_text())["decoder"]
        rows = [{"threads": t, "cacheLen": n, "batch": 2, "ms": round(bench_step(bundle / d["onnx"], d, t, n), 3)}
                for t in (1, 2) for n in (100, min(900, d["maxContext"] - 1))]
        print(json.dumps({"bundle": str(bundle), "cpu": cpu_name(), "steps": rows}, indent=2))
        return
    if not args.out:
        ap.error("--out is required")
    out = Path(args.out)
    if args.untrained:
        seed_everything(args.seed)
        model = Imagic(PRESETS[args.config])
        training = {"untrained": True, "config": args.config, "seed": args.seed, "commit": git_commit(),
                    "note": "random weights, for testing the engine against the contract; generates noise"}
        metrics: dict = {}
    elif args.checkpoint:
        model, state = load_checkpoint(Path(args.checkpoint))
        training, metrics = state.get("training", {}), state.get("metrics", {})
    else:
        ap.error("give --untrained or --checkpoint")
    manifest = write_bundle(model, out, args.name or out.name, training, metrics, Path(args.vocab), Path(args.encoder))
    log(f"wrote {out}: {manifest['decoder']['parameters']:,} parameters, {manifest['decoder']['bytes']:,} bytes, "
        f"parity {manifest['metrics']['onnxParity']}")


if __name__ == "__main__":
    main()
