"""Index builds for the search page: one per server, in a background thread that no visitor
owns. Whoever's page notices that the index is missing or older than the corpus starts it;
every session reads the same progress; closing a tab stops nothing. When the new version
cannot be written (read-only folder, full disk) the last good index keeps answering and the
page says why, once per visitor. Streamlit is not imported here: the page draws the status."""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from indexer.index import folder as store
from indexer.index.build import build_index, embedder_for, index_is_current
from indexer.embed.engines import make_embedder

from search.page import state as page_state
from search.service import stale_message

LOG = logging.getLogger("plansearch.builder")
CHECK_SECONDS = 1.0     # the corpus is compared with the index at most this often (stat only)
RETRY_SECONDS = 60.0    # a failed build is not retried sooner


@dataclass(frozen=True)
class BuildStatus:
    running: bool = False
    fraction: float = 0.0
    step: str = ""
    warning: str = ""       # the last good index answers, but could not be updated: why, what to do
    problem: str = ""       # no index can be served: why
    command: str = ""       # what to run for the problem or the warning


class ServerBuilder:
    """Shared by every session of one server (kept in st.cache_resource)."""

    def __init__(self, index_dir: Path, corpus: Path):
        self.index_dir, self.corpus = index_dir, corpus
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._status = BuildStatus()
        self._checked_at = float("-inf")   # never: time.monotonic() may start near 0 (a fresh boot)
        self._failed_at = float("-inf")

    def ensure(self) -> BuildStatus:
        """Start a build when the index is missing or stale and none runs; the status now.
        A damaged index raises IndexProblem (the page shows the command): never rebuilt."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return self._status
            now = time.monotonic()
            if now - self._checked_at < CHECK_SECONDS or now - self._failed_at < RETRY_SECONDS:
                return self._status
            self._checked_at = now
            if not self.corpus.is_dir() or index_is_current(self.index_dir, self.corpus):
                self._status = BuildStatus()
                return self._status
            self._status = BuildStatus(running=True, step="…")
            self._thread = threading.Thread(target=self._build, name="plansearch-build", daemon=True)
            self._thread.start()
            return self._status

    def request(self) -> BuildStatus:
        """The corpus just changed (a file added, corrected or removed from the page): compare it
        with the index now, not after the usual pause; a build that runs already is followed by
        another at the next ensure() if the corpus is still newer than the index."""
        with self._lock:
            self._checked_at = self._failed_at = float("-inf")
        return self.ensure()

    def status(self) -> BuildStatus:
        return self._status

    def wait(self, timeout: float | None = None) -> BuildStatus:
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
        return self._status

    def _report(self, fraction: float, step: str) -> None:
        self._status = BuildStatus(running=True, fraction=min(1.0, fraction), step=step)

    def _build(self) -> None:
        try:
            fresh = store.current_folder(self.index_dir) is None
            embedder = make_embedder() if fresh else embedder_for(self.index_dir)
            build_index(self.corpus, self.index_dir, embedder, log=LOG.warning,
                        progress=lambda items, desc: page_state.counted(items, desc, self._report))
            self._status = BuildStatus()
        except store.IndexUnwritable as e:
            LOG.warning("%s", stale_message(e.problem, e.command))
            self._fail(BuildStatus(warning=e.problem, command=e.command))
        except store.IndexProblem as e:
            LOG.warning("index problem: %s", e)
            self._fail(BuildStatus(problem=e.problem, command=e.command))
        except Exception as e:   # the last good index keeps answering; the log has the details
            LOG.exception("the index build failed")
            self._fail(BuildStatus(warning=f"{type(e).__name__}: {str(e)[:200]}", command=store.BUILD_COMMAND))

    def _fail(self, status: BuildStatus) -> None:
        self._status = status
        self._failed_at = time.monotonic()
