"""ONNX models run on the CPU with onnxruntime, a batch at a time."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np


def cpu_session(path: Path, threads: int | None = None):
    """An onnxruntime session on the CPU; ``threads`` intra-op threads (None: onnxruntime's default)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    if threads is not None:
        opts.intra_op_num_threads = threads
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def run_batched(session, input_name: str, inputs: Iterable[np.ndarray], batch: int = 64) -> np.ndarray:
    """Model inputs, one item each, stacked and run a batch at a time: a whole split's inputs
    stacked at once would take GBs (4,367 images are 3.4 GB as float32)."""
    inputs = iter(inputs)
    out = []
    while chunk := list(itertools.islice(inputs, batch)):
        out.append(session.run(None, {input_name: np.stack(chunk)})[0])
    return np.concatenate(out)


def median_ms(session, feeds: dict, reps: int, outputs: list[str] | None = None, warmup: int = 3) -> float:
    """Median milliseconds of one ``session.run`` on ``feeds``, after ``warmup`` runs (benchmarks)."""
    for _ in range(warmup):
        session.run(outputs, feeds)
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        session.run(outputs, feeds)
        times.append(time.perf_counter() - t)
    return 1000.0 * float(np.median(times))
