"""Tag suggestions for real pictures, as a spot check: each picture is tagged as experiment (a) tags
the corpus (the similarity-weighted vote of its K nearest corpus train clips in the joint space),
by each bundle given, and the top tags are drawn under the picture in one contact sheet.

    python3 training/muvis/tag_spotcheck.py --real data/realset --corpus data/corpus \
        --bundle models/muvis-small --bundle models/muvis-mobilenet --out docs/screenshots/real-tags.jpg

Pictures: the first --per-game distinct pictures (manifest order) of each held-out game.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from common.corpus import by_split, read_manifest
from common.runtime import log
from muvis.eval import read_real_manifest, real_structure, tag_scores
from muvis.features import load_rgb
from muvis.runner import Features, OnnxBundle
from muvis.semantics import tag_matrix, tag_vocabulary

THUMB = 192
TOP = 5


def suggestions(bundle_dir: Path, pictures: list[Path], train_items, vocab: list[str], k: int) -> list[list[tuple[str, float]]]:
    bundle = OnnxBundle(bundle_dir)
    music = bundle.embed_fbanks([Features(bundle.params).fbank(it.audio) for it in train_items])
    images = bundle.embed_images(load_rgb(p) for p in pictures)
    scores = tag_scores(images, music, tag_matrix(train_items, vocab), k)
    return [[(vocab[t], float(row[t])) for t in np.argsort(-row)[:TOP]] for row in scores]


def contact_sheet(pictures: list[Path], labels: list[str], per_bundle: dict[str, list[list[tuple[str, float]]]]) -> Image.Image:
    font = ImageFont.load_default()
    line = 12
    text_h = line * (2 + len(per_bundle) * (TOP + 1))
    sheet = Image.new("RGB", (THUMB * len(pictures), THUMB + text_h), "white")
    draw = ImageDraw.Draw(sheet)
    for n, (path, label) in enumerate(zip(pictures, labels)):
        x = n * THUMB
        sheet.paste(load_rgb(path).resize((THUMB, THUMB)), (x, 0))
        y = THUMB + 2
        draw.text((x + 4, y), label[:30], fill="black", font=font)
        for name, rows in per_bundle.items():
            y += line
            draw.text((x + 4, y), f"{name}:", fill=(90, 90, 160), font=font)
            for tag, score in rows[n]:
                y += line
                draw.text((x + 10, y), f"{tag} {score:.2f}", fill="black", font=font)
    return sheet


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--real", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--bundle", action="append", required=True)
    ap.add_argument("--split", default="test", help="real-set split whose games are shown")
    ap.add_argument("--per-game", type=int, default=2)
    ap.add_argument("--neighbours", type=int, default=100, help="K of the vote (the shipped bundles' (a) uses the K chosen on val)")
    ap.add_argument("--out", required=True, help="contact sheet (JPEG); the suggestions also go to OUT.json")
    args = ap.parse_args(argv)
    real = Path(args.real)
    structure = real_structure(read_real_manifest(real))
    chosen = []
    for game in sorted(g for g, s in structure["split"].items() if s == args.split):
        chosen += [(game, f) for g, f in structure["images"] if g == game][:args.per_game]
    pictures = [real / f for _, f in chosen]
    labels = [f"{g}: {Path(f).stem.rsplit('-', 1)[0]}" for g, f in chosen]
    train_items = by_split(read_manifest(args.corpus), "train")
    vocab = tag_vocabulary(train_items)
    per_bundle = {}
    for b in args.bundle:
        per_bundle[Path(b).name] = suggestions(Path(b), pictures, train_items, vocab, args.neighbours)
        log(f"{Path(b).name}: tagged {len(pictures)} pictures")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    contact_sheet(pictures, labels, per_bundle).save(out, quality=85)
    out.with_suffix(".json").write_text(json.dumps(
        {"pictures": labels, "neighbours": args.neighbours,
         "suggestions": {name: [[{"tag": t, "score": round(s, 3)} for t, s in rows] for rows in v] for name, v in per_bundle.items()}},
        indent=1) + "\n", encoding="utf-8")
    for n, label in enumerate(labels):
        print(f"{label}: " + " | ".join(f"{name}: {', '.join(t for t, _ in v[n])}" for name, v in per_bundle.items()))
    log(f"wrote {out}")


if __name__ == "__main__":
    main()
