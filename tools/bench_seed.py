"""The seed-corpus benchmark: build, no-change rebuild, cold start, query latency and its parts."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path



from tools.bench_common import COLD_QUERY, QUERIES, TARGETS, folder_mb, line, machine_header, peak_rss_mb, pct


def clear_query_caches(searcher) -> None:
    """Forget cached segmentations and query vectors, so that each measured query is computed."""
    from indexer import text

    text.clear_caches()
    clear = getattr(searcher.embedder, "clear_cache", None)
    if clear is not None:
        clear()


def embed_query_alone(embedder, text: str):
    return embedder.embed_query_uncached(text)


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
        "hwm=[l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
        "print(json.dumps({'imports':t1-t0,'load':t2-t1,'first query':t3-t2,'rss_kb':int(hwm[0]) if hwm else 0}))\n")
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=root)
    total = time.perf_counter() - t
    parts = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else {}
    if parts:
        parts["rss_mb"] = parts.pop("rss_kb") / 1024
        parts["interpreter start + exit"] = total - sum(v for k, v in parts.items() if k != "rss_mb")
    return walls, parts


def run_seed(corpus: Path, tiny: bool) -> None:
    from indexer.index.build import build_index, embedding_text
    from indexer.embed.engines import make_embedder
    from indexer.index import folder as store

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
        line("corpus", f"{report.documents} documents, {report.passages} passages")
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
        search_rss = parts.pop("rss_mb", float("nan"))
        for name, secs in parts.items():
            line(f"  cold start part: {name}", f"{secs:.2f}", "s")

        run_queries(index_dir, embedder, QUERIES[:5] if tiny else QUERIES)
        line("peak RSS (this process)", f"{peak_rss_mb():.0f}", "MB")
        # the child's own VmHWM: RUSAGE_CHILDREN would report this process's peak, which a
        # child started by vfork + exec inherits into its rusage on Linux
        line("peak RSS of a search process (VmHWM of the cold-start process: load + first query)",
             f"{search_rss:.0f}", "MB", f"<= {TARGETS['search_rss_mb']} MB", search_rss <= TARGETS["search_rss_mb"])
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
    ends, bare, parts = [], [], []
    for q in queries:
        t = time.perf_counter()
        embed_query_alone(embedder, q)
        bare.append(time.perf_counter() - t)
        clear_query_caches(searcher)
        t = time.perf_counter()
        result = searcher.search(q)
        ends.append(time.perf_counter() - t)
        parts.append(dict(result.timings, total=ends[-1]))
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
    names = sorted({k for d in parts for k in d if k != "total"})
    shares = []
    for name in names:
        vals = [d.get(name, 0.0) for d in parts]
        shares.append((pct(vals, 50), name, pct(vals, 95)))
    other = [d["total"] - sum(v for k, v in d.items() if k != "total") for d in parts]
    shares.append((pct(other, 50), "other (filters, result objects)", pct(other, 95)))
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
