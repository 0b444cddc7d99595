"""Checks of the PyTorch reading of basic-pitch (common/basic_pitch.py): its three outputs against
the same graph run by TensorFlow.js (the package's own runtime) on one synthetic window, and the
descriptor's chroma on a C major triad. Run by tests/training/muvis-smoke.test.ts; exits non-zero
with a message on the first failure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
import torch

from common.basic_pitch import OUTPUTS, SAMPLE_RATE, WINDOW_SAMPLES, BasicPitch, PitchDescriptor

REPO = Path(__file__).resolve().parents[2]

# the graph run by tfjs (the pure-JS backend: the package's reference, not a fast path) on stdin's samples
_TFJS = """
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
const dir = process.argv[1];
const manifest = JSON.parse(await readFile(dir + '/model.json', 'utf8'));
const w = await readFile(dir + '/group1-shard1of1.bin');
const model = await tf.loadGraphModel(tf.io.fromMemory({ modelTopology: manifest.modelTopology,
  weightSpecs: manifest.weightsManifest.flatMap((g) => g.weights), weightData: w.buffer.slice(w.byteOffset, w.byteOffset + w.byteLength) }));
const samples = JSON.parse(readFileSync(0, 'utf8'));
const names = JSON.parse(process.argv[2]);
const out = model.execute(tf.tensor(samples, [1, samples.length, 1]), names);
process.stdout.write(JSON.stringify(out.map((t) => Array.from(t.dataSync()))));
"""


def tone(freqs: list[float], samples: int, start_seconds: float = 0.0) -> np.ndarray:
    t = np.arange(samples) / SAMPLE_RATE
    wave = sum(0.25 * np.sin(2 * np.pi * f * t) * (t >= start_seconds * i) for i, f in enumerate(freqs))
    return wave.astype(np.float32)


def check_against_tfjs(model: BasicPitch) -> None:
    x = tone([261.63, 329.63, 392.0], WINDOW_SAMPLES, 0.5)
    # evaluated from the repository root, where '@tensorflow/tfjs' resolves
    raw = subprocess.run(["node", "--input-type=module", "-e", _TFJS, str(model.model_dir), json.dumps(list(OUTPUTS.values()))],
                         input=json.dumps(x.tolist()), check=True, capture_output=True, text=True, cwd=REPO).stdout
    reference = json.loads(raw)
    with torch.no_grad():
        ours = model(torch.from_numpy(x)[None])
    for (key, _), ref in zip(OUTPUTS.items(), reference):
        got = ours[key].numpy().ravel()
        diff = float(np.abs(got - np.asarray(ref, np.float32)).max())
        if got.shape[0] != len(ref) or diff > 2e-3:
            raise SystemExit(f"basic-pitch {key}: PyTorch and tfjs differ by {diff:.2e} (shape {ours[key].shape})")
        print(f"basic-pitch {key} {tuple(ours[key].shape)}: max |torch - tfjs| {diff:.1e}")


def check_chroma(model: BasicPitch) -> None:
    samples = 4 * SAMPLE_RATE
    descriptor = PitchDescriptor(samples, 2, model=model).eval()
    with torch.no_grad():
        chroma = descriptor(torch.from_numpy(tone([261.63, 329.63, 392.0], samples))[None])[0, :12].numpy()
    top = sorted(np.argsort(chroma)[-3:].tolist())
    if top != [0, 4, 7]:
        raise SystemExit(f"chroma of a C major triad peaks at pitch classes {top}, not C, E, G: {np.round(chroma, 3)}")
    silent = descriptor(torch.zeros(1, samples))
    if not torch.isfinite(silent).all():
        raise SystemExit("descriptor of silence is not finite")
    print(f"chroma of C-E-G peaks at C, E, G ({chroma[[0, 4, 7]].sum():.2f} of the mass); silence gives finite features")


def main() -> None:
    torch.set_num_threads(2)
    model = BasicPitch().eval()
    check_against_tfjs(model)
    check_chroma(model)
    print("basic-pitch checks passed")


if __name__ == "__main__":
    main()
