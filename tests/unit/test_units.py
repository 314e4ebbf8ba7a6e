"""Legal units: one piece per article in a ranked list, documents named by their title."""
from __future__ import annotations

from indexer.models import Passage, DocumentMetadata
from search.units import document_names, named_documents, one_per_article


def piece(doc: str, section: tuple[str, ...], start: int) -> Passage:
    return Passage(doc=doc, text="x", section=section, section_numbers=("",) * len(section),
                   line_start=1, line_end=1, char_start=start, char_end=start + 1)


ART_5 = ("Chương I. NHỮNG QUY ĐỊNH CHUNG", "Điều 5. Nguyên tắc")
ART_6 = ("Chương I. NHỮNG QUY ĐỊNH CHUNG", "Điều 6. Chính sách của Nhà nước")
PASSAGES = [
    piece("luat-a.txt", ART_5, 0),      # 0: Điều 5, first piece
    piece("luat-a.txt", ART_5, 10),     # 1: Điều 5, second piece
    piece("luat-a.txt", ART_6, 20),     # 2: Điều 6
    piece("luat-b.txt", ART_5, 0),      # 3: Điều 5 of another law: another article
    piece("plan.txt", ("II. MỤC TIÊU",), 0),   # 4: a plan passage
    piece("plan.txt", ("II. MỤC TIÊU",), 50),  # 5: same section of a plan: its own unit
]


def test_one_piece_per_article_keeps_the_best_ranked_piece():
    fused = [(1, 0.9), (0, 0.8), (3, 0.7), (2, 0.6), (5, 0.5), (4, 0.4)]
    assert one_per_article(fused, PASSAGES) == [(1, 0.9), (3, 0.7), (2, 0.6), (5, 0.5), (4, 0.4)]


def test_documents_are_named_by_type_and_title_without_accents_or_case():
    plans = {"luat-du-lich.txt": DocumentMetadata(doc_type="Luật", title="DU LỊCH"),
             "hien-phap.txt": DocumentMetadata(doc_type="Hiến pháp"),
             "nd.txt": DocumentMetadata(doc_type="Nghị định", number="20/2021/NĐ-CP", title="QUY ĐỊNH CHÍNH SÁCH"),
             "ke-hoach.txt": DocumentMetadata(doc_type="Kế hoạch", title="THỰC HIỆN NGHỊ QUYẾT")}
    names = document_names(plans)
    assert names == {"luat-du-lich.txt": ("luat", "du", "lich"), "hien-phap.txt": ("hien", "phap")}
    assert named_documents("Theo Luật Du lịch, dịch vụ nào là dịch vụ du lịch khác?", names) == ("luat-du-lich.txt",)
    assert named_documents("theo luat du lich thi the nao", names) == ("luat-du-lich.txt",)
    assert named_documents("quyền con người theo Hiến pháp", names) == ("hien-phap.txt",)
    # the words of a name, but not the name itself
    assert named_documents("du lịch cộng đồng và luật pháp", names) == ()


def test_articles_whose_whole_title_the_query_holds_form_a_ranked_list():
    from search.units import article_titles, titled_ranking

    def titled(title: str, start: int) -> Passage:
        return piece("luat.txt", ("Chương II", title), start)

    passages = [titled("Điều 27. Cấp Giấy phép khai thác tổ yến", 0),
                titled("Điều 29. Thu hồi Giấy phép khai thác tổ yến", 10),
                titled("Điều 30. Phí", 20),                             # one syllable: names nothing
                piece("plan.txt", ("II. CẤP GIẤY PHÉP",), 0)]          # not an article
    titles = article_titles(passages)
    assert titles[0] == frozenset({"cap", "giay", "phep", "khai", "thac", "to", "yen"})
    assert titles[2] is None and titles[3] is None
    fused = [(1, 0.9), (0, 0.8), (2, 0.7), (3, 0.6)]
    assert titled_ranking("Cơ quan nào cấp giấy phép khai thác tổ yến?", fused, titles) == [0]
    assert titled_ranking("co quan nao cap giay phep khai thac to yen, thu hoi", fused, titles) == [1, 0]
    assert titled_ranking("phí và giấy phép", fused, titles) == []
