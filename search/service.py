"""Opening a searcher for a corpus: build the index first when it is missing or stale."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from indexer.index import folder as store
from indexer.index.build import build_index, embedder_for, index_is_current
from indexer.index.embedders import make_embedder

from search.engine import Searcher


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
