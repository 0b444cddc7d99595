"""Evaluate a shipped MuVis bundle (its ONNX files, through onnxruntime) on the corpus's
untouched test split, as the paper does, plus exact-pair and hum retrieval.

    npm run eval:muvis -- --bundle models/muvis-small --corpus data/corpus
    npm run eval:muvis -- --bundle models/muvis-small --real data/realset [--write-metrics]

The second form evaluates on the real game pairs (packages/realset); its protocol is REAL_PROTOCOL below.

Protocol (also written into metrics.json under "protocol"):
  Embeddings. Music: every recording is cut into the manifest's windows (features.window_starts),
  each embedded, mean-pooled and L2-normalised, exactly as packages/embeddings does. Snippet
  queries are the manifest's views.snippets (3-5 s, one zero-padded window). Images: the full
  256x256 image; crop queries are the manifest's views.crops, each resized like a full image.
  Hum queries: every hum file of every test item.
  (a) Tagging. Vocabulary: the 50 most frequent normalised tags of the train split (ties by
  name). A test image's score for tag t is the similarity-weighted vote of its K nearest
  train-split music clips: sum_j max(s_j, 0) [t in tags_j] / sum_j max(s_j, 0). Music is tagged
  the same way from its K nearest train-split images. K is chosen per bundle on the validation
  split, never on the test split: the K of {5, 10, 25, 50, 100, 200, 400, 800} with the best
  mean of the two directions' macro AUROC for val items tagged from the train split (K = 25
  when the corpus has no val items); the choice and every candidate's val AUROC are recorded.
  Per tag over the test items: AUROC, average precision, accuracy at score >= 0.5;
  macro-averaged over the tags that have at least one positive and one negative test item.
  (b) Image retrieval from music snippets / (c) music retrieval from image crops. Every query
  ranks all test items of the other modality by cosine similarity. A candidate is relevant when
  its item has the same caption category as the query's item; caption category = the item's
  music.style when the manifest has one, else its most frequent top-50 tag. Per query: AUROC and
  AP of the similarity scores against relevance, accuracy = the top-1 result is relevant;
  averaged over queries.
  Exact pairs: music->image and image->music among all test items (the item's own counterpart is
  the only relevant candidate): Recall@1/5/10, mAP (= mean reciprocal rank), median rank. The
  same for snippet->image, crop->music, hum->image and hum->music (every hum against all test
  clips: query by humming for music).
  Shuffled baseline: all of the above after a fixed random permutation of the music embeddings
  across items (train and test), which breaks every image-music pairing; a snippet or hum query
  moves with its item's music for the image-side figures, and stays at its item's position for
  hum->music (which the shuffle would otherwise leave intact, both sides being music).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np

from common.corpus import SPLITS, Item, by_split, read_manifest
from common.runtime import cpu_name, log, write_json_atomic
from muvis.features import load_rgb
from muvis.runner import Features, OnnxBundle, embed_split
from muvis.retrieval import average_precision, auroc, category_retrieval, exact_pair_metrics, similarity
from muvis.semantics import caption_categories, tag_matrix, tag_vocabulary

TAG_NEIGHBOURS = 25          # K when the corpus has no validation items
TAG_NEIGHBOUR_CHOICES = (5, 10, 25, 50, 100, 200, 400, 800)
SHUFFLE_SEED = 20260101


def tag_scores(query: np.ndarray, reference: np.ndarray, reference_tags: np.ndarray, k: int = TAG_NEIGHBOURS) -> np.ndarray:
    sims = similarity(query, reference)
    k = min(k, reference.shape[0])
    nearest = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    weights = np.maximum(np.take_along_axis(sims, nearest, axis=1), 0.0)
    votes = (weights[:, :, None] * reference_tags[nearest]).sum(axis=1)
    return votes / np.maximum(weights.sum(axis=1, keepdims=True), 1e-12)


def tagging_metrics(scores: np.ndarray, truth: np.ndarray, vocab: list[str]) -> dict:
    per_tag = {}
    for t, tag in enumerate(vocab):
        y = truth[:, t]
        if 0 < y.sum() < len(y):
            per_tag[tag] = {"AUROC": auroc(scores[:, t], y), "AP": average_precision(scores[:, t], y),
                            "accuracy": float(((scores[:, t] >= 0.5) == y.astype(bool)).mean()),
                            "positives": int(y.sum())}
    return {
        "AUROC": float(np.mean([m["AUROC"] for m in per_tag.values()])) if per_tag else None,
        "AP": float(np.mean([m["AP"] for m in per_tag.values()])) if per_tag else None,
        "accuracy": float(np.mean([m["accuracy"] for m in per_tag.values()])) if per_tag else None,
        "tagsScored": len(per_tag), "perTag": per_tag,
    }


def tagging_both_ways(train: dict, query: dict, train_tags: np.ndarray, query_tags: np.ndarray, vocab: list[str], k: int) -> dict:
    return {
        "image_tagged_from_music": tagging_metrics(tag_scores(query["image"], train["music"], train_tags, k), query_tags, vocab),
        "music_tagged_from_images": tagging_metrics(tag_scores(query["music"], train["image"], train_tags, k), query_tags, vocab),
    }


def choose_tag_neighbours(train: dict, val: dict | None, train_items: list[Item], val_items: list[Item], vocab: list[str]) -> dict:
    """The K of TAG_NEIGHBOUR_CHOICES whose tagging of the val items (both directions, mean macro
    AUROC) is best; ties go to the smaller K."""
    if val is None or not val_items:
        return {"chosen": TAG_NEIGHBOURS, "on": "default (no validation items)"}
    train_tags, val_tags = tag_matrix(train_items, vocab), tag_matrix(val_items, vocab)
    scores = {}
    for k in TAG_NEIGHBOUR_CHOICES:
        both = tagging_both_ways(train, val, train_tags, val_tags, vocab, k)
        aurocs = [side["AUROC"] for side in both.values() if side["AUROC"] is not None]
        scores[k] = float(np.mean(aurocs)) if aurocs else float("-inf")
    chosen = max(TAG_NEIGHBOUR_CHOICES, key=lambda k: (scores[k], -k))
    return {"chosen": chosen, "on": "validation split", "validationAUROC": {str(k): v for k, v in scores.items()}}


def all_metrics(train: dict, test: dict, train_items: list[Item], test_items: list[Item], vocab: list[str],
                tag_neighbours: int = TAG_NEIGHBOURS) -> dict:
    train_tags, test_tags = tag_matrix(train_items, vocab), tag_matrix(test_items, vocab)
    categories = caption_categories(test_items, vocab)
    n = len(test_items)
    own = np.arange(n)
    result = {
        "a_tagging": tagging_both_ways(train, test, train_tags, test_tags, vocab, tag_neighbours),
        "b_image_retrieval_from_music_snippets": category_retrieval(test["snippet"], test["snippet_owner"], test["image"], categories) if len(test["snippet"]) else None,
        "c_music_retrieval_from_image_crops": category_retrieval(test["crop"], test["crop_owner"], test["music"], categories) if len(test["crop"]) else None,
        "exact_pairs": {
            "music_to_image": exact_pair_metrics(test["music"], test["image"], own),
            "image_to_music": exact_pair_metrics(test["image"], test["music"], own),
            "snippet_to_image": exact_pair_metrics(test["snippet"], test["image"], test["snippet_owner"]) if len(test["snippet"]) else None,
            "crop_to_music": exact_pair_metrics(test["crop"], test["music"], test["crop_owner"]) if len(test["crop"]) else None,
        },
        "hum_to_image": exact_pair_metrics(test["hum"], test["image"], test["hum_owner"]) if len(test["hum"]) else None,
        "hum_to_music": exact_pair_metrics(test["hum"], test["music"], test.get("hum_music_owner", test["hum_owner"]))
        if len(test["hum"]) else None,
    }
    for side in result["a_tagging"].values():
        side["AUROC_macro"] = side["AUROC"]
    return result


def shuffled(train: dict, test: dict) -> tuple[dict, dict]:
    """Music-side embeddings permuted across items (fixed seed): every pairing broken."""
    rng = np.random.default_rng(SHUFFLE_SEED)
    train_s = dict(train, music=train["music"][rng.permutation(len(train["music"]))])
    perm = rng.permutation(len(test["music"]))
    inverse = np.argsort(perm)
    test_s = dict(test, music=test["music"][perm])
    for key in ("snippet", "hum"):  # a query of item i now belongs to whichever item i's music moved to
        if len(test[key]):
            test_s[f"{key}_owner"] = inverse[test[key + "_owner"]]
    test_s["hum_music_owner"] = test["hum_owner"]  # against music, the hum stays put: the music at its place is another item's
    return train_s, test_s


def summary(m: dict) -> dict:
    """The headline figures (metrics.json's "summary", the tables of training/README.md and RESULTS.md)."""
    a = m["a_tagging"]
    pick = lambda d, k: None if d is None else d.get(k)
    return {
        "a_image_tagging_AUROC": a["image_tagged_from_music"]["AUROC"], "a_image_tagging_AP": a["image_tagged_from_music"]["AP"],
        "a_image_tagging_accuracy": a["image_tagged_from_music"]["accuracy"],
        "a_music_tagging_AUROC": a["music_tagged_from_images"]["AUROC"], "a_music_tagging_AP": a["music_tagged_from_images"]["AP"],
        "a_music_tagging_accuracy": a["music_tagged_from_images"]["accuracy"],
        "a_tagging_neighbours": a.get("neighbours", {}).get("chosen"),
        "b_AUROC": pick(m["b_image_retrieval_from_music_snippets"], "AUROC"), "b_AP": pick(m["b_image_retrieval_from_music_snippets"], "AP"),
        "b_accuracy": pick(m["b_image_retrieval_from_music_snippets"], "accuracy"),
        "c_AUROC": pick(m["c_music_retrieval_from_image_crops"], "AUROC"), "c_AP": pick(m["c_music_retrieval_from_image_crops"], "AP"),
        "c_accuracy": pick(m["c_music_retrieval_from_image_crops"], "accuracy"),
        **{f"music_to_image_{k}": m["exact_pairs"]["music_to_image"][k] for k in ("R@1", "R@5", "R@10", "mAP")},
        **{f"image_to_music_{k}": m["exact_pairs"]["image_to_music"][k] for k in ("R@1", "R@5", "R@10", "mAP")},
        **{f"hum_to_image_{k}": pick(m["hum_to_image"], k) for k in ("R@1", "R@5", "R@10", "mAP")},
        **{f"hum_to_music_{k}": pick(m.get("hum_to_music"), k) for k in ("R@1", "R@5", "R@10", "mAP")},
    }


def run_bundle(bundle_dir: Path, items: list[Item]) -> dict:
    bundle = OnnxBundle(bundle_dir)
    feats = Features(bundle.params)
    train_items, test_items = by_split(items, "train"), by_split(items, "test")
    if not test_items:
        raise SystemExit("the corpus has no test items")
    if not train_items:
        raise SystemExit("the corpus has no train items (tagging needs them)")
    started = time.time()
    val_items = by_split(items, "val")
    test = embed_split(bundle, feats, test_items, with_views=True)
    train = embed_split(bundle, feats, train_items, with_views=False)
    val = embed_split(bundle, feats, val_items, with_views=False) if val_items else None
    log(f"embedded {len(train_items)} train + {len(val_items)} val + {len(test_items)} test items in {time.time() - started:.0f}s")
    vocab = tag_vocabulary(train_items)
    neighbours = choose_tag_neighbours(train, val, train_items, val_items, vocab)
    log(f"tagging neighbours: K = {neighbours['chosen']} ({neighbours['on']})")
    model = all_metrics(train, test, train_items, test_items, vocab, neighbours["chosen"])
    model["a_tagging"]["neighbours"] = neighbours
    base = all_metrics(*shuffled(train, test), train_items, test_items, vocab, neighbours["chosen"])
    return {"model": model, "shuffled": base, "vocabulary": vocab}


def evaluate_bundle(bundle_dir: Path, corpus: Path) -> dict:
    items = read_manifest(corpus)
    result = run_bundle(bundle_dir, items)
    manifest = json.loads((bundle_dir / "manifest.json").read_text(encoding="utf-8"))
    metrics = {
        "bundle": bundle_dir.name, "corpus": str(corpus), "cpu": cpu_name(),
        "split": "test", "items": {s: len(by_split(items, s)) for s in SPLITS},
        "summary": summary(result["model"]), "shuffledSummary": summary(result["shuffled"]),
        "detail": result["model"], "shuffledDetail": result["shuffled"],
        "tagVocabulary": result["vocabulary"], "protocol": __doc__.split("Protocol", 1)[1].strip(),
    }
    write_json_atomic(bundle_dir / "metrics.json", metrics)
    manifest["metrics"] = {k: metrics[k] for k in ("split", "items", "summary", "shuffledSummary")}
    write_json_atomic(bundle_dir / "manifest.json", manifest)
    print(json.dumps({"bundle": bundle_dir.name, "cpu": cpu_name(), "summary": metrics["summary"],
                      "shuffledSummary": metrics["shuffledSummary"]}, indent=2))
    return metrics


# --- Real pairs (packages/realset, `--real DIR`) -----------------------------------------------

REAL_PROTOCOL = """Real pairs: DIR/manifest.jsonl from `npm run realset -- build` (one line per distinct
picture-track pair of a game). Every distinct picture and every distinct track is embedded once, as
the corpus is (the 10 s clip in the manifest's windows, mean-pooled; the 256x256 picture), by the
bundle's ONNX towers. Queries: image -> music, each distinct picture of a held-out game ranks a pool
of tracks; music -> image, each distinct track of a held-out game ranks a pool of pictures. The
relevant candidates are those the game pairs with the query (a track may go with several pictures
and, in some games, a picture with several tracks). Pools: "game" = the distinct tracks (pictures)
of the query's own game; "all" = every distinct track (picture) of the built set, all games and
splits. Per query: rank r of the first relevant candidate (ties counted against the query),
R@1 = [r <= 1], R@5 = [r <= 5], MRR = 1/r. Chance per query is exact for a random ordering of a pool
of N with m relevant: P(r <= k) = 1 - C(N-m, k) / C(N, k), E[1/r] = sum_r (1/r) C(N-r, m-1) / C(N, m);
figures and chance are means over queries. 95 % intervals: percentile bootstrap over queries
(REAL_BOOTSTRAP resamples, seed REAL_BOOTSTRAP_SEED). Per held-out game and over all held-out
queries together ("overall")."""
REAL_BOOTSTRAP = 2000
REAL_BOOTSTRAP_SEED = 20261222
REAL_KS = (1, 5)


def first_relevant_ranks(sims: np.ndarray, relevant: np.ndarray) -> np.ndarray:
    """1-based rank of each row's best-scored relevant candidate; candidates scored equal to it
    count as ahead (pessimistic ties)."""
    best = np.where(relevant, sims, -np.inf).max(axis=1)
    ahead = ((sims >= best[:, None]) & ~relevant).sum(axis=1)
    return ahead + 1


def chance_recall_at_k(n: int, m: int, k: int) -> float:
    """P(some relevant candidate in the top k) for a random order of n candidates, m relevant."""
    from math import comb
    return 1.0 - comb(n - m, k) / comb(n, k) if k < n else 1.0


def chance_mrr(n: int, m: int) -> float:
    """E[1 / rank of the first relevant] for a random order of n candidates, m relevant."""
    from math import comb
    total = comb(n, m)
    return sum(comb(n - r, m - 1) / total / r for r in range(1, n - m + 2))


def bootstrap_interval(values: np.ndarray, resamples: int = REAL_BOOTSTRAP, seed: int = REAL_BOOTSTRAP_SEED) -> list[float]:
    """Percentile 95 % interval of the mean of ``values`` (resampled with replacement)."""
    values = np.asarray(values, dtype=np.float64)
    rng = np.random.default_rng(seed)
    means = values[rng.integers(0, len(values), size=(resamples, len(values)))].mean(axis=1)
    return [float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))]


def ranking_figures(sims: np.ndarray, relevant: np.ndarray) -> dict:
    """R@k and MRR of each query row against its candidates (a score of -inf takes a candidate out of
    that query's pool), means with bootstrap intervals, and chance beside each."""
    ranks = first_relevant_ranks(sims, relevant)
    n, m = np.isfinite(sims).sum(axis=1), relevant.sum(axis=1)
    per_query = {f"R@{k}": (ranks <= k).astype(np.float64) for k in REAL_KS}
    per_query["MRR"] = 1.0 / ranks
    chance = {f"R@{k}": np.array([chance_recall_at_k(int(ni), int(mi), k) for ni, mi in zip(n, m)]) for k in REAL_KS}
    chance["MRR"] = np.array([chance_mrr(int(ni), int(mi)) for ni, mi in zip(n, m)])
    out = {"queries": int(len(ranks)), "candidates": int(n.max()), "meanCandidates": float(n.mean()),
           "medianRank": float(np.median(ranks))}
    for name, values in per_query.items():
        value, base = float(values.mean()), float(chance[name].mean())
        out[name] = {"value": value, "ci95": bootstrap_interval(values), "chance": base,
                     "overChance": value / base if base > 0 else None}
    return out


def read_real_manifest(real_dir: Path) -> list[dict]:
    path = real_dir / "manifest.jsonl"
    if not path.is_file():
        raise SystemExit(f"no manifest.jsonl in {real_dir} (build one with `npm run realset -- build --out {real_dir}`)")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for row in rows:
        if not {"game", "split", "files"} <= row.keys():
            raise SystemExit(f"{path}: line {row.get('index')} is not a real-set pair (needs game, split, files)")
    return rows


def real_structure(rows: list[dict]) -> dict:
    """Distinct pictures and tracks (each with its game) and the relevance matrix between them."""
    images = sorted({(r["game"], r["files"]["image"]) for r in rows})
    tracks = sorted({(r["game"], r["files"]["audio"]) for r in rows})
    img_at = {f: i for i, (_, f) in enumerate(images)}
    trk_at = {f: i for i, (_, f) in enumerate(tracks)}
    pairs = np.zeros((len(images), len(tracks)), dtype=bool)
    for r in rows:
        pairs[img_at[r["files"]["image"]], trk_at[r["files"]["audio"]]] = True
    return {"images": images, "tracks": tracks, "pairs": pairs,
            "image_game": np.array([g for g, _ in images]), "track_game": np.array([g for g, _ in tracks]),
            "split": {r["game"]: r["split"] for r in rows}}


def real_direction(sims: np.ndarray, relevant: np.ndarray, query_game: np.ndarray, cand_game: np.ndarray, games: list[str]) -> dict:
    """Figures of one direction: per game and overall, against the game's own pool and against all."""
    out: dict = {"perGame": {}}
    for g in games:
        q, c = query_game == g, cand_game == g
        out["perGame"][g] = {"game": ranking_figures(sims[q][:, c], relevant[q][:, c]),
                             "all": ranking_figures(sims[q], relevant[q])}
    held = np.isin(query_game, games)
    # Overall against each query's own game pool: candidates outside the game can never rank.
    own_pool = np.where(cand_game[None, :] == query_game[held][:, None], sims[held], -np.inf)
    out["overall"] = {"game": ranking_figures(own_pool, relevant[held]), "all": ranking_figures(sims[held], relevant[held])}
    return out


def real_metrics(image_emb: np.ndarray, track_emb: np.ndarray, structure: dict, games: list[str]) -> dict:
    sims = similarity(image_emb, track_emb)
    pairs = structure["pairs"]
    return {
        "image_to_music": real_direction(sims, pairs, structure["image_game"], structure["track_game"], games),
        "music_to_image": real_direction(sims.T, pairs.T, structure["track_game"], structure["image_game"], games),
    }


def real_summary_lines(metrics: dict, games: list[str]) -> list[str]:
    fmt = lambda f: f"{f['value']:.3f} [{f['ci95'][0]:.3f}, {f['ci95'][1]:.3f}] (chance {f['chance']:.3f})"
    lines = []
    for direction in ("image_to_music", "music_to_image"):
        for scope in [*games, "overall"]:
            d = metrics[direction]["overall"] if scope == "overall" else metrics[direction]["perGame"][scope]
            for pool in ("game", "all"):
                f = d[pool]
                lines.append(f"{direction:15s} {scope:11s} pool={pool:4s} n={f['queries']:3d}/{f['candidates']:3d}  "
                             f"R@1 {fmt(f['R@1'])}  R@5 {fmt(f['R@5'])}  MRR {fmt(f['MRR'])}")
    return lines


def evaluate_real(bundle_dir: Path, real_dir: Path, splits: list[str], out: Path | None, write_metrics: bool) -> dict:
    rows = read_real_manifest(real_dir)
    structure = real_structure(rows)
    games = sorted(g for g, s in structure["split"].items() if s in splits)
    if not games:
        raise SystemExit(f"no game of {real_dir} is in split(s) {', '.join(splits)}")
    bundle = OnnxBundle(bundle_dir)
    feats = Features(bundle.params)
    started = time.time()
    image_emb = bundle.embed_images(load_rgb(real_dir / f) for _, f in structure["images"])
    track_emb = bundle.embed_fbanks([feats.fbank(real_dir / f) for _, f in structure["tracks"]])
    log(f"embedded {len(structure['images'])} pictures and {len(structure['tracks'])} tracks in {time.time() - started:.0f}s")
    metrics = real_metrics(image_emb, track_emb, structure, games)
    result = {
        "bundle": bundle_dir.name, "realset": str(real_dir), "cpu": cpu_name(), "splits": splits,
        "games": {g: {"split": structure["split"][g], "pictures": int((structure["image_game"] == g).sum()),
                      "tracks": int((structure["track_game"] == g).sum()),
                      "pairs": int(structure["pairs"][structure["image_game"] == g].sum())} for g in games},
        "pool": {"pictures": len(structure["images"]), "tracks": len(structure["tracks"]), "games": sorted(structure["split"])},
        "metrics": metrics, "protocol": REAL_PROTOCOL,
    }
    for line in real_summary_lines(metrics, games):
        print(line)
    target = out or real_dir / f"eval-{bundle_dir.name}.json"
    write_json_atomic(target, result)
    log(f"wrote {target}")
    if write_metrics:
        path = bundle_dir / "metrics.json"
        existing = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        existing["real"] = result
        write_json_atomic(path, existing)
        log(f"wrote the real-pair figures into {path} (key \"real\")")
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Evaluate a MuVis bundle on the corpus test split, or on real game pairs.")
    ap.add_argument("--bundle", default=None, help="bundle folder (with --real: default models/<models/default>)")
    source = ap.add_mutually_exclusive_group(required=True)
    source.add_argument("--corpus")
    source.add_argument("--real", help="a real-pair set built by `npm run realset -- build --out DIR`")
    ap.add_argument("--real-splits", default="test", help="with --real: splits whose games are evaluated (comma-separated)")
    ap.add_argument("--out", default=None, help="with --real: the JSON to write (default DIR/eval-<bundle>.json)")
    ap.add_argument("--write-metrics", action="store_true", help="with --real: also store the figures in the bundle's metrics.json")
    args = ap.parse_args(argv)
    if args.real:
        bundle = Path(args.bundle) if args.bundle else _default_bundle()
        evaluate_real(bundle, Path(args.real), [s.strip() for s in args.real_splits.split(",") if s.strip()],
                      Path(args.out) if args.out else None, args.write_metrics)
        return
    if not args.bundle:
        ap.error("--corpus needs --bundle")
    evaluate_bundle(Path(args.bundle), Path(args.corpus))


def _default_bundle() -> Path:
    models = Path(__file__).resolve().parents[2] / "models"
    return models / (models / "default").read_text(encoding="utf-8").strip()


if __name__ == "__main__":
    main()
