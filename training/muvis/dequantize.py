"""Turn a dynamically quantised ONNX tower (onnxruntime ``quantize_dynamic``: int8 weights,
activations quantised at run time) back into a float32 tower whose weights are the dequantised
int8 values.

Why: the int8 kernels behind ``MatMulInteger`` differ by CPU (AVX2, AVX-512 VNNI and AMX round
the run-time activation quantisation differently), so one int8 bundle gave embeddings 1e-2 apart
on two machines. Float32 MatMul differs only in summation order (about 1e-6), so the same bundle
ranks the same on every x86-64 CPU. The weights keep exactly the values the int8 bundle was
evaluated with; only the activation rounding goes.

    python3 training/muvis/dequantize.py models/muvis-small   # rewrites audio.onnx and image.onnx in place
"""
from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import numpy as np
import onnx
from onnx import helper, numpy_helper


def _index(graph: onnx.GraphProto) -> tuple[dict, dict, dict]:
    producer = {o: n for n in graph.node for o in n.output}
    consumers: dict[str, list] = {}
    for n in graph.node:
        for i in n.input:
            consumers.setdefault(i, []).append(n)
    inits = {i.name: i for i in graph.initializer}
    return producer, consumers, inits


def _only_consumer(consumers: dict, name: str, op_type: str) -> onnx.NodeProto:
    found = consumers.get(name, [])
    if len(found) != 1 or found[0].op_type != op_type:
        raise ValueError(f"{name}: expected one {op_type} consumer, found {[n.op_type for n in found]}")
    return found[0]


def dequantize_model(model: onnx.ModelProto) -> tuple[onnx.ModelProto, int]:
    """Replace every DynamicQuantizeLinear → MatMulInteger → Cast → Mul chain with one float MatMul."""
    graph = model.graph
    producer, consumers, inits = _index(graph)
    replaced = 0
    new_weights: list[onnx.TensorProto] = []
    drop: set[int] = set()
    replacements: dict[int, onnx.NodeProto] = {}
    for node in graph.node:
        if node.op_type != "MatMulInteger":
            continue
        a_q, w_q, _a_zp, w_zp = node.input
        quantize = producer[a_q]
        if quantize.op_type != "DynamicQuantizeLinear":
            raise ValueError(f"{node.name}: activation is not dynamically quantised")
        w_base = w_q.removesuffix("_quantized")
        weights = numpy_helper.to_array(inits[w_q]).astype(np.float32)
        zero = numpy_helper.to_array(inits[w_zp]).astype(np.float32)
        scale = numpy_helper.to_array(inits[f"{w_base}_scale"]).astype(np.float32)
        if zero.ndim > 1 or scale.ndim > 1:
            raise ValueError(f"{node.name}: only per-tensor or per-column weight quantisation is handled")
        w_float = ((weights - zero) * scale).astype(np.float32)
        cast = _only_consumer(consumers, node.output[0], "Cast")
        mul = _only_consumer(consumers, cast.output[0], "Mul")
        name = f"{w_base}_dequantized"
        new_weights.append(numpy_helper.from_array(w_float, name))
        matmul = helper.make_node("MatMul", [quantize.input[0], name], [mul.output[0]], name=node.name.removesuffix("_quant"))
        for n in (node, cast):
            drop.add(id(n))
        replacements[id(mul)] = matmul
        replaced += 1
    nodes = [replacements.get(id(n), n) for n in graph.node if id(n) not in drop]
    graph.ClearField("node")
    graph.node.extend(nodes)
    graph.initializer.extend(new_weights)
    _prune(graph)
    return model, replaced


def _prune(graph: onnx.GraphProto) -> None:
    """Drop nodes and initializers that no graph output depends on any more."""
    producer = {o: n for n in graph.node for o in n.output}
    live: set[int] = set()
    needed = [o.name for o in graph.output]
    seen_names: set[str] = set()
    while needed:
        name = needed.pop()
        if name in seen_names:
            continue
        seen_names.add(name)
        node = producer.get(name)
        if node is not None and id(node) not in live:
            live.add(id(node))
            needed.extend(node.input)
    nodes = [n for n in graph.node if id(n) in live]
    graph.ClearField("node")
    graph.node.extend(nodes)
    inits = [i for i in graph.initializer if i.name in seen_names]
    graph.ClearField("initializer")
    graph.initializer.extend(inits)


def dequantize_bundle(bundle_dir: Path) -> dict:
    manifest_path = bundle_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    counts = {}
    for tower in ("audio", "image"):
        path = bundle_dir / manifest[tower]["onnx"]
        model, counts[tower] = dequantize_model(onnx.load(str(path)))
        onnx.checker.check_model(model)
        tmp = path.with_name(f".{path.name}.tmp")
        onnx.save(model, str(tmp))
        os.replace(tmp, path)
    manifest["architecture"]["weights"] = (
        "float32: the dequantised values of the int8 weights the bundle was evaluated with "
        "(training/muvis/dequantize.py), so every x86-64 CPU computes the same embeddings"
    )
    tmp = manifest_path.with_name(".manifest.json.tmp")
    tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, manifest_path)
    return counts


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Rewrite a bundle's int8 towers as float32 towers.")
    ap.add_argument("bundle")
    args = ap.parse_args(argv)
    print(json.dumps({"dequantizedMatMuls": dequantize_bundle(Path(args.bundle))}))


if __name__ == "__main__":
    main()
