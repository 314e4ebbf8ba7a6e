"""The one fake embedder: the Embedder protocol with hash-based unit vectors. Deterministic,
instant, as strict about UTF-8 as the real engine, counting what it embedded; it can be slowed
down (crash trials) or made to fail after some calls (failed-build tests)."""
from __future__ import annotations

import hashlib
import time
from typing import Sequence

import numpy as np


class FakeEmbedder:
    backend = "fake"

    def __init__(self, model_id: str = "fake-v1", dim: int = 8, delay: float = 0.0,
                 fail_after_calls: int | None = None):
        self.model_id = model_id
        self.dim = dim
        self.delay = delay
        self.fail_after_calls = fail_after_calls
        self.embedded = 0          # passages embedded so far
        self.calls = 0             # embed_passages calls so far

    def _vector(self, text: str) -> np.ndarray:
        digest = hashlib.sha256((self.model_id + "\0" + text).encode("utf-8")).digest()
        vec = np.random.default_rng(int.from_bytes(digest[:8], "little")).standard_normal(self.dim)
        return (vec / np.linalg.norm(vec)).astype(np.float32)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if self.fail_after_calls is not None and self.calls >= self.fail_after_calls:
            raise RuntimeError("simulated embedding failure")
        if self.delay:
            time.sleep(self.delay)
        self.calls += 1
        self.embedded += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)
