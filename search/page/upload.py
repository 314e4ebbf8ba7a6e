"""The page's "Thêm văn bản" section without widgets: whether it is on, the password check, the
checks of a batch of uploaded files (indexer.read.intake), and the Vietnamese texts to show."""
from __future__ import annotations

import hashlib
import hmac
import logging
import os
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

from indexer.models import DocumentMetadata
from indexer.read import intake
from indexer.read.metadata import apply_sidecar, read_sidecar
from search.page import texts
from search.page.highlight import markdown_text

LOG = logging.getLogger("plansearch.upload")
PASSWORD_ENV = "PLANSEARCH_UPLOAD_PASSWORD"
PASSWORD_SECRET = "upload_password"


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


def upload_password(secrets: Mapping | None, env: Mapping[str, str] = os.environ) -> str:
    """The operator's password for uploads; "" (uploads off) when neither setting names one."""
    try:
        secret = (secrets or {}).get(PASSWORD_SECRET, "")
    except Exception:   # st.secrets raises when there is no secrets.toml at all
        secret = ""
    return str(env.get(PASSWORD_ENV, "") or secret or "")


def password_ok(typed: str, password: str) -> bool:
    return bool(password) and hmac.compare_digest(typed.encode("utf-8"), password.encode("utf-8"))


class PasswordGuard:
    """Back-off for the upload password: after a wrong password a client waits before its next
    try (1 s, doubled after every further failure, at most MAX_WAIT), and when FAILURES_PER_MINUTE
    wrong passwords came from anyone within a minute, every client waits GLOBAL_WAIT. A try made
    while waiting is refused without being compared. Every failure is logged (warning) with the
    client and its count; a success clears the client's count."""

    FIRST_WAIT, MAX_WAIT = 1.0, 300.0
    FAILURES_PER_MINUTE, GLOBAL_WAIT = 20, 30.0
    MAX_CLIENTS = 10_000

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.lock = threading.Lock()
        self.failures: OrderedDict[str, tuple[int, float]] = OrderedDict()  # client -> (count, until)
        self.recent: deque[float] = deque()
        self.global_until = 0.0

    def wait(self, client: str) -> float:
        """Seconds this client must still wait before a try is compared (0: it may try now)."""
        now = self.clock()
        with self.lock:
            return max(0.0, self.failures.get(client, (0, 0.0))[1] - now, self.global_until - now)

    def attempt(self, client: str, typed: str, password: str) -> tuple[bool, float]:
        """(accepted, seconds to wait before the next try)."""
        if (left := self.wait(client)) > 0:
            return False, left
        if password_ok(typed, password):
            with self.lock:
                self.failures.pop(client, None)
            return True, 0.0
        return False, self._failed(client)

    def _failed(self, client: str) -> float:
        now = self.clock()
        with self.lock:
            count = self.failures.pop(client, (0, 0.0))[0] + 1
            until = now + min(self.FIRST_WAIT * 2 ** (count - 1), self.MAX_WAIT)
            self.failures[client] = (count, until)
            while len(self.failures) > self.MAX_CLIENTS:
                self.failures.popitem(last=False)
            self.recent.append(now)
            while self.recent and self.recent[0] < now - 60:
                self.recent.popleft()
            if len(self.recent) >= self.FAILURES_PER_MINUTE:
                self.global_until = max(self.global_until, now + self.GLOBAL_WAIT)
            wait = max(until, self.global_until) - now
        LOG.warning("upload password: wrong password from client %s (failure %d; next try in %.0f s; "
                    "%d failures in the last minute from all clients)", client, count, wait, len(self.recent))
        return wait


GUARD = PasswordGuard()   # one per server process, shared by every session


def check_batch(files: Sequence[tuple[str, bytes]], corpus: Path) -> list[tuple[str, intake.Checked]]:
    """(client's name, shown only) -> checked file; a copy later in the batch is a duplicate of the
    first, and files past the count cap are refused unread."""
    known = intake.corpus_hashes(corpus)
    out = []
    for i, (label, data) in enumerate(files):
        if i >= intake.MAX_FILES:
            out.append((label, intake.Checked(b"", "", problem="too_many")))
            continue
        checked = intake.check(data, corpus, known)
        if checked.ok:
            known[checked.sha256] = label
        out.append((label, checked))
    return out


def refusal(checked: intake.Checked) -> str:
    return texts.UPLOAD_REFUSED[checked.problem].format(
        detail=markdown_text(checked.detail), mb=intake.MAX_UPLOAD_BYTES // 2**20, count=intake.MAX_FILES)


def found_line(checked: intake.Checked) -> str:
    return texts.UPLOAD_FOUND.format(kind=checked.kind[1:].upper(), passages=checked.passages,
                                     sections=checked.sections, articles=checked.articles)


def field_values(meta: DocumentMetadata) -> dict[str, str]:
    """The editable fields as the form shows them (text)."""
    return {key: "" if getattr(meta, key) is None else str(getattr(meta, key)) for key in intake.EDITABLE}


def sidecar_or_error(meta: DocumentMetadata, fields: Mapping[str, str]) -> tuple[dict, str]:
    """(sidecar of the corrected fields, "") or ({}, the Vietnamese message naming the bad field)."""
    try:
        return intake.corrections(meta, dict(fields)), ""
    except ValueError as e:
        return {}, texts.UPLOAD_BAD_FIELD.format(field=texts.UPLOAD_FIELDS.get(str(e), str(e)))


def label_text(label: str) -> str:
    """The client's file name as shown beside its result (never used as a path)."""
    return os.path.basename(label.replace("\\", "/"))[:120] or "?"


_DETECTED: OrderedDict[str, DocumentMetadata] = OrderedDict()   # sha256 of the bytes -> header
_DETECTED_MAX = 64
_DETECTED_LOCK = threading.Lock()


def detected_metadata(name: str, corpus: Path) -> DocumentMetadata:
    """What the header of a document added by upload says, read once per content (the section
    re-read it on every rerun: 19-23 s per click once a slow document was there)."""
    digest = hashlib.sha256(intake.uploaded_path(name, corpus).read_bytes()).hexdigest()
    with _DETECTED_LOCK:
        if digest in _DETECTED:
            _DETECTED.move_to_end(digest)
            return _DETECTED[digest]
    meta = intake.uploaded_metadata(name, corpus)
    with _DETECTED_LOCK:
        _DETECTED[digest] = meta
        while len(_DETECTED) > _DETECTED_MAX:
            _DETECTED.popitem(last=False)
    return meta


def added_fields(name: str, corpus: Path) -> tuple[DocumentMetadata, dict[str, str]]:
    """(what the header of a document added by upload says, its fields as corrected now)."""
    detected = detected_metadata(name, corpus)
    try:
        corrected = apply_sidecar(detected, read_sidecar(corpus / name) or {})
    except ValueError:   # a sidecar that cannot be used (the indexer leaves it out too)
        corrected = detected
    return detected, field_values(corrected)
