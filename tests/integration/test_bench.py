"""Smoke test of the benchmark script: it runs in its tiny modes and prints every figure name
with the "name: value unit (target: ..., ok/MISSING)" shape. Not a timed test: no figure is
compared with its target here."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.paths import PLANS

TARGET_RE = re.compile(r"^[^:]+: .+ \(target: .+, (ok|MISSING)\)$")


def run_bench(*args: str) -> list[str]:
    out = subprocess.run([sys.executable, "-m", "tools.bench", *args], cwd=ROOT, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.splitlines()


def names(lines: list[str]) -> set[str]:
    return {ln.split(":", 1)[0].strip() for ln in lines if ":" in ln}


@pytest.mark.slow
def test_tiny_mode_prints_every_seed_figure():
    lines = run_bench("--tiny", "--corpus", str(PLANS))
    got = names(lines)
    for name in ("build read+segment", "build embedding", "full build", "full build / bare embedding",
                 "no-change rebuild", "query latency p50 (Searcher.search, end to end, query caches cleared)",
                 "query latency p95", "bare query embedding p50 (embedder alone, no cache)",
                 "query p50 / bare embedding p50", "query p95 / bare embedding p95",
                 "peak RSS (this process)", "load average at start",
                 "query latency p50 with / without the phrase stage (retrieval quality work; same index, alternated)"):
        assert name in got, f"{name!r} missing from:\n" + "\n".join(lines)
    assert any(n.startswith("cold start (new process") for n in got)
    assert any(ln.strip().startswith("query part: query embedding") for ln in lines)
    targeted = [ln for ln in lines if "(target:" in ln]
    assert len(targeted) == 7 and all(TARGET_RE.match(ln) for ln in targeted), targeted
    assert any(ln.startswith("peak RSS of a search process") for ln in targeted)


@pytest.mark.slow
def test_small_scale_mode_prints_vector_and_lexical_figures(tmp_path):
    corpus = tmp_path / "corpus"   # one plan: the seed index the scale mode draws from builds fast
    corpus.mkdir()
    first = sorted(p for p in (PLANS).iterdir() if p.suffix == ".txt")[0]
    shutil.copy(first, corpus / first.name)
    lines = run_bench("--scale", "--sizes", "3000", "--queries", "20", "--index", str(tmp_path / "index"),
                      "--corpus", str(corpus))
    text = "\n".join(lines)
    for name in ("faiss index type (automatic by size)", "faiss build (train + add)", "faiss index on disk",
                 "vector query p50 / p95 (k=10, 1 thread)", "recall@10 vs exact search (20 queries)",
                 "bm25 query p50 / p95 (scores + top-200)", "RSS now"):
        assert f"[3000] {name}" in text, text
    assert "synthetic:" in text
    recall = float(re.search(r"recall@10 vs exact search \(20 queries\): ([0-9.]+)", text).group(1))
    assert recall == 1.0  # 3000 passages are below EXACT_LIMIT: exact search
    assert "[3000] filtered vector query p50 / p95 (filter allows 300 rows, k=10, 1 thread)" in text
    assert re.search(r"filtered hits returned \(min / mean of 20 queries; k=10\): 10 / 10\.0 .*ok\)", text), text
