"""FAISS index for the passage vectors (inner product on normalised vectors = cosine):
exact search for small corpora, an inverted-file index with 8-bit scalar quantisation (IVF-SQ8)
above a configurable size.

Why IVF and not HNSW for large corpora (measured by `python -m tools.bench --scale` on 2
cores): HNSW's graph build is the bottleneck (1M x 384 takes far longer than k-means + assignment),
while IVF-SQ8 trains on a sample, assigns each vector once, keeps 1 byte per dimension
(1M passages ~ 0.4 GB) and reaches recall@10 >= 0.95 vs exact search by probing 1/16 of the lists.

A filtered search restricts inside FAISS (search_dense): when the filter allows few rows, their
vectors are read back from the index (a direct map for IVF) and compared exactly; otherwise an
ID selector limits the search to the allowed rows, every list probed when the usual lists hold
fewer than k of them. Either way a filter that allows k rows or more returns k hits.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

EXACT_LIMIT = 50_000     # passages; above this an approximate (IVF-SQ8) index is built
TRAIN_PER_LIST = 64      # k-means training sample: this many vectors per list (capped by n)
PROBE_SHARE = 16         # nprobe = nlist / PROBE_SHARE
FEW_ALLOWED = 20_000     # a filter allowing at most this many rows is searched exactly over them


def ivf_lists(n: int) -> int:
    """Number of inverted lists: the power of two nearest 2*sqrt(n) (100k -> 512, 1M -> 2048)."""
    return max(64, 2 ** round(math.log2(2 * math.sqrt(max(n, 1)))))


def ivf_probes(nlist: int) -> int:
    return max(8, nlist // PROBE_SHARE)


def faiss_kind(n: int, exact_limit: int = EXACT_LIMIT) -> str:
    if n <= exact_limit:
        return "flat-ip"
    nlist = ivf_lists(n)
    return f"ivf{nlist}-sq8-ip-nprobe{ivf_probes(nlist)}"


def build_faiss(vectors: np.ndarray, exact_limit: int = EXACT_LIMIT):
    import faiss

    n, dim = vectors.shape if vectors.ndim == 2 else (0, 0)
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    if n <= exact_limit:
        index = faiss.IndexFlatIP(dim)
    else:
        nlist = ivf_lists(n)
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFScalarQuantizer(quantizer, dim, nlist, faiss.ScalarQuantizer.QT_8bit,
                                              faiss.METRIC_INNER_PRODUCT)
        index.own_fields = True
        quantizer.this.disown()
        sample = min(n, TRAIN_PER_LIST * nlist)
        rows = np.random.default_rng(0).choice(n, size=sample, replace=False) if sample < n else slice(None)
        index.train(np.ascontiguousarray(vectors[rows]))
        index.nprobe = ivf_probes(nlist)  # stored in the index file
    if n:
        index.add(vectors)
    return index


DENSE_FILE = "dense.faiss"


def write_dense(folder: Path, vectors: np.ndarray, exact_limit: int = EXACT_LIMIT) -> None:
    import faiss

    faiss.write_index(build_faiss(vectors, exact_limit), str(folder / DENSE_FILE))


def load_dense(folder: Path):
    return prepare_for_filters(_read(folder / DENSE_FILE))


def _read(path: Path):
    import faiss

    return faiss.read_index(str(path))


def prepare_for_filters(index):
    """An IVF index gets a direct map (8 bytes per row) so that rows can be read back by id."""
    import faiss

    if isinstance(index, faiss.IndexIVF):
        index.make_direct_map()
    return index


def search_dense(index, vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
    """(row, inner product) of the k rows nearest vector, best first; allowed: a boolean mask
    over the rows (None: every row), applied inside the search."""
    query = np.ascontiguousarray(vector.reshape(1, -1), dtype=np.float32)
    if allowed is None:
        sims, ids = index.search(query, min(k, index.ntotal))
        return [(int(i), float(s)) for i, s in zip(ids[0], sims[0]) if i >= 0]
    rows = np.flatnonzero(allowed)
    if len(rows) <= FEW_ALLOWED:
        return _exact_over(index, query[0], rows, k)
    return _selected(index, query, rows, k)


def _exact_over(index, query: np.ndarray, rows: np.ndarray, k: int) -> list[tuple[int, float]]:
    """Exact inner products over the given rows' stored vectors."""
    if not len(rows):
        return []
    sims = index.reconstruct_batch(rows.astype(np.int64)) @ query
    top = np.argsort(-sims, kind="stable")[:k]
    return [(int(rows[t]), float(sims[t])) for t in top]


def _selected(index, query: np.ndarray, rows: np.ndarray, k: int) -> list[tuple[int, float]]:
    """FAISS search limited to rows by an ID selector; an IVF index that finds fewer than k
    allowed rows in its usual lists searches again with every list probed."""
    import faiss

    selector = faiss.IDSelectorBatch(rows.astype(np.int64))
    want = min(k, len(rows))
    ivf = faiss.try_extract_index_ivf(index)
    probes = [ivf.nprobe, ivf.nlist] if ivf is not None else [None]
    for nprobe in probes:
        params = (faiss.SearchParametersIVF(sel=selector, nprobe=nprobe) if nprobe is not None
                  else faiss.SearchParameters(sel=selector))
        sims, ids = index.search(query, want, params=params)
        found = [(int(i), float(s)) for i, s in zip(ids[0], sims[0]) if i >= 0]
        if len(found) >= want:
            break
    return found
