"""Print the results tables (markdown) of a bundle's metrics.json, as the READMEs show them.

    python3 training/muvis/report.py models/muvis-small            # training/README.md's full table
    python3 training/muvis/report.py models/muvis-small --summary  # the root README's short table
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

# The paper's Table III could not be consulted offline: issue 4 quotes its level for AUROC only.
PAPER_AUROC = "≥ 0.88"
NOT_OFFLINE = "not available offline"
NOT_IN_PAPER = "n/a (not in the paper)"

FULL_ROWS = [
    ("(a) image tagged from music — AUROC", "a_image_tagging_AUROC", PAPER_AUROC),
    ("(a) image tagged from music — AP", "a_image_tagging_AP", NOT_OFFLINE),
    ("(a) image tagged from music — accuracy", "a_image_tagging_accuracy", NOT_OFFLINE),
    ("(a) music tagged from images — AUROC", "a_music_tagging_AUROC", PAPER_AUROC),
    ("(a) music tagged from images — AP", "a_music_tagging_AP", NOT_OFFLINE),
    ("(a) music tagged from images — accuracy", "a_music_tagging_accuracy", NOT_OFFLINE),
    ("(b) image retrieval from music snippets — AUROC", "b_AUROC", PAPER_AUROC),
    ("(b) image retrieval from music snippets — AP", "b_AP", NOT_OFFLINE),
    ("(b) image retrieval from music snippets — accuracy (top-1)", "b_accuracy", NOT_OFFLINE),
    ("(c) music retrieval from image crops — AUROC", "c_AUROC", PAPER_AUROC),
    ("(c) music retrieval from image crops — AP", "c_AP", NOT_OFFLINE),
    ("(c) music retrieval from image crops — accuracy (top-1)", "c_accuracy", NOT_OFFLINE),
    ("music → image R@1 / R@5 / R@10 / mAP", ("music_to_image_", ("R@1", "R@5", "R@10", "mAP")), NOT_IN_PAPER),
    ("image → music R@1 / R@5 / R@10 / mAP", ("image_to_music_", ("R@1", "R@5", "R@10", "mAP")), NOT_IN_PAPER),
    ("hum → image R@1 / R@5 / R@10 / mAP", ("hum_to_image_", ("R@1", "R@5", "R@10", "mAP")), NOT_IN_PAPER),
    ("hum → music R@1 / R@5 / R@10 / mAP", ("hum_to_music_", ("R@1", "R@5", "R@10", "mAP")), NOT_IN_PAPER),
]

SUMMARY_ROWS = [
    ("(a) tagging, AUROC: images from music labels / music from image labels",
     ("a_", ("image_tagging_AUROC", "music_tagging_AUROC")), "≥ 0.88 (paper level)"),
    ("(b) image retrieval from music snippets, AUROC / AP", ("b_", ("AUROC", "AP")), "≥ 0.88"),
    ("(c) music retrieval from image crops, AUROC / AP", ("c_", ("AUROC", "AP")), "≥ 0.88"),
    ("exact pair music → image, R@1 / R@10 / mAP", ("music_to_image_", ("R@1", "R@10", "mAP")), "R@10 ≥ 0.5"),
    ("exact pair image → music, R@1 / R@10 / mAP", ("image_to_music_", ("R@1", "R@10", "mAP")), "R@10 ≥ 0.5"),
    ("hum → image, R@1 / R@10 / mAP", ("hum_to_image_", ("R@1", "R@10", "mAP")), "R@10 ≥ 0.3"),
    ("hum → music, R@1 / R@10 / mAP", ("hum_to_music_", ("R@1", "R@10", "mAP")), "none set"),
]


def fmt(summary: dict, key) -> str:
    """A value, or for (prefix, suffixes) the values joined by ' / '; '—' where one is missing."""
    keys = [key[0] + s for s in key[1]] if isinstance(key, tuple) else [key]
    return " / ".join("—" if summary.get(k) is None else f"{summary[k]:.3f}" for k in keys)


def full_table(metrics: dict) -> str:
    lines = [f"| metric (test split) | paper's level (per issue 4; different corpus) | Muse `{metrics['bundle']}` | shuffled pairs |",
             "|---|---|---|---|"]
    for label, key, paper in FULL_ROWS:
        lines.append(f"| {label} | {paper} | {fmt(metrics['summary'], key)} | {fmt(metrics['shuffledSummary'], key)} |")
    return "\n".join(lines)


def summary_table(metrics: dict) -> str:
    lines = [f"| test split, {metrics['items']['test']} items | Muse `{metrics['bundle']}` | shuffled pairs | issue target |",
             "|---|---|---|---|"]
    for label, key, target in SUMMARY_ROWS:
        lines.append(f"| {label} | {fmt(metrics['summary'], key)} | {fmt(metrics['shuffledSummary'], key)} | {target} |")
    return "\n".join(lines)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bundle", nargs="?", default="models/muvis-small")
    ap.add_argument("--summary", action="store_true", help="the root README's short table")
    args = ap.parse_args()
    metrics = json.loads((Path(args.bundle) / "metrics.json").read_text())
    print(summary_table(metrics) if args.summary else full_table(metrics))
