"""Performance figures measured in one run on this machine.

    python -m search.bench                      # seed corpus: build, rebuild, cold start, queries
    python -m search.bench --scale [--sizes 100000,1000000]   # synthetic large corpora
    python -m search.bench --tiny               # a few seconds: plumbing check (tests)

Every line reads "name: value unit (target: ..., ok/MISSING)". Times are wall-clock seconds or
milliseconds; the machine is shared, so the load average is printed next to the figures.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

# Realistic queries written for the benchmark (not the evaluation set): topics, indicators,
# wording without diacritics, English, document numbers.
QUERIES = (
    "nhà ở xã hội",
    "phát triển nhà ở xã hội cho công nhân khu công nghiệp",
    "tỷ lệ hộ nghèo đa chiều giảm bao nhiêu mỗi năm",
    "chuyển đổi số trong cơ quan nhà nước",
    "kinh phí thực hiện kế hoạch từ ngân sách địa phương",
    "trách nhiệm của Sở Xây dựng",
    "đào tạo nghề cho lao động nông thôn",
    "bảo hiểm y tế toàn dân",
    "xây dựng nông thôn mới nâng cao",
    "chế độ báo cáo định kỳ 6 tháng",
    "ứng dụng công nghệ thông tin trong quản lý đất đai",
    "hỗ trợ doanh nghiệp nhỏ và vừa tiếp cận vốn",
    "cải cách thủ tục hành chính một cửa liên thông",
    "mục tiêu đến năm 2025",
    "phòng chống thiên tai và biến đổi khí hậu",
    "nha o xa hoi cho nguoi thu nhap thap",
    "ty le lao dong qua dao tao",
    "kinh phi thuc hien",
    "chuyen doi so",
    "trach nhiem uy ban nhan dan cap huyen",
    "social housing for low-income workers",
    "digital transformation of public services",
    "budget for implementing the plan",
    "poverty reduction targets",
    "vocational training for rural workers",
    "Nghị quyết số 42-NQ/TW",
    "Quyết định 338/QĐ-TTg",
    "Nghị định 100/2024/NĐ-CP",
    "Luật Nhà ở năm 2023",
    "Kế hoạch số 123/KH-UBND",
)
COLD_QUERY = "nhà ở xã hội"

TARGETS = {
    "query_p50_ratio": 1.3, "query_p95_ratio": 2.0, "build_ratio": 1.2,
    "rebuild_s": 2.0, "cold_start_s": 3.0,
    "quality_latency_ratio": 1.5,
    "scale_ram_gb": 3.0, "scale_p95_ms": 150.0, "scale_recall": 0.95,
}


def line(name: str, value, unit: str = "", target: str | None = None, ok: bool | None = None) -> str:
    text = f"{name}: {value}{(' ' + unit) if unit else ''}"
    if target is not None:
        text += f" (target: {target}, {'ok' if ok else 'MISSING'})"
    print(text, flush=True)
    return text


def pct(values, q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else float("nan")


def peak_rss_mb(who=resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def current_rss_mb() -> float:
    try:
        with open("/proc/self/status") as f:
            for row in f:
                if row.startswith("VmRSS:"):
                    return int(row.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def machine_header(mode: str) -> None:
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    line("bench", f"{mode} mode, {time.strftime('%Y-%m-%d %H:%M:%S')}")
    line("machine", f"{os.cpu_count()} cores, Python {platform.python_version()}, {platform.machine()}")
    line("load average at start", " ".join(f"{x:.2f}" for x in load),
         "(other processes share the cores; high load inflates every time below)")


def folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


# ------------------------------------------------------------------------------------------
# seed corpus
# ------------------------------------------------------------------------------------------
class Timers:
    """Accumulates seconds per component while a query runs (wrappers on searcher parts)."""

    def __init__(self):
        self.current: dict[str, float] = {}
        self.per_query: list[dict[str, float]] = []

    def wrap(self, name, fn):
        def timed(*a, **kw):
            t = time.perf_counter()
            try:
                return fn(*a, **kw)
            finally:
                self.current[name] = self.current.get(name, 0.0) + time.perf_counter() - t
        return timed


class _TimedFaiss:
    def __init__(self, index, timers: Timers):
        self._index = index
        self.search = timers.wrap("faiss", index.search)

    def __getattr__(self, name):
        return getattr(self._index, name)


def instrument(searcher, timers: Timers) -> None:
    searcher.analyze = timers.wrap("analysis (normalise, segment, fold)", searcher.analyze)
    searcher.embedder.embed_query = timers.wrap("query embedding", searcher.embedder.embed_query)
    for name, retriever in searcher.lexical.items():
        retriever.get_scores = timers.wrap(f"bm25 {name}", retriever.get_scores)
    searcher.dense = _TimedFaiss(searcher.dense, timers)
    if hasattr(searcher, "_groups"):
        searcher._groups = timers.wrap("per-plan grouping", searcher._groups)
    if hasattr(searcher, "_hit"):
        searcher._hit = timers.wrap("hits (highlight terms)", searcher._hit)


def clear_query_caches(searcher) -> None:
    from indexer import analysis

    for fn in (getattr(analysis, "_segment", None), getattr(searcher.embedder, "_query", None)):
        if hasattr(fn, "cache_clear"):
            fn.cache_clear()


def embed_query_alone(embedder, text: str):
    uncached = getattr(embedder, "embed_query_uncached", None)
    if uncached is not None:
        return uncached(text)
    if hasattr(getattr(embedder, "_query", None), "cache_clear"):
        embedder._query.cache_clear()
    return embedder.embed_query(text)


def cold_start(index_dir: Path, corpus: Path, repeats: int) -> tuple[list[float], dict]:
    """Wall time of a new `python -m search QUERY --index DIR` process, and an in-process
    breakdown from a second fresh process."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    walls = []
    for _ in range(repeats):
        t = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "search", COLD_QUERY, "--index", str(index_dir),
                              "--corpus", str(corpus), "--k", "10"],
                             capture_output=True, text=True, env=env, cwd=root)
        walls.append(time.perf_counter() - t)
        if out.returncode != 0:
            raise RuntimeError(f"python -m search failed: {out.stderr[-500:]}")
    script = (
        "import time,json,sys\n"
        "t0=time.perf_counter()\n"
        "from search.engine import Searcher\n"
        "t1=time.perf_counter()\n"
        f"s=Searcher({str(index_dir)!r})\n"
        "t2=time.perf_counter()\n"
        f"r=s.search({COLD_QUERY!r})\n"
        "t3=time.perf_counter()\n"
        "print(json.dumps({'imports':t1-t0,'load':t2-t1,'first query':t3-t2}))\n")
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=root)
    total = time.perf_counter() - t
    parts = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else {}
    if parts:
        parts["interpreter start + exit"] = total - sum(parts.values())
    return walls, parts


def run_seed(corpus: Path, tiny: bool) -> None:
    from indexer.build import build_index, embedding_text
    from indexer.embedders import make_embedder
    from indexer import store

    machine_header("tiny" if tiny else "seed")
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    try:
        if tiny:  # one plan only: plumbing check
            small = work / "corpus"
            small.mkdir()
            first = sorted(p for p in corpus.iterdir() if p.is_file() and p.suffix != ".json")[0]
            shutil.copy(first, small / first.name)
            corpus = small
        index_dir = work / "index"
        t = time.perf_counter()
        embedder = make_embedder()
        line("embedder load", f"{time.perf_counter() - t:.2f}", "s",)
        line("embedder", f"{embedder.backend}:{embedder.model_id} ({embedder.dim} dims)")

        in_model = []
        plain = embedder.embed_passages

        def timed_embed(texts):
            t0 = time.perf_counter()
            try:
                return plain(texts)
            finally:
                in_model.append(time.perf_counter() - t0)
        embedder.embed_passages = timed_embed
        try:
            report = build_index(corpus, index_dir, embedder)
        finally:
            embedder.embed_passages = plain
        tm = report.timings
        build_s = sum(tm.values())
        line("corpus", f"{report.documents} plans, {report.passages} passages")
        line("build read+segment", f"{tm.get('read_segment', float('nan')):.2f}", "s")
        line("build embedding", f"{tm.get('embed', float('nan')):.2f}", "s")
        line("build write (records, bm25 tokenisation+index, faiss, checksums)", f"{tm.get('write', float('nan')):.2f}", "s")
        line("full build", f"{build_s:.2f}", "s")
        line("  of which inside embedder.embed_passages during the build", f"{sum(in_model):.2f}", "s",)
        line("  of which outside the model (reading, segmenting, bm25, faiss, writing)",
             f"{build_s - sum(in_model):.2f}", "s")

        stored = store.load_records(index_dir)
        texts = [embedding_text(p) for p in stored.passages]
        batch = 32
        t = time.perf_counter()
        for i in range(0, len(texts), batch):
            embedder.embed_passages(texts[i:i + batch])
        floor = time.perf_counter() - t
        line("bare embedding of the same passage texts (floor, batches of 32)", f"{floor:.2f}", "s")
        ratio = build_s / floor if floor else float("inf")
        line("full build / bare embedding", f"{ratio:.2f}", "x", f"<= {TARGETS['build_ratio']}x",
             ratio <= TARGETS["build_ratio"])

        t = time.perf_counter()
        again = build_index(corpus, index_dir, embedder)
        rebuild = time.perf_counter() - t
        line("no-change rebuild", f"{rebuild:.2f}", "s", f"<= {TARGETS['rebuild_s']} s",
             rebuild <= TARGETS["rebuild_s"] and again.up_to_date)

        walls, parts = cold_start(index_dir, corpus, 1 if tiny else 3)
        cold = min(walls)
        line("cold start (new process: python -m search QUERY, to first result; best of "
             f"{len(walls)}: {', '.join(f'{w:.2f}' for w in walls)})", f"{cold:.2f}", "s",
             f"<= {TARGETS['cold_start_s']} s", cold <= TARGETS["cold_start_s"])
        for name, secs in parts.items():
            line(f"  cold start part: {name}", f"{secs:.2f}", "s")

        run_queries(index_dir, embedder, QUERIES[:5] if tiny else QUERIES)
        line("peak RSS (this process)", f"{peak_rss_mb():.0f}", "MB")
        line("peak RSS (largest child: cold-start process)", f"{peak_rss_mb(resource.RUSAGE_CHILDREN):.0f}", "MB")
        line("index size on disk", f"{folder_mb(Path(report.folder)):.1f}", "MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load = os.getloadavg()
    line("load average at end", " ".join(f"{x:.2f}" for x in load))


def run_queries(index_dir: Path, embedder, queries) -> None:
    from search.engine import Searcher

    searcher = Searcher(index_dir, embedder=embedder)
    # steady state: one warm-up pass (lazy imports, per-passage caches of the index); the
    # per-query caches (segmentation, query embedding) are cleared before each measured query
    for q in queries:
        searcher.search(q)
    timers = Timers()
    instrument(searcher, timers)
    ends, bare = [], []
    for q in queries:
        t = time.perf_counter()
        embed_query_alone(embedder, q)
        bare.append(time.perf_counter() - t)
        clear_query_caches(searcher)
        timers.current = {}
        t = time.perf_counter()
        searcher.search(q)
        ends.append(time.perf_counter() - t)
        timers.per_query.append(dict(timers.current, total=ends[-1]))
    p50, p95 = pct(ends, 50), pct(ends, 95)
    b50, b95 = pct(bare, 50), pct(bare, 95)
    line("queries", f"{len(queries)} (Vietnamese with and without diacritics, English, document numbers)")
    line("query latency p50 (Searcher.search, end to end, query caches cleared)", f"{p50 * 1000:.1f}", "ms")
    line("query latency p95", f"{p95 * 1000:.1f}", "ms")
    line("bare query embedding p50 (embedder alone, no cache)", f"{b50 * 1000:.1f}", "ms")
    line("bare query embedding p95", f"{b95 * 1000:.1f}", "ms")
    r50 = p50 / b50 if b50 else float("inf")
    r95 = p95 / b95 if b95 else float("inf")
    line("query p50 / bare embedding p50", f"{r50:.2f}", "x", f"<= {TARGETS['query_p50_ratio']}x",
         r50 <= TARGETS["query_p50_ratio"])
    line("query p95 / bare embedding p95", f"{r95:.2f}", "x", f"<= {TARGETS['query_p95_ratio']}x",
         r95 <= TARGETS["query_p95_ratio"])
    names = sorted({k for d in timers.per_query for k in d if k != "total"})
    shares = []
    for name in names:
        vals = [d.get(name, 0.0) for d in timers.per_query]
        shares.append((pct(vals, 50), name, pct(vals, 95)))
    other = [d["total"] - sum(v for k, v in d.items() if k != "total") for d in timers.per_query]
    shares.append((pct(other, 50), "other (fusion, filters, numbers, result objects)", pct(other, 95)))
    for p, name, q95 in sorted(shares, reverse=True):
        line(f"  query part: {name} p50 / p95", f"{p * 1000:.1f} / {q95 * 1000:.1f}", "ms")
    quality_stage_latency(index_dir, embedder, queries)


def quality_stage_latency(index_dir: Path, embedder, queries, rounds: int = 3) -> None:
    """Query latency with and without the stage the retrieval-quality work added at query time
    (the phrase ranking): two searchers on one index, alternated query by query, caches cleared."""
    from search.engine import WEIGHTS, Searcher

    without = {kind: {**w, "phrase": 0.0} for kind, w in WEIGHTS.items()}
    searchers = {"with": Searcher(index_dir, embedder=embedder),
                 "without": Searcher(index_dir, embedder=embedder, weights=without)}
    times: dict[str, list[float]] = {name: [] for name in searchers}
    for q in queries:  # warm-up
        for s in searchers.values():
            s.search(q)
    for r in range(rounds):
        for n, q in enumerate(queries):
            order = list(searchers.items()) if (n + r) % 2 == 0 else list(searchers.items())[::-1]
            for name, s in order:
                clear_query_caches(s)
                t = time.perf_counter()
                s.search(q)
                times[name].append(time.perf_counter() - t)
    w50, o50 = pct(times["with"], 50), pct(times["without"], 50)
    ratio = w50 / o50 if o50 else float("inf")
    line("query latency p50 with / without the phrase stage (retrieval quality work; same index, alternated)",
         f"{w50 * 1000:.1f} / {o50 * 1000:.1f} ms = {ratio:.2f}", "x", f"<= {TARGETS['quality_latency_ratio']}x",
         ratio <= TARGETS["quality_latency_ratio"])


# ------------------------------------------------------------------------------------------
# scale mode (synthetic corpora)
# ------------------------------------------------------------------------------------------
_SENTENCE_RE = re.compile(r"(?<=[.;:!?])\s+|\n+")


def seed_material(index_dir: Path, corpus: Path):
    """Sentences and passage vectors of the real seed corpus (built into a temp folder when
    index_dir holds no usable index)."""
    from indexer import store
    from indexer.build import build_index
    from indexer.embedders import make_embedder

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


def run_scale(sizes, index_dir: Path, corpus: Path, nq: int) -> None:
    import faiss
    import bm25s

    from indexer.vectors import EXACT_LIMIT, build_faiss, faiss_kind

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
            path = work / "dense.faiss"
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m search.bench", description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path("corpus"))
    ap.add_argument("--index", type=Path, default=Path("index"),
                    help="seed index for --scale (its vectors and sentences); built when missing")
    ap.add_argument("--scale", action="store_true", help="synthetic 100k / 1M corpora")
    ap.add_argument("--sizes", default="100000,1000000", help="passage counts for --scale")
    ap.add_argument("--queries", type=int, default=200, help="queries per size in --scale")
    ap.add_argument("--tiny", action="store_true", help="one plan, few queries (a smoke test)")
    args = ap.parse_args(argv)
    if args.scale:
        run_scale([int(s) for s in args.sizes.split(",") if s.strip()], args.index, args.corpus, args.queries)
    else:
        run_seed(args.corpus, args.tiny)
    return 0


if __name__ == "__main__":
    sys.exit(main())
