"""A MuVis bundle: the two towers as ONNX and its manifest.json (contract in docs/architecture.md)."""

from __future__ import annotations

from pathlib import Path

import torch

from common.onnx_export import OPSET, bundle_folder, export_checked
from common.runtime import write_json_atomic

from .config import MuvisConfig, TrainConfig
from .features import FbankParams
from .model import Muvis, parameter_count


def loss_description(t: TrainConfig) -> str:
    """The manifest's one-line account of what the towers were trained on."""
    parts = ["symmetric InfoNCE with a learnable temperature"]
    if t.caption_weight > 0:
        parts.append(f"targets {1 - t.caption_weight:g} on the exact pair, {t.caption_weight:g} spread by caption agreement")
    if t.category_weight > 0 or t.tag_weight > 0:
        parts.append(f"plus caption heads (training only): {t.category_weight:g} x category softmax and "
                     f"{t.tag_weight:g} x tag sigmoid loss against shared prototypes at cosine scale {t.head_scale:g}, "
                     "both towers, hum views excluded")
    if t.hum_pairs_per_batch > 0:
        parts.append(f"plus hum pairs (training only): {t.hum_pair_weight:g} x cross-entropy of up to "
                     f"{t.hum_pairs} extra hum views a batch against the batch's audio views and images")
    if t.anchor_weight > 0:
        parts.append(f"plus an anchor (training only): {t.anchor_weight:g} x (1 - cosine) between the trained "
                     "tower's non-hum embeddings and the start bundle's (at its own image patch size)")
    if t.freeze:
        parts.append(f"{t.freeze} tower frozen (fine-tuning the other one)")
    return "; ".join(parts)


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
            "loss": loss_description(cfg.train),
            "logitScale": float(model.scale().detach()),
            "weights": "float32",
            "opset": OPSET,
        },
        "training": training,
        "metrics": {},
    }


def export_bundle(model: Muvis, out_dir: str | Path, manifest: dict) -> dict:
    """Write audio.onnx, image.onnx and manifest.json into ``out_dir`` atomically, after checking
    ONNX == PyTorch within common.onnx_export.PARITY_TOLERANCE."""
    cfg = model.cfg
    model = model.float().eval()
    gen = torch.Generator().manual_seed(0)
    audio_example = torch.randn(3, cfg.audio.max_frames, cfg.audio.mel_bins, generator=gen)
    image_example = torch.randn(3, 3, cfg.image.size, cfg.image.size, generator=gen)
    with bundle_folder(out_dir) as tmp:
        parity = {
            "audio": export_checked(model.audio, audio_example, tmp / "audio.onnx", "fbank"),
            "image": export_checked(model.image, image_example, tmp / "image.onnx", "pixel_values"),
        }
        manifest = dict(manifest)
        manifest["architecture"] = dict(manifest["architecture"], onnxParityMaxAbs=parity)
        write_json_atomic(tmp / "manifest.json", manifest)
    return manifest
