"""Is there a picture <-> music link in the real pairs that carries from game to game, for any reader?

For each picture: MobileNetV2's 1,280 ImageNet features (muvis/mobilenet.py) and 27 colour statistics
(RGB and HSV means and spreads, a 12-bin hue histogram weighted by saturation). For each track: the
fbank-rhythm descriptor (muvis/descriptors.py) and basic-pitch's descriptor (common/basic_pitch.py, a
network trained on real recordings). Then, leaving one game out at a time, the k directions shared by
picture and track features are fitted on the other games' pairs (partial least squares) and the
left-out game is ranked in them. MRR
over chance is printed for its own pool (both directions) and against all the games' tracks.

Nothing here is trained beyond that linear map: it asks whether the readers carry the link at all.
The default uses the train and val games only (``--splits train,val``), as for choosing settings.

    python3 training/muvis/probe_real.py --real data/realset [--splits train,val]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch

from common.runtime import log
from common.basic_pitch import SAMPLE_RATE as PITCH_RATE
from common.basic_pitch import PitchDescriptor
from muvis.descriptors import FbankRhythmDescriptor
from muvis.eval import read_real_manifest, real_structure
from muvis.features import image_tensor, load_rgb, load_wav_mono
from muvis.mobilenet import load_mobilenet
from muvis.runner import Features, OnnxBundle
from muvis.train_adapter import frame_rate, over_chance

PICTURE_READERS = ("mobilenet", "colour", "mobilenet+colour")
TRACK_READERS = ("fbank-rhythm", "pitch", "fbank-rhythm+pitch")


def colour_stats(picture) -> np.ndarray:
    rgb = picture.resize((64, 64))
    a = np.asarray(rgb, np.float32) / 255
    hsv = np.asarray(rgb.convert("HSV"), np.float32) / 255
    hue = np.histogram(hsv[..., 0], 12, (0, 1), weights=hsv[..., 1])[0] / hsv[..., 0].size
    return np.concatenate([a.mean((0, 1)), a.std((0, 1)), hsv.mean((0, 1)), hsv.std((0, 1)), hue]).astype(np.float32)


def features(args, structure: dict) -> dict[str, np.ndarray]:
    real = Path(args.real)
    tag = hashlib.sha1((real / "manifest.jsonl").read_bytes()).hexdigest()[:12]
    path = Path(args.cache) / f"probe-real-{tag}.npz"
    if path.is_file():
        with np.load(path) as z:
            return {k: z[k] for k in z.files}
    started = time.time()
    base = OnnxBundle(Path(args.base), args.threads)
    image = base.manifest["image"]
    mobilenet = load_mobilenet(Path(args.mobilenet_cache), image["mean"], image["std"])
    fbank_reader, feats = FbankRhythmDescriptor(frame_rate(base.manifest)), Features(base.params)
    pitch_reader = PitchDescriptor(round(base.manifest["audio"]["windowSeconds"] * PITCH_RATE), 5).eval()
    out: dict[str, list] = {k: [] for k in ("mobilenet", "colour", "fbank-rhythm", "pitch")}
    with torch.no_grad():
        for _, f in structure["images"]:
            picture = load_rgb(real / f)  # decoded once for both readers
            out["mobilenet"].append(mobilenet(torch.from_numpy(image_tensor(picture, image["size"], image["mean"], image["std"]))[None])[0].numpy())
            out["colour"].append(colour_stats(picture))
        for _, f in structure["tracks"]:
            fb = torch.from_numpy(feats.fbank(real / f)[:base.max_frames])[None]
            out["fbank-rhythm"].append(fbank_reader(fb)[0].numpy())
            out["pitch"].append(pitch_reader(torch.from_numpy(load_wav_mono(str(real / f), PITCH_RATE))[None])[0].numpy())
    value = {k: np.stack(v) for k, v in out.items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **value)
    log(f"read {len(structure['images'])} pictures and {len(structure['tracks'])} tracks in {time.time() - started:.0f}s")
    return value


def standardise(x: np.ndarray, fit: np.ndarray, game: np.ndarray, within: bool) -> np.ndarray:
    """Scaled by the fitting rows' spread; centred on the fitting rows' mean, or (``within``) on each
    game's own mean, so that only the contrasts inside a game remain."""
    x = x / (x[fit].std(0) + 1e-6)
    if not within:
        return x - x[fit].mean(0)
    out = x.copy()
    for g in np.unique(game):
        out[game == g] -= x[game == g].mean(0)
    return out


def leave_one_game_out(feats: dict, structure: dict, games: list[str], picture: str, track: str, k: int, within: bool) -> dict:
    """Partial least squares over the other games' pairs: the k directions of picture and track
    features whose cross-covariance is largest (SVD of X_pairs^T Y_pairs, each side standardised on
    those games); both sides are projected on them and ranked by cosine."""
    ig, tg, pairs = structure["image_game"], structure["track_game"], structure["pairs"]
    x_all = np.concatenate([feats[p] for p in picture.split("+")], 1)
    y_all = np.concatenate([feats[t] for t in track.split("+")], 1)
    in_games = np.isin(tg, games)
    folds = {}
    for g in games:
        others = [o for o in games if o != g]
        fit_i, fit_t = np.isin(ig, others), np.isin(tg, others)
        x, y = standardise(x_all, fit_i, ig, within), standardise(y_all, fit_t, tg, within)
        i, j = np.nonzero(pairs & fit_i[:, None] & fit_t[None, :])
        u, _, vt = np.linalg.svd(x[i].T @ y[j], full_matrices=False)
        px, py = x @ u[:, :k], y @ vt[:k].T
        sim = (px / (np.linalg.norm(px, axis=1, keepdims=True) + 1e-9)) @ (py / (np.linalg.norm(py, axis=1, keepdims=True) + 1e-9)).T
        q, c = ig == g, tg == g
        own, rel = sim[q][:, c], pairs[q][:, c]
        folds[g] = {"ownImageToMusic": over_chance(own, rel), "ownMusicToImage": over_chance(own.T, rel.T),
                    "allImageToMusic": over_chance(sim[q][:, in_games], pairs[q][:, in_games])}
    mean = {key: float(np.mean([f[key] for f in folds.values()])) for key in next(iter(folds.values()))}
    return {"picture": picture, "track": track, "k": k, "withinGame": within, "mean": mean, "folds": folds}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--real", default="data/realset")
    ap.add_argument("--base", default="models/muvis-small", help="bundle whose fbank and image preprocessing the readers use")
    ap.add_argument("--splits", default="train,val", help="games taking part (comma-separated splits)")
    ap.add_argument("--k", type=int, nargs="+", default=[2, 4, 8, 16], help="shared directions kept")
    ap.add_argument("--cache", default="data/muvis/adapter-cache")
    ap.add_argument("--mobilenet-cache", default="data/cache/npm")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    structure = real_structure(read_real_manifest(Path(args.real)))
    games = sorted(g for g, s in structure["split"].items() if s in args.splits.split(","))
    feats = features(args, structure)
    rows = []
    for picture in PICTURE_READERS:
        for track in TRACK_READERS:
            for k, within in ((k, w) for w in (False, True) for k in args.k):
                row = leave_one_game_out(feats, structure, games, picture, track, k, within)
                m = row["mean"]
                log(f"{picture:>16} -> {track:<18} {'within' if within else 'pooled'} k={row['k']:<3} MRR/chance own pool i->m {m['ownImageToMusic']:.2f} "
                    f"m->i {m['ownMusicToImage']:.2f}; all tracks i->m {m['allImageToMusic']:.2f}")
                rows.append(row)
    print(json.dumps({"games": games, "splits": args.splits, "rows": rows}))


if __name__ == "__main__":
    main()
