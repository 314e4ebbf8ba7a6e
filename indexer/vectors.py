"""FAISS index for the passage vectors (inner product on normalised vectors = cosine):
exact search for small corpora, HNSW above a configurable size."""
from __future__ import annotations

import numpy as np

EXACT_LIMIT = 50_000     # passages; above this an approximate (HNSW) index is built
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 96


def faiss_kind(n: int, exact_limit: int = EXACT_LIMIT) -> str:
    return "flat-ip" if n <= exact_limit else f"hnsw{HNSW_M}-sq8-ip"


def build_faiss(vectors: np.ndarray, exact_limit: int = EXACT_LIMIT):
    import faiss

    n, dim = vectors.shape if vectors.ndim == 2 else (0, 0)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if n <= exact_limit:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_8bit, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.train(vectors)
        index.hnsw.efSearch = HNSW_EF_SEARCH
    if n:
        index.add(vectors)
    return index
