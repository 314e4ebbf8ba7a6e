"""What every embedding engine shares: the Embedder protocol, the missing-package error, the
query-vector cache and the machine's core count. Imports no engine."""
from __future__ import annotations

import os
from functools import lru_cache
from typing import Protocol, Sequence

import numpy as np

BATCH = 32


def cpu_count() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


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
