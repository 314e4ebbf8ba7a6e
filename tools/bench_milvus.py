"""The Milvus row of the scale benchmark: synthetic passages written through milvus-lite's gRPC
server (started here on a free loopback port, stopped by its PID) into the backend's own
collections, then the searcher's three ranked lists asked of it.

    python -m tools.bench --scale --sizes 100000 --milvus-size 100000

The figures are milvus-lite's (a pure-Python server on this machine), not a Milvus cluster's.
"""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from tools.bench_common import line, pct

PROVINCES = 34
BATCH = 1000
CANDIDATES = 200          # per ranked list, as the Searcher asks


def start_server(data: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "milvus_lite", "server", "--data-dir", str(data),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, f"http://127.0.0.1:{port}"
        time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError("milvus-lite server did not start")


def stop_server(proc: subprocess.Popen, grace: float = 30.0) -> None:
    """Stop the server by its PID: SIGTERM, then SIGKILL if it still runs after grace seconds."""
    proc.terminate()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=grace)
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def synthetic_rows(sentences, vectors: np.ndarray, start: int, rng) -> list[dict]:
    """Rows of the passages collection: 2-5 real sentences recombined, their lower-cased
    whitespace tokens (encoded as the backend encodes them) in both BM25 fields."""
    from indexer.milvus.rows import field_text
    from indexer.text import fold_accents

    rows = []
    for j, vec in enumerate(vectors):
        text = " ".join(sentences[int(i)] for i in rng.integers(0, len(sentences), int(rng.integers(2, 6))))
        tokens = text.lower().split()
        plan = (start + j) // 50
        rows.append({"doc": f"plan-{plan}.txt", "province": f"province-{plan % PROVINCES}",
                     "level": ("tỉnh", "huyện", "xã")[plan % 3], "year": 2021 + plan % 5, "doc_type": "Kế hoạch",
                     "number": f"{plan}/KH-UBND", "record": json.dumps({"text": text}, ensure_ascii=False),
                     "words": field_text(tokens), "folded": field_text([fold_accents(t) for t in tokens]),
                     "vector": vec.tolist()})
    return rows


def run_milvus_scale(n: int, index_dir: Path, corpus: Path, nq: int) -> None:
    from indexer.milvus.store import connect, create_collections, passages_name
    from tools.bench_scale import seed_material, synthetic_vectors

    sentences, seed_vectors = seed_material(index_dir, corpus)
    print(f"--- Milvus (milvus-lite {_version()} server, pure Python; not a Milvus cluster): {n} passages ---",
          flush=True)
    work = Path(tempfile.mkdtemp(prefix="bench-milvus-"))
    proc, uri = start_server(work / "data")
    try:
        client = connect(uri)
        create_collections(client, seed_vectors.shape[1], n, prefix="bench")
        name = passages_name("bench")
        rng = np.random.default_rng(n)
        vectors = synthetic_vectors(seed_vectors, n, rng)
        t = time.perf_counter()
        for s in range(0, n, BATCH):
            client.insert(name, synthetic_rows(sentences, vectors[s:s + BATCH], s, rng))
        client.flush(name)
        client.load_collection(name)
        line(f"[milvus-lite {n}] build (insert + BM25 analysis + index + load, batches of {BATCH})",
             f"{time.perf_counter() - t:.1f}", "s")
        line(f"[milvus-lite {n}] data folder on disk", f"{_folder_mb(work / 'data'):.0f}", "MB")
        line(f"[milvus-lite {n}] server RSS after load", f"{_rss_mb(proc.pid):.0f}", "MB")
        queries = synthetic_vectors(seed_vectors, nq, np.random.default_rng(n + 1))
        for label, values in latencies(client, name, queries, sentences, np.random.default_rng(n + 2)).items():
            line(f"[milvus-lite {n}] query p50 / p95 ({label}, top {CANDIDATES} each)",
                 f"{pct(values, 50) * 1000:.1f} / {pct(values, 95) * 1000:.1f}", "ms")
        client.close()
    finally:
        stop_server(proc)
        shutil.rmtree(work, ignore_errors=True)
    line("load average at end", " ".join(f"{x:.2f}" for x in os.getloadavg()))


def latencies(client, name: str, queries: np.ndarray, sentences, rng) -> dict[str, list[float]]:
    """Seconds per search: the dense list, one BM25 list, and the three lists a Searcher asks
    for (with and without a province filter)."""
    from indexer.milvus.rows import field_text

    lat: dict[str, list[float]] = {"dense": [], "bm25": [], "three lists": [], "three lists, province filter": []}
    for q in queries:
        words = sentences[int(rng.integers(len(sentences)))].lower().split()
        w = int(rng.integers(3, 9))
        s0 = int(rng.integers(0, max(1, len(words) - w)))
        text = field_text(words[s0:s0 + w])
        for label, flt in (("three lists", ""), ("three lists, province filter", 'province in ["province-7"]')):
            t0 = time.perf_counter()
            _search(client, name, q.tolist(), "vector", flt)
            t1 = time.perf_counter()
            _search(client, name, text, "words_bm25", flt)
            t2 = time.perf_counter()
            _search(client, name, text, "folded_bm25", flt)
            lat[label].append(time.perf_counter() - t0)
            if not flt:
                lat["dense"].append(t1 - t0)
                lat["bm25"].append(t2 - t1)
    return lat


def _search(client, name: str, data, field: str, flt: str):
    params = {"search_params": {"metric_type": "IP", "params": {"ef": 256}}} if field == "vector" else {}
    return client.search(name, data=[data], anns_field=field, limit=CANDIDATES, filter=flt,
                         output_fields=["id"], **params)


def _folder_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(row.split()[1]) / 1024 for row in f if row.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return float("nan")


def _version() -> str:
    from importlib.metadata import version

    return version("milvus-lite")
