"""The "Theo văn bản" tab for a collection of any size, decided without Streamlit (issue #26):
facets count what answers per type, three documents to a row with their best passage first, every
other answering document in the one-click list, nothing counted that does not answer."""
from __future__ import annotations

from indexer.models import DocumentMetadata, Passage
from search.page import compare
from search.query import QueryAnalysis
from search.results import DocumentGroup, Hit, SearchResult

PLAN = DocumentMetadata(doc_type="Kế hoạch", number="1/KH-UBND", issuer="UBND tỉnh A")
LAW = DocumentMetadata(doc_type="Luật", title="Luật B")


def group(doc: str, meta: DocumentMetadata, scores: tuple[float, ...]) -> DocumentGroup:
    hits = tuple(Hit(n, Passage(doc, f"đoạn {n}", ("I. Mục tiêu",), ("I",), 1, 1, n, n + 5), meta, s, answers=True)
                 for n, s in enumerate(scores))
    return DocumentGroup(doc, meta, hits)


def result(*groups: DocumentGroup) -> SearchResult:
    return SearchResult(QueryAnalysis("q", (), (), "vietnamese", ()), (), groups)


def test_facets_count_answering_documents_per_type():
    r = result(group("p1", PLAN, (0.9,)), group("l1", LAW, (0.8,)), group("l2", LAW, ()), group("l3", LAW, ()),
               group("x", DocumentMetadata(), ()))
    assert [f.label for f in compare.facets(r)] == ["Luật (1/3)", "Kế hoạch (1/1)", "Khác (0/1)"]   # most answering first, then the larger type
    assert [g.doc for g in compare.answering(r)] == ["p1", "l1"]
    assert [g.doc for g in compare.in_types(compare.answering(r), ["Luật"])] == ["l1"]


def test_three_to_a_row_best_passage_first_and_the_rest_in_the_list():
    groups = tuple(group(f"d{n}", PLAN, (1.0 - n / 10, 0.1)) for n in range(8))
    chosen = compare.default_choice(groups)
    assert chosen == ("d0", "d1", "d2")
    bands = compare.bands(groups, chosen + ("d5", "d6"))
    assert [[c.group.doc for c in b.columns] for b in bands] == [["d0", "d1", "d2"], ["d5", "d6"]]
    assert all(c.best == c.group.hits[0] for b in bands for c in b.columns)          # the first row
    assert all(h not in [c.best for c in b.columns] for b in bands for row in b.rows for cell in row.cells for h in cell)
    assert [g.doc for g in compare.others(groups, chosen + ("d5", "d6"))] == ["d3", "d4", "d7"]
    assert compare.PER_ROW * compare.MIN_COLUMN_PX <= 930   # three columns fit beside the sidebar at 1400 px


def test_never_more_side_by_side_than_the_selector_allows():
    groups = tuple(group(f"d{n}", PLAN, (1.0 - n / 10,)) for n in range(9))
    bands = compare.bands(groups, [g.doc for g in groups])
    assert sum(len(b.columns) for b in bands) == compare.MAX_SIDE_BY_SIDE


def test_a_grid_cell_names_the_last_two_headings_the_citation_the_whole_path():
    from search.page.view import crumb

    p = Passage("a.txt", "x", ("III. NHIỆM VỤ", "6. Nâng cao phúc lợi", "6.5. *Về nhà ở:*"), ("III", "6", "6.5"), 1, 1, 0, 1)
    assert crumb(p) == "III. NHIỆM VỤ › 6. Nâng cao phúc lợi › 6.5. Về nhà ở:"
    assert crumb(p, short=True) == "… › 6. Nâng cao phúc lợi › 6.5. Về nhà ở:"
    assert crumb(Passage("a.txt", "x", ("I. A",), ("I",), 1, 1, 0, 1), short=True) == "I. A"
