"""Start training from a shipped bundle: read its ONNX towers' weights back into the PyTorch
towers (`train.py --init-from models/<bundle>`).

Shipped bundles hold ONNX files only, often int8 (onnxruntime dynamic quantisation). Named
initializers map to the towers' parameters by name; the MatMul weights that the exporter left
anonymous (`onnx::MatMul_400`) are found through the node that reads them, whose name carries the
module path (`/encoder/layers.0/attention/q_proj/MatMul_quant` -> `encoder.layers.0.attention.
q_proj.weight`). int8 weights are dequantised ((q - zero_point) x scale) and transposed back from
MatMul's [in, out] to Linear's [out, in]; tensors the exporter merged because they were equal
come back through their Identity nodes. Every parameter must be found, or it is an error.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .model import ImageEnsemble, ImageTower, Muvis


class WarmStartError(RuntimeError):
    """The bundle does not match the model being trained."""


def _module_path(node_name: str) -> str:
    """'/encoder/layers.0/attention/q_proj/MatMul_quant' -> 'encoder.layers.0.attention.q_proj'."""
    return ".".join(node_name.strip("/").split("/")[:-1])


def onnx_tower_weights(path: Path) -> dict[str, np.ndarray]:
    """The tower's parameters, by PyTorch name, as float32 arrays."""
    import onnx
    from onnx import numpy_helper

    graph = onnx.load(str(path)).graph
    arrays = {init.name: numpy_helper.to_array(init) for init in graph.initializer}
    weights = {name: a.astype(np.float32) for name, a in arrays.items() if not name.startswith("onnx::") and "/" not in name}
    for node in graph.node:
        if node.op_type == "Identity" and node.input[0] in weights:  # the exporter merges equal tensors
            weights[node.output[0]] = weights[node.input[0]]
            continue
        if node.op_type not in ("MatMul", "MatMulInteger", "Gemm"):
            continue
        weight_input = node.input[1]
        if weight_input not in arrays:
            continue  # activation @ activation (attention scores)
        if node.op_type == "MatMulInteger":
            base = weight_input[: -len("_quantized")]
            w = (arrays[weight_input].astype(np.float32) - arrays[base + "_zero_point"].astype(np.float32)) * arrays[base + "_scale"]
        else:
            w = arrays[weight_input].astype(np.float32)
        transposed = node.op_type != "Gemm" or not any(a.name == "transB" and a.i == 1 for a in node.attribute)
        weights[_module_path(node.name) + ".weight"] = w.T if transposed else w
    return weights


PATCH_PROJECTION = "encoder.embeddings.patch_embeddings.projection.weight"
POSITIONS = "encoder.embeddings.position_embeddings"


def resize_patch_projection(w: np.ndarray, patch: int) -> np.ndarray:
    """[hidden, 3, P, P] -> [hidden, 3, patch, patch], the pseudo-inverse resize of FlexiViT for an
    integer factor: the token a new patch gives equals the token the old kernel gave the same
    pixels area-averaged down (P > patch: each new weight is the sum of its f x f old ones) or
    replicated up (P < patch: each old weight spread over f x f, divided by f^2)."""
    hidden, channels, old, _ = w.shape
    if old % patch == 0:
        f = old // patch
        return w.reshape(hidden, channels, patch, f, patch, f).sum(axis=(3, 5))
    if patch % old == 0:
        f = patch // old
        return np.repeat(np.repeat(w, f, axis=2), f, axis=3) / (f * f)
    raise WarmStartError(f"cannot resize {old}-pixel patches to {patch}: one must divide the other")


def resize_positions(pos: np.ndarray, tokens: int, special: int) -> np.ndarray:
    """[1, special + G*G, hidden] -> [1, tokens, hidden]: special tokens kept, the G x G grid
    resized bicubically to the new grid."""
    old_side, new_side = math.isqrt(pos.shape[1] - special), math.isqrt(tokens - special)
    if old_side * old_side != pos.shape[1] - special or new_side * new_side != tokens - special:
        raise WarmStartError(f"position embeddings {pos.shape} are not a square grid")
    grid = torch.from_numpy(pos[:, special:]).reshape(1, old_side, old_side, -1).permute(0, 3, 1, 2)
    grid = torch.nn.functional.interpolate(grid, size=(new_side, new_side), mode="bicubic", align_corners=False)
    return np.concatenate([pos[:, :special], grid.permute(0, 2, 3, 1).reshape(1, new_side * new_side, -1).numpy()], axis=1)


def resize_image_patches(weights: dict[str, np.ndarray], state: dict, special: int) -> bool:
    """Fit an image tower's bundle weights to a model with another patch size (train.py
    --image-patch); True when anything was resized."""
    new_patch = state[PATCH_PROJECTION].shape[-1]
    if weights[PATCH_PROJECTION].shape[-1] == new_patch:
        return False
    weights[PATCH_PROJECTION] = resize_patch_projection(weights[PATCH_PROJECTION], new_patch)
    weights[POSITIONS] = resize_positions(weights[POSITIONS], state[POSITIONS].shape[1], special)
    return True


LAYER = re.compile(r"^encoder\.layers\.(\d+)\.")


def layer_count(names) -> int:
    return 1 + max((int(m.group(1)) for m in map(LAYER.match, names) if m), default=-1)


def load_tower(tower: nn.Module, path: Path, resize_patches: bool = False) -> bool:
    """Load a tower from its ONNX file; True when its image patches were resized to the tower's."""
    weights = onnx_tower_weights(path)
    state = tower.state_dict()
    resized = resize_patches and PATCH_PROJECTION in weights and PATCH_PROJECTION in state and POSITIONS in weights \
        and resize_image_patches(weights, state, tower.special_tokens)
    bundle_layers, model_layers = layer_count(weights), layer_count(state)
    if bundle_layers > model_layers:  # the surplus layers would otherwise be dropped without a word
        raise WarmStartError(f"{path.name}: the bundle has {bundle_layers} encoder layers, the model "
                             f"{model_layers}; a tower cannot be shortened")
    missing = [k for k in state if k not in weights]
    if missing:
        raise WarmStartError(f"{path.name}: no weights for {missing[:5]}{' …' if len(missing) > 5 else ''}")
    for key, value in state.items():
        if tuple(weights[key].shape) != tuple(value.shape):
            raise WarmStartError(f"{path.name}: {key} is {weights[key].shape} in the bundle, {tuple(value.shape)} in the model")
    tower.load_state_dict({k: torch.from_numpy(np.ascontiguousarray(weights[k])) for k in state})
    return bool(resized)


def bundle_normalization(bundle_dir: Path) -> tuple[float, float]:
    """The fbank normalisation a bundle's audio tower was trained with. A warm start keeps it: the
    tower's first layer expects those statistics, even on a corpus re-rendered through another
    SoundFont whose own statistics differ a little."""
    norm = json.loads((bundle_dir / "manifest.json").read_text(encoding="utf-8"))["audio"]["normalize"]
    return float(norm["mean"]), float(norm["std"])


def _image_ensemble(model: Muvis, manifest: dict, path: Path) -> ImageEnsemble:
    """An ensemble bundle's image towers (training/muvis/ensemble.py), as one frozen module."""
    members = manifest["architecture"]["image"]["members"]
    keys = ("hidden", "layers", "heads", "intermediate", "patch")
    towers = [ImageTower(dataclasses.replace(model.cfg.image, **{k: m[k] for k in keys}), model.cfg.embedding_dim) for m in members]
    ensemble = ImageEnsemble(towers, [m["weight"] for m in members])
    load_tower(ensemble, path)
    return ensemble


def warm_start(model: Muvis, bundle_dir: Path, freeze: str | None = None) -> dict:
    """Load both towers and the logit scale from a bundle. An ensemble's image towers can only be
    kept frozen (`--freeze image`): there is no one tower to fine-tune."""
    manifest = json.loads((bundle_dir / "manifest.json").read_text(encoding="utf-8"))
    members = manifest["architecture"]["image"].get("members")
    if members and freeze != "image":
        raise WarmStartError(f"{bundle_dir} is an ensemble of {len(members)} image towers (training/muvis/ensemble.py); "
                             f"fine-tune its audio tower with --freeze image, or start from one of its members: "
                             f"{', '.join(m['bundle'] for m in manifest['training']['ensemble']['members'])}")
    load_tower(model.audio, bundle_dir / manifest["audio"]["onnx"])
    patch_resized = False
    if members:
        model.image = _image_ensemble(model, manifest, bundle_dir / manifest["image"]["onnx"])
    else:
        patch_resized = load_tower(model.image, bundle_dir / manifest["image"]["onnx"], resize_patches=True)
    with torch.no_grad():
        model.logit_scale.fill_(math.log(manifest["architecture"]["logitScale"]))
    training = manifest.get("training", {})
    return {"bundle": str(bundle_dir), "name": manifest.get("name"), "weights": manifest["architecture"].get("weights"),
            "trainingCommit": training.get("commit"), "trainingCommand": training.get("command"),
            "imageArchitecture": manifest["architecture"]["image"] if members else None,
            "imagePatchResized": [manifest["architecture"]["image"]["patch"], model.cfg.image.patch] if patch_resized else None}
