"""The scale benchmark: synthetic corpora of 100k and 1M passages (vectors and lexical)."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from indexer.index.dense import DENSE_FILE
from tools.bench_common import TARGETS, current_rss_mb, folder_mb, line, machine_header, peak_rss_mb, pct


_SENTENCE_RE = re.compile(r"(?<=[.;:!?])\s+|\n+")


def seed_material(index_dir: Path, corpus: Path):
    """Sentences and passage vectors of the real seed corpus (built into a temp folder when
    index_dir holds no usable index)."""
    from indexer.index import folder as store
    from indexer.index.build import build_index
    from indexer.embed.engines import make_embedder

    tmp = None
    try:
        stored = store.load_records(index_dir)
    except store.IndexProblem:
        tmp = Path(tempfile.mkdtemp(prefix="bench-seed-"))
        print(f"(no index in {index_dir}: building the seed index from {corpus} into a temp folder)", flush=True)
        build_index(corpus, tmp / "index", make_embedder())
        stored = store.load_records(tmp / "index")
    dim = int(stored.manifest["embedder"]["dim"])
    vectors = np.array(store.load_vectors(stored.folder, len(stored.passages), dim), dtype=np.float32)
    if tmp is not None:
        shutil.rmtree(tmp, ignore_errors=True)
    sentences = []
    for p in stored.passages:
        sentences.extend(s.strip() for s in _SENTENCE_RE.split(p.text) if len(s.strip().split()) >= 4)
    return sentences, vectors


def synthetic_tokens(sentences, n: int, rng):
    """n synthetic passages, each 2-5 real sentences drawn at random, as whitespace token ids
    (flat int32 array + offsets); the texts themselves are never materialised."""
    vocab: dict[str, int] = {}
    sent_ids = []
    for s in sentences:
        sent_ids.append(np.array([vocab.setdefault(w, len(vocab)) for w in s.lower().split()], dtype=np.int32))
    sent_len = np.array([len(s) for s in sent_ids])
    flat_sent = np.concatenate(sent_ids)
    sent_off = np.concatenate([[0], np.cumsum(sent_len)])
    per = rng.integers(2, 6, size=n)
    picks = rng.integers(0, len(sent_ids), size=int(per.sum()))
    doc_of_pick = np.repeat(np.arange(n), per)
    lengths = sent_len[picks]
    doc_len = np.bincount(doc_of_pick, weights=lengths, minlength=n).astype(np.int64)
    # gather the token ids of every picked sentence, in order
    starts = sent_off[picks]
    total = int(lengths.sum())
    pick_start_in_flat = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    idx = np.arange(total) - np.repeat(pick_start_in_flat, lengths) + np.repeat(starts, lengths)
    tokens = flat_sent[idx]
    offsets = np.concatenate([[0], np.cumsum(doc_len)])
    return tokens, offsets, vocab


def bm25_matrix(tokens, offsets, vocab_size: int, k1: float = 1.5, b: float = 0.75):
    """BM25 (Lucene variant, bm25s defaults k1=1.5, b=0.75) scores as a token-major CSC in the
    layout bm25s saves, built with numpy (bm25s.index on 1M Python token lists needs many GB)."""
    n = len(offsets) - 1
    doc = np.repeat(np.arange(n, dtype=np.int64), np.diff(offsets))
    key = tokens.astype(np.int64) * n + doc
    key.sort()
    uniq, tf = np.unique(key, return_counts=True)
    del key
    tok = (uniq // n).astype(np.int32)
    docs = (uniq % n).astype(np.int32)
    del uniq
    dl = np.diff(offsets).astype(np.float32)
    df = np.bincount(tok, minlength=vocab_size).astype(np.float32)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5)).astype(np.float32)
    tf = tf.astype(np.float32)
    data = idf[tok] * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl[docs] / dl.mean()))
    indptr = np.concatenate([[0], np.cumsum(np.bincount(tok, minlength=vocab_size))]).astype(np.int64)
    return {"data": data.astype(np.float32), "indices": docs, "indptr": indptr, "num_docs": n}


def synthetic_vectors(seed_vectors: np.ndarray, n: int, rng, noise: float = 0.02) -> np.ndarray:
    """n unit vectors: a random real passage vector plus Gaussian noise, normalised (the noise
    level, 0.02 per dimension = norm ~0.4, keeps near neighbours' cosines around 0.85-0.9, as
    between related real e5 passages)."""
    dim = seed_vectors.shape[1]
    out = np.empty((n, dim), dtype=np.float32)
    step = 100_000
    for s in range(0, n, step):
        m = min(step, n - s)
        a = seed_vectors[rng.integers(0, len(seed_vectors), m)]
        b = seed_vectors[rng.integers(0, len(seed_vectors), m)]
        mix = rng.random((m, 1), dtype=np.float32)
        block = mix * a + (1 - mix) * b + rng.standard_normal((m, dim), dtype=np.float32) * noise
        out[s:s + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return out


FILTER_ROWS = 300


def filtered_search(n: int, served, queries: np.ndarray) -> None:
    """A filter allowing FILTER_ROWS rows (one block of consecutive rows, as one document's
    passages), searched the way EmbeddedSource.dense does; the old over-fetch (k x 10, then
    drop) beside it for the hit count."""
    from indexer.index.dense import prepare_for_filters, search_dense

    t = time.perf_counter()
    prepare_for_filters(served)
    line(f"[{n}] direct map for filtered search (at load)", f"{time.perf_counter() - t:.2f}", "s")
    rng, lat, counts, old_counts = np.random.default_rng(n + 3), [], [], []
    for q in queries:
        start = int(rng.integers(0, n - FILTER_ROWS))
        allowed = np.zeros(n, bool)
        allowed[start:start + FILTER_ROWS] = True
        t = time.perf_counter()
        hits = search_dense(served, q, 10, allowed)
        lat.append(time.perf_counter() - t)
        counts.append(len(hits))
        _, ids = served.search(q.reshape(1, -1), 100)
        old_counts.append(int(allowed[ids[0][ids[0] >= 0]].sum()))
    line(f"[{n}] filtered vector query p50 / p95 (filter allows {FILTER_ROWS} rows, k=10, 1 thread)",
         f"{pct(lat, 50) * 1000:.1f} / {pct(lat, 95) * 1000:.1f}", "ms",
         f"p95 <= {TARGETS['scale_p95_ms']:.0f} ms", pct(lat, 95) * 1000 <= TARGETS["scale_p95_ms"])
    line(f"[{n}] filtered hits returned (min / mean of {len(queries)} queries; k=10)",
         f"{min(counts)} / {np.mean(counts):.1f}", "", "10 every time", min(counts) == 10)
    line(f"[{n}] the same filter by over-fetching k x 10 then dropping (before): hits min / mean",
         f"{min(old_counts)} / {np.mean(old_counts):.2f}")


def run_scale(sizes, index_dir: Path, corpus: Path, nq: int) -> None:
    import faiss
    import bm25s

    from indexer.index.dense import EXACT_LIMIT, build_faiss, faiss_kind

    machine_header("scale")
    line("synthetic", "passage texts = 2-5 real sentences of the seed plans recombined at random; "
         "vectors = mixes of two real seed passage vectors + Gaussian noise, normalised; "
         "queries = other such vectors (dense) and 3-8 word windows of real sentences (lexical); "
         "lexical tokens = lower-cased whitespace split (not underthesea: too slow for 1M)")
    sentences, seed_vectors = seed_material(index_dir, corpus)
    line("seed material", f"{len(sentences)} sentences, {len(seed_vectors)} real passage vectors")
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    for n in sizes:
        rng = np.random.default_rng(n)
        print(f"--- {n} passages ---", flush=True)
        base_rss = current_rss_mb()
        t = time.perf_counter()
        vectors = synthetic_vectors(seed_vectors, n, rng)
        line(f"[{n}] synthetic vectors generated", f"{time.perf_counter() - t:.1f}", "s")
        t = time.perf_counter()
        index = build_faiss(vectors, EXACT_LIMIT)
        build_s = time.perf_counter() - t
        line(f"[{n}] faiss index type (automatic by size)", faiss_kind(n, EXACT_LIMIT))
        line(f"[{n}] faiss build (train + add)", f"{build_s:.1f}", "s")
        work = Path(tempfile.mkdtemp(prefix="bench-scale-"))
        try:
            path = work / DENSE_FILE
            faiss.write_index(index, str(path))
            line(f"[{n}] faiss index on disk", f"{path.stat().st_size / 1e6:.0f}", "MB")
            queries = synthetic_vectors(seed_vectors, nq, np.random.default_rng(n + 1))
            exact = faiss.IndexFlatIP(vectors.shape[1])
            exact.add(vectors)
            _, truth = exact.search(queries, 10)
            del exact
            del index
            # the serving side: the index as loaded from disk; one query at a time, one thread
            t = time.perf_counter()
            served = faiss.read_index(str(path))
            load_s = time.perf_counter() - t
            faiss.omp_set_num_threads(1)
            lat, found = [], []
            for q in queries:
                t = time.perf_counter()
                _, ids = served.search(q.reshape(1, -1), 10)
                lat.append(time.perf_counter() - t)
                found.append(ids[0])
            faiss.omp_set_num_threads(os.cpu_count() or 1)
            recall = float(np.mean([len(set(f) & set(g)) / 10 for f, g in zip(found, truth)]))
            line(f"[{n}] faiss load from disk", f"{load_s:.2f}", "s")
            line(f"[{n}] vector query p50 / p95 (k=10, 1 thread)", f"{pct(lat, 50) * 1000:.1f} / "
                 f"{pct(lat, 95) * 1000:.1f}", "ms", f"p95 <= {TARGETS['scale_p95_ms']:.0f} ms",
                 pct(lat, 95) * 1000 <= TARGETS["scale_p95_ms"])
            line(f"[{n}] recall@10 vs exact search ({nq} queries)", f"{recall:.3f}", "",
                 f">= {TARGETS['scale_recall']}", recall >= TARGETS["scale_recall"])
            filtered_search(n, served, queries)
            del vectors
            # lexical side
            t = time.perf_counter()
            tokens, offsets, vocab = synthetic_tokens(sentences, n, rng)
            line(f"[{n}] synthetic lexical tokens", f"{len(tokens) / n:.0f} tokens/passage, "
                 f"{len(vocab)} distinct, {time.perf_counter() - t:.1f} s")
            t = time.perf_counter()
            scores = bm25_matrix(tokens, offsets, len(vocab))
            del tokens, offsets
            retriever = bm25s.BM25()
            retriever.scores = scores
            retriever.vocab_dict = vocab
            retriever.nonoccurrence_array = None
            retriever.corpus = None
            line(f"[{n}] bm25 index build (numpy, bm25s layout)", f"{time.perf_counter() - t:.1f}", "s")
            lex_dir = work / "lexical"
            retriever.save(str(lex_dir))
            line(f"[{n}] bm25 index on disk", f"{folder_mb(lex_dir):.0f}", "MB")
            qrng = np.random.default_rng(n + 2)
            lex_lat = []
            for _ in range(nq):
                words = sentences[int(qrng.integers(len(sentences)))].lower().split()
                w = int(qrng.integers(3, 9))
                s0 = int(qrng.integers(0, max(1, len(words) - w)))
                q = words[s0:s0 + w]
                t = time.perf_counter()
                sc = retriever.get_scores(q)
                np.argpartition(-sc, 200)[:200]
                lex_lat.append(time.perf_counter() - t)
            line(f"[{n}] bm25 query p50 / p95 (scores + top-200)", f"{pct(lex_lat, 50) * 1000:.1f} / "
                 f"{pct(lex_lat, 95) * 1000:.1f}", "ms")
            rss = current_rss_mb()
            line(f"[{n}] RSS now (served faiss index + bm25 matrix + seed material)", f"{rss:.0f}", "MB",
                 f"<= {TARGETS['scale_ram_gb']} GB", rss / 1024 <= TARGETS["scale_ram_gb"])
            line(f"[{n}] RSS growth over the start of this size", f"{rss - base_rss:.0f}", "MB")
            line(f"[{n}] peak RSS so far (includes build-time float32 vectors and exact index)",
                 f"{peak_rss_mb():.0f}", "MB")
            del served, retriever, scores
        finally:
            shutil.rmtree(work, ignore_errors=True)
    line("load average at end", " ".join(f"{x:.2f}" for x in os.getloadavg()))
