"""The upload password's back-off (per client and for everyone), its log lines, and the page's
upload section reading an added document's header once per content, not on every rerun."""
from __future__ import annotations

import logging

from indexer.read import intake
from search.page import upload
from tests.paths import PLANS


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_client_waits_longer_after_each_wrong_password(caplog):
    clock = Clock()
    guard = upload.PasswordGuard(clock)
    with caplog.at_level(logging.WARNING, logger="plansearch.upload"):
        assert guard.attempt("10.0.0.1", "sai", "đúng") == (False, 1.0)
        assert guard.attempt("10.0.0.1", "đúng", "đúng")[0] is False   # still waiting: not compared
        clock.now += 1.0
        assert guard.attempt("10.0.0.1", "sai2", "đúng") == (False, 2.0)
        clock.now += 2.0
        assert guard.attempt("10.0.0.1", "sai3", "đúng") == (False, 4.0)
        assert guard.attempt("10.0.0.2", "đúng", "đúng") == (True, 0.0)  # another client is not held
        clock.now += 4.0
        assert guard.attempt("10.0.0.1", "đúng", "đúng") == (True, 0.0)
    failures = [r.getMessage() for r in caplog.records if "wrong password" in r.getMessage()]
    assert len(failures) == 3 and "10.0.0.1" in failures[0] and "failure 3" in failures[2]


def test_guesses_per_client_are_few_and_the_wait_is_capped():
    clock = Clock()
    guard = upload.PasswordGuard(clock)
    compared = 0
    for _ in range(3600 * 10):      # a guess every 0.1 s for an hour (7.7-11 per second before)
        if guard.wait("x") == 0:
            compared += 1
        assert guard.attempt("x", "sai", "đúng")[1] <= guard.MAX_WAIT
        clock.now += 0.1
    assert compared <= 25


def test_many_clients_failing_together_hold_everyone():
    clock = Clock()
    guard = upload.PasswordGuard(clock)
    for i in range(guard.FAILURES_PER_MINUTE):
        guard.attempt(f"10.0.1.{i}", "sai", "đúng")
        clock.now += 0.5
    accepted, wait = guard.attempt("10.0.2.1", "đúng", "đúng")
    assert not accepted and 0 < wait <= guard.GLOBAL_WAIT
    clock.now += guard.GLOBAL_WAIT
    assert guard.attempt("10.0.2.1", "đúng", "đúng") == (True, 0.0)


def test_added_document_header_is_read_once_per_content(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    checked = intake.check((PLANS / "000_2cf1338897e214e5.txt").read_bytes(), corpus)
    intake.save(checked, corpus)
    calls = []
    real = intake.uploaded_metadata
    monkeypatch.setattr(intake, "uploaded_metadata", lambda *a: calls.append(a) or real(*a))
    first = upload.added_fields(checked.name, corpus)
    for _ in range(5):    # five reruns of the page
        assert upload.added_fields(checked.name, corpus) == first
    assert len(calls) == 1
