"""The real-material adapter: a second, smaller joint space beside a trained MuVis bundle's.

Each tower of the base bundle stays as it is. Beside it, a frozen reader trained on real material
(images: the ImageNet MobileNetV2 of muvis.mobilenet; audio: the fixed descriptor of
muvis.descriptors) feeds a small trained head into a `dim`-sized unit vector h. The shipped
embedding is the unit-length concatenation [base, alpha * h], so the cosine of two embeddings is

    (cos(base, base') + alpha^2 cos(h, h')) / (1 + alpha^2)

a fixed blend of the base space's similarity and the adapter's. Training (train_adapter.py) fits
only the heads, against that blended similarity, with the base embeddings precomputed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from onnx import compose, helper, numpy_helper
from torch import nn

OUTPUT = "embedding"


class Head(nn.Module):
    """frozen features -> unit vector: L2-normalised input, standardised by the training set's
    statistics, then a two-layer MLP."""

    def __init__(self, d_in: int, hidden: int, dim: int, dropout: float):
        super().__init__()
        self.register_buffer("mu", torch.zeros(d_in))
        self.register_buffer("sd", torch.ones(d_in))
        self.mlp = nn.Sequential(nn.Linear(d_in, hidden), nn.GELU(), nn.Dropout(dropout), nn.Linear(hidden, dim))

    def fit_scale(self, features: np.ndarray) -> None:
        x = F.normalize(torch.from_numpy(features).float(), dim=1)
        self.mu.copy_(x.mean(0))
        self.sd.copy_(x.std(0).clamp_min(1e-4))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        x = (F.normalize(features, dim=1) - self.mu) / self.sd
        return F.normalize(self.mlp(x), dim=1)


class Reader(nn.Module):
    """A tower's adapter as shipped: the frozen reader, then its head."""

    def __init__(self, reader: nn.Module, head: Head):
        super().__init__()
        self.reader, self.head = reader, head

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.reader(x))


def blended_similarity(base_q: torch.Tensor, base_c: torch.Tensor, h_q: torch.Tensor, h_c: torch.Tensor,
                       alpha: float) -> torch.Tensor:
    return (base_q @ base_c.T + alpha ** 2 * (h_q @ h_c.T)) / (1.0 + alpha ** 2)


def compose_tower(base_onnx: Path, adapter_onnx: Path, out: Path, alpha: float, dim: int) -> None:
    """One ONNX graph: the base tower and the adapter side by side on the same input, their outputs
    joined as [base, alpha * h] and L2-normalised, under the base tower's input name; ``dim`` is the
    joined width (the traced graphs may leave their output widths symbolic)."""
    base, adapter = onnx.load(str(base_onnx)), onnx.load(str(adapter_onnx))
    input_name = base.graph.input[0].name
    if adapter.graph.input[0].name != input_name:
        raise ValueError(f"adapter input {adapter.graph.input[0].name!r} is not {input_name!r}")
    if {o.domain: o.version for o in base.opset_import}.get("", 0) != {o.domain: o.version for o in adapter.opset_import}.get("", 0):
        raise ValueError("base and adapter graphs use different opsets")
    base = compose.add_prefix(base, "base/")
    adapter = compose.add_prefix(adapter, "adapter/")
    nodes = [
        helper.make_node("Identity", [input_name], [f"base/{input_name}"]),
        helper.make_node("Identity", [input_name], [f"adapter/{input_name}"]),
        *base.graph.node, *adapter.graph.node,
        helper.make_node("Mul", [f"adapter/{OUTPUT}", "adapter_alpha"], ["adapter_scaled"]),
        helper.make_node("Concat", [f"base/{OUTPUT}", "adapter_scaled"], ["joined"], axis=1),
        helper.make_node("LpNormalization", ["joined"], [OUTPUT], axis=1, p=2),
    ]
    original_input = onnx.load(str(base_onnx)).graph.input[0]
    graph = helper.make_graph(
        nodes, "muvis_with_adapter", [original_input],
        [helper.make_tensor_value_info(OUTPUT, onnx.TensorProto.FLOAT, ["batch", dim])],
        initializer=[*base.graph.initializer, *adapter.graph.initializer,
                     numpy_helper.from_array(np.array(alpha, dtype=np.float32), "adapter_alpha")],
    )
    model = helper.make_model(graph, opset_imports=base.opset_import, ir_version=base.ir_version)
    onnx.checker.check_model(model)
    onnx.save(model, str(out))
