"""Fill the fbank cache for a corpus folder ahead of training (safe while the corpus builds:
the builder renames complete files into place, and only final names are read).

    python3 training/muvis/cache.py --corpus data/corpus [--until-manifest] [--shard K/N]

Run N processes with --shard 0/N .. N-1/N to use N cores.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from muvis.data import CACHE_DIR, FbankCache
from muvis.features import FbankParams

FINAL_NAME = re.compile(r"^\d{5}(_\d+)?\.wav$")


def warm(corpus: Path, cache: FbankCache, shard: int = 0, shards: int = 1) -> int:
    done = 0
    for sub in ("audio", "hum"):
        folder = corpus / sub
        if not folder.is_dir():
            continue
        names = sorted(p for p in folder.iterdir() if FINAL_NAME.match(p.name))
        for n, path in enumerate(names):
            if n % shards == shard:
                cache.get(path)
                done += 1
    return done


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--cache", default=CACHE_DIR)
    ap.add_argument("--until-manifest", action="store_true", help="repeat until manifest.jsonl exists")
    ap.add_argument("--shard", default="0/1", help="K/N: cache only every N-th recording, from the K-th")
    args = ap.parse_args()
    try:
        shard, shards = (int(v) for v in args.shard.split("/"))
        assert 0 <= shard < shards
    except (ValueError, AssertionError):
        raise SystemExit(f"--shard must be K/N with 0 <= K < N, got {args.shard!r}")
    corpus = Path(args.corpus)
    cache = FbankCache(args.cache, FbankParams())
    while True:
        finished = (corpus / "manifest.jsonl").exists()
        started = time.time()
        n = warm(corpus, cache, shard, shards)
        print(f"[{time.strftime('%H:%M:%S')}] {n} recordings cached ({time.time() - started:.0f}s)", file=sys.stderr, flush=True)
        if finished or not args.until_manifest:
            break
        time.sleep(20)


if __name__ == "__main__":
    main()
