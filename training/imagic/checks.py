"""Checks of Imagic's training side that are easy to get subtly wrong: the cached ONNX decoder
against the whole-sequence PyTorch forward (the bundle contract), the crop at a Bar token, and the
condition draw and batch shapes. Exits non-zero with a message on the first failure.

    python3 training/imagic/checks.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch

from imagic.data import ConditionMix, Conditions, Sequence, crop_at_bar, epoch_batches, make_batch
from imagic.export import OUTPUTS, _feeds, check_parity, empty_cache, export_decoder
from imagic.model import COND_TOKEN, PAD_TOKEN, Imagic, ImagicConfig

BAR = 266


def check(ok: bool, what: str) -> None:
    if not ok:
        print(f"FAILED: {what}")
        sys.exit(1)


def check_cache_parity() -> None:
    torch.manual_seed(0)
    cfg = ImagicConfig(d_model=64, layers=2, heads=2, head_dim=32, ffn=128, max_context=64)
    model = Imagic(cfg).eval()
    # PyTorch alone: the cached step path equals the causal forward
    tokens = torch.randint(5, cfg.vocab, (2, 20))
    tokens[:, 1] = COND_TOKEN
    cond = torch.nn.functional.normalize(torch.randn(2, cfg.cond_dim), dim=-1)
    mask = torch.tensor([1.0, 0.0])
    with torch.no_grad():
        full = model(tokens, cond, mask)
        ck = torch.zeros(cfg.layers, 2, cfg.heads, cfg.max_context, cfg.head_dim)
        cv = torch.zeros_like(ck)
        a, k, v = model.step(tokens[:, :12], torch.arange(12).repeat(2, 1), cond, mask, ck, cv, torch.tensor([0, 0]))
        ck[:, :, :, :12], cv[:, :, :, :12] = k, v
        b, _, _ = model.step(tokens[:, 12:], torch.arange(12, 20).repeat(2, 1), cond, mask, ck, cv, torch.tensor([12, 12]))
    diff = float((torch.cat([a, b], 1) - full).abs().max())
    check(diff < 1e-5, f"PyTorch step (prefill 12, then a second prefill of 8 at cache_len 12) == forward ({diff:.2e})")
    check(float((full[0] - full[1]).abs().max()) > 1e-4, "the condition changes the logits")

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "decoder.onnx"
        export_decoder(model, path)
        parity = check_parity(model, path, length=40, prefill=6)
        check(parity["stepwiseMaxAbs"] < 1e-4 and parity["raggedMaxAbs"] < 1e-4, f"ONNX cached decoding parity {parity}")
        # batch 1 and 3 (the trace was at 2), and a cache_len past which garbage must not leak
        from common.onnx_runner import cpu_session
        sess = cpu_session(path)
        for batch in (1, 3):
            cache = empty_cache(cfg, batch)
            garbage = cache + 1e3
            c = np.tile(cond[:1].numpy(), (batch, 1))
            f = lambda ck: sess.run(OUTPUTS, _feeds(np.full((batch, 2), 400), np.array([[0, 1]] * batch), c,  # noqa: E731
                                                    np.ones(batch), ck, ck, [0] * batch))
            clean, dirty = f(cache), f(garbage)
            check(clean[0].shape == (batch, 2, cfg.vocab) and clean[1].shape == (cfg.layers, batch, cfg.heads, 2, cfg.head_dim),
                  f"output shapes at batch {batch}")
            check(np.abs(clean[0] - dirty[0]).max() == 0.0, f"cache past cache_len is never read (batch {batch})")


def check_crop() -> None:
    prefix = [1, COND_TOKEN, 10, 206, 219, 220, 250, 351, 260]
    bars = [[BAR] + [267 + b] + [500 + b] * 8 for b in range(10)]  # 10 bars of 10 tokens
    seq = np.array(prefix + [t for bar in bars for t in bar] + [2], dtype=np.int64)   # 110 tokens, EOS last
    check(np.array_equal(crop_at_bar(seq, BAR, 200, np.random.default_rng(0)), seq), "short sequences come back whole")
    first = crop_at_bar(seq, BAR, 40, None)
    check(np.array_equal(first, seq[:40]), "rng None: the prefix and the first bars")
    ends, starts = 0, set()
    rng = np.random.default_rng(1)
    for _ in range(300):
        c = crop_at_bar(seq, BAR, 40, rng)
        check(len(c) <= 40, "crop fits the context")
        check(list(c[:len(prefix)]) == prefix, "attribute prefix kept")
        check(c[len(prefix)] == BAR, "the body starts at a Bar")
        starts.add(int(c[len(prefix) + 1]))
        ends += int(c[-1] == 2)
    check(len(starts) > 5, f"crops start at many bars ({sorted(starts)})")
    check(ends > 0, "some crops reach the end (EOS)")
    try:
        crop_at_bar(seq, BAR, 5, None)
        check(False, "a prefix longer than the context is refused")
    except ValueError:
        pass


def check_conditions() -> None:
    rng = np.random.default_rng(0)
    d, n = 16, 3
    unit = lambda k: (lambda x: x / np.linalg.norm(x, axis=1, keepdims=True))(rng.standard_normal((k, d)).astype(np.float32))  # noqa: E731
    arrays = {"image": unit(n), "clip": unit(n), "crop": unit(3 * n), "crop_owner": np.repeat(np.arange(n), 3),
              "hum": unit(2), "hum_owner": np.array([0, 0])}   # only item 0 has hums
    conds = Conditions(arrays)
    check([len(c) for c in conds.crops] == [3, 3, 3] and [len(h) for h in conds.hums] == [2, 0, 0], "grouped by owner")
    mix = ConditionMix(image=0.4, crop=0.2, hum=0.2, clip=0.2, dropout=0.1)
    draws = [conds.draw(1, mix, rng) for _ in range(4000)]
    kinds = [k for _, _, k in draws]
    check("hum" not in kinds, "an item without hums never gets one")
    share = {k: kinds.count(k) / len(kinds) for k in ("none", "image", "crop", "clip")}
    check(abs(share["none"] - 0.1) < 0.02, f"dropout share {share['none']:.3f} ~ 0.1")
    check(abs(share["image"] - 0.9 * 0.5) < 0.03, f"image share renormalised without hums ({share['image']:.3f})")
    for v, m, k in draws[:200]:
        check(v.shape == (d,) and v.dtype == np.float32, "vector shape")
        check((m == 0.0) == (k == "none") and (k != "none" or not v.any()), "null condition: mask 0, zero vector")
        if k == "image":
            check(np.array_equal(v, arrays["image"][1]), "the item's own image")
        if k == "crop":
            check(any(np.array_equal(v, c) for c in conds.crops[1]), "one of the item's crops")
    seqs = [Sequence(i, "train", np.array([1, COND_TOKEN] + [BAR, 300] * (5 + 3 * i) + [2])) for i in range(n)]
    batch = make_batch(seqs, BAR, 16, conds, mix, rng)
    b, t = batch.tokens.shape
    check(b == n and batch.targets.shape == (b, t) and batch.cond.shape == (n, d) and batch.cond_mask.shape == (n,),
          f"batch shapes {tuple(batch.tokens.shape)} {tuple(batch.cond.shape)} {tuple(batch.cond_mask.shape)}")
    check(t == 15, "longest crop 16 tokens -> 15 inputs")
    check(bool((batch.tokens[0, 1:12] == batch.targets[0, :11]).all()), "targets are the inputs shifted by one")
    check(int((batch.targets[0] != PAD_TOKEN).sum()) == len(seqs[0].tokens) - 1 and batch.targets[0, -1] == PAD_TOKEN,
          "short rows padded with PAD, no loss there")
    # prefix mask: targets after COND and before the first Bar (here none: Bar follows COND), then a real prefix
    check(not batch.prefix.any(), "no attribute tokens, no prefix targets")
    from imagic.data import collate
    pb = collate([np.array([1, COND_TOKEN, 10, 206, 219, BAR, 300, 2])], [np.zeros(d, np.float32)], [0.0], ["none"], BAR)
    check(pb.targets[0][pb.prefix[0]].tolist() == [10, 206, 219], f"prefix targets {pb.targets[0][pb.prefix[0]].tolist()}")
    lengths = np.array([100, 900, 50, 1000, 300, 20, 700])
    plan = epoch_batches(lengths, 1024, np.random.default_rng(0))
    check(sorted(int(i) for bb in plan for i in bb) == list(range(len(lengths))), "every example once an epoch")
    check(all(len(bb) * lengths[bb].max() <= 1024 or len(bb) == 1 for bb in plan), "batches within the token budget")


def main() -> None:
    torch.set_num_threads(2)
    check_crop()
    check_conditions()
    check_cache_parity()
    print("imagic checks passed")


if __name__ == "__main__":
    main()
