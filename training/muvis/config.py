"""MuVis configurations as small dataclasses, with named presets (`--config small|tiny`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

EMBEDDING_DIM = 128


@dataclass(frozen=True)
class AudioTowerConfig:
    """AST tower over [batch, max_frames, mel_bins] normalised log-mel fbank."""

    hidden: int = 128
    layers: int = 3
    heads: int = 4
    intermediate: int = 512
    patch: int = 16              # mel bins per patch (and frames, unless time_patch differs)
    time_patch: int = 32         # frames per patch: 16 x 32 patches, 320 ms each, non-overlapping
    max_frames: int = 1024       # 10.24 s: a whole ImMuTe clip is one window, as in AST
    mel_bins: int = 128
    window_seconds: float = 10.24
    hop_seconds: float = 5.12


@dataclass(frozen=True)
class ImageTowerConfig:
    """ViT tower over [batch, 3, size, size] normalised RGB."""

    size: int = 256              # the corpus resolution: the melody contour's dots stay sharp
    patch: int = 32
    hidden: int = 128
    layers: int = 3
    heads: int = 4
    intermediate: int = 512
    mean: tuple[float, float, float] = (0.5, 0.5, 0.5)
    std: tuple[float, float, float] = (0.5, 0.5, 0.5)


@dataclass(frozen=True)
class TrainConfig:
    batch_size: int = 64
    max_epochs: int = 30
    lr: float = 8e-4
    weight_decay: float = 0.05
    warmup_fraction: float = 0.03
    patience: int = 5            # epochs without a better validation score before stopping
    init_temperature: float = 0.07
    max_logit_scale: float = 100.0
    seed: int = 1234
    threads: int = 2
    bf16: bool = True
    # Share of each contrastive target spread over the batch's other items by caption agreement
    # (semantics.caption_agreement): 0 trains exact pairs only; the rest stays on the exact pair.
    caption_weight: float = 0.5
    # Caption heads (losses.CaptionHeads, training only): both towers' embeddings are classified
    # against one shared, learnable prototype per caption category (softmax) and per vocabulary
    # tag (sigmoid), by cosine at the fixed scale head_scale. Shared prototypes put every item of
    # a category, of either modality, near one direction, which is what experiments (a)-(c)
    # score, without spending the exact pair's own target. Hum views are left out: a hum carries
    # the melody alone, not the instruments, drums or recording the tags describe. 0: no head.
    category_weight: float = 0.0
    tag_weight: float = 0.0
    head_scale: float = 16.0
    # Hum pairs: up to hum_pairs items per batch that have hums get a second audio view, a hum,
    # scored by losses.hum_pair_loss (weight hum_pair_weight) against the batch's audio views and
    # images: a hum paired with its own clip and other hums teaches the tune across key, tempo
    # and voice, which the main loss, where a hum meets only images, does not. Costs hum_pairs
    # more audio-tower passes per step. 0: none.
    hum_pairs: int = 0
    hum_pair_weight: float = 0.0
    # One-tower fine-tuning (with --init-from): freeze "image" or "audio" keeps that tower exactly
    # as the start bundle had it, so everything read off that side stays put. anchor_weight x
    # (1 - cosine) holds every non-hum embedding the trained tower(s) give (clip and snippet
    # views, image views) to what the start bundle gives the same view, so what moves is mostly
    # where hums land. "" / 0: off.
    freeze: str = ""
    anchor_weight: float = 0.0
    # audio view mixture per step: full-clip window / 3-5 s snippet / hum
    p_clip: float = 0.35
    p_snippet: float = 0.25
    p_hum: float = 0.4
    hum_stretch: tuple[float, float] = (0.85, 1.15)  # extra time-stretch of hum views (people drift)
    p_image_crop: float = 0.5
    jitter: float = 0.15         # brightness/contrast/saturation amplitude; hue is never jittered
    snippet_seconds: tuple[float, float] = (3.0, 5.0)
    hum_snippet_seconds: tuple[float, float] = (4.0, 8.0)   # half of the hum views are partial hums

    @property
    def hum_pairs_per_batch(self) -> int:
        """Extra hum views a batch actually draws: none unless both the count and the weight are set."""
        return self.hum_pairs if self.hum_pair_weight > 0 else 0


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
        image=ImageTowerConfig(size=64, patch=16, hidden=32, layers=1, heads=2, intermediate=64),
        train=TrainConfig(batch_size=16, max_epochs=1, patience=1),
    ),
}


def preset(name: str, image_patch: int | None = None, **train_overrides) -> MuvisConfig:
    """A named preset with training overrides (None keeps the preset's value) and, optionally,
    another image patch size (with --init-from, warmstart resizes the bundle's patch weights)."""
    if name not in PRESETS:
        raise SystemExit(f"unknown config {name!r}; choose one of {sorted(PRESETS)}")
    cfg = PRESETS[name]
    if image_patch is not None:
        if image_patch <= 0 or cfg.image.size % image_patch:
            raise SystemExit(f"--image-patch {image_patch} must divide the image size {cfg.image.size}")
        cfg = replace(cfg, image=replace(cfg.image, patch=image_patch))
    overrides = {k: v for k, v in train_overrides.items() if v is not None}
    return replace(cfg, train=replace(cfg.train, **overrides)) if overrides else cfg
