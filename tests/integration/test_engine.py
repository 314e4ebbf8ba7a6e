"""The search engine on the real index of the five plans in ./corpus (built once per session,
see conftest.py), plus the fusion function on hand-made lists whose numbers are computed by hand.

The phrases used here are picked from the corpus and are NOT the dev evaluation queries."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.read.corpus import read_corpus
from indexer.text import fold_accents, normalize_for_matching
from search.engine import Searcher
from search.query import Filters
from tests.paths import PLANS

CORPUS = PLANS
D000, D001, D002, D003, D004 = sorted(p.name for p in CORPUS.glob("*.txt"))


def norm(text: str) -> str:
    return normalize_for_matching(text)


def folded(text: str) -> str:
    return fold_accents(normalize_for_matching(text))


@pytest.fixture(scope="module")
def documents():
    reading = read_corpus(CORPUS)
    return {d.name: d for d in reading.documents}


def plans_containing(documents, phrase: str) -> set[str]:
    """Plans whose text contains phrase, compared after normalisation (NFC, case, tone marks)."""
    return {name for name, d in documents.items() if norm(phrase) in norm(d.text)}


def describe(hits) -> str:
    return "\n".join(f"  {n}. #{h.id} {h.passage.doc[:3]} {h.score:.5f} {h.reasons} "
                     f"{' '.join(h.passage.text.split())[:110]}" for n, h in enumerate(hits, 1))


# -- document numbers ------------------------------------------------------------------------

@pytest.mark.parametrize("query, number, doc", [
    ("Quyết định 2161/QĐ-TTg", "2161/QĐ-TTg", D002),
    ("Chương trình 78-CTr/TU của Tỉnh ủy", "78-CTr/TU", D003),
    ("Chương trình số 56-CTr/TU của Ban Thường vụ", "56-CTr/TU", D000),
    ("Chương trình số 99-CTr/TU", "99-CTr/TU", D002),
    ("Chương trình số 225-CTr/TU", "225-CTr/TU", D001),
    ("Quyết định số 1983/QĐ-TTg", "1983/QĐ-TTg", D004),
    ("Kế hoạch 68/KH-UBND của UBND tỉnh", "68/KH-UBND", D000),
])
def test_document_number_query_ranks_the_citing_passage_first(searcher, query, number, doc):
    result = searcher.search(query, k=10)
    assert result.query.kind == "reference"
    assert result.hits, query
    first = result.hits[0]
    assert number in first.passage.text, f"{query!r}:\n{describe(result.hits)}"
    assert first.passage.doc == doc
    assert "số hiệu" in first.reasons


@pytest.mark.parametrize("query, number", [
    ("Chương trình số 99-CTr/TU", "99-CTr/TU"),
    ("Chương trình 78-CTr/TU", "78-CTr/TU"),
    ("Kết luận 127-KL/TW", "127-KL/TW"),
])
def test_every_passage_citing_the_number_comes_before_any_other(searcher, query, number):
    citing = sum(number in p.text for p in searcher.passages)
    assert citing >= 1
    result = searcher.search(query, k=citing + 5)
    flags = [number in h.passage.text for h in result.hits]
    assert flags == [True] * citing + [False] * (len(flags) - citing), describe(result.hits)


@pytest.mark.parametrize("query, written_in_corpus", [
    ("Nghị quyết 42/NQ-TW", "42-NQ/TW"),        # separators swapped
    ("nghị quyết 42-nq/tw", "42-NQ/TW"),        # lower case
    ("Quyet dinh so 1983/QD-TTg", "1983/QĐ-TTg"),  # no diacritics (Đ -> D)
    ("Chương trình 56/CTr-TU", "56-CTr/TU"),
])
def test_a_number_written_differently_still_matches(searcher, query, written_in_corpus):
    result = searcher.search(query, k=5)
    assert result.query.kind == "reference", result.query
    assert result.hits
    assert written_in_corpus in result.hits[0].passage.text, describe(result.hits)
    assert "số hiệu" in result.hits[0].reasons


# -- accents ----------------------------------------------------------------------------------

@pytest.mark.parametrize("phrase", [
    "bảo hiểm thất nghiệp",
    "nhà ở xã hội",
    "người cao tuổi",
    "bình đẳng giới",
    "xuất khẩu lao động",
])
def test_accent_free_query_finds_the_same_passages(searcher, phrase):
    accented = searcher.search(phrase, k=10)
    plain_query = fold_accents(phrase)
    plain = searcher.search(plain_query, k=10)
    assert accented.query.kind == "vietnamese" and plain.query.kind == "noaccent"
    a_ids = [h.id for h in accented.hits]
    p_ids = [h.id for h in plain.hits]
    report = (f"{phrase!r}: accented top {a_ids[:5]}, unaccented top {p_ids[:5]}; rank of accented "
              f"top-1 in unaccented: {p_ids.index(a_ids[0]) + 1 if a_ids[0] in p_ids else None}\n"
              f"accented:\n{describe(accented.hits[:5])}\nunaccented:\n{describe(plain.hits[:5])}")
    # Both forms put a passage that contains the phrase first.
    assert norm(phrase) in norm(accented.hits[0].passage.text), report
    assert folded(phrase) in folded(plain.hits[0].passage.text), report
    # And they agree: their top 5 share at least three passages, their top 3 at least one, and
    # the accented form's best passage is in the unaccented form's top 10 (passages that all
    # contain the phrase trade places at the top: the vectors of unaccented text are weak).
    assert len(set(a_ids[:5]) & set(p_ids[:5])) >= 3, report
    assert set(a_ids[:3]) & set(p_ids[:3]), report
    assert a_ids[0] in p_ids[:10], report


# -- per-plan grouping ------------------------------------------------------------------------

PHRASES_IN_SOME_PLANS = [
    "trục lợi chính sách",            # 000, 001, 002
    "ngân hàng chính sách xã hội",    # 002, 003
    "xuất khẩu lao động",             # 000, 002
    "bình đẳng giới",                 # 004
    "tín dụng chính sách",            # 000, 002, 003, 004
]


@pytest.mark.parametrize("phrase", PHRASES_IN_SOME_PLANS + ["hộ cận nghèo", "thiên tai"])
def test_each_plan_containing_the_phrase_has_a_group_led_by_it(searcher, documents, phrase):
    containing = plans_containing(documents, phrase)
    assert containing, f"{phrase!r} occurs in no plan"
    result = searcher.search(phrase, k=10)
    groups = {g.doc: g for g in result.groups}
    assert set(groups) == set(documents)   # no filter: one group per plan
    for doc in containing:
        assert groups[doc].hits, f"{doc} contains {phrase!r} but its group is empty"
        assert norm(phrase) in norm(groups[doc].hits[0].passage.text), \
            f"{doc}: first hit does not contain {phrase!r}:\n{describe(groups[doc].hits)}"
    # The plans that contain the phrase are listed before those that do not.
    order = [g.doc in containing for g in result.groups]
    assert order == sorted(order, reverse=True), [(g.doc[:3], g.doc in containing) for g in result.groups]
    for g in result.groups:
        assert [h.score for h in g.hits] == sorted((h.score for h in g.hits), reverse=True)


@pytest.mark.parametrize("phrase", PHRASES_IN_SOME_PLANS)
def test_groups_with_hits_are_exactly_the_plans_containing_the_phrase(searcher, documents, phrase):
    # Phrases are compared without diacritics (queries are often typed without them), so 003's
    # misspelling "trực lợi chính sách" counts as containing "trục lợi chính sách".
    containing = {name for name, d in documents.items() if folded(phrase) in folded(d.text)}
    result = searcher.search(phrase, k=10)
    with_hits = {g.doc for g in result.groups if g.hits}
    assert with_hits == containing


# -- query kinds ------------------------------------------------------------------------------

@pytest.mark.parametrize("query, kind", [
    ("support for elderly people living alone", "english"),
    ("unemployment insurance for workers", "english"),
    ("ho tro nguoi cao tuoi song mot minh", "noaccent"),
    ("bao hiem that nghiep", "noaccent"),
    ("Kế hoạch 743/KH-UBND", "reference"),
    ("42-NQ/TW", "reference"),
    ("hỗ trợ người cao tuổi sống một mình", "vietnamese"),
])
def test_query_kind(searcher, query, kind):
    analysis = searcher.analyze(query)
    assert analysis.kind == kind, analysis
    if kind == "reference":
        assert analysis.doc_numbers


# -- filters ----------------------------------------------------------------------------------

@pytest.mark.parametrize("filters, expected_docs", [
    (Filters(levels=("tỉnh",)), {D002, D003, D004}),
    (Filters(levels=("xã",)), {D000}),
    (Filters(provinces=("Thanh Hóa",)), {D000, D004}),
    (Filters(documents=(D001, D003)), {D001, D003}),
    (Filters(years=(2024,)), {D000, D001, D003}),
    (Filters(levels=("tỉnh",), years=(2024,)), {D003}),
])
@pytest.mark.parametrize("query", ["người cao tuổi", "Nghị quyết 42-NQ/TW", "bao hiem y te"])
def test_filters_restrict_every_hit_and_group(searcher, filters, expected_docs, query):
    result = searcher.search(query, k=30, filters=filters)
    assert result.hits
    assert {h.passage.doc for h in result.hits} <= expected_docs, describe(result.hits)
    assert {g.doc for g in result.groups} == expected_docs
    for g in result.groups:
        assert all(h.passage.doc == g.doc for h in g.hits)


def test_filter_matching_no_plan_returns_nothing(searcher):
    result = searcher.search("người cao tuổi", filters=Filters(provinces=("Hà Nội",)))
    assert result.hits == () and result.groups == ()


# -- empty queries ----------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["", "   ", " \n\t ", "?!", None])
def test_empty_query_gives_no_hits_and_a_message(searcher, query):
    result = searcher.search(query)
    assert result.hits == ()
    assert result.message.strip()


# -- fusion -----------------------------------------------------------------------------------













# -- save -> load -> identical results -----------------------------------------------------------

QUERIES = ["người cao tuổi", "bao hiem that nghiep", "Nghị quyết 125/NQ-CP",
           "support for people with disabilities", "nâng cao chất lượng dân số"]


def snapshot(searcher: Searcher):
    out = []
    for q in QUERIES:
        r = searcher.search(q, k=10)
        out.append((q, r.query.kind, [(h.id, h.score, h.passage.doc, h.passage.text) for h in r.hits],
                    [(g.doc, [h.id for h in g.hits]) for g in r.groups]))
    return out


def test_loading_again_gives_identical_results(searcher, real_index, default_embedder, tmp_path):
    expected = snapshot(searcher)
    assert snapshot(Searcher(real_index, embedder=default_embedder)) == expected
    copy = tmp_path / "copied-index"
    shutil.copytree(real_index, copy)
    moved = Searcher(copy, embedder=default_embedder)
    assert moved.manifest == searcher.manifest
    assert snapshot(moved) == expected


def test_hits_are_verbatim_slices_of_the_plans(searcher, documents):
    for q in QUERIES:
        for h in searcher.search(q, k=10).hits:
            p = h.passage
            assert documents[p.doc].text[p.char_start:p.char_end] == p.text
            assert p.citation
