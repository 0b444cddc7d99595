"""Checks of the real-material adapter's parts against independent computations: the Keras layer
reader (kernel layouts, padding, pooling, channels-last flatten) against a direct NHWC loop, the
fbank descriptor's padding mask, the multi-positive InfoNCE against its formula, and the joined
ONNX graph against the blend of its parts. Run by tests/training/muvis-smoke.test.ts; exits
non-zero with a message on the first failure."""

from __future__ import annotations

import math
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch

from common.onnx_export import export_checked
from muvis.adapter import compose_tower
from muvis.descriptors import FbankDescriptor, RhythmDescriptor
from muvis.mobilenet import KerasLayers
from muvis.train_adapter import info_nce, joined_parity


def keras_config() -> dict:
    layer = lambda name, kind, cfg, src: {"name": name, "class_name": kind, "config": {"name": name, **cfg},
                                           "inbound_nodes": [[[s, 0, 0, {}] for s in src]] if src else []}
    return {"class_name": "Model", "config": {"layers": [
        layer("in", "InputLayer", {}, []),
        layer("pad", "ZeroPadding2D", {"padding": [[0, 1], [0, 1]]}, ["in"]),
        layer("conv", "Conv2D", {"strides": [2, 2], "padding": "valid", "use_bias": True, "activation": "linear"}, ["pad"]),
        layer("bn", "BatchNormalization", {"epsilon": 1e-3, "center": True, "scale": True}, ["conv"]),
        layer("relu", "ReLU", {"max_value": 6.0}, ["bn"]),
        layer("dw", "DepthwiseConv2D", {"strides": [1, 1], "padding": "same", "use_bias": False, "activation": "linear"}, ["relu"]),
        layer("add", "Add", {}, ["dw", "relu"]),
        layer("pool", "AveragePooling2D", {"pool_size": [2, 2], "strides": [2, 2]}, ["add"]),
        layer("flat", "Flatten", {}, ["pool"]),
        layer("unused", "Dense", {}, ["flat"]),
    ]}}


def conv_nhwc(x: np.ndarray, k: np.ndarray, stride: int, depthwise: bool) -> np.ndarray:
    """Direct convolution, NHWC input, Keras kernel layout, no padding."""
    kh, kw = k.shape[:2]
    n, h, w, c = x.shape
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    out = np.zeros((n, oh, ow, c if depthwise else k.shape[3]), np.float64)
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            out[:, i, j] = np.einsum("nhwc,hwc->nc", patch, k[..., 0]) if depthwise else np.einsum("nhwc,hwco->no", patch, k)
    return out


def check_keras_layers() -> None:
    rng = np.random.default_rng(0)
    w = {"conv/kernel": rng.normal(size=(3, 3, 3, 4)).astype(np.float32), "conv/bias": rng.normal(size=4).astype(np.float32),
         "bn/gamma": rng.uniform(0.5, 2, 4).astype(np.float32), "bn/beta": rng.normal(size=4).astype(np.float32),
         "bn/moving_mean": rng.normal(size=4).astype(np.float32), "bn/moving_variance": rng.uniform(0.5, 2, 4).astype(np.float32),
         "dw/depthwise_kernel": rng.normal(size=(3, 3, 4, 1)).astype(np.float32)}
    x = rng.normal(size=(2, 9, 9, 3)).astype(np.float32)
    # reference, channels-last
    y = conv_nhwc(np.pad(x, ((0, 0), (0, 1), (0, 1), (0, 0))), w["conv/kernel"], 2, False) + w["conv/bias"]
    y = (y - w["bn/moving_mean"]) / np.sqrt(w["bn/moving_variance"] + 1e-3) * w["bn/gamma"] + w["bn/beta"]
    r = np.clip(y, 0, 6)
    d = conv_nhwc(np.pad(r, ((0, 0), (1, 1), (1, 1), (0, 0))), w["dw/depthwise_kernel"], 1, True) + r
    pooled = d[:, :4, :4].reshape(2, 2, 2, 2, 2, 4).mean(axis=(2, 4))
    want = pooled.reshape(2, -1)
    got = KerasLayers(keras_config(), w, "flat")(torch.from_numpy(x).permute(0, 3, 1, 2)).detach().numpy()
    diff = np.abs(got - want).max()
    assert diff < 1e-4, f"Keras layer reader differs from the NHWC reference by {diff}"


def check_descriptor() -> None:
    rng = np.random.default_rng(1)
    x = torch.from_numpy(rng.normal(size=(1, 300, 8)).astype(np.float32))
    padded = torch.cat([x, torch.zeros(1, 200, 8)], dim=1)
    a, b = FbankDescriptor()(x), FbankDescriptor()(padded)
    assert torch.allclose(a, b, atol=1e-5), "padding frames change the descriptor"
    assert torch.allclose(a[0, :8], x[0].mean(0), atol=1e-5), "descriptor mean is not the per-band mean"
    rhythm = RhythmDescriptor(100.0, groups=2)
    assert torch.allclose(rhythm(x), rhythm(padded), atol=1e-6), "padding frames change the rhythm descriptor"
    for period, hz in ((50, 2.0), (37, 100 / 37)):  # onsets every `period` frames in the first group only
        pulse = torch.full((1, 600, 8), -1.0)
        pulse[0, ::period, :4] = 2.0
        bands = rhythm(pulse).reshape(2, -1)
        peak = float(rhythm.rates_hz[int(bands[0].argmax())])
        assert abs(math.log(peak / hz)) < 0.1, f"a {hz:.2f} Hz pulse peaks at {peak:.2f} Hz"
        assert float(bands[1].abs().max()) < 1e-6, "a band without onsets has modulation"


def check_info_nce() -> None:
    sim = torch.tensor([[0.9, 0.1, 0.3], [0.2, 0.8, 0.7]])
    pos = torch.tensor([[True, False, False], [False, True, True]])
    tau = 0.1
    lg = sim / tau
    rows = [-(torch.logsumexp(lg[0, :1], 0) - torch.logsumexp(lg[0], 0)), -(torch.logsumexp(lg[1, 1:], 0) - torch.logsumexp(lg[1], 0))]
    cols = [-(lg[0, 0] - torch.logsumexp(lg[:, 0], 0)), -(lg[1, 1] - torch.logsumexp(lg[:, 1], 0)), -(lg[1, 2] - torch.logsumexp(lg[:, 2], 0))]
    want = 0.5 * (torch.stack(rows).mean() + torch.stack(cols).mean())
    got = info_nce(sim, pos, tau)
    assert torch.allclose(got, want, atol=1e-5), f"info_nce {got} != {want}"


def check_joined_graph() -> None:
    class Tower(torch.nn.Module):
        def __init__(self, d_out: int):
            super().__init__()
            self.lin = torch.nn.Linear(12, d_out)

        def forward(self, x):
            return torch.nn.functional.normalize(self.lin(x.flatten(1)), dim=1)

    torch.manual_seed(0)
    x = torch.randn(3, 3, 4)
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        export_checked(Tower(6), x, t / "base.onnx", "fbank")
        export_checked(Tower(4), x, t / "adapter.onnx", "fbank")
        compose_tower(t / "base.onnx", t / "adapter.onnx", t / "joined.onnx", 0.7, 10)
        diff = joined_parity(t / "base.onnx", t / "adapter.onnx", t / "joined.onnx", "fbank", 0.7, x)
        assert diff < 1e-5, f"joined graph differs by {diff}"


def check_real_probe() -> None:
    """probe_real's leave-one-game-out map finds a link planted in every game, and none in noise."""
    from muvis.probe_real import leave_one_game_out

    rng = np.random.default_rng(3)
    games = [f"g{i}" for i in range(5)]
    image_game, track_game, pictures, tracks = [], [], [], []
    for g in games:
        mood = rng.normal(size=(10, 4))                       # ten tracks a game, each with its own "mood"
        for t in range(10):
            track_game.append(g)
            tracks.append(np.concatenate([mood[t], rng.normal(size=20)]))
            for _ in range(3):                                # three pictures a track, showing its mood
                image_game.append(g)
                pictures.append(np.concatenate([mood[t] + 0.3 * rng.normal(size=4), rng.normal(size=30)]))
    pairs = np.zeros((len(pictures), len(tracks)), bool)
    pairs[np.arange(len(pictures)), np.arange(len(pictures)) // 3] = True
    structure = {"image_game": np.array(image_game), "track_game": np.array(track_game), "pairs": pairs}
    planted = {"p": np.array(pictures), "t": np.array(tracks)}
    linked = leave_one_game_out(planted, structure, games, "p", "t", 4, True)["mean"]
    noise = leave_one_game_out({"p": rng.normal(size=planted["p"].shape), "t": planted["t"]}, structure, games, "p", "t", 4, True)["mean"]
    print(f"probe: planted link {linked['ownImageToMusic']:.2f} / {linked['ownMusicToImage']:.2f} x chance, noise {noise['ownImageToMusic']:.2f} / {noise['ownMusicToImage']:.2f}")
    if min(linked["ownImageToMusic"], linked["ownMusicToImage"]) < 1.5 or max(noise["ownImageToMusic"], noise["ownMusicToImage"]) > 1.3:
        raise SystemExit(f"probe_real: planted link {linked}, noise {noise}")


def main() -> None:
    for check in (check_keras_layers, check_descriptor, check_info_nce, check_joined_graph, check_real_probe):
        check()
    print("ok: Keras layer reader, fbank and rhythm descriptors, multi-positive InfoNCE, joined ONNX graph, real-pair probe")


if __name__ == "__main__":
    main()
