"""Image-tower ensemble: a bundle whose image tower is the L2-normalised weighted sum of the image
towers of two bundles that share one audio tower.

    python3 training/muvis/ensemble.py --base models/muvis-small --add data/bundles/q4 \\
        --out data/bundles/muvis-ensemble [--weight 0.5] [--no-eval]

Both members must embed into the same joint space: the same audio preprocessing and image
preprocessing, and audio towers that agree (the --add bundle was fine-tuned from --base with
`--freeze audio`). The bundle's audio tower is --base's; its image tower runs both members on the
same pixels and mixes their unit embeddings, `base_weight x base + (1 - base_weight) x add`,
normalised. Why: image-only fine-tuning trades the caption categories of (b)/(c) against hums
(training/RESULTS.md, runs after step 5); in one space, two towers that sit at different points of
that trade can be averaged instead of choosing between them.

Members are read back from their ONNX files (int8 dequantised, muvis/warmstart.py) and exported
again in float32, with the same ONNX-vs-PyTorch parity check as train.py; evaluation on the
test split, as train.py does, follows unless --no-eval.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from pathlib import Path
from types import SimpleNamespace

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch
from torch import nn

from muvis.config import AudioTowerConfig, ImageTowerConfig
from common.runtime import git_commit
from muvis.eval import evaluate_bundle
from muvis.export import export_bundle
from muvis.features import l2_normalize
from muvis.model import AudioTower, ImageEnsemble, ImageTower, parameter_count
from muvis.runner import OnnxBundle
from muvis.warmstart import WarmStartError, load_tower

# the members' audio towers must give the same embedding to within this cosine on random inputs
# (a frozen int8 tower read back, exported and quantised again came out byte for byte the same
# for step 5 and q4: cosine 1.0; a tower that trained at all falls far below)
AUDIO_AGREEMENT_MIN_COSINE = 0.999


class EnsembleError(ValueError):
    """The two bundles cannot share one joint space."""


def read_manifest(bundle: Path) -> dict:
    path = bundle / "manifest.json"
    if not path.exists():
        raise EnsembleError(f"{bundle}: no manifest.json (not a bundle folder)")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if "members" in manifest["architecture"]["image"]:
        raise EnsembleError(f"{bundle}: already an ensemble; combine its members instead")
    return manifest


def tower_configs(manifest: dict) -> tuple[AudioTowerConfig, ImageTowerConfig]:
    config = manifest["training"]["config"]
    image = dict(config["image"], mean=tuple(config["image"]["mean"]), std=tuple(config["image"]["std"]))
    return AudioTowerConfig(**config["audio"]), ImageTowerConfig(**image)


def check_same_space(base: dict, add: dict) -> None:
    """The preprocessing both members were trained with must be one and the same."""
    strip = lambda section: {k: v for k, v in section.items() if k != "onnx"}
    if strip(base["audio"]) != strip(add["audio"]):
        raise EnsembleError("the bundles preprocess audio differently (fbank, normalisation or windows)")
    if strip(base["image"]) != strip(add["image"]):
        raise EnsembleError("the bundles preprocess images differently (size, mean or std)")
    if base["embeddingDim"] != add["embeddingDim"]:
        raise EnsembleError(f"embedding sizes differ: {base['embeddingDim']} and {add['embeddingDim']}")


def audio_agreement(base_dir: Path, add_dir: Path) -> float:
    """The smallest cosine between the two audio towers' embeddings of a few random fbanks."""
    base, add = OnnxBundle(base_dir), OnnxBundle(add_dir)
    shape = [4, base.max_frames, base.params.numMelBins]
    x = np.random.default_rng(0).normal(size=shape).astype(np.float32)
    a, b = (l2_normalize(bundle.audio.run(None, {bundle.manifest["audio"]["input"]: x})[0]) for bundle in (base, add))
    return float(np.min(np.sum(a * b, axis=1)))


def build(base_dir: Path, add_dir: Path, out: Path, base_weight: float) -> dict:
    if not 0 < base_weight < 1:
        raise EnsembleError(f"--weight {base_weight} must lie strictly between 0 and 1")
    base, add = read_manifest(base_dir), read_manifest(add_dir)
    check_same_space(base, add)
    agreement = audio_agreement(base_dir, add_dir)
    if agreement < AUDIO_AGREEMENT_MIN_COSINE:
        raise EnsembleError(f"the audio towers differ (cosine {agreement:.4f} < {AUDIO_AGREEMENT_MIN_COSINE}): "
                            "the image towers were not trained into one joint space")

    audio_cfg, base_image_cfg = tower_configs(base)
    _, add_image_cfg = tower_configs(add)
    dim = base["embeddingDim"]
    audio = AudioTower(audio_cfg, dim)
    load_tower(audio, base_dir / base["audio"]["onnx"])
    towers = []
    for cfg, bundle, manifest in ((base_image_cfg, base_dir, base), (add_image_cfg, add_dir, add)):
        tower = ImageTower(cfg, dim)
        load_tower(tower, bundle / manifest["image"]["onnx"])
        towers.append(tower)
    image = ImageEnsemble(towers, [base_weight, 1 - base_weight])

    model = nn.Module()
    model.audio, model.image = audio, image
    model.cfg = SimpleNamespace(audio=audio_cfg, image=base_image_cfg)  # the input shapes export_bundle reads
    members = ((base_dir, base, base_weight), (add_dir, add, 1 - base_weight))
    manifest = copy.deepcopy(base)
    manifest["name"] = out.name
    manifest["architecture"]["image"] = {
        "model": "ensemble of two ViTModel (transformers) towers",
        "combination": "L2 norm of the weighted sum of the members' unit embeddings, one pass of each over the same pixels",
        "members": [{"weight": w, **m["architecture"]["image"]} for _, m, w in members],
        "parameters": parameter_count(image),
    }
    manifest["architecture"]["loss"] = "no training of its own: an ensemble of two trained image towers; " + " | ".join(
        f"member {k + 1}: {m['architecture']['loss']}" for k, (_, m, _) in enumerate(members))
    manifest["architecture"]["weights"] = "float32"
    manifest["training"] = {
        "corpus": base["training"].get("corpus"), "corpusManifestSha256": base["training"].get("corpusManifestSha256"),
        "items": base["training"].get("items"), "commit": git_commit(),
        "command": "python3 training/muvis/ensemble.py " + " ".join(sys.argv[1:]),
        "ensemble": {"members": [{"bundle": str(d), "name": m.get("name"), "weight": w, "trainingCommit": m["training"].get("commit"),
                                  "trainingCommand": m["training"].get("command")} for d, m, w in members],
                     "audioFrom": str(base_dir), "audioAgreementMinCosine": round(agreement, 6)},
    }
    manifest["metrics"] = {}
    return export_bundle(model, out, manifest)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", required=True, help="bundle whose audio tower the ensemble keeps")
    ap.add_argument("--add", required=True, help="bundle fine-tuned from --base with --freeze audio")
    ap.add_argument("--out", required=True, help="bundle folder to write")
    ap.add_argument("--weight", type=float, default=0.5, help="the --base image tower's share (default 0.5)")
    ap.add_argument("--corpus", default=None, help="evaluate on this corpus (default: the one --base was trained on)")
    ap.add_argument("--no-eval", action="store_true", help="skip the test-split evaluation after export")
    args = ap.parse_args(argv)
    torch.set_num_threads(2)
    try:
        manifest = build(Path(args.base), Path(args.add), Path(args.out), args.weight)
    except (EnsembleError, WarmStartError) as err:
        raise SystemExit(f"error: cannot build an ensemble of {args.base} and {args.add}: {err}") from None
    print(f"exported {args.out}: audio agreement {manifest['training']['ensemble']['audioAgreementMinCosine']}", flush=True)
    if not args.no_eval:
        evaluate_bundle(Path(args.out), Path(args.corpus or manifest["training"]["corpus"]))


if __name__ == "__main__":
    main()
