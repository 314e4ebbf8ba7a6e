"""The Milvus backend against a real server: milvus-lite's gRPC server on a free loopback port,
the seed corpus indexed through the CLI, the same queries asked of both engines.

Skipped when pymilvus or milvus-lite is not installed (pip install -r requirements-milvus.txt).
The queries are written for this test (topics, accent-free, English, document numbers)."""
from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from indexer.index.folder import IndexMissing  # noqa: E402
from indexer.milvus.store import all_rows, connect, passages_name  # noqa: E402
from search.milvus_source import open_milvus_searcher  # noqa: E402
from search.page import texts  # noqa: E402
from search.query import Filters  # noqa: E402
from search.sources import Scope  # noqa: E402
from tests.conftest import CORPUS, run_cli  # noqa: E402
from tools.bench_milvus import start_server, stop_server  # noqa: E402

pytestmark = pytest.mark.slow

QUERIES = [
    # topics
    "chăm lo đời sống người cao tuổi", "bảo hiểm xã hội tự nguyện cho nông dân", "giảm nghèo đa chiều bền vững",
    "nước sạch và vệ sinh môi trường nông thôn", "đào tạo nghề cho lao động nông thôn",
    "trẻ em có hoàn cảnh đặc biệt khó khăn", "chuyển đổi số trong cung cấp dịch vụ xã hội",
    "ứng phó thiên tai và biến đổi khí hậu", "trợ giúp xã hội thường xuyên", "tuyên truyền quán triệt nghị quyết",
    # without diacritics
    "nha o xa hoi cho cong nhan", "bao hiem y te toan dan", "nguoi co cong voi cach mang", "xuat khau lao dong",
    # English
    "social housing for low income workers", "health insurance coverage", "vocational training for rural workers",
    # document numbers
    "Quyết định 2161/QĐ-TTg", "Nghị quyết 42-NQ/TW", "Chương trình 78-CTr/TU",
]
NEW_PARAGRAPH = "Ưu tiên dạy bơi an toàn miễn phí cho con em các hộ làm nghề thợ lặn ven biển."


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def milvus_uri(tmp_path_factory):
    """milvus-lite's server on a free loopback port; stopped by its PID, also when a test fails."""
    proc, uri = start_server(tmp_path_factory.mktemp("milvus-data"))
    try:
        yield uri
    finally:
        stop_server(proc)


@pytest.fixture(scope="module")
def milvus_corpus(tmp_path_factory) -> Path:
    """A copy of the seed corpus (the update test changes one plan in it)."""
    corpus = tmp_path_factory.mktemp("milvus-corpus") / "corpus"
    shutil.copytree(CORPUS, corpus)
    return corpus


@pytest.fixture(scope="module")
def milvus_index(milvus_uri, milvus_corpus) -> str:
    done = run_cli("indexer", "--corpus", str(milvus_corpus), "--milvus", milvus_uri, timeout=900)
    assert done.returncode == 0, done.stderr
    assert "indexed 5 documents" in done.stderr, done.stderr
    return milvus_uri


@pytest.fixture(scope="module")
def milvus_searcher(milvus_index, default_embedder):
    return open_milvus_searcher(milvus_index, embedder=default_embedder)


def top_keys(searcher, query: str, k: int = 10, filters: Filters = Filters()) -> list[tuple[str, int]]:
    return [(h.passage.doc, h.passage.char_start) for h in searcher.search(query, k=k, filters=filters).hits]


def overlap(a: list, b: list) -> float:
    """Shared share of two ranked lists (two empty lists agree)."""
    return len(set(a) & set(b)) / max(len(a), len(b)) if a or b else 1.0


def test_top_10_matches_the_embedded_engine(searcher, milvus_searcher):
    overlaps = {q: overlap(top_keys(searcher, q), top_keys(milvus_searcher, q)) for q in QUERIES}
    mean = sum(overlaps.values()) / len(overlaps)
    print(f"\nmean top-10 overlap, Milvus vs embedded, {len(QUERIES)} queries: {mean:.3f}")
    for q, o in overlaps.items():
        print(f"  {o:.1f}  {q}")
    assert mean >= 0.9, overlaps
    assert min(overlaps.values()) >= 0.5, overlaps


def test_each_ranked_list_close_to_the_embedded_one(searcher, milvus_searcher):
    """BM25 in Milvus is not bm25s (statistics per segment, float32 sums): the lists themselves
    are compared, top 20, to show how far they differ before fusion."""
    everything = Scope(Filters())
    per_list: dict[str, list[float]] = {"words": [], "folded": [], "dense": []}
    for q in QUERIES:
        a = searcher.analyze(q)
        for field, tokens in (("words", a.words), ("folded", a.folded)):
            if tokens:
                mine = searcher.source.lexical(field, tokens, everything, 20)
                theirs = milvus_searcher.source.lexical(field, tokens, everything, 20)
                per_list[field].append(overlap([searcher.passages[i] for i in mine],
                                               [milvus_searcher.passages[i] for i in theirs]))
        vec = searcher.embedder.embed_query(a.text)
        mine = [searcher.passages[i] for i, _ in searcher.source.dense(vec, everything, 20)]
        theirs = [milvus_searcher.passages[i] for i, _ in milvus_searcher.source.dense(vec, everything, 20)]
        per_list["dense"].append(overlap(mine, theirs))
    means = {k: sum(v) / len(v) for k, v in per_list.items()}
    print("\nmean top-20 overlap per ranked list, Milvus vs embedded: "
          + ", ".join(f"{k} {v:.3f}" for k, v in means.items()))
    assert means["dense"] >= 0.95 and means["words"] >= 0.8 and means["folded"] >= 0.8, means


def test_same_passages_and_plans(searcher, milvus_searcher):
    assert milvus_searcher.passages == searcher.passages   # references and their targets included
    assert sum(len(p.references) for p in milvus_searcher.passages) >= 100
    assert milvus_searcher.documents == searcher.documents


@pytest.mark.parametrize("filters", [
    Filters(provinces=("Gia Lai",)),
    Filters(levels=("huyện", "xã")),
    Filters(years=(2022,)),
    Filters(provinces=("Gia Lai", "Thanh Hóa"), years=(2025,)),
])
def test_filters(searcher, milvus_searcher, filters):
    seen = 0
    for q in ("bảo hiểm y tế", "nha o xa hoi", "vocational training", "Quyết định 2161/QĐ-TTg"):
        hits = milvus_searcher.search(q, k=10, filters=filters).hits
        assert all(filters.accepts(h.passage.doc, h.metadata) for h in hits), q
        assert overlap(top_keys(milvus_searcher, q, filters=filters), top_keys(searcher, q, filters=filters)) >= 0.8, q
        seen += len(hits)
    assert seen > 0, filters


def test_cli_json_from_milvus(milvus_index):
    done = run_cli("search", "--milvus", milvus_index, "--json", "--k", "3", "--province", "Gia Lai", "nhà ở xã hội")
    assert done.returncode == 0, done.stderr
    hits = json.loads(done.stdout)["hits"]
    assert len(hits) == 3 and all(h["doc"] for h in hits)


def test_page_searches_milvus_when_set(milvus_index, milvus_searcher, monkeypatch):
    from tests.integration.test_app import new_app, run_search

    monkeypatch.setenv("PLANSEARCH_MILVUS", milvus_index)
    monkeypatch.setenv("PLANSEARCH_INDEX", "/nonexistent/index")  # the page must not need a folder
    at = run_search(new_app(), "nhà ở xã hội")
    ranked = at.tabs[1]
    assert [c.value for c in ranked.code] == [h.passage.citation for h in milvus_searcher.search("nhà ở xã hội").hits]

    monkeypatch.setenv("PLANSEARCH_MILVUS", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    at = new_app()
    assert [e.value for e in at.error] == [texts.INDEX_PROBLEM]
    assert "PLANSEARCH_MILVUS" in at.code[0].value


def test_a_server_that_is_down_gives_a_clear_message():
    uri = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    for args in (("search", "--milvus", uri, "nhà ở"), ("indexer", "--milvus", uri)):
        done = run_cli(*args, timeout=120)
        assert done.returncode == 2, done.stderr
        assert f"cannot use the Milvus server at {uri}" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr, done.stderr


def test_a_server_without_the_index_says_what_to_run(milvus_uri, default_embedder):
    with pytest.raises(IndexMissing, match=f"run: python -m indexer --milvus {milvus_uri}"):
        open_milvus_searcher(milvus_uri, embedder=default_embedder, prefix="nothing_here")


def rows_by_doc(uri: str) -> dict[str, set[int]]:
    client = connect(uri)
    try:
        rows = all_rows(client, passages_name(), ["id", "doc"])
    finally:
        client.close()
    out: dict[str, set[int]] = {}
    for r in rows:
        out.setdefault(r["doc"], set()).add(r["id"])
    return out


def test_update_of_one_document_rewrites_only_it(milvus_index, milvus_corpus):
    """Last in this file: it changes the indexed corpus."""
    before = rows_by_doc(milvus_index)
    same = run_cli("indexer", "--corpus", str(milvus_corpus), "--milvus", milvus_index)
    assert same.returncode == 0 and "index up to date" in same.stderr, same.stderr
    assert rows_by_doc(milvus_index) == before

    changed = sorted(before)[1]
    path = milvus_corpus / changed
    lines = path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("2. ")) + 1
    path.write_text("\n".join(lines[:at] + [NEW_PARAGRAPH] + lines[at:]), encoding="utf-8")
    done = run_cli("indexer", "--corpus", str(milvus_corpus), "--milvus", milvus_index, timeout=600)
    assert done.returncode == 0, done.stderr
    after = rows_by_doc(milvus_index)
    for doc in before:
        if doc != changed:
            assert after[doc] == before[doc], f"{doc} was re-written"
    assert after[changed] and not after[changed] & before[changed]
    assert f"({len(after[changed])} embedded, " in done.stderr, done.stderr

    found = run_cli("search", "--milvus", milvus_index, "--json", "--k", "1", "dạy bơi cho con em thợ lặn")
    assert found.returncode == 0, found.stderr
    hit = json.loads(found.stdout)["hits"][0]
    assert hit["doc"] == changed and "thợ lặn" in hit["text"]


def test_a_milvus_lite_file_build_prints_no_traceback(tmp_path):
    """`indexer --milvus FILE.db` printed four gRPC tracebacks (AllocTimestamp) on success."""
    import subprocess
    import sys

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "000_2cf1338897e214e5.txt", corpus)
    script = ("import logging, sys\n"
              "logging.basicConfig(level=logging.WARNING, stream=sys.stderr)\n"
              "from indexer.milvus.store import build_milvus\n"
              "from pathlib import Path\n"
              "from tests.fakes import FakeEmbedder\n"
              f"build_milvus(Path({str(corpus)!r}), {str(tmp_path / 'm.db')!r}, FakeEmbedder())\n"
              "print('built', file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600,
                          cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0 and "built" in done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stderr and "ERROR" not in done.stderr, done.stderr[-2000:]
