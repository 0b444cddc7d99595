"""Checks of the training-side logic that is easy to get subtly wrong: caption agreement, the
caption-weighted contrastive loss, the caption heads, hum pairs, one-tower fine-tuning, warm-start
weights, and hum time-stretching. Run by tests/training/muvis-smoke.test.ts; exits non-zero with a
message on the first failure."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch
import torch.nn.functional as F

from dataclasses import replace

from common.corpus import Item
from muvis.config import PRESETS
from muvis.data import CachedFeatures
from muvis.features import FbankParams
from muvis.losses import (CaptionHeads, anchor_loss, caption_head_loss, contrastive_loss, contrastive_targets,
                          hum_pair_loss)
from muvis.model import Muvis
from muvis.semantics import caption_agreement
from muvis.views import AudioNorm, ViewSampler, time_stretch


def check(ok: bool, what: str) -> None:
    if not ok:
        print(f"FAILED: {what}")
        sys.exit(1)


def main() -> None:
    categories = np.array(["style:rock", "style:rock", "style:jazz", "none"])
    tags = np.array([[1, 0, 1], [1, 0, 0], [0, 1, 0], [0, 0, 0]], dtype=np.float32)
    a = caption_agreement(categories, tags)
    check(np.allclose(a, a.T), "agreement is symmetric")
    check(np.isclose(a[0, 1], 0.5 + 0.5 * 0.5), "same category + Jaccard 1/2")
    check(a[0, 2] == 0.0 and a[2, 3] == 0.0, "nothing shared gives 0")
    check(np.isclose(a[3, 3], 0.5) and np.isclose(a[0, 0], 1.0), "diagonal: 0.5 without vocabulary tags, else 1")

    gen = torch.Generator().manual_seed(3)
    audio = F.normalize(torch.randn(4, 8, generator=gen), dim=-1)
    image = F.normalize(torch.randn(4, 8, generator=gen), dim=-1)
    scale = torch.tensor(20.0)
    agreement = torch.from_numpy(a)
    plain = contrastive_loss(audio, image, scale)
    check(torch.isclose(plain, contrastive_loss(audio, image, scale, agreement, 0.0)), "weight 0 is plain InfoNCE")
    logits = scale * audio @ image.t()
    by_hand = 0.5 * (F.cross_entropy(logits, torch.arange(4)) + F.cross_entropy(logits.t(), torch.arange(4)))
    check(torch.isclose(plain, by_hand), "plain InfoNCE by hand")
    # Orthonormal pairs with two items' images swapped: plain InfoNCE cannot tell which two,
    # the caption-weighted loss forgives mixing up items 0 and 1 (same category) more than 0 and 2.
    basis = torch.eye(4, 8)
    swap_agreeing, swap_disagreeing = basis[[1, 0, 2, 3]], basis[[2, 1, 0, 3]]
    check(torch.isclose(contrastive_loss(basis, swap_agreeing, scale), contrastive_loss(basis, swap_disagreeing, scale)),
          "plain loss is blind to captions")
    forgiving = contrastive_loss(basis, swap_agreeing, scale, agreement, 0.5)
    strict = contrastive_loss(basis, swap_disagreeing, scale, agreement, 0.5)
    check(forgiving < strict, f"agreeing mix-up costs less ({forgiving:.4f} vs {strict:.4f})")
    target = contrastive_targets(4, agreement, 0.5)
    check(torch.allclose(target.sum(1), torch.ones(4)) and bool((target >= 0).all()), "targets are distributions")
    check(bool((target.diagonal() > 0.5).all()), "at least half of each target stays on the exact pair")
    check(target[0, 1] > 0 and target[0, 2] == 0 and target[2, 3] == 0, "off the diagonal, only agreeing items get target mass")
    check(torch.isclose(target[3, 3], torch.tensor(1.0)), "an item that agrees with no other keeps its whole target")
    check(torch.equal(contrastive_targets(4, agreement, 0.0), torch.eye(4)), "weight 0: exact pairs only")

    torch.manual_seed(0)
    heads = CaptionHeads(3, torch.tensor([0.5, 0.1, 0.9]), 8, 16.0)
    check(torch.allclose(torch.sigmoid(heads.tag_bias), torch.tensor([0.5, 0.1, 0.9])), "tag biases start at the train prior")
    protos = F.normalize(heads.category_prototypes.detach(), dim=-1)
    category = torch.tensor([0, 1, 2, 0])
    tags3 = torch.tensor([[1, 0, 1], [0, 0, 1], [1, 1, 1], [0, 0, 0]], dtype=torch.float32)
    on_own, on_other = protos[category], protos[(category + 1) % 3]
    own_loss, _ = heads.losses(on_own, category, tags3)
    other_loss, _ = heads.losses(on_other, category, tags3)
    check(own_loss + 1.0 < other_loss, f"an embedding on its category's prototype costs less ({own_loss:.3f} vs {other_loss:.3f})")
    tag_protos = F.normalize(heads.tag_prototypes.detach(), dim=-1)
    toward_tags = F.normalize(tags3 @ tag_protos - (1 - tags3) @ tag_protos + 1e-3, dim=-1)
    _, tag_near = heads.losses(toward_tags, category, tags3)
    _, tag_far = heads.losses(-toward_tags, category, tags3)
    check(tag_near < tag_far, f"embeddings toward their tags' prototypes cost less ({tag_near:.3f} vs {tag_far:.3f})")
    no_hums = torch.ones(4, dtype=torch.bool)
    all_hums = torch.zeros(4, dtype=torch.bool)
    image_only = caption_head_loss(heads, on_other, on_own, all_hums, category, tags3, 1.0, 0.0)
    check(torch.isclose(image_only, 0.5 * own_loss), "hum views are left out of the head loss")
    both = caption_head_loss(heads, on_other, on_own, no_hums, category, tags3, 1.0, 0.0)
    check(torch.isclose(both, 0.5 * (own_loss + other_loss)), "the head loss averages the two towers")

    owner = torch.tensor([2, 0])
    aligned = hum_pair_loss(audio[owner], audio, image, owner, scale)
    crossed = hum_pair_loss(audio[owner.flip(0)], audio, image, owner, scale)
    check(aligned < crossed, f"a hum on its own item's audio costs less ({aligned:.3f} vs {crossed:.3f})")
    check(torch.isclose(hum_pair_loss(audio[owner], audio, audio, owner, scale),
                        F.cross_entropy(scale * audio[owner] @ audio.t(), owner)), "the hum loss averages audio and image")
    check(hum_pair_loss(audio[:0], audio, image, owner[:0], scale) == 0, "no hum pairs cost nothing")
    check_hum_pair_views()
    check_audio_only_fine_tuning(audio, image)
    check_patch_resize()
    check_no_shortening()

    fb = (np.arange(11, dtype=np.float16)[:, None] * np.ones((1, 3), dtype=np.float16))
    slow = time_stretch(fb, 2.0)
    check(slow.shape == (22, 3), f"stretch x2 doubles the frames ({slow.shape})")
    check(slow[0, 0] == 0.0 and slow[-1, 0] == 10.0, "end points kept")
    check(np.allclose(np.diff(slow[:, 0]), 10.0 / 21), "linear in time")
    check(np.allclose(time_stretch(fb, 1.0), fb), "factor 1 is the identity")
    check(time_stretch(fb, 0.5).shape == (6, 3), "x0.5 halves the frames (rounded)")
    print("ok: caption agreement, weighted contrastive loss, caption heads, hum pairs, anchor and frozen tower, patch resize, "
          "towers read back from ONNX and never shortened, time stretch")


def check_audio_only_fine_tuning(audio: torch.Tensor, image: torch.Tensor) -> None:
    """The anchor costs nothing where the student agrees with its teacher and 1 at right angles;
    a frozen image tower gives the optimiser none of its parameters."""
    check(torch.isclose(anchor_loss(audio, audio), torch.tensor(0.0), atol=1e-6), "anchor: no cost at the teacher")
    check(torch.isclose(anchor_loss(audio, -audio), torch.tensor(2.0)), "anchor: 2 when opposite")
    basis = torch.eye(4, 8)
    check(torch.isclose(anchor_loss(basis, basis[[1, 2, 3, 0]]), torch.tensor(1.0)), "anchor: 1 at right angles")
    check(anchor_loss(audio[:0], image[:0]) == 0, "anchor: no music views cost nothing")
    from muvis.loop import param_groups

    model = Muvis(PRESETS["tiny"])
    model.image.requires_grad_(False)
    trained = {id(p) for group in param_groups(model, 0.05) for p in group["params"]}
    check(not any(id(p) in trained for p in model.image.parameters()), "frozen image tower: none of its parameters trained")
    check(all(id(p) in trained for p in model.audio.parameters()), "frozen image tower: every audio parameter trained")


def check_patch_resize() -> None:
    """Resized patch kernels see the same pixels as the old ones (area-averaged down or replicated
    up); position grids keep their CLS token and a constant grid stays constant."""
    from muvis.warmstart import WarmStartError, resize_patch_projection, resize_positions

    gen = np.random.default_rng(3)
    w = gen.normal(size=(5, 3, 8, 8))
    patch = gen.normal(size=(3, 8, 8))
    small = patch.reshape(3, 4, 2, 4, 2).mean(axis=(2, 4))           # the patch area-averaged to 4 x 4
    blocky = np.repeat(np.repeat(small, 2, axis=1), 2, axis=2)        # and back up: piecewise constant
    w4 = resize_patch_projection(w, 4)
    check(w4.shape == (5, 3, 4, 4), f"8 -> 4 kernel shape ({w4.shape})")
    check(np.allclose(np.einsum("hcij,cij->h", w4, small), np.einsum("hcij,cij->h", w, blocky)),
          "8 -> 4: the new kernel on the averaged patch gives the old token of the blocky patch")
    w16 = resize_patch_projection(w, 16)
    up = np.repeat(np.repeat(patch, 2, axis=1), 2, axis=2)
    check(np.allclose(np.einsum("hcij,cij->h", w16, up), np.einsum("hcij,cij->h", w, patch)),
          "8 -> 16: the new kernel on the upsampled patch gives the old token")
    try:
        resize_patch_projection(w, 3)
        check(False, "8 -> 3 must be refused")
    except WarmStartError:
        pass
    pos = np.concatenate([np.full((1, 1, 6), 7.0), np.full((1, 4, 6), 2.0)], axis=1)   # CLS + 2 x 2 grid
    grown = resize_positions(pos, 1 + 16, special=1)
    check(grown.shape == (1, 17, 6) and np.allclose(grown[0, 0], 7.0), "CLS kept, grid 2 x 2 -> 4 x 4")
    check(np.allclose(grown[0, 1:], 2.0, atol=1e-5), "a constant grid stays constant")


def check_no_shortening() -> None:
    """A tower read back from its ONNX file computes what it did; a tower with fewer layers than the
    file refuses it rather than silently dropping the surplus layers."""
    import tempfile

    from common.onnx_export import export_checked
    from muvis.warmstart import WarmStartError, load_tower

    torch.manual_seed(0)
    tiny = PRESETS["tiny"]
    deep_cfg = replace(tiny, image=replace(tiny.image, layers=2))
    deep = Muvis(deep_cfg).image.eval()
    x = torch.randn(3, 3, tiny.image.size, tiny.image.size)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "image.onnx"
        export_checked(deep, x, path, "pixel_values")
        again = Muvis(deep_cfg).image.eval()
        check(not load_tower(again, path), "same patch size: nothing resized")
        with torch.no_grad():
            check(torch.allclose(again(x), deep(x), atol=1e-5), "a tower read back from its ONNX file computes what it did")
        try:
            load_tower(Muvis(tiny).image, path)
            check(False, "a 1-layer tower must refuse a 2-layer bundle")
        except WarmStartError as err:
            check("the bundle has 2 encoder layers, the model 1; a tower cannot be shortened" in str(err), str(err))


def check_hum_pair_views() -> None:
    """The sampler gives extra hums only to items that have hums, at most hum_pairs of them, and
    drawing them leaves the main views exactly as a run without hum pairs draws them."""
    tiny = PRESETS["tiny"]
    gen = np.random.default_rng(0)
    n = 5
    items = [Item(index=k, ytid=f"y{k}", caption="", tags=[], split="train", seed=k, audio=Path("a"), image=Path("i"),
                  hums=[], snippets=[], crops=[]) for k in range(n)]
    clips = [gen.normal(size=(300, 128)).astype(np.float16) for _ in range(n)]
    hums = [[gen.normal(size=(200, 128)).astype(np.float16)] if k in (1, 3, 4) else [] for k in range(n)]
    feats = CachedFeatures(clips, hums, gen.integers(0, 255, size=(n, 64, 64, 3), dtype=np.uint8))
    norm = AudioNorm(0.0, 1.0, tiny.audio, FbankParams(numMelBins=128))
    sample = lambda train_cfg: ViewSampler(items, feats, norm, tiny.image, train_cfg).batch(np.arange(n)[::-1],
                                                                                           np.random.default_rng(7))
    plain = sample(tiny.train)
    paired = sample(replace(tiny.train, hum_pairs=2, hum_pair_weight=1.0))
    check(plain.pair_hums.shape[0] == 0 and len(plain.pair_owner) == 0, "no hum pairs unless asked for")
    check(paired.pair_owner.tolist() == [0, 1], f"the first two items with hums, by batch position ({paired.pair_owner})")
    check(paired.pair_hums.shape == (2, tiny.audio.max_frames, 128), f"hum windows ({paired.pair_hums.shape})")
    check(np.array_equal(plain.audio, paired.audio) and np.array_equal(plain.image, paired.image),
          "the main views do not depend on the hum pairs")
    unweighted = sample(replace(tiny.train, hum_pairs=2, hum_pair_weight=0.0))
    check(len(unweighted.pair_owner) == 0, "weight 0 draws no hum pairs")


if __name__ == "__main__":
    main()
