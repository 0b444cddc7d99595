"""Pictures for MusIm's autoencoder, cached as uint8 [N, 256, 256, 3] .npy under data/musim/pictures:

  corpus-train.npy, corpus-val.npy, corpus-test.npy   the corpus images of each split (manifest order)
  real-train.npy, real-heldout.npy                     real pictures from installed Debian packages
  pictures.json                                        what each row is, the sources, the split rule

Real pictures come from the wallpaper packages (`desktop-base`, `gnome-backgrounds`,
`plasma-workspace-wallpapers`, `mate-backgrounds`, `ukui-wallpapers`, `sway-backgrounds`,
`lomiri-wallpapers`; SVGs are skipped). A wallpaper usually ships at several resolutions, so
files are grouped by picture (a Plasma wallpaper folder, a desktop-base theme, a file name with its
resolution removed), the largest file of a group is used, and each picture gives several views:
the whole picture centre-cropped to a square and squares of 1/2 and 1/4 its shorter side at fixed
pseudo-random places, each resized to 256 (Pillow Lanczos). A group is held out for evaluation when
sha256("musim-real:" + group) % 100 < 15, so no view of a held-out picture is trained on.

    python3 training/musim/pictures.py [--corpus data/corpus] [--out data/musim/pictures] [--real-only]
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from PIL import Image

from common.corpus import SPLITS, by_split, corpus_fingerprint, read_manifest
from common.runtime import REPO, log, write_json_atomic

SIZE = 256
ROOTS = (Path("/usr/share/backgrounds"), Path("/usr/share/wallpapers"), Path("/usr/share/desktop-base"))
SKIP_DIRS = ("plymouth", "debian-logos", "grub", "login")  # boot splash sprites, logos, small copies
EXTENSIONS = {".png", ".jpg", ".jpeg", ".webp"}
HELDOUT_PERCENT = 15
MIN_SIDE = 480
DEFAULT_OUT = REPO / "data/musim/pictures"
RESOLUTION = re.compile(r"[_-]?\d{3,4}x\d{3,4}(_portrait)?", re.IGNORECASE)


def picture_group(path: Path) -> tuple[str, str]:
    """(group, variant): files of one group are views of one artwork and share a split; within a
    group one file per variant (a dark version, a colour) is used."""
    parts = path.parts
    if "wallpapers" in parts and "contents" in parts:                    # Plasma: Name/contents/images[_dark]/WxH.ext
        i = parts.index("wallpapers")
        return f"plasma:{parts[i + 1]}", path.parent.name
    if "desktop-base" in parts:
        i = parts.index("desktop-base")
        return f"desktop-base:{parts[i + 1]}", ""
    name = RESOLUTION.sub("", path.stem).lower()
    stem = re.sub(r"-[dl]$", "", name)  # GNOME's dark and light versions: one picture, two variants
    return f"file:{path.parent.name}/{stem}", name[len(stem):]


def real_files(roots=ROOTS) -> dict[tuple[str, str], Path]:
    """The largest readable file of every (group, variant)."""
    best: dict[tuple[str, str], tuple[int, Path]] = {}
    for root in roots:
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            if path.suffix.lower() not in EXTENSIONS or any(d in path.parts for d in SKIP_DIRS) or not path.is_file():
                continue
            try:
                with Image.open(path) as im:
                    w, h = im.size
            except OSError:
                continue
            if min(w, h) < MIN_SIDE:
                continue
            key = picture_group(path)
            if key not in best or w * h > best[key][0]:
                best[key] = (w * h, path.resolve())
    return {k: p for k, (_, p) in sorted(best.items())}


def is_heldout(group: str) -> bool:
    return int(hashlib.sha256(f"musim-real:{group}".encode()).hexdigest(), 16) % 100 < HELDOUT_PERCENT


def square_views(im: Image.Image, seed: int) -> list[tuple[str, Image.Image]]:
    """The centre square, two squares of half the shorter side and, for large pictures, two of a
    quarter, at places drawn from ``seed``; each resized to SIZE."""
    w, h = im.size
    s = min(w, h)
    rng = np.random.default_rng(seed)
    boxes = [("centre", ((w - s) // 2, (h - s) // 2, s))]
    for frac, n in ((2, 2), (4, 2 if s // 4 >= SIZE else 0)):
        side = s // frac
        for k in range(n):
            x, y = int(rng.integers(0, w - side + 1)), int(rng.integers(0, h - side + 1))
            boxes.append((f"1/{frac}#{k}", (x, y, side)))
    return [(name, im.crop((x, y, x + side, y + side)).resize((SIZE, SIZE), Image.Resampling.LANCZOS))
            for name, (x, y, side) in boxes]


def build_real(out: Path) -> dict:
    rows: dict[str, list] = {"train": [], "heldout": []}
    index: dict[str, list] = {"train": [], "heldout": []}
    for (group, variant), path in real_files().items():
        split = "heldout" if is_heldout(group) else "train"
        with Image.open(path) as im:
            im = im.convert("RGB")
            seed = int(hashlib.sha256(str(path).encode()).hexdigest()[:8], 16)
            for view, pic in square_views(im, seed):
                rows[split].append(np.asarray(pic, dtype=np.uint8))
                index[split].append({"group": group, "variant": variant, "file": str(path), "view": view})
    for split, arr in rows.items():
        np.save(out / f"real-{split}.npy", np.stack(arr) if arr else np.zeros((0, SIZE, SIZE, 3), np.uint8))
    groups = {s: sorted({r["group"] for r in index[s]}) for s in index}
    log(f"real pictures: {len(rows['train'])} train views of {len(groups['train'])} pictures, "
        f"{len(rows['heldout'])} held-out views of {len(groups['heldout'])}")
    return {"rows": index, "groups": groups}


def load_square(path: Path) -> np.ndarray:
    with Image.open(path) as im:
        im = im.convert("RGB")
        if im.size != (SIZE, SIZE):
            s = min(im.size)
            im = im.crop(((im.width - s) // 2, (im.height - s) // 2, (im.width + s) // 2, (im.height + s) // 2)).resize((SIZE, SIZE), Image.Resampling.LANCZOS)
        return np.asarray(im, dtype=np.uint8)


def build_corpus(corpus: Path, out: Path) -> dict:
    items = read_manifest(corpus)
    info = {"fingerprint": corpus_fingerprint(corpus)}
    for split in SPLITS:
        part = by_split(items, split)
        arr = np.stack([load_square(it.image) for it in part]) if part else np.zeros((0, SIZE, SIZE, 3), np.uint8)
        np.save(out / f"corpus-{split}.npy", arr)
        info[split] = [it.index for it in part]
        log(f"corpus {split}: {len(part)} images")
    return info


def load(out: Path, name: str) -> np.ndarray:
    """A cached set, memory-mapped (corpus-train is ~0.9 GB)."""
    return np.load(out / f"{name}.npy", mmap_mode="r")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(REPO / "data/corpus"))
    ap.add_argument("--out", default=str(DEFAULT_OUT))
    ap.add_argument("--real-only", action="store_true", help="only the Debian pictures (no corpus needed)")
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    meta_path = out / "pictures.json"
    meta = {"size": SIZE, "heldoutRule": f"sha256('musim-real:' + group) % 100 < {HELDOUT_PERCENT}",
            "roots": [str(r) for r in ROOTS], "skipDirs": list(SKIP_DIRS), "minSide": MIN_SIDE}
    meta["real"] = build_real(out)
    if not args.real_only:
        meta["corpus"] = build_corpus(Path(args.corpus), out)
    write_json_atomic(meta_path, meta)


if __name__ == "__main__":
    main()
