"""Print the README results table (markdown) from a bundle's metrics.json.

    python3 training/muvis/report.py models/muvis-small
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROWS = [
    ("(a) image tagged from music — AUROC", "a_image_tagging_AUROC"),
    ("(a) image tagged from music — AP", "a_image_tagging_AP"),
    ("(a) image tagged from music — accuracy", "a_image_tagging_accuracy"),
    ("(a) music tagged from images — AUROC", "a_music_tagging_AUROC"),
    ("(a) music tagged from images — AP", "a_music_tagging_AP"),
    ("(a) music tagged from images — accuracy", "a_music_tagging_accuracy"),
    ("(b) image retrieval from music snippets — AUROC", "b_AUROC"),
    ("(b) image retrieval from music snippets — AP", "b_AP"),
    ("(b) image retrieval from music snippets — accuracy (top-1)", "b_accuracy"),
    ("(c) music retrieval from image crops — AUROC", "c_AUROC"),
    ("(c) music retrieval from image crops — AP", "c_AP"),
    ("(c) music retrieval from image crops — accuracy (top-1)", "c_accuracy"),
    ("music → image R@1 / R@5 / R@10 / mAP", "music_to_image_"),
    ("image → music R@1 / R@5 / R@10 / mAP", "image_to_music_"),
    ("hum → image R@1 / R@5 / R@10 / mAP", "hum_to_image_"),
]


def fmt(summary: dict, key: str) -> str:
    if key.endswith("_"):
        return " / ".join("—" if summary.get(key + k) is None else f"{summary[key + k]:.3f}" for k in ("R@1", "R@5", "R@10", "mAP"))
    v = summary.get(key)
    return "—" if v is None else f"{v:.3f}"


def table(metrics: dict) -> str:
    lines = ["| metric (test split) | paper (Table III, ImMuTe; different corpus) | Muse `" + metrics["bundle"] + "` | shuffled pairs |",
             "|---|---|---|---|"]
    for label, key in ROWS:
        paper = "n/a (not in the paper)" if key.endswith("_") else "TODO (lead)"
        lines.append(f"| {label} | {paper} | {fmt(metrics['summary'], key)} | {fmt(metrics['shuffledSummary'], key)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    bundle = Path(sys.argv[1] if len(sys.argv) > 1 else "models/muvis-small")
    print(table(json.loads((bundle / "metrics.json").read_text())))
