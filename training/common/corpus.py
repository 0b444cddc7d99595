"""The built ImMuTe corpus: its manifest.jsonl read into typed items (contract in
docs/architecture.md), split by the manifest's own split field."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

SPLITS = ("train", "val", "test")


class CorpusError(RuntimeError):
    """The corpus directory or its manifest is missing or malformed."""


@dataclass
class Item:
    index: int
    ytid: str
    caption: str
    tags: list[str]
    split: str
    seed: int
    audio: Path
    image: Path
    hums: list[Path]
    snippets: list[tuple[float, float]]
    crops: list[tuple[int, int, int, int]]
    music: dict = field(default_factory=dict)
    visual: dict = field(default_factory=dict)


def _item(row: dict, root: Path) -> Item:
    files, views = row["files"], row.get("views", {})
    return Item(
        index=int(row["index"]), ytid=str(row["ytid"]), caption=str(row.get("caption", "")),
        tags=[str(t) for t in row.get("tags", [])], split=str(row["split"]), seed=int(row["seed"]),
        audio=root / files["audio"], image=root / files["image"],
        hums=[root / h for h in files.get("hum", [])],
        snippets=[(float(s["start"]), float(s["end"])) for s in views.get("snippets", [])],
        crops=[(int(c["x"]), int(c["y"]), int(c["w"]), int(c["h"])) for c in views.get("crops", [])],
        music=dict(row.get("music", {})),
        visual=dict(row.get("visual", {})),
    )


def read_manifest(corpus_dir: str | Path) -> list[Item]:
    root = Path(corpus_dir)
    path = root / "manifest.jsonl"
    if not path.is_file():
        raise CorpusError(f"no manifest.jsonl in {root} (build one with `npm run corpus -- build --out {root}`)")
    items: list[Item] = []
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                item = _item(json.loads(line), root)
            except (KeyError, TypeError, ValueError) as err:
                raise CorpusError(f"{path}:{line_no}: malformed manifest line ({err!r})") from err
            if item.split not in SPLITS:
                raise CorpusError(f"{path}:{line_no}: unknown split {item.split!r}")
            items.append(item)
    if not items:
        raise CorpusError(f"{path} is empty")
    return items


def by_split(items: list[Item], split: str) -> list[Item]:
    return [it for it in items if it.split == split]


def corpus_fingerprint(corpus_dir: str | Path) -> str:
    """sha256 of manifest.jsonl: identifies the corpus a bundle was trained on."""
    return hashlib.sha256((Path(corpus_dir) / "manifest.jsonl").read_bytes()).hexdigest()
