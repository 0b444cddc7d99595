"""A MuVis bundle run as shipped: its two ONNX towers through onnxruntime, on the preprocessing its
manifest states (muvis.features), as packages/embeddings runs it in Node."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from common.corpus import Item
from common.onnx_runner import cpu_session, run_batched

from .features import (FbankParams, audio_windows, fbank, hop_frames, image_tensor, l2_normalize, load_rgb,
                       load_wav_mono, normalize_fbank)


class OnnxBundle:
    """The two towers of a bundle, run with onnxruntime on the bundle's own preprocessing."""

    def __init__(self, bundle_dir: Path, threads: int = 2):
        self.dir = bundle_dir
        self.manifest = json.loads((bundle_dir / "manifest.json").read_text(encoding="utf-8"))
        a, i = self.manifest["audio"], self.manifest["image"]
        self.audio = cpu_session(bundle_dir / a["onnx"], threads)
        self.image = cpu_session(bundle_dir / i["onnx"], threads)
        self.params = FbankParams.from_manifest(a["fbank"], a["sampleRate"])
        self.mean, self.std = a["normalize"]["mean"], a["normalize"]["std"]
        self.max_frames = a["maxFrames"]
        self.hop = hop_frames(a["hopSeconds"], self.params)

    def embed_fbanks(self, fbanks: list[np.ndarray]) -> np.ndarray:
        """Each recording's windows embedded, mean-pooled and L2-normalised."""
        windows = [audio_windows(fb, self.mean, self.std, self.max_frames, self.hop) for fb in fbanks]
        out = run_batched(self.audio, self.manifest["audio"]["input"], (w for ws in windows for w in ws))
        owners = np.repeat(np.arange(len(windows)), [w.shape[0] for w in windows])
        pooled = np.zeros((len(windows), out.shape[1]), dtype=np.float32)
        np.add.at(pooled, owners, out)
        return l2_normalize(pooled)

    def embed_single_windows(self, fbanks: list[np.ndarray]) -> np.ndarray:
        """Short recordings (snippets): one zero-padded window each."""
        x = (normalize_fbank(fb, self.mean, self.std, self.max_frames) for fb in fbanks)
        return l2_normalize(run_batched(self.audio, self.manifest["audio"]["input"], x))

    def embed_images(self, pils: Iterable) -> np.ndarray:
        i = self.manifest["image"]
        return run_batched(self.image, i["input"], (image_tensor(p, i["size"], i["mean"], i["std"]) for p in pils))


class Features:
    """float32 fbank of the recordings, computed once per run."""

    def __init__(self, params: FbankParams):
        self.params = params
        self.fbanks: dict[Path, np.ndarray] = {}

    def fbank(self, path: Path) -> np.ndarray:
        if path not in self.fbanks:
            self.fbanks[path] = fbank(load_wav_mono(str(path), self.params.sampleRate), self.params)
        return self.fbanks[path]


def embed_split(bundle: OnnxBundle, feats: Features, items: list[Item], with_views: bool) -> dict:
    """Each item's music and image embedded; with_views, also the manifest's snippets, crops and
    hums, each with its owner (the item's position in ``items``)."""
    out = {
        "music": bundle.embed_fbanks([feats.fbank(it.audio) for it in items]),
        "image": bundle.embed_images(load_rgb(it.image) for it in items),
    }
    if not with_views:
        return out
    snippet_fb, snippet_owner, crop_pils, crop_owner, hum_fb, hum_owner = [], [], [], [], [], []
    fps = 1000.0 / feats.params.frameShiftMs
    for n, it in enumerate(items):
        clip = feats.fbank(it.audio)
        for start, end in it.snippets:
            snippet_fb.append(clip[int(round(start * fps)):int(round(end * fps))])
            snippet_owner.append(n)
        image = load_rgb(it.image)
        for x, y, w, h in it.crops:
            crop_pils.append(image.crop((x, y, x + w, y + h)))
            crop_owner.append(n)
        for hum in it.hums:
            hum_fb.append(feats.fbank(hum))
            hum_owner.append(n)
    out["snippet"] = bundle.embed_single_windows(snippet_fb) if snippet_fb else np.zeros((0, 0), np.float32)
    out["crop"] = bundle.embed_images(crop_pils) if crop_pils else np.zeros((0, 0), np.float32)
    out["hum"] = bundle.embed_fbanks(hum_fb) if hum_fb else np.zeros((0, 0), np.float32)
    out["snippet_owner"], out["crop_owner"], out["hum_owner"] = map(np.array, (snippet_owner, crop_owner, hum_owner))
    return out
