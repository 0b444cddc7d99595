"""ONNX export of the two towers and the bundle manifest (contract in docs/architecture.md)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import torch

from .config import MuvisConfig
from .features import FbankParams
from .model import Muvis, parameter_count

OPSET = 17
PARITY_TOLERANCE = 1e-4


def write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def git_commit(repo: Path) -> str:
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "training"], cwd=repo, capture_output=True, text=True, check=True).stdout.strip()
        return sha + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _export_tower(tower: torch.nn.Module, example: torch.Tensor, path: Path, input_name: str) -> None:
    torch.onnx.export(
        tower, (example,), str(path), input_names=[input_name], output_names=["embedding"],
        dynamic_axes={input_name: {0: "batch"}, "embedding": {0: "batch"}},
        opset_version=OPSET, dynamo=False, do_constant_folding=True,
    )


def _check_parity(tower: torch.nn.Module, path: Path, example: torch.Tensor, input_name: str) -> float:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    with torch.no_grad():
        expected = tower(example).numpy()
    got = session.run(["embedding"], {input_name: example.numpy()})[0]
    diff = float(np.abs(got - expected).max())
    if got.shape != expected.shape or diff > PARITY_TOLERANCE:
        raise RuntimeError(f"{path.name}: ONNX differs from PyTorch by {diff:.2e} (shape {got.shape})")
    return diff


def bundle_manifest(name: str, cfg: MuvisConfig, params: FbankParams, mean: float, std: float,
                    model: Muvis, training: dict) -> dict:
    a, i = cfg.audio, cfg.image
    return {
        "name": name, "version": "1", "kind": "muvis", "embeddingDim": cfg.embedding_dim,
        "audio": {
            "onnx": "audio.onnx", "input": "fbank", "output": "embedding",
            "inputShape": ["batch", a.max_frames, a.mel_bins],
            "sampleRate": params.sampleRate, "fbank": params.to_manifest(),
            "normalize": {"mean": round(mean, 6), "std": round(std, 6)},
            "maxFrames": a.max_frames, "windowSeconds": a.window_seconds, "hopSeconds": a.hop_seconds,
        },
        "image": {
            "onnx": "image.onnx", "input": "pixel_values", "output": "embedding",
            "inputShape": ["batch", 3, i.size, i.size],
            "size": i.size, "resize": "shorter side to size with a bilinear (triangle, antialiased) filter, then centre crop size x size; RGB, alpha dropped",
            "mean": list(i.mean), "std": list(i.std),
        },
        "architecture": {
            "audio": {"model": "ASTModel (transformers)", "hidden": a.hidden, "layers": a.layers, "heads": a.heads,
                      "intermediate": a.intermediate, "patch": [a.patch, a.time_patch],
                      "patchUnits": "[mel bins, frames], non-overlapping", "pooling": "mean of patch tokens (CLS and distillation tokens excluded)",
                      "projection": f"Linear({a.hidden}, {cfg.embedding_dim}) then L2 norm",
                      "parameters": parameter_count(model.audio)},
            "image": {"model": "ViTModel (transformers)", "hidden": i.hidden, "layers": i.layers, "heads": i.heads,
                      "intermediate": i.intermediate, "patch": i.patch,
                      "pooling": "mean of patch tokens (CLS excluded)",
                      "projection": f"Linear({i.hidden}, {cfg.embedding_dim}) then L2 norm",
                      "parameters": parameter_count(model.image)},
            "loss": "symmetric InfoNCE with a learnable temperature" + (
                f"; targets {1 - cfg.train.caption_weight:g} on the exact pair, {cfg.train.caption_weight:g} spread by caption agreement"
                if cfg.train.caption_weight > 0 else "") + (
                f"; plus {cfg.train.group_weight:g} x InfoNCE at fixed scale {cfg.train.group_scale:g} with caption-agreement targets"
                if cfg.train.group_weight > 0 else "") + (
                f"; plus caption heads (training only): {cfg.train.category_weight:g} x category softmax and "
                f"{cfg.train.tag_weight:g} x tag sigmoid loss against shared prototypes at cosine scale {cfg.train.head_scale:g}, "
                "both towers, hum views excluded"
                if cfg.train.category_weight > 0 or cfg.train.tag_weight > 0 else "") + (
                f"; plus hum pairs (training only): {cfg.train.hum_pair_weight:g} x cross-entropy of up to "
                f"{cfg.train.hum_pairs} extra hum views a batch against the batch's audio views and images"
                if cfg.train.hum_pairs_per_batch > 0 else "") + (
                f"; plus an anchor (training only): {cfg.train.anchor_weight:g} x (1 - cosine) between the trained "
                "tower's non-hum embeddings and the start bundle's (at its own image patch size)"
                if cfg.train.anchor_weight > 0 else "") + (
                f"; {cfg.train.freeze} tower frozen (fine-tuning the other one)" if cfg.train.freeze else ""),
            "logitScale": float(model.scale().detach()),
            "weights": "float32",
            "opset": OPSET,
        },
        "training": training,
        "metrics": {},
    }


def export_bundle(model: Muvis, out_dir: str | Path, manifest: dict) -> dict:
    """Write audio.onnx, image.onnx and manifest.json into ``out_dir`` atomically (a sibling
    temp folder renamed over it), after checking ONNX == PyTorch within PARITY_TOLERANCE."""
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    cfg = model.cfg
    model = model.float().eval()
    gen = torch.Generator().manual_seed(0)
    audio_example = torch.randn(3, cfg.audio.max_frames, cfg.audio.mel_bins, generator=gen)
    image_example = torch.randn(3, 3, cfg.image.size, cfg.image.size, generator=gen)
    with torch.no_grad():
        _export_tower(model.audio, audio_example[:2], tmp / "audio.onnx", "fbank")
        _export_tower(model.image, image_example[:2], tmp / "image.onnx", "pixel_values")
    parity = {
        "audio": _check_parity(model.audio, tmp / "audio.onnx", audio_example, "fbank"),
        "image": _check_parity(model.image, tmp / "image.onnx", image_example, "pixel_values"),
    }
    manifest = dict(manifest)
    manifest["architecture"] = dict(manifest["architecture"], onnxParityMaxAbs=parity)
    write_json_atomic(tmp / "manifest.json", manifest)
    if out.exists():
        old = out.with_name(f".{out.name}.{os.getpid()}.old")
        os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out)
    return manifest
