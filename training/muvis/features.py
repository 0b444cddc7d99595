"""Reference preprocessing for the MuVis towers.

This module is the specification the TypeScript side (`packages/embeddings`) mirrors; the
golden fixtures compare against it. Everything here is driven by the parameters stored in a
bundle's ``manifest.json`` (``audio.fbank``, ``audio.normalize``, ``audio.maxFrames``,
``audio.windowSeconds``/``hopSeconds``, ``image.size``/``mean``/``std``).

Audio pipeline (one clip)::

    load_wav_mono(path)                      # float32 in [-1, 1), mono, 16 kHz
    fb = fbank(wave, params)                 # [frames, numMelBins] log-mel, Kaldi maths
    for start in window_starts(len(fb), maxFrames, hop_frames(manifest)):
        x = normalize_fbank(fb[start:start+maxFrames], mean, std, maxFrames)   # model input
    embedding = L2(mean over windows of the tower outputs)

Image pipeline::

    image_tensor(PIL.Image, size, mean, std)   # [3, size, size] float32, NCHW without batch

All arithmetic of ``fbank`` is float64 (numpy), the result cast to float32; torchaudio's
float32 ``kaldi.fbank`` agrees with it to ~1e-4 in the log domain.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Mapping, Sequence, Union

import numpy as np

FLOAT32_EPS = float(np.finfo(np.float32).eps)  # 1.1920928955078125e-07, Kaldi's log floor

SAMPLE_RATE = 16000


@dataclass(frozen=True)
class FbankParams:
    """Kaldi fbank options, named exactly as in the bundle manifest's ``audio.fbank``."""

    numMelBins: int = 128
    frameLengthMs: float = 25.0
    frameShiftMs: float = 10.0
    preemphasis: float = 0.97
    window: str = "hanning"
    lowFreq: float = 20.0
    highFreq: float = 0.0  # <= 0 means Nyquist + highFreq (Kaldi convention)
    removeDcOffset: bool = True
    useEnergy: bool = False
    dither: float = 0.0
    roundToPowerOfTwo: bool = True
    melFloor: float = FLOAT32_EPS
    sampleRate: int = SAMPLE_RATE

    @staticmethod
    def from_manifest(fbank: Mapping[str, Any], sample_rate: int = SAMPLE_RATE) -> "FbankParams":
        known = {k: fbank[k] for k in FbankParams.__dataclass_fields__ if k in fbank}
        known.setdefault("sampleRate", sample_rate)
        return FbankParams(**known)

    def to_manifest(self) -> dict:
        d = asdict(self)
        d.pop("sampleRate")
        return d

    @property
    def window_size(self) -> int:
        """Samples per frame: int(sampleRate * frameLengthMs / 1000) (400 at 16 kHz, 25 ms)."""
        return int(self.sampleRate * self.frameLengthMs * 0.001)

    @property
    def window_shift(self) -> int:
        """Samples between frame starts: int(sampleRate * frameShiftMs / 1000) (160)."""
        return int(self.sampleRate * self.frameShiftMs * 0.001)

    @property
    def fft_size(self) -> int:
        """FFT length: next power of two >= window_size when roundToPowerOfTwo (512)."""
        if not self.roundToPowerOfTwo:
            return self.window_size
        return 1 << (self.window_size - 1).bit_length()


ParamsLike = Union[FbankParams, Mapping[str, Any]]


def _as_params(params: ParamsLike) -> FbankParams:
    return params if isinstance(params, FbankParams) else FbankParams.from_manifest(params)


class AudioFormatError(ValueError):
    """The audio file is not something the reference loader accepts."""


def load_wav_mono(path: str, sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Read a WAV (or any libsndfile format) as mono float32 samples at ``sample_rate``.

    Integer PCM is scaled as libsndfile does (PCM16: int16 / 32768). Several channels are
    averaged. Files at another rate are resampled with ``scipy.signal.resample_poly``
    (polyphase, Kaiser window); the corpus is 16 kHz already, so this path is only a
    convenience and is not part of the Python/TypeScript parity contract.
    """
    import soundfile as sf

    try:
        data, rate = sf.read(path, dtype="float32", always_2d=True)
    except RuntimeError as err:  # libsndfile's error type for unreadable files
        raise AudioFormatError(f"cannot decode audio {path}: {err}") from err
    wave = data.mean(axis=1, dtype=np.float64).astype(np.float32) if data.shape[1] > 1 else data[:, 0]
    if rate != sample_rate:
        from scipy.signal import resample_poly

        g = math.gcd(int(rate), int(sample_rate))
        wave = resample_poly(wave.astype(np.float64), sample_rate // g, int(rate) // g).astype(np.float32)
    return np.ascontiguousarray(wave, dtype=np.float32)


def _mel(freq: np.ndarray) -> np.ndarray:
    return 1127.0 * np.log(1.0 + freq / 700.0)


def mel_banks(params: ParamsLike) -> np.ndarray:
    """Kaldi triangular mel filters, shape [numMelBins, fft_size // 2 + 1] (float64).

    Kaldi mel scale ``mel(f) = 1127 ln(1 + f / 700)``. Edges are equally spaced in mel between
    mel(lowFreq) and mel(highFreq) (highFreq <= 0 means Nyquist + highFreq), ``numMelBins + 2``
    edges. FFT bin k (k < fft_size/2) sits at ``mel(k * sampleRate / fft_size)``; its weight in
    bin m is ``max(0, min(up, down))`` with ``up = (mel_k - left_m) / (center_m - left_m)`` and
    ``down = (right_m - mel_k) / (right_m - center_m)``. The Nyquist bin (k = fft_size/2) has
    weight 0 in every filter, as in torchaudio.
    """
    p = _as_params(params)
    n_fft = p.fft_size
    nyquist = 0.5 * p.sampleRate
    high = p.highFreq if p.highFreq > 0 else nyquist + p.highFreq
    low = p.lowFreq
    if not (0.0 <= low < high <= nyquist):
        raise ValueError(f"bad mel range lowFreq={low} highFreq={high} nyquist={nyquist}")
    mel_low, mel_high = _mel(np.float64(low)), _mel(np.float64(high))
    delta = (mel_high - mel_low) / (p.numMelBins + 1)
    m = np.arange(p.numMelBins, dtype=np.float64)[:, None]
    left = mel_low + m * delta
    center = mel_low + (m + 1.0) * delta
    right = mel_low + (m + 2.0) * delta
    bins_mel = _mel(np.arange(n_fft // 2, dtype=np.float64) * (p.sampleRate / n_fft))[None, :]
    up = (bins_mel - left) / (center - left)
    down = (right - bins_mel) / (right - center)
    banks = np.maximum(0.0, np.minimum(up, down))
    return np.concatenate([banks, np.zeros((p.numMelBins, 1))], axis=1)


def _window(kind: str, size: int) -> np.ndarray:
    n = np.arange(size, dtype=np.float64)
    if kind == "hanning":  # symmetric Hann, torch.hann_window(size, periodic=False)
        return 0.5 - 0.5 * np.cos(2.0 * math.pi * n / (size - 1))
    if kind == "hamming":
        return 0.54 - 0.46 * np.cos(2.0 * math.pi * n / (size - 1))
    if kind == "povey":
        return (0.5 - 0.5 * np.cos(2.0 * math.pi * n / (size - 1))) ** 0.85
    if kind == "rectangular":
        return np.ones(size)
    raise ValueError(f"unsupported window {kind!r}")


def frame_count(num_samples: int, params: ParamsLike) -> int:
    """Kaldi snip_edges framing: 1 + (num_samples - window_size) // window_shift, or 0."""
    p = _as_params(params)
    if num_samples < p.window_size:
        return 0
    return 1 + (num_samples - p.window_size) // p.window_shift


def fbank(wave: np.ndarray, params: ParamsLike) -> np.ndarray:
    """Log-mel filterbank of a mono waveform, as torchaudio.compliance.kaldi.fbank computes it.

    ``wave`` is float samples in [-1, 1) (not int16 scale). Steps, per frame t (frame starts at
    sample ``t * window_shift``, ``window_size`` samples, snip_edges, no padding; a wave shorter
    than one frame gives an empty [0, numMelBins] array):

    1. dither: must be 0 (no noise is added).
    2. removeDcOffset: subtract the frame's mean.
    3. preemphasis a: ``y[0] = x[0] - a * x[0]``, ``y[i] = x[i] - a * x[i-1]`` (within the frame).
    4. multiply by the window (``hanning`` = symmetric Hann of window_size points).
    5. zero-pad to fft_size (512), real FFT, power spectrum ``|X_k|^2`` for k = 0 .. fft_size/2.
    6. mel energies = power @ mel_banks(params).T (useEnergy False: no energy column).
    7. ``log(max(energy, melFloor))`` with melFloor = float32 eps.

    Returns float32 [frames, numMelBins].
    """
    p = _as_params(params)
    if p.dither != 0:
        raise ValueError("dither must be 0 for a deterministic reference")
    if p.useEnergy:
        raise ValueError("useEnergy is not supported")
    x = np.asarray(wave, dtype=np.float64).reshape(-1)
    n_frames = frame_count(x.shape[0], p)
    if n_frames == 0:
        return np.zeros((0, p.numMelBins), dtype=np.float32)
    idx = np.arange(p.window_size)[None, :] + p.window_shift * np.arange(n_frames)[:, None]
    frames = x[idx]
    if p.removeDcOffset:
        frames = frames - frames.mean(axis=1, keepdims=True)
    if p.preemphasis != 0:
        previous = np.concatenate([frames[:, :1], frames[:, :-1]], axis=1)
        frames = frames - p.preemphasis * previous
    frames = frames * _window(p.window, p.window_size)[None, :]
    spectrum = np.fft.rfft(frames, n=p.fft_size, axis=1)
    power = spectrum.real ** 2 + spectrum.imag ** 2
    energies = power @ mel_banks(p).T
    return np.log(np.maximum(energies, p.melFloor)).astype(np.float32)


def normalize_fbank(fb: np.ndarray, mean: float, std: float, max_frames: int) -> np.ndarray:
    """AST normalisation then fixed length: ``(fb - mean) / (2 * std)``, then truncate to the
    first ``max_frames`` frames or append zero rows (zeros after normalising, so padding is the
    normalised mean). Returns float32 [max_frames, mels]."""
    fb = np.asarray(fb, dtype=np.float32)
    out = np.zeros((max_frames, fb.shape[1]), dtype=np.float32)
    n = min(max_frames, fb.shape[0])
    out[:n] = (fb[:n] - np.float32(mean)) / np.float32(2.0 * std)
    return out


def hop_frames(hop_seconds: float, params: ParamsLike) -> int:
    """Window hop in fbank frames: round(hopSeconds * 1000 / frameShiftMs) (2.56 s -> 256)."""
    return int(round(hop_seconds * 1000.0 / _as_params(params).frameShiftMs))


def window_starts(num_frames: int, max_frames: int, hop: int) -> list[int]:
    """First frame of each model window over a clip of ``num_frames`` fbank frames.

    A clip of at most ``max_frames`` frames is one window at 0 (zero-padded by
    normalize_fbank). A longer clip gets windows at 0, hop, 2*hop, ... while
    ``start + max_frames < num_frames``, plus one window ending exactly at the last frame
    (start ``num_frames - max_frames``) unless the previous one already ends there. Every frame
    is covered and no window is padded. 998 frames (10 s), max 512, hop 256 -> [0, 256, 486].
    """
    if num_frames <= max_frames:
        return [0]
    if hop <= 0:
        raise ValueError("hop must be positive")
    starts = list(range(0, num_frames - max_frames, hop))
    starts.append(num_frames - max_frames)
    return starts


def audio_windows(fb: np.ndarray, mean: float, std: float, max_frames: int, hop: int) -> np.ndarray:
    """All normalised model inputs of a clip: [windows, max_frames, mels] float32."""
    return np.stack([
        normalize_fbank(fb[s:s + max_frames], mean, std, max_frames)
        for s in window_starts(fb.shape[0], max_frames, hop)
    ])


def resized_size(width: int, height: int, size: int) -> tuple[int, int]:
    """Size after scaling the shorter side to ``size``: the other side is
    floor(side * size / shorter + 0.5), never below ``size``."""
    shorter = min(width, height)
    scale = size / shorter
    return (max(size, int(math.floor(width * scale + 0.5))), max(size, int(math.floor(height * scale + 0.5))))


def image_tensor(image, size: int, mean: Sequence[float], std: Sequence[float]) -> np.ndarray:
    """Model input of one image: float32 [3, size, size] (add the batch axis yourself).

    1. ``image.convert('RGB')`` (an alpha channel is dropped, not composited; palettes and
       greyscale expand to RGB).
    2. Unless already ``size`` on the shorter side: PIL ``Image.resize(resized_size(...),
       Image.BILINEAR)``. PIL's BILINEAR is a separable triangle filter whose support grows
       with the downscale factor (antialiased), computed per axis (horizontal first) with
       8-bit rounding after each pass. For the corpus (256x256 -> 128) it is an exact 2:1
       reduction with weights [1, 3, 3, 1] / 8 per axis (renormalised at the border).
    3. Centre crop ``size x size`` at left = (w - size) // 2, top = (h - size) // 2.
    4. ``p / 255`` then ``(p - mean[c]) / std[c]`` per channel, channels first (RGB order).
    """
    from PIL import Image

    rgb = image.convert("RGB")
    w, h = rgb.size
    if min(w, h) != size:
        rgb = rgb.resize(resized_size(w, h, size), Image.BILINEAR)
        w, h = rgb.size
    left, top = (w - size) // 2, (h - size) // 2
    if (w, h) != (size, size):
        rgb = rgb.crop((left, top, left + size, top + size))
    pixels = np.asarray(rgb, dtype=np.float32) / np.float32(255.0)
    pixels = (pixels - np.asarray(mean, dtype=np.float32)) / np.asarray(std, dtype=np.float32)
    return np.ascontiguousarray(pixels.transpose(2, 0, 1), dtype=np.float32)


def load_rgb(path: Path):
    """An image file decoded to an RGB PIL image (alpha dropped, palettes and greyscale expanded)."""
    from PIL import Image

    with Image.open(path) as img:
        return img.convert("RGB")


def load_image_tensor(path: str, size: int, mean: Sequence[float], std: Sequence[float]) -> np.ndarray:
    """``image_tensor`` of an image file."""
    from PIL import Image

    with Image.open(path) as img:
        return image_tensor(img, size, mean, std)


def l2_normalize(v: np.ndarray, axis: int = -1) -> np.ndarray:
    """v / max(||v||, 1e-12) along ``axis`` (float32)."""
    v = np.asarray(v, dtype=np.float32)
    return v / np.maximum(np.linalg.norm(v, axis=axis, keepdims=True), np.float32(1e-12))
