"""What every model package under training/ (muvis, and imagic and musim beside it) shares: the
corpus manifest, ONNX export and the ONNX runner, seeds, logging and the CPU a figure came from."""
