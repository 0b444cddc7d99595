"""How much of each tag the corpus painter puts into the picture: a bound on tagging (a).

    python3 training/muvis/plan_probe.py --corpus data/corpus [--bundle models/muvis-small] [--out probe.json]

Every ImMuTe picture is painted from a visual plan (manifest `visual`: hues, light, composition,
texture, the rhythm row, drum stripes, the melody contour, motif and setting glyphs, ...). This
script reads those plans as numbers, as a perfect reader of the pictures would, and fits one
logistic probe per vocabulary tag on the train split (all 50 at once, L2-regularised, the
strength picked on the val split), then scores the test split with the same per-tag macro AUROC
as eval.py's experiment (a). The same probe over the music plan (what the recording is rendered
from) shows how much of each tag the sound carries. A tag the visual plan cannot tell apart is
out of reach for any image tower, so the visual-plan figure is roughly the ceiling of image
tagging on this corpus (roughly: a probe is one reader, not the best possible one).
With --bundle, the same probes over the bundle's 128-d image and music embeddings (ONNX, as
eval.py embeds them) tell whether the embeddings hold the tags and the nearest-neighbour vote of
experiment (a) loses them, or the towers never read them.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch

from common.corpus import SPLITS, by_split, read_manifest
from muvis.retrieval import auroc
from muvis.semantics import tag_matrix, tag_vocabulary

FAMILIES = ("keys", "organ", "guitar", "bass", "strings", "brass", "woodwind", "reed", "synth", "voice", "mallet",
            "plucked", "drums")
COMPOSITIONS = ("grid", "diagonal", "radial", "flow", "scatter", "horizon", "blocks", "waves")
TEXTURES = ("smooth", "grain", "halftone", "scanlines", "paper")
SETTINGS = ("crowd", "arch", "leaves", "beams", "bubble")
STRENGTHS = (1e-5, 1e-4, 1e-3, 1e-2)


def one_hot(value: str, choices: tuple[str, ...]) -> list[float]:
    return [float(value == c) for c in choices]


def many_hot(values: list[str], choices: tuple[str, ...]) -> list[float]:
    return [float(c in values) for c in choices]


def angle(degrees: float) -> list[float]:
    return [math.sin(math.radians(degrees)), math.cos(math.radians(degrees))]


def visual_features(v: dict) -> list[float]:
    """The picture as its plan draws it."""
    ys = np.array([d["y"] for d in v["contour"]] or [0.0])
    rs = np.array([d["r"] for d in v["contour"]] or [0.0])
    r = v["rhythm"]
    return [*angle(v["keyHue"]), *angle(v["moodHue"]), float(v["temperature"] == "warm"), v["lightness"],
            v["saturation"], v["contrast"], *one_hot(v["composition"], COMPOSITIONS), *one_hot(v["texture"], TEXTURES),
            v["textureAmount"], r["count"], r["group"], r["y"], r["size"], *one_hot(r["shape"], FAMILIES), v["stripes"],
            len(v["contour"]), float(ys.mean()), float(ys.std()), float(rs.mean()), *many_hot(v["motifs"], FAMILIES),
            *many_hot(v["settings"], SETTINGS), v["sparkles"], v["bassBand"]]


def music_features(m: dict) -> list[float]:
    """The recording as its plan renders it (instruments, drums, tempo, key, mood, recording chain)."""
    rec = m["recording"]
    parts = m["parts"]
    families = [p["family"] for p in parts]
    drums = m.get("drums") or {}
    return [m["bpm"], m["meter"][0], *angle(30 * m["tonic"]), float(m["mode"] == "minor"), m["valence"], m["arousal"],
            m["density"], m["velocity"], m["loudness"], m["register"], *many_hot(families, FAMILIES),
            float(bool(drums)), float(bool(drums.get("handPercussion"))), float(drums.get("kit") == "electronic"),
            float(drums.get("kit") == "tr808"), float(drums.get("kit") == "power"),
            *[float(bool(rec[k])) for k in ("lowQuality", "noisy", "mono", "live", "muffled", "reverberant", "distorted")],
            rec["bandLow"] / 1000, rec["bandHigh"] / 1000, rec["room"], rec["drive"],
            -60.0 if rec["noiseDb"] is None or not math.isfinite(rec["noiseDb"]) else rec["noiseDb"],  # JSON null: clean
            float(any(p["voiceLike"] for p in parts)), len(parts), float(m["style"] == "electronic")]


def standardise(train: np.ndarray, *others: np.ndarray) -> list[np.ndarray]:
    mean, std = train.mean(axis=0), train.std(axis=0) + 1e-6
    return [(x - mean) / std for x in (train, *others)]


def fit_probe(x: np.ndarray, y: np.ndarray, strength: float, steps: int = 400) -> torch.nn.Linear:
    torch.manual_seed(0)
    probe = torch.nn.Linear(x.shape[1], y.shape[1])
    xt, yt = torch.from_numpy(x).float(), torch.from_numpy(y).float()
    opt = torch.optim.LBFGS(probe.parameters(), lr=0.5, max_iter=steps, line_search_fn="strong_wolfe")

    def closure():
        opt.zero_grad()
        loss = torch.nn.functional.binary_cross_entropy_with_logits(probe(xt), yt) + strength * probe.weight.pow(2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return probe


def macro_auroc(probe: torch.nn.Linear, x: np.ndarray, y: np.ndarray, vocab: list[str]) -> tuple[float, dict]:
    with torch.no_grad():
        scores = probe(torch.from_numpy(x).float()).numpy()
    per_tag = {t: auroc(scores[:, k], y[:, k]) for k, t in enumerate(vocab) if 0 < y[:, k].sum() < len(y)}
    return float(np.mean(list(per_tag.values()))), per_tag


def probe(x: dict, vocab: list[str], tags: dict) -> dict:
    """Per-tag logistic probes fitted on x["train"], L2 strength picked on x["val"], scored on x["test"]."""
    x = {s: np.asarray(v, dtype=np.float64) for s, v in x.items()}
    x["train"], x["val"], x["test"] = standardise(x["train"], x["val"], x["test"])
    val_scores = {s: macro_auroc(fit_probe(x["train"], tags["train"], s), x["val"], tags["val"], vocab)[0] for s in STRENGTHS}
    strength = max(STRENGTHS, key=lambda s: val_scores[s])
    test_auroc, per_tag = macro_auroc(fit_probe(x["train"], tags["train"], strength), x["test"], tags["test"], vocab)
    return {"AUROC": test_auroc, "strength": strength, "validationAUROC": {str(s): v for s, v in val_scores.items()},
            "perTag": per_tag}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Per-tag logistic probes on the corpus's visual and music plans.")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--bundle", default=None, help="also probe this bundle's image and music embeddings")
    ap.add_argument("--out", default=None, help="also write the result as JSON here")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    items = read_manifest(args.corpus)
    splits = {s: by_split(items, s) for s in SPLITS}
    vocab = tag_vocabulary(splits["train"])
    tags = {s: tag_matrix(its, vocab) for s, its in splits.items()}
    inputs = {"visualPlan": {s: [visual_features(it.visual) for it in its] for s, its in splits.items()},
              "musicPlan": {s: [music_features(it.music) for it in its] for s, its in splits.items()}}
    if args.bundle:
        from muvis.runner import Features, OnnxBundle, embed_split

        bundle = OnnxBundle(Path(args.bundle))
        feats = Features(bundle.params)
        embedded = {s: embed_split(bundle, feats, its, with_views=False) for s, its in splits.items()}
        for side in ("image", "music"):
            inputs[f"{side}Embedding"] = {s: embedded[s][side] for s in splits}
    result = {"corpus": args.corpus, "bundle": args.bundle, "tags": len(vocab)}
    for name, x in inputs.items():
        result[name] = probe(x, vocab, tags)
        print(f"{name}: test macro AUROC {result[name]['AUROC']:.3f} (L2 {result[name]['strength']:g}, "
              f"val {', '.join(f'{v:.3f}' for v in result[name]['validationAUROC'].values())})")
    names = list(inputs)
    print(f"{'tag':24s} " + " ".join(f"{n:>15s}" for n in names))
    vis = result["visualPlan"]["perTag"]
    for t in sorted(vis, key=vis.get):
        print(f"{t:24s} " + " ".join(f"{result[n]['perTag'].get(t, float('nan')):15.3f}" for n in names))
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
