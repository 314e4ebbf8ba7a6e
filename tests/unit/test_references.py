"""References written in a passage, hand-written for every pattern: points, clauses and articles,
lists and ranges, short forms and their antecedents, documents by number or title, a reference
split by a line break, words that only look like one ("Điều kiện", an article's own heading);
resolution against a small corpus; the parser's work grows linearly with its input."""
import pytest

from indexer.models import Document, DocumentMetadata, Reference, Target
from indexer.references import extract as extract_module
from indexer.references.extract import extract
from indexer.references.outline import Place
from indexer.references.resolve import annotate, counts, extract_passages
from indexer.structure.passages import passages_for

HERE = Place("9", "4", "")


def found(text: str, place: Place = HERE, titles=frozenset()) -> list[tuple]:
    return [(r.text, r.number, r.title, r.article, r.clause, r.point) for r in extract(text, lambda o: place, titles)]


@pytest.mark.parametrize("text, expected", [
    ("theo điểm a khoản 2 Điều 5 của Luật này.", [("điểm a khoản 2 Điều 5 của Luật này", "", "", "5", "2", "a")]),
    ("tại khoản 1 và khoản 3 Điều 8;", [("khoản 1 và khoản 3 Điều 8", "", "", "8", "1", ""),
                                        ("khoản 1 và khoản 3 Điều 8", "", "", "8", "3", "")]),
    ("các Điều 5, 6 và 7", [("các Điều 5, 6 và 7", "", "", a, "", "") for a in "567"]),
    ("từ Điều 5 đến Điều 8", [("từ Điều 5 đến Điều 8", "", "", a, "", "") for a in "5678"]),
    ("các điểm a, b và c khoản 2 Điều 5", [("các điểm a, b và c khoản 2 Điều 5", "", "", "5", "2", p) for p in "abc"]),
    ("khoản 1 Điều 5 và Điều 6", [("khoản 1 Điều 5 và Điều 6", "", "", "5", "1", ""),
                                 ("khoản 1 Điều 5 và Điều 6", "", "", "6", "", "")]),
])
def test_points_clauses_articles_lists_and_ranges(text, expected):
    assert found(text) == expected


def test_short_forms_take_their_antecedent_from_the_place():
    assert found("quy định tại khoản 2 Điều này") == [("khoản 2 Điều này", "", "", "9", "2", "")]
    assert found("trừ điểm b và điểm c khoản này") == [("điểm b và điểm c khoản này", "", "", "9", "4", p) for p in "bc"]
    assert found("theo quy định tại Điều này.") == [("Điều này", "", "", "9", "", "")]
    assert found("quy định tại khoản 3;") == [("khoản 3", "", "", "9", "3", "")]   # its own article
    assert found("khoản 3", Place()) == []   # no article around it: nothing to resolve to


@pytest.mark.parametrize("text, number, title", [
    ("Điều 18 Luật An ninh mạng", "", "luật an ninh mạng"),
    ("khoản 1 Điều 18 của Luật An ninh mạng", "", "luật an ninh mạng"),
    ("Điều 3 Luật số 24/2018/QH14", "24/2018/QH14", ""),
    ("Điều 3 Nghị định số 20/2021/NĐ-CP", "20/2021/ND/CP", ""),
    ("Điều 2 Quyết định số 2161/QĐ-TTg", "2161/QD/TTG", ""),
    ("Điều 1 Nghị quyết số 42-NQ/TW", "42/NQ/TW", ""),
    ("Điều 4 Kế hoạch số 743/KH-UBND", "743/KH/UBND", ""),
    ("Điều 4 Nghị định 20/2021/NĐ-CP", "20/2021/ND/CP", ""),
])
def test_articles_of_a_named_document(text, number, title):
    (ref,) = extract(text)
    assert (ref.text, ref.number, ref.title) == (text, number, title)
    assert ref.article == text.split()[1] if text.startswith("Điều") else ref.article == "18"


def test_documents_cited_alone_and_this_document():
    assert found("thực hiện Nghị quyết số 42-NQ/TW ngày 24/11/2023 của Ban Chấp hành") == [
        ("Nghị quyết số 42-NQ/TW", "42/NQ/TW", "", "", "", "")]
    assert found("Nghị quyết 69/NQ-CP và 1983/QĐ-TTg") == [("Nghị quyết 69/NQ-CP", "69/NQ/CP", "", "", "", ""),
                                                             ("1983/QĐ-TTg", "1983/QD/TTG", "", "", "", "")]
    assert found("Luật này quy định; Nghị định này có hiệu lực") == []   # the document itself, as a whole
    assert found("căn cứ Hiến pháp năm 2013") == [("Hiến pháp", "", "hiến pháp", "", "", "")]
    assert found("Luật Phòng, chống ma túy") == [("Luật Phòng, chống ma túy", "", "luật phòng, chống ma túy", "", "", "")]
    # a title the corpus knows is read whole, "và" included; an unknown one stops at "và"
    known = frozenset({("luat", "hon", "nhan", "va", "gia", "dinh")})
    assert found("Luật Hôn nhân và gia đình", titles=known)[0][2] == "luật hôn nhân và gia đình"
    assert found("Điều 29 của Luật An toàn thông tin mạng và pháp luật về")[0][0] == "Điều 29 của Luật An toàn thông tin mạng"


def test_a_reference_split_by_a_line_break_is_read_whole():
    text = "hành vi quy định tại khoản 1 Điều\n18 của Luật\nnày;"
    (ref,) = extract(text, lambda o: HERE)
    assert (ref.article, ref.clause, ref.number, ref.title) == ("18", "1", "", "")
    assert text[ref.start:ref.end] == ref.text == "khoản 1 Điều\n18 của Luật\nnày"


@pytest.mark.parametrize("text", [
    "Điều kiện kinh doanh dịch vụ lữ hành", "các điều khoản của hợp đồng", "Điều 5. Nguyên tắc nuôi ong",
    "theo quy định của pháp luật về du lịch", "ngày 24/11/2023", "tăng 5,6 lần", "luật pháp quốc tế",
    "điều 5 nghị định"])   # lower-case "nghị định" with no number names no document: only its article
def test_things_that_are_not_references(text):
    refs = found(text)
    assert refs == [] or refs == [("điều 5", "", "", "5", "", "")]


def test_parser_work_grows_linearly(monkeypatch):
    """The tokens the parser reads (and so its steps) grow with the input, 1x -> 4x, for inputs
    built to make a backtracking parser stumble: long lists, endless titles, levels without labels."""
    calls = {"n": 0}
    real = extract_module._Reader.key

    def counting(self, i):
        calls["n"] += 1
        return real(self, i)

    monkeypatch.setattr(extract_module._Reader, "key", counting)
    pieces = ["các khoản 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 và ", "điểm điểm khoản khoản điều điều ",
              "Luật An Ninh Mạng Quốc Gia Việt Nam Mới ", "từ Điều 1 đến ", "42-NQ/TW 20/2021/NĐ-CP "]
    for piece in pieces:
        work = []
        for times in (50, 200):
            calls["n"] = 0
            extract(piece * times, lambda o: HERE)
            work.append(calls["n"])
        assert work[1] <= 4.5 * work[0], (piece, work)


# -- resolution over a hand-written corpus ------------------------------------------------------

LAW = """\
LUẬT
NUÔI ONG

Điều 1. Phạm vi điều chỉnh
Luật này quy định về nuôi ong mật.

Điều 2. Nguyên tắc
1. Nuôi ong theo quy định tại khoản 2 Điều này.
2. Bảo vệ đàn ong theo điểm a khoản 1 Điều 3 của Luật này.

Điều 3. Trách nhiệm
1. Người nuôi ong có trách nhiệm:
a) Giữ vệ sinh chuồng ong;
b) Thực hiện quy định tại điểm a khoản này và Điều 1.
2. Không áp dụng Điều 99 của Luật này và khoản 7 Điều 2.
"""

PLAN = """\
KẾ HOẠCH
Thực hiện Nghị quyết số 42-NQ/TW

I. MỤC ĐÍCH
1. Triển khai khoản 1 Điều 3 Luật Nuôi ong và Điều 99 Luật Nuôi ong.
2. Thực hiện Nghị quyết số 42-NQ/TW, Luật số 12/2030/QH15 và Nghị định số 20/2021/NĐ-CP.
"""


def corpus(*docs):
    documents = [Document(name, text, meta, name) for name, text, meta in docs]
    passages = [p for d in documents for p in passages_for(d)]
    return passages, {d.name: d.metadata for d in documents}


LAW_META = DocumentMetadata(number="12/2030/QH15", doc_type="Luật", title="NUÔI ONG")
PLAN_META = DocumentMetadata(doc_type="Kế hoạch", number="5/KH-UBND")


def targets(passages, doc):
    return [(r.text, r.target) for p in passages if p.doc == doc for r in p.references]


def test_resolution_in_the_document_itself():
    passages, metas = corpus(("luat.txt", LAW, LAW_META))
    got = targets(annotate(passages, metas), "luat.txt")
    assert got == [
        ("khoản 2 Điều này", Target("luat.txt", "2", "2")),
        ("điểm a khoản 1 Điều 3 của Luật này", Target("luat.txt", "3", "1", "a")),
        ("điểm a khoản này", Target("luat.txt", "3", "1", "a")),
        ("Điều 1", Target("luat.txt", "1")),
        # "Điều 99 của Luật này" names an article the law does not have: left out, never invented;
        # "khoản 7 Điều 2" (no document named, no such clause) likewise
    ]


def test_resolution_across_documents_and_outside_the_corpus():
    passages, metas = corpus(("luat.txt", LAW, LAW_META), ("plan.txt", PLAN, PLAN_META))
    got = targets(annotate(passages, metas), "plan.txt")
    assert got == [
        ("Nghị quyết số 42-NQ/TW", Target(external="42/NQ/TW")),      # the plan's title line
        ("khoản 1 Điều 3 Luật Nuôi ong", Target("luat.txt", "3", "1")),
        ("Điều 99 Luật Nuôi ong", Target("luat.txt")),          # the law, not its missing article
        ("Nghị quyết số 42-NQ/TW", Target(external="42/NQ/TW")),
        ("Luật số 12/2030/QH15", Target("luat.txt")),           # by its number
        ("Nghị định số 20/2021/NĐ-CP", Target(external="20/2021/ND/CP")),
    ]
    assert got[1][1].to_json() == {"doc": "luat.txt", "article": "3", "clause": "1"}
    assert got[0][1].to_json() == {"external": "42/NQ/TW"}


def test_the_same_law_outside_the_corpus_is_external_by_title():
    passages, metas = corpus(("plan.txt", PLAN, PLAN_META))
    got = targets(annotate(passages, metas), "plan.txt")
    assert got[1][1] == Target(article="3", clause="1", external="luật nuôi ong")
    assert got[4][1] == Target(external="12/2030/QH15")


def test_counts_and_round_trip_through_the_record():
    passages, metas = corpus(("luat.txt", LAW, LAW_META), ("plan.txt", PLAN, PLAN_META))
    extracted = extract_passages(passages)
    resolved = annotate(passages, metas)
    tally = counts(extracted, resolved)
    assert tally["point"]["in corpus"] == 2 and tally["article"]["left out"] == 1
    assert tally["document"]["external"] == 3 and tally["document"]["in corpus"] == 1
    for p in resolved:
        assert type(p).from_dict(p.to_dict()) == p
        for r in p.references:
            assert p.text[r.start:r.end] == r.text and Reference.from_dict(r.to_dict()) == r
