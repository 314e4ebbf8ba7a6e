"""Opening a searcher for a corpus: build the index first when it is missing or stale. When a
new version cannot be written (read-only folder, full disk), the last good index still answers."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from indexer.index import folder as store
from indexer.index.build import build_index, embedder_for, index_is_current
from indexer.embed.engines import make_embedder

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
        update_or_keep(index_dir, corpus, log, progress)
    return Searcher(index_dir)


def update_or_keep(index_dir: Path, corpus: Path, log: Callable[[str], None] = lambda m: None,
                   progress=lambda it, desc: it) -> str | None:
    """Update a stale index; when the new version cannot be written, say once why and what to
    do, and keep the live one (intact: a failed build removes what it wrote). Returns that
    message, or None when the update went through."""
    try:
        build_index(corpus, index_dir, embedder_for(index_dir), progress=progress, log=log)
    except store.IndexUnwritable as e:
        message = stale_message(e.problem, e.command)
    except store.IndexProblem:
        raise          # a damaged or mismatched index is refused, not served
    except Exception as e:  # noqa: BLE001 - e.g. the model failed: the last good index still answers
        message = stale_message(f"updating the index failed ({type(e).__name__}: {str(e)[:200]})",
                                store.BUILD_COMMAND)
    else:
        return None
    log(message)
    return message


def stale_message(problem: str, command: str) -> str:
    return (f"warning: {problem}; searching the last good index, built before the corpus "
            f"changed. To update it: {command}")
