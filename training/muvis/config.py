"""MuVis configurations as small dataclasses, with named presets (`--config small|tiny`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

EMBEDDING_DIM = 128


@dataclass(frozen=True)
class AudioTowerConfig:
    """AST tower over [batch, max_frames, mel_bins] normalised log-mel fbank."""

    hidden: int = 192
    layers: int = 4
    heads: int = 3
    intermediate: int = 768
    patch: int = 16
    frequency_stride: int = 16
    time_stride: int = 16
    max_frames: int = 512
    mel_bins: int = 128
    window_seconds: float = 5.12
    hop_seconds: float = 2.56


@dataclass(frozen=True)
class ImageTowerConfig:
    """ViT tower over [batch, 3, size, size] normalised RGB."""

    size: int = 128
    patch: int = 16
    hidden: int = 192
    layers: int = 4
    heads: int = 3
    intermediate: int = 768
    mean: tuple[float, float, float] = (0.5, 0.5, 0.5)
    std: tuple[float, float, float] = (0.5, 0.5, 0.5)


@dataclass(frozen=True)
class TrainConfig:
    batch_size: int = 96
    max_epochs: int = 40
    lr: float = 5e-4
    weight_decay: float = 0.05
    warmup_fraction: float = 0.05
    patience: int = 4            # epochs without a better validation score before stopping
    init_temperature: float = 0.07
    max_logit_scale: float = 100.0
    seed: int = 1234
    threads: int = 2
    bf16: bool = True
    # audio view mixture per step: full-clip window / 3-5 s snippet / hum
    p_clip: float = 0.4
    p_snippet: float = 0.3
    p_hum: float = 0.3
    p_image_crop: float = 0.6
    jitter: float = 0.2          # brightness/contrast/saturation amplitude; hue is never jittered
    snippet_seconds: tuple[float, float] = (3.0, 5.0)


@dataclass(frozen=True)
class MuvisConfig:
    name: str
    audio: AudioTowerConfig = field(default_factory=AudioTowerConfig)
    image: ImageTowerConfig = field(default_factory=ImageTowerConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    embedding_dim: int = EMBEDDING_DIM

    def to_dict(self) -> dict:
        return asdict(self)


PRESETS: dict[str, MuvisConfig] = {
    "small": MuvisConfig(name="small"),
    # CI smoke: one quick epoch on the 64-item corpus, same code paths as "small".
    "tiny": MuvisConfig(
        name="tiny",
        audio=AudioTowerConfig(hidden=32, layers=1, heads=2, intermediate=64, max_frames=256,
                               window_seconds=2.56, hop_seconds=1.28),
        image=ImageTowerConfig(size=64, hidden=32, layers=1, heads=2, intermediate=64),
        train=TrainConfig(batch_size=16, max_epochs=1, patience=1),
    ),
}


def preset(name: str, **train_overrides) -> MuvisConfig:
    if name not in PRESETS:
        raise SystemExit(f"unknown config {name!r}; choose one of {sorted(PRESETS)}")
    cfg = PRESETS[name]
    overrides = {k: v for k, v in train_overrides.items() if v is not None}
    return replace(cfg, train=replace(cfg.train, **overrides)) if overrides else cfg
