"""What a hostile corpus folder holds: FIFOs, devices, sockets and links to them are never
opened (one warning each); deep HTML is read in linear time; staleness is checked by stat,
hashing only what changed; documents that would look the same are told apart."""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest

from indexer.index import folder as store
from indexer.index.build import build_index, index_is_current
from indexer.read.corpus import corpus_files, read_corpus
from indexer.read.formats import UnreadableFile, read_text
from indexer.inspect import inspect_corpus
from search.engine import Searcher
from tests.paths import PLANS

CORPUS = PLANS


def within(seconds: float, fn, *args):
    """fn(*args) in a thread; fails (instead of hanging the suite) when it takes longer."""
    out: dict = {}

    def run():
        try:
            out["value"] = fn(*args)
        except BaseException as e:  # noqa: BLE001 - handed to the test
            out["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"{getattr(fn, '__name__', fn)} hung for {seconds} s"
    if "error" in out:
        raise out["error"]
    return out["value"]


@pytest.fixture
def hostile(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for p in sorted(CORPUS.glob("*.txt"))[:2]:
        (corpus / p.name).write_text(p.read_text(encoding="utf-8")[:4000], encoding="utf-8")
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "zero.txt").symlink_to("/dev/zero")
    (corpus / "null.md").symlink_to("/dev/null")
    (corpus / "nowhere.txt").symlink_to(tmp_path / "missing.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(corpus / "sock.txt"))
    yield corpus
    sock.close()


SPECIALS = {"pipe.txt", "zero.txt", "null.md", "nowhere.txt", "sock.txt"}


def test_only_regular_files_are_candidates(hostile):
    specials: list = []
    files = within(5, corpus_files, hostile, specials)
    assert {p.name for p in files} == {p.name for p in sorted(CORPUS.glob("*.txt"))[:2]}
    assert {s.name for s in specials} == SPECIALS
    assert all("not a regular file" in s.reason or "link to nothing" in s.reason for s in specials)


def test_reading_skips_each_special_file_once_with_a_warning(hostile, caplog):
    reading = within(10, read_corpus, hostile)
    assert len(reading.documents) == 2
    assert sorted(s.name for s in reading.skipped) == sorted(SPECIALS)
    warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert all(sum(name in w for w in warned) == 1 for name in SPECIALS)


def test_building_and_inspecting_do_not_hang(hostile, tmp_path, fake_embedder_cls):
    report = within(30, build_index, hostile, tmp_path / "index", fake_embedder_cls())
    assert report.documents == 2 and {n for n, _ in report.skipped} == SPECIALS
    assert within(10, index_is_current, tmp_path / "index", hostile)
    text = within(30, inspect_corpus, hostile)
    assert "SKIPPED pipe.txt" in text and "SKIPPED zero.txt" in text


def test_a_name_that_is_not_utf8_is_skipped_not_a_crash(tmp_path, fake_embedder_cls):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(sorted(CORPUS.glob("*.txt"))[0], corpus / "ok.txt")
    with open(os.path.join(os.fsencode(corpus), b"bad-\xff.txt"), "wb") as f:
        f.write(sorted(CORPUS.glob("*.txt"))[1].read_bytes()[:3000])
    report = build_index(corpus, tmp_path / "index", fake_embedder_cls())
    assert report.documents == 1
    assert report.skipped == (("bad-\ufffd.txt", "its name is not valid UTF-8: rename it"),)
    assert list(Searcher(tmp_path / "index", embedder=fake_embedder_cls()).documents) == ["ok.txt"]


def test_a_fifo_swapped_in_after_listing_is_refused_not_read(tmp_path):
    os.mkfifo(tmp_path / "late.txt")
    with pytest.raises(UnreadableFile, match="not a regular file"):
        within(5, read_text, tmp_path / "late.txt")
    (tmp_path / "z.txt").symlink_to("/dev/zero")
    with pytest.raises(UnreadableFile, match="not a regular file"):
        within(5, read_text, tmp_path / "z.txt")


# -- linear HTML -------------------------------------------------------------------------------

def _nested_html_steps(path: Path, n: int, monkeypatch) -> int:
    """Read n nested divs; the number of node checks the reader made (its work, counted instead
    of timed: a timed bound fails on a loaded machine)."""
    from indexer.read import html_text

    steps = [0]
    check = html_text._is_tag

    def counted(node):
        steps[0] += 1
        return check(node)

    monkeypatch.setattr(html_text, "_is_tag", counted)
    path.write_bytes(("<html><body>" + "<div>chữ " * n + "nội dung" + "</div>" * n + "</body></html>").encode())
    text = within(120, read_text, path)
    assert text.count("chữ") == n and text.endswith("nội dung")
    return steps[0]


def test_deeply_nested_html_is_read_in_linear_time(tmp_path, monkeypatch):
    """20,000 nested divs (340 KB) took 56-144 s before the flattening walk (0.7 s after, on an
    idle machine: `python -m tools.bench_staleness` prints the figure). Five times the nesting must
    cost five times the work, not 25 times: counted in node checks, not in seconds."""
    small = _nested_html_steps(tmp_path / "small.html", 2000, monkeypatch)
    large = _nested_html_steps(tmp_path / "large.html", 10000, monkeypatch)
    assert small > 2000 and large < 6 * small, (small, large)


def test_html_keeps_a_form_that_holds_the_page_but_drops_chrome(tmp_path):
    path = tmp_path / "portal.html"
    path.write_text("<html><body><nav>Trang chủ</nav><form><div>Kế hoạch số 1/KH-UBND</div>"
                    "<p>Nội dung chính của kế hoạch<br>dòng hai</p><pre>a   b</pre></form>"
                    "<footer>Bản quyền</footer><script>x()</script></body></html>", encoding="utf-8")
    assert read_text(path).split("\n") == ["Kế hoạch số 1/KH-UBND", "Nội dung chính của kế hoạch",
                                           "dòng hai", "a b"]


# -- staleness by stat -------------------------------------------------------------------------

@pytest.fixture
def indexed(tmp_path, fake_embedder_cls) -> tuple[Path, Path]:
    """(corpus, index): a copy of the five plans and its fake-embedded index."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    build_index(corpus, tmp_path / "index", fake_embedder_cls())
    return corpus, tmp_path / "index"


def test_staleness_hashes_only_files_whose_stat_changed(indexed, monkeypatch):
    corpus, index = indexed
    hashed = []
    real = store.sha256_file
    monkeypatch.setattr(store, "sha256_file", lambda p: hashed.append(Path(p).name) or real(p))
    assert index_is_current(index, corpus) and not hashed
    path = sorted(corpus.glob("*.txt"))[1]
    path.write_text(path.read_text(encoding="utf-8") + "\nthêm", encoding="utf-8")
    assert not index_is_current(index, corpus) and hashed == [path.name]
    hashed.clear()
    (corpus / (path.stem + ".json")).write_text('{"province": "Gia Lai"}', encoding="utf-8")
    assert not index_is_current(index, corpus)


def test_an_edit_that_keeps_size_and_mtime_is_still_seen(indexed):
    """The edit a stat check could miss: same size, mtime put back (touch -d, cp -p)."""
    corpus, index = indexed
    path = sorted(corpus.glob("*.txt"))[0]
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("Kế hoạch", "Kế hoạcX", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    assert not index_is_current(index, corpus)


def test_a_touched_but_unchanged_file_is_still_current(indexed, fake_embedder_cls):
    corpus, index = indexed
    path = sorted(corpus.glob("*.txt"))[0]
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
    assert index_is_current(index, corpus)          # the hash says nothing changed
    assert build_index(corpus, index, fake_embedder_cls()).up_to_date


# -- documents that would look the same --------------------------------------------------------

def test_same_looking_plans_get_distinct_labels_and_citations(tmp_path, fake_embedder_cls):
    from indexer.structure.citation import document_label

    corpus = tmp_path / "corpus"
    text = (CORPUS / sorted(p.name for p in CORPUS.glob("*.txt"))[0]).read_text(encoding="utf-8")[:4000]
    for sub in ("huyen-a", "huyen-b"):
        (corpus / sub).mkdir(parents=True)
        (corpus / sub / "plan.txt").write_text(text + f"\n\nGhi chú riêng của {sub}.", encoding="utf-8")
    (corpus / "x.txt").write_text("1. Mục tiêu\nNâng cao đời sống người dân vùng khó khăn.\n", encoding="utf-8")
    (corpus / "y.txt").write_text("1. Mục tiêu\nBảo đảm an sinh xã hội cho mọi người dân.\n", encoding="utf-8")
    (corpus / "z.txt").write_text((CORPUS / sorted(p.name for p in CORPUS.glob("*.txt"))[1])
                                  .read_text(encoding="utf-8")[:4000], encoding="utf-8")
    build_index(corpus, tmp_path / "index", fake_embedder_cls())
    s = Searcher(tmp_path / "index", embedder=fake_embedder_cls())
    labels = {doc: document_label(meta) for doc, meta in s.documents.items()}
    assert len(set(labels.values())) == len(labels) == 5
    assert "huyen-a/plan.txt" in labels["huyen-a/plan.txt"] and "x.txt" in labels["x.txt"]
    assert "z.txt" not in labels["z.txt"]                  # a plan that stands out keeps its label
    heads = {}
    for p in s.passages:
        heads.setdefault(p.doc, set()).add(p.citation.split(", mục")[0])
    assert all(len(h) == 1 for h in heads.values())
    assert len({next(iter(h)) for h in heads.values()}) == 5
