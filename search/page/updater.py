"""The index update after an upload, in one background thread per server: the page asks for an
update and goes on answering searches from the current index; whoever looks sees the progress.
Builds share the page's build lock, so an upload never races the page's own first build."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Callable

from search.page.state import counted

LOG = logging.getLogger("plansearch.updater")


@dataclass(frozen=True)
class UpdateStatus:
    running: bool = False
    done: float = 0.0          # fraction of the current step
    text: str = ""             # the step, "Nhúng vector: 2/5"
    failed: bool = False       # the last update raised (logged)
    finished: int = 0          # updates finished so far


class IndexUpdater:
    """request() starts the update, or marks one more after the running one (files saved meanwhile)."""

    def __init__(self, build: Callable[..., object], lock: threading.Lock):
        self._build, self._lock = build, lock
        self._guard = threading.Lock()
        self._status = UpdateStatus()
        self._again = False

    def status(self) -> UpdateStatus:
        return self._status

    def request(self) -> None:
        with self._guard:
            if self._status.running:
                self._again = True
                return
            self._status = UpdateStatus(True, 0.0, "", False, self._status.finished)
        threading.Thread(target=self._run, name="plansearch-update", daemon=True).start()

    def _report(self, done: float, text: str) -> None:
        self._status = UpdateStatus(True, done, text, False, self._status.finished)

    def _run(self) -> None:
        failed = False
        while True:
            try:
                with self._lock:
                    self._build(progress=lambda items, desc: counted(items, desc, self._report))
                failed = False
            except Exception:
                LOG.exception("index update after an upload failed")
                failed = True
            with self._guard:
                if not self._again:
                    self._status = UpdateStatus(False, 1.0, "", failed, self._status.finished + 1)
                    return
                self._again = False
