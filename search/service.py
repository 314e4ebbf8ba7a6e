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


def open_searcher(index_dir: Path, corpus: Path, log: Callable[[str], None] = lambda m: None,
                  progress=lambda it, desc: it) -> Searcher:
    """Load the index; when it is missing, build it first (and say so). A damaged or mismatched
    index is refused with a clear message rather than rebuilt behind the user's back."""
    if store.current_folder(index_dir) is None:
        log(f"no index in {index_dir}: building it from {corpus} (first run only)")
        build_index(corpus, index_dir, make_embedder(), progress=progress, log=log)
    return Searcher(index_dir)
