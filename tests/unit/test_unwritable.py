"""A new index version that cannot be written (full disk, read-only folder) never takes the
last good one down: it keeps answering, the reason and the command are said once, and the
failed build leaves nothing behind. Full disk and read-only are injected as the OS reports them
(ENOSPC, EROFS); tools.reliability repeats these trials on a real tmpfs and a read-only mount."""
from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

import pytest

import indexer.index.build as build_module
from indexer.index import folder as store
from indexer.index.build import build_index
from search import service
from search.engine import Searcher
from tests.paths import PLANS

CORPUS = PLANS


@pytest.fixture
def built(tmp_path, fake_embedder_cls, monkeypatch):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for p in sorted(CORPUS.glob("*.txt"))[:2]:
        (corpus / p.name).write_text(p.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    index = tmp_path / "index"
    build_index(corpus, index, fake_embedder_cls())
    # the service would load the real model: the fake one stands in for it
    monkeypatch.setattr(service, "embedder_for", lambda index_dir: fake_embedder_cls())
    monkeypatch.setattr(service, "Searcher", lambda d: Searcher(d, embedder=fake_embedder_cls()))
    return corpus, index


def answers(index: Path, embedder) -> list:
    s = Searcher(index, embedder=embedder)
    return [[(h.passage.doc, h.passage.char_start, h.score) for h in s.search(q, k=5).hits]
            for q in ("kế hoạch", "chuyen doi so", "an sinh xã hội")]


def change(corpus: Path) -> None:
    path = sorted(corpus.glob("*.txt"))[0]
    path.write_text(path.read_text(encoding="utf-8") + "\nVII. BỔ SUNG\n1. Bổ sung\nNội dung mới hoàn toàn về chuyển đổi số tại cấp xã.\n",
                    encoding="utf-8")


def full_disk_during_vectors(monkeypatch) -> None:
    """np.save writes half its file, then the disk is full."""
    def save(path, array, **kw):
        Path(path).write_bytes(b"\x93NUMPY" + b"\0" * 100)
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(store.np, "save", save)


def read_only_folder(monkeypatch) -> None:
    def mkdir(*a, **kw):
        raise OSError(errno.EROFS, "Read-only file system", "index")

    monkeypatch.setattr(store.Path, "mkdir", mkdir)


@pytest.mark.parametrize("fault", [full_disk_during_vectors, read_only_folder])
def test_the_last_good_index_answers_when_the_new_one_cannot_be_written(fault, built, fake_embedder_cls,
                                                                        monkeypatch):
    corpus, index = built
    before = answers(index, fake_embedder_cls())
    live = (index / "CURRENT").read_text()
    change(corpus)
    fault(monkeypatch)
    said = []
    searcher = service.open_searcher(index, corpus, log=said.append)
    monkeypatch.undo()
    assert [[(h.passage.doc, h.passage.char_start, h.score) for h in searcher.search(q, k=5).hits]
            for q in ("kế hoạch", "chuyen doi so", "an sinh xã hội")] == before
    assert (index / "CURRENT").read_text() == live
    assert not list(index.glob("tmp-*")) and len(list(index.glob("v-*"))) == 1
    warnings = [m for m in said if m.startswith("warning:")]
    assert len(warnings) == 1
    assert ("No space left" in warnings[0] or "Read-only" in warnings[0]) and "python -m indexer" in warnings[0]


def test_unwritable_carries_the_reason_and_the_command(built, fake_embedder_cls, monkeypatch):
    corpus, index = built
    change(corpus)
    full_disk_during_vectors(monkeypatch)
    with pytest.raises(store.IndexUnwritable) as info:
        build_index(corpus, index, fake_embedder_cls())
    assert info.value.errno == errno.ENOSPC
    assert "No space left on device" in info.value.problem and str(index) in info.value.problem
    assert info.value.command.endswith("python -m indexer")


def test_a_first_build_on_a_read_only_disk_is_refused_cleanly(tmp_path, fake_embedder_cls, monkeypatch):
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    read_only_folder(monkeypatch)
    with pytest.raises(store.IndexUnwritable, match="Read-only"):
        build_index(corpus, tmp_path / "index", fake_embedder_cls())


def test_a_failed_build_removes_its_half_written_folder(built, fake_embedder_cls, monkeypatch):
    corpus, index = built
    change(corpus)
    monkeypatch.setattr(build_module, "write_dense", lambda *a: (_ for _ in ()).throw(MemoryError()))
    with pytest.raises(MemoryError):
        build_index(corpus, index, fake_embedder_cls())
    assert not list(index.glob("tmp-*"))


def test_the_next_build_after_a_full_disk_completes(built, fake_embedder_cls, monkeypatch):
    """Once space is freed, the next build completes and serves the change."""
    corpus, index = built
    change(corpus)
    full_disk_during_vectors(monkeypatch)
    with pytest.raises(store.IndexUnwritable):
        build_index(corpus, index, fake_embedder_cls())
    monkeypatch.undo()
    report = build_index(corpus, index, fake_embedder_cls())
    assert not report.up_to_date and report.embedded > 0
    passages = Searcher(index, embedder=fake_embedder_cls()).passages
    assert any("Nội dung mới hoàn toàn" in p.text + " ".join(p.section) for p in passages)


def test_a_failing_update_of_another_kind_keeps_the_last_good_index(built, fake_embedder_cls, monkeypatch):
    """The model fails mid-update: not a disk problem, but the last good index still answers."""
    corpus, index = built
    before = answers(index, fake_embedder_cls())
    change(corpus)
    monkeypatch.setattr(service, "embedder_for", lambda d: fake_embedder_cls(fail_after_calls=0))
    said = []
    searcher = service.open_searcher(index, corpus, log=said.append)
    assert [[(h.passage.doc, h.passage.char_start, h.score) for h in searcher.search(q, k=5).hits]
            for q in ("kế hoạch", "chuyen doi so", "an sinh xã hội")] == before
    assert [m for m in said if m.startswith("warning:")] == [
        "warning: updating the index failed (RuntimeError: simulated embedding failure); searching the "
        "last good index, built before the corpus changed. To update it: python -m indexer"]
    assert not list(index.glob("tmp-*"))


def test_a_killed_builds_leftovers_are_removed_by_the_next_build(built, fake_embedder_cls):
    """kill -9 leaves a temp folder; the next build removes it at once (it may be what fills a
    full disk) but never the folder of a build that is still running."""
    import subprocess
    import sys

    corpus, index = built
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = index / f"tmp-{gone.pid}-abandoned"
    (dead / "lexical").mkdir(parents=True)
    (dead / "vectors.npy").write_bytes(b"\0" * 4096)
    live = index / f"tmp-{os.getppid()}-running"      # the test runner's parent is alive
    live.mkdir()
    change(corpus)
    build_index(corpus, index, fake_embedder_cls())
    assert not dead.exists() and live.exists()
