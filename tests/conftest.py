"""Shared fixtures: the real index of the five plans (built once per session with the default
embedder), the default embedder itself, the one fake embedder, and the CLI runner.

Tiers: tests/unit runs in under a minute (`./test.sh -m "not slow"`); everything under
tests/integration and tests/browser, and any test that uses the real model or index, is marked
`slow` here, and the full suite (`./test.sh`) runs them all."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes import FakeEmbedder
from tests.paths import PLANS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = PLANS
SHARED_INDEX = "plansearch-index"
_REAL = {"real_index", "searcher", "default_embedder", "cli", "page_index"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "integration" in parts or "browser" in parts or _REAL & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def fake_embedder_cls():
    return FakeEmbedder


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return CORPUS


@pytest.fixture(scope="session")
def default_embedder():
    """The default embedder, loaded once per session."""
    from indexer.embed.engines import make_embedder

    return make_embedder()


@pytest.fixture(scope="session")
def real_index(tmp_path_factory, default_embedder) -> Path:
    """The index of the five real plans, built once per session with the default embedder."""
    from indexer.index.build import build_index

    # REAL_INDEX_DIR lets a developer keep the index between runs while iterating: build_index
    # brings it up to date (a no-op when nothing changed), so it is never stale.
    kept = os.environ.get("REAL_INDEX_DIR")
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
