"""basic-pitch's pretrained network (Spotify, Apache-2.0), run in PyTorch from the TensorFlow.js graph
model that ships inside the npm package ``@spotify/basic-pitch``.

basic-pitch was trained on real recordings (several instruments and voices) to transcribe notes.
Its graph is read node by node from ``model.json`` and evaluated with torch operations, so the
weights stay exactly Spotify's and the module exports to ONNX like any other. Only the ops this
graph uses are implemented; an unknown op is refused when the graph is read, not when it runs.

Input: [batch, 43844] mono samples at 22,050 Hz (one network window, about 2 s).
Outputs, each [batch, 172 frames, bins], probabilities in 0..1 (86 frames a second):
``contour`` (264 bins, 3 a semitone from A0), ``note`` (88, A0..C8), ``onset`` (88).

Run as a script, it exports the network to ONNX for the transcriber of audio prompts
(packages/generation/src/transcribe), which runs it with onnxruntime:

    python3 training/common/basic_pitch.py --out packages/generation/models/basic-pitch
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import subprocess
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from common.onnx_export import OPSET, ParityError, bundle_folder
from common.onnx_runner import cpu_session

SAMPLE_RATE = 22050
WINDOW_SAMPLES = 43844
WINDOW_FRAMES = 172
OUTPUTS = {"contour": "Identity", "note": "Identity_1", "onset": "Identity_2"}

_DTYPES = {"DT_FLOAT": np.float32, "DT_INT32": np.int32}
_SUPPORTED = {
    "Placeholder", "Const", "Identity", "Shape", "StridedSlice", "Pack", "Reshape", "Pad", "MirrorPad",
    "Transpose", "ExpandDims", "Squeeze", "Conv2D", "_FusedConv2D", "Neg", "Mul", "Add", "AddV2", "Sub",
    "Square", "Sqrt", "Log", "Sum", "Min", "Max", "DivNoNan", "ConcatV2", "Sigmoid",
}


def package_model_dir() -> Path:
    """The model folder of the installed ``@spotify/basic-pitch`` (node resolves the package)."""
    script = "process.stdout.write(require('path').dirname(require.resolve('@spotify/basic-pitch/package.json')))"
    root = subprocess.run(["node", "-e", script], check=True, capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2]).stdout
    return Path(root) / "model"


def _attr(node: dict, key: str, default=None):
    value = node.get("attr", {}).get(key)
    if value is None:
        return default
    if "list" in value:
        listed = value["list"]
        if "i" in listed:
            return [int(i) for i in listed["i"]]
        if "s" in listed:
            return [base64.b64decode(s).decode() for s in listed["s"]]
        return []
    if "b" in value:
        return bool(value["b"])
    if "i" in value:
        return int(value["i"])
    if "f" in value:
        return float(value["f"])
    if "s" in value:
        return base64.b64decode(value["s"]).decode()
    return value


def read_graph(model_dir: Path) -> tuple[list[dict], dict[str, np.ndarray]]:
    """The graph's nodes and its weights by node name."""
    manifest = json.loads((model_dir / "model.json").read_text())
    data = b"".join((model_dir / path).read_bytes() for group in manifest["weightsManifest"] for path in group["paths"])
    weights, offset = {}, 0
    for group in manifest["weightsManifest"]:
        for spec in group["weights"]:
            if "quantization" in spec:
                raise ValueError(f"{spec['name']}: quantised weights are not read here")
            dtype = np.dtype({"float32": np.float32, "int32": np.int32}[spec["dtype"]])
            count = int(np.prod(spec["shape"])) if spec["shape"] else 1
            weights[spec["name"]] = np.frombuffer(data, dtype, count, offset).reshape(spec["shape"]).copy()
            offset += count * dtype.itemsize
    nodes = manifest["modelTopology"]["node"]
    unknown = sorted({n["op"] for n in nodes} - _SUPPORTED)
    if unknown:
        raise ValueError(f"basic-pitch graph uses ops this reader does not implement: {unknown}")
    return nodes, weights


def _same_pad(size: int, kernel: int, stride: int) -> tuple[int, int]:
    """TensorFlow's SAME padding: the extra pixel goes after."""
    out = -(-size // stride)
    total = max((out - 1) * stride + kernel - size, 0)
    return total // 2, total - total // 2


def _conv2d_nhwc(x: torch.Tensor, w: torch.Tensor, strides: list[int], padding: str) -> torch.Tensor:
    x = x.permute(0, 3, 1, 2)
    kh, kw = w.shape[2], w.shape[3]
    if padding == "SAME":
        top, bottom = _same_pad(x.shape[2], kh, strides[1])
        left, right = _same_pad(x.shape[3], kw, strides[2])
        x = F.pad(x, (left, right, top, bottom))
    elif padding != "VALID":
        raise ValueError(f"conv padding {padding!r} is not read here")
    return F.conv2d(x, w, stride=(strides[1], strides[2])).permute(0, 2, 3, 1)


def _strided_slice(x, begin, end, strides, node):
    """TensorFlow's StridedSlice with begin/end/shrink/new-axis masks (no ellipsis in this graph)."""
    if _attr(node, "ellipsis_mask", 0):
        raise ValueError("StridedSlice with an ellipsis is not read here")
    begin_mask, end_mask = _attr(node, "begin_mask", 0), _attr(node, "end_mask", 0)
    shrink, new_axis = _attr(node, "shrink_axis_mask", 0), _attr(node, "new_axis_mask", 0)
    index = []
    for i, (b, e, s) in enumerate(zip(begin, end, strides)):
        if new_axis >> i & 1:
            index.append(None)
        elif shrink >> i & 1:
            index.append(b)
        else:
            index.append(slice(None if begin_mask >> i & 1 else b, None if end_mask >> i & 1 else e, s))
    return x[tuple(index)]


class BasicPitch(nn.Module):
    """The graph as a module; ``forward`` returns the three outputs and, with ``inner=True``, the
    activations after each ReLU too (``re_lu_1`` contour features, ``re_lu_2`` note features,
    ``re_lu_3`` onset features, each [batch, frames, bins, channels])."""

    INNER = ("re_lu_1", "re_lu_2", "re_lu_3")

    def __init__(self, model_dir: Path | None = None):
        super().__init__()
        self.model_dir = model_dir or package_model_dir()
        nodes, weights = read_graph(self.model_dir)
        self.nodes = [n for n in nodes if n["op"] != "Const"]
        self.consts: dict[str, np.ndarray] = {}
        for node in nodes:
            if node["op"] != "Const":
                continue
            if node["name"] in weights:
                value = weights[node["name"]]
            else:
                tensor = node["attr"]["value"]["tensor"]
                dtype = _DTYPES[tensor["dtype"]]
                shape = [int(d["size"]) for d in tensor.get("tensorShape", {}).get("dim", [])]
                values = tensor.get("intVal" if dtype == np.int32 else "floatVal")
                value = np.array(values, dtype).reshape(shape) if values else np.zeros(shape, dtype)
            self.consts[node["name"]] = value
        # float constants become buffers (they move with .to() and land in the ONNX file); int
        # constants are shapes, paddings and axes, read as Python values
        self._buffer_names = {}
        for i, (name, value) in enumerate(self.consts.items()):
            if value.dtype == np.float32:
                self.register_buffer(f"c{i}", torch.from_numpy(value))
                self._buffer_names[name] = f"c{i}"

    def _value(self, env: dict, name: str):
        name = name.split(":")[0].lstrip("^")
        if name in env:
            return env[name]
        if name in self._buffer_names:
            return getattr(self, self._buffer_names[name])
        return self.consts[name].tolist()

    def forward(self, audio: torch.Tensor, inner: bool = False) -> dict[str, torch.Tensor]:
        env: dict[str, object] = {"input_2": audio[:, :, None]}
        for node in self.nodes:
            op, name = node["op"], node["name"]
            if op == "Placeholder":
                continue
            args = [self._value(env, i) for i in node.get("input", []) if not i.startswith("^")]
            env[name] = self._run(op, node, args)
        out = {key: env[name] for key, name in OUTPUTS.items()}
        if inner:
            for key in self.INNER:
                out[key] = next(v for k, v in env.items() if k.endswith(f"/{key}/Relu"))
        return out

    def _run(self, op: str, node: dict, a: list):
        if op == "Identity":
            return a[0]
        if op == "Shape":
            return np.array(a[0].shape)
        if op == "StridedSlice":
            return _strided_slice(a[0], a[1], a[2], a[3], node)
        if op == "Pack":
            if not any(isinstance(v, torch.Tensor) for v in a):
                return [int(v) for v in a]
            return torch.stack(a, dim=_attr(node, "axis", 0))
        if op == "Reshape":
            # every reshape here keeps the batch first: -1 lets the exported graph take any batch
            return a[0].reshape([-1, *[int(v) for v in a[1][1:]]])
        if op in ("Pad", "MirrorPad"):
            pads = [p for pair in reversed(a[1]) for p in pair]
            mode = "constant" if op == "Pad" else {"REFLECT": "reflect"}[_attr(node, "mode")]
            if mode == "reflect":
                # torch reflects only the last dims of a 3-D/4-D tensor: move the padded axis last
                axes = [i for i, pair in enumerate(a[1]) if any(pair)]
                assert len(axes) == 1, "reflection over one axis only"
                axis = axes[0]
                order = [d for d in range(a[0].dim()) if d != axis] + [axis]   # the padded axis last
                moved = a[0].permute(*order)
                shape = moved.shape
                padded = F.pad(moved.reshape(-1, 1, shape[-1]), tuple(a[1][axis]), mode="reflect")
                return padded.reshape(*shape[:-1], padded.shape[-1]).permute(*[order.index(d) for d in range(len(order))])
            return F.pad(a[0], pads)
        if op == "Transpose":
            return a[0].permute(*[p % a[0].dim() for p in a[1]])  # ONNX's Transpose takes no negative axes
        if op == "ExpandDims":
            return a[0].unsqueeze(a[1] if isinstance(a[1], int) else a[1][0])
        if op == "Squeeze":
            out = a[0]
            for axis in sorted((d % out.dim() for d in _attr(node, "squeeze_dims")), reverse=True):
                out = out.squeeze(axis)
            return out
        if op == "Conv2D":
            return _conv2d_nhwc(a[0], a[1].permute(3, 2, 0, 1), _attr(node, "strides"), _attr(node, "padding"))
        if op == "_FusedConv2D":
            fused = _attr(node, "fused_ops")
            out = _conv2d_nhwc(a[0], a[1].permute(3, 2, 0, 1), _attr(node, "strides"), _attr(node, "padding"))
            if fused[0] != "BiasAdd" or len(fused) > 2 or (len(fused) == 2 and fused[1] != "Relu"):
                raise ValueError(f"fused ops {fused} are not read here")
            out = out + a[2]
            return F.relu(out) if len(fused) == 2 else out
        if op == "Neg":
            return -a[0]
        if op == "Mul":
            return a[0] * a[1]
        if op in ("Add", "AddV2"):
            return a[0] + a[1]
        if op == "Sub":
            return a[0] - a[1]
        if op == "Square":
            return a[0] * a[0]
        if op == "Sqrt":
            return torch.sqrt(a[0])
        if op == "Log":
            return torch.log(a[0])
        if op in ("Sum", "Min", "Max"):
            axes = a[1] if isinstance(a[1], list) else [a[1]]
            keep = bool(_attr(node, "keep_dims", 0))
            fn = {"Sum": torch.sum, "Min": torch.amin, "Max": torch.amax}[op]
            return fn(a[0], dim=tuple(axes), keepdim=keep)
        if op == "DivNoNan":
            safe = torch.where(a[1] == 0, torch.ones_like(a[1]), a[1])
            return torch.where(a[1] == 0, torch.zeros_like(a[0]), a[0] / safe)
        if op == "ConcatV2":
            return torch.cat(a[:-1], dim=a[-1])
        if op == "Sigmoid":
            return torch.sigmoid(a[0])
        raise ValueError(f"op {op} is not read here")


class PitchDescriptor(nn.Module):
    """[batch, samples at 22,050 Hz] -> [batch, features]: what basic-pitch hears in a clip.

    The clip is read as ``windows`` network windows spread evenly over it (each ~2 s; a window of
    silence or padding, all exactly zero, is left out of every statistic). Per clip, averaged over
    the kept frames:
    - chroma: the note activations folded into 12 pitch classes, as shares (12);
    - tonal shape: magnitudes of the chroma's Fourier coefficients 1..6 (the same in every key:
      how major/minor, chromatic or whole-tone the harmony is) (6);
    - register: the note activations pooled into 8 bands of 11 semitones (8);
    - activity: notes sounding per frame, onsets per frame (2);
    - the network's inner channels (the contour, note and onset layers after their ReLU), each
      averaged over pitch and time, and their spread over time (8+32+32 channels, x2).
    """

    def __init__(self, samples: int, windows: int, model: BasicPitch | None = None):
        super().__init__()
        self.net = model or BasicPitch()
        span = max(samples - WINDOW_SAMPLES, 0)
        self.starts = [round(span * i / max(windows - 1, 1)) for i in range(windows)]
        self.samples = samples
        k = torch.arange(1, 7, dtype=torch.float32)[:, None] * torch.arange(12, dtype=torch.float32)[None, :]
        self.register_buffer("dft_re", torch.cos(2 * torch.pi * k / 12))
        self.register_buffer("dft_im", torch.sin(2 * torch.pi * k / 12))
        # note bin n is MIDI pitch 21 + n: pitch class (21 + n) % 12
        fold = torch.zeros(88, 12)
        fold[torch.arange(88), (torch.arange(88) + 21) % 12] = 1.0
        self.register_buffer("fold", fold)

    def forward(self, audio: torch.Tensor) -> torch.Tensor:
        b = audio.shape[0]
        if audio.shape[1] < self.samples:
            audio = F.pad(audio, (0, self.samples - audio.shape[1]))
        chunks = torch.stack([audio[:, s:s + WINDOW_SAMPLES] for s in self.starts], dim=1)    # [B, W, S]
        w = chunks.shape[1]
        keep = (chunks.abs().amax(dim=2) > 0).to(audio.dtype)                                    # [B, W]
        out = self.net(chunks.reshape(b * w, WINDOW_SAMPLES), inner=True)
        weight = keep.reshape(b * w, 1, 1)                                                       # per frame
        count = (keep.sum(dim=1) * WINDOW_FRAMES).clamp_min(1.0)[:, None]                        # [B, 1]

        def frame_mean(x):  # [B*W, T, C] -> [B, C]
            return (x * weight).reshape(b, w * WINDOW_FRAMES, -1).sum(dim=1) / count

        note, onset = out["note"], out["onset"]
        notes = frame_mean(note)                                                                 # [B, 88]
        chroma = notes @ self.fold
        chroma = chroma / chroma.sum(dim=1, keepdim=True).clamp_min(1e-6)
        tonal = ((chroma @ self.dft_re.T) ** 2 + (chroma @ self.dft_im.T) ** 2 + 1e-12).sqrt()
        register = notes.reshape(b, 8, 11).mean(dim=2)
        activity = torch.cat([frame_mean(note.sum(dim=2, keepdim=True)), frame_mean(onset.sum(dim=2, keepdim=True))], dim=1)
        inner = []
        for key in BasicPitch.INNER:
            x = out[key].mean(dim=2)                                                             # [B*W, T, C]
            mean = frame_mean(x)
            spread = (frame_mean(x * x) - mean * mean).clamp_min(1e-8).sqrt()
            inner += [mean, spread]
        return torch.cat([chroma, tonal, register, activity, *inner], dim=1)


class TranscriptionOutputs(nn.Module):
    """The two outputs the transcriber reads, as named ONNX outputs."""

    def __init__(self, net: BasicPitch):
        super().__init__()
        self.net = net

    def forward(self, audio: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.net(audio)
        return out["note"], out["onset"]


def export_transcriber(out_dir: Path) -> dict:
    """model.onnx ([batch, 43844] "audio" -> "note", "onset"), manifest.json and the package's
    licence, written whole or not at all; the ONNX graph is checked against PyTorch on 3 windows."""

    net = BasicPitch().eval()
    package = json.loads((net.model_dir.parent / "package.json").read_text())
    t = torch.arange(WINDOW_SAMPLES) / SAMPLE_RATE
    noise = torch.randn(2, WINDOW_SAMPLES, generator=torch.Generator().manual_seed(0))
    # a tone, noise and near-silence (an all-zero window is degenerate: the graph's min-max scaling divides 0 by 0)
    example = torch.stack([0.3 * torch.sin(2 * torch.pi * 261.63 * t), 0.1 * noise[0], 1e-3 * noise[1]])
    with bundle_folder(out_dir) as tmp:
        with torch.no_grad():
            torch.onnx.export(TranscriptionOutputs(net), (example[:2],), str(tmp / "model.onnx"), input_names=["audio"],
                              output_names=["note", "onset"], dynamic_axes={k: {0: "batch"} for k in ("audio", "note", "onset")},
                              opset_version=OPSET, dynamo=False, do_constant_folding=True)
            expected = net(example)
        got = cpu_session(tmp / "model.onnx").run(["note", "onset"], {"audio": example.numpy()})
        diff = max(float(np.abs(g - expected[k].numpy()).max()) for g, k in zip(got, ("note", "onset")))
        if diff > 1e-4:
            raise ParityError(f"basic-pitch ONNX differs from PyTorch by {diff:.2e}")
        manifest = {
            "name": "basic-pitch", "kind": "transcription",
            "source": f"{package['name']}@{package['version']} ({package['license']}), its TensorFlow.js graph model, read node by node "
                      "into PyTorch (training/common/basic_pitch.py) and exported to ONNX; the weights are Spotify's, unchanged",
            "onnx": "model.onnx", "input": "audio", "outputs": {"note": "note", "onset": "onset"},
            "sampleRate": SAMPLE_RATE, "windowSamples": WINDOW_SAMPLES, "windowFrames": WINDOW_FRAMES, "noteBins": 88, "lowestMidiPitch": 21,
            "parity": {"onnxVsPytorch": diff},
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        shutil.copyfile(net.model_dir.parent / "LICENSE", tmp / "LICENSE")
    return manifest


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="export basic-pitch to ONNX for the audio-prompt transcriber")
    ap.add_argument("--out", default="packages/generation/models/basic-pitch")
    written = export_transcriber(Path(ap.parse_args().out))
    print(json.dumps(written["parity"]))
