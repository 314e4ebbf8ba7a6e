"""A filtered dense search restricts inside FAISS: a filter that allows few rows of a big index
still returns k hits, the nearest allowed rows, whichever index type (exact or IVF-SQ8) and
whichever path (exact over the allowed rows, or an ID selector)."""
from __future__ import annotations

import numpy as np
import pytest

import indexer.index.dense as dense
from indexer.index.dense import build_faiss, prepare_for_filters, search_dense

N, DIM, K = 6000, 32, 10


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    rng = np.random.default_rng(7)
    v = rng.standard_normal((N, DIM)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.fixture(scope="module", params=["flat", "ivf"])
def index(request, vectors):
    limit = N if request.param == "flat" else 1000    # above the limit: IVF-SQ8
    return prepare_for_filters(build_faiss(vectors, exact_limit=limit))


def far_rows_and_query(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A query, and a filter allowing 30 rows among those least like it (a plain top-100 search
    holds none of them)."""
    query = vectors[0]
    order = np.argsort(vectors @ query)
    allowed = np.zeros(N, bool)
    allowed[order[:30]] = True
    return query, allowed


@pytest.mark.parametrize("few_limit", [dense.FEW_ALLOWED, 0])     # exact over rows / ID selector
def test_a_filter_allowing_few_rows_returns_k_hits(index, vectors, few_limit, monkeypatch):
    monkeypatch.setattr(dense, "FEW_ALLOWED", few_limit)
    query, allowed = far_rows_and_query(vectors)
    _, top100 = index.search(query.reshape(1, -1), 100)
    assert not allowed[top100[0]].any()                 # the old over-fetch would return nothing
    hits = search_dense(index, query, K, allowed)
    assert len(hits) == K and all(allowed[i] for i, _ in hits)
    rows = np.flatnonzero(allowed)
    exact = rows[np.argsort(-(vectors[rows] @ query))[:K]]
    assert len(set(exact) & {i for i, _ in hits}) >= K - 1          # SQ8 may swap a near tie
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_fewer_allowed_rows_than_k_returns_them_all(index, vectors):
    allowed = np.zeros(N, bool)
    allowed[[5, 500, 4000]] = True
    assert sorted(i for i, _ in search_dense(index, vectors[1], K, allowed)) == [5, 500, 4000]
    assert search_dense(index, vectors[1], K, np.zeros(N, bool)) == []


def test_no_filter_is_the_plain_search(index, vectors):
    hits = search_dense(index, vectors[3], K)
    assert len(hits) == K and hits[0][0] == 3
