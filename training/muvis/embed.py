"""Embed files with a bundle's ONNX towers through the reference preprocessing; prints JSON.

    python3 training/muvis/embed.py --bundle models/muvis-small [--audio a.wav ...] [--image b.png ...]

Output: {"audio": {path: [128 floats]}, "image": {path: [...]}} - the Python side of the
Node/Python parity checks.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from muvis.features import fbank, load_rgb, load_wav_mono
from muvis.runner import OnnxBundle


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bundle", required=True)
    ap.add_argument("--audio", nargs="*", default=[])
    ap.add_argument("--image", nargs="*", default=[])
    args = ap.parse_args(argv)
    bundle = OnnxBundle(Path(args.bundle))
    out: dict = {"audio": {}, "image": {}}
    for path in args.audio:
        wave = load_wav_mono(path, bundle.params.sampleRate)
        out["audio"][path] = bundle.embed_fbanks([fbank(wave, bundle.params)])[0].tolist()
    for path in args.image:
        out["image"][path] = bundle.embed_images([load_rgb(Path(path))])[0].tolist()
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
