"""Checks of the reference preprocessing (muvis.features) against independent computations.
Run by tests/training/muvis-smoke.test.ts; exits non-zero with a message on the first failure."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import soundfile as sf
import torch
from PIL import Image

from muvis.features import (FbankParams, fbank, image_tensor, load_wav_mono, mel_banks, normalize_fbank,
                            window_starts)


def torch_kaldi_fbank(wave: np.ndarray) -> np.ndarray:
    """float32 torch pipeline with torchaudio.compliance.kaldi.fbank's steps (AST options)."""
    w = torch.from_numpy(wave.astype(np.float32))
    n = 1 + (w.numel() - 400) // 160
    frames = w.as_strided((n, 400), (160, 1))
    frames = frames - frames.mean(dim=1, keepdim=True)
    shifted = torch.nn.functional.pad(frames.unsqueeze(0), (1, 0), mode="replicate").squeeze(0)[:, :-1]
    frames = (frames - 0.97 * shifted) * torch.hann_window(400, periodic=False)
    power = torch.fft.rfft(torch.nn.functional.pad(frames, (0, 112))).abs().pow(2)
    # Filters from the Kaldi formula evaluated in float32 torch, independent of mel_banks().
    mel = lambda f: 1127.0 * torch.log1p(f / 700.0)
    lo, hi = mel(torch.tensor(20.0)), mel(torch.tensor(8000.0))
    delta = (hi - lo) / 129
    m = torch.arange(128, dtype=torch.float32)[:, None]
    left, center, right = lo + m * delta, lo + (m + 1) * delta, lo + (m + 2) * delta
    bins = mel(torch.arange(256, dtype=torch.float32) * 31.25)[None, :]
    banks = torch.clamp(torch.minimum((bins - left) / (center - left), (right - bins) / (right - center)), min=0)
    banks = torch.nn.functional.pad(banks, (0, 1))
    return torch.clamp(power @ banks.T, min=torch.finfo(torch.float32).eps).log().numpy()


def check(cond: bool, msg: str) -> None:
    if not cond:
        print(f"FAIL: {msg}", file=sys.stderr)
        sys.exit(1)


def main() -> None:
    rng = np.random.default_rng(7)
    t = np.arange(16000 * 3) / 16000
    wave = 0.4 * np.sin(2 * np.pi * 330 * t) * np.linspace(0, 1, t.size) + 0.03 * rng.standard_normal(t.size)
    wave[16000:20000] = 0.0  # digital silence: exercises the log floor
    wave = (np.round(wave * 32767) / 32768).astype(np.float32)

    ours = fbank(wave, FbankParams())
    ref = torch_kaldi_fbank(wave)
    check(ours.shape == (298, 128), f"frame count {ours.shape}")
    diff = float(np.abs(ours - ref).max())
    check(diff < 2e-3, f"fbank differs from the torch float32 pipeline by {diff}")
    check(np.allclose(ours[110:120], np.log(np.float32(np.finfo(np.float32).eps))), "silent frames sit at log(eps)")
    check(np.all(mel_banks(FbankParams())[:, -1] == 0), "Nyquist bin has no weight")
    check(fbank(wave[:399], FbankParams()).shape == (0, 128), "shorter than a frame gives no frames")

    padded = normalize_fbank(ours[:10], -4.0, 2.0, 16)
    check(padded.shape == (16, 128) and np.all(padded[10:] == 0), "zero padding after normalising")
    check(np.allclose(padded[:10], (ours[:10] + 4.0) / 4.0), "(x - mean) / (2 std)")
    check(normalize_fbank(ours, 0.0, 1.0, 16).shape == (16, 128), "truncation")

    check(window_starts(998, 512, 256) == [0, 256, 486], "windows of a 10 s clip")
    check(window_starts(512, 512, 256) == [0], "exactly one window")
    check(window_starts(1024, 512, 256) == [0, 256, 512], "last window aligned")
    check(window_starts(100, 512, 256) == [0], "short clip")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.wav"
        pcm = (rng.integers(-32768, 32767, size=(1600, 2))).astype(np.int16)
        sf.write(path, pcm, 16000, subtype="PCM_16")
        mono = load_wav_mono(str(path))
        check(np.allclose(mono, pcm.astype(np.float64).mean(axis=1) / 32768, atol=1e-6), "PCM16 scale and channel mean")

    pixels = rng.integers(0, 256, size=(256, 256, 3)).astype(np.uint8)
    got = image_tensor(Image.fromarray(pixels), 128, [0.5] * 3, [0.5] * 3)
    check(got.shape == (3, 128, 128) and got.dtype == np.float32, "image tensor shape")
    k = np.array([1.0, 3.0, 3.0, 1.0]) / 8.0

    def halve(a: np.ndarray) -> np.ndarray:  # 2:1 triangle reduction along axis 0
        out = np.zeros((a.shape[0] // 2,) + a.shape[1:])
        for i in range(out.shape[0]):
            idx = np.arange(2 * i - 1, 2 * i + 3)
            ok = (idx >= 0) & (idx < a.shape[0])
            w = k * ok
            out[i] = np.tensordot(w[ok] / w.sum(), a[idx[ok]], axes=1)
        return out

    expected = halve(halve(pixels.astype(np.float64).transpose(1, 0, 2)).transpose(1, 0, 2)) / 255.0
    expected = ((expected - 0.5) / 0.5).transpose(2, 0, 1)
    levels = float(np.abs(got - expected).max() * 0.5 * 255)
    check(levels <= 1.0 + 1e-6, f"2:1 bilinear reduction off by {levels} levels")
    print(f"ok: fbank max diff {diff:.2e}, image max diff {levels:.2f} levels")


if __name__ == "__main__":
    main()
