"""ONNX export of a bundle: modules traced to ONNX with a dynamic batch axis, each checked against
PyTorch through onnxruntime, written into a bundle folder that appears whole or not at all."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch

OPSET = 17
PARITY_TOLERANCE = 1e-4
OUTPUT = "embedding"


class ParityError(RuntimeError):
    """The exported ONNX graph does not compute what the PyTorch module computes."""


def export_checked(module: torch.nn.Module, example: torch.Tensor, path: Path, input_name: str) -> float:
    """Export ``module`` (one input, one output named "embedding") to ``path``, traced on all rows
    of ``example`` but the last and checked on all of them, so the batch axis is proven dynamic.
    Returns the largest absolute ONNX-vs-PyTorch difference; above PARITY_TOLERANCE is an error."""
    with torch.no_grad():
        torch.onnx.export(
            module, (example[:-1],), str(path), input_names=[input_name], output_names=[OUTPUT],
            dynamic_axes={input_name: {0: "batch"}, OUTPUT: {0: "batch"}},
            opset_version=OPSET, dynamo=False, do_constant_folding=True,
        )
    return _parity(module, path, example, input_name)


def _parity(module: torch.nn.Module, path: Path, example: torch.Tensor, input_name: str) -> float:
    from .onnx_runner import cpu_session

    with torch.no_grad():
        expected = module(example).numpy()
    got = cpu_session(path).run([OUTPUT], {input_name: example.numpy()})[0]
    diff = float(np.abs(got - expected).max())
    if got.shape != expected.shape or diff > PARITY_TOLERANCE:
        raise ParityError(f"{path.name}: ONNX differs from PyTorch by {diff:.2e} (shape {got.shape})")
    return diff


@contextmanager
def bundle_folder(out_dir: str | Path) -> Iterator[Path]:
    """A sibling temp folder to write the bundle into, renamed over ``out_dir`` when the block ends
    without an error (and removed when it does not), so readers never see half a bundle."""
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if out.exists():
        old = out.with_name(f".{out.name}.{os.getpid()}.old")
        os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out)
