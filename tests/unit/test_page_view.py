"""The page's view-model (search/page/view.py, document.py, export.py, similar's side-by-side
diff, the CLI's filter values): pure functions, checked by hand-made records."""
import csv
import io

from indexer.models import Passage, DocumentMetadata
from search.compare.figure_table import FigureRow, ScoredFigure
from search.compare.figures import Figure
from search.compare.similar import SimilarPassage, SimilarDocument, by_overlap, diff_sides, word_diff
from search.page import view
from search.page.document import document_view, section_tree, tree_html
from search.page.export import figures_csv
from search.query import QueryAnalysis, resolve_values
from search.results import Hit, DocumentGroup, SearchResult

PLAN = DocumentMetadata(number="1/KH-UBND", issuer="UBND tỉnh A", province="A", level="tỉnh")


def passage(text: str, section=("I. Mục tiêu",), start: int = 0, doc: str = "a.txt") -> Passage:
    return Passage(doc, text, section, ("I",), 1, 1, start, start + len(text), f"Kế hoạch {doc}, mục I")


def hit(i: int, answers: bool, doc: str = "a.txt") -> Hit:
    return Hit(i, passage(f"đoạn {i}", start=i, doc=doc), PLAN, 1.0 / (i + 1), answers=answers)


def result(groups, hits=()) -> SearchResult:
    return SearchResult(QueryAnalysis("q", "vietnamese"), tuple(hits), tuple(groups), weak=not any(
        h.answers for g in groups for h in g.hits))


def test_caption_counts_only_documents_with_an_answering_passage():
    groups = [DocumentGroup("a.txt", PLAN, (hit(0, True),)), DocumentGroup("b.txt", PLAN, ())]
    assert view.result_caption(result(groups, [hit(0, True), hit(1, False)])).startswith(
        "2 đoạn (1 khớp) · 1/2 văn bản có đoạn liên quan")
    assert view.result_caption(result(groups, [hit(0, True)])).startswith("1 đoạn · 1/2 văn bản")


def test_ranked_list_puts_answers_first():
    answers, others = view.split_ranked([hit(0, False), hit(1, True), hit(2, False)])
    assert [h.id for h in answers] == [1] and [h.id for h in others] == [0, 2]


def test_grid_rows_align_the_plans_by_part():
    def hit_in(i, heading, score, doc="a.txt"):
        return Hit(i, passage(f"đoạn {i}", (heading, "1. x"), i, doc), PLAN, score, answers=True)
    a = DocumentGroup("a.txt", PLAN, (hit_in(0, "III. NHIỆM VỤ VÀ GIẢI PHÁP", 0.9), hit_in(1, "II. MỤC TIÊU", 0.5)))
    b = DocumentGroup("b.txt", PLAN, (hit_in(2, "II. MỤC TIÊU, CÁC CHỈ TIÊU CHỦ YẾU", 0.95, "b.txt"),
                                  hit_in(3, "II. Mục tiêu cụ thể", 0.4, "b.txt")))
    rows = view.grid_rows([a, b])
    assert [r.topic for r in rows] == ["Mục tiêu, chỉ tiêu", "Nhiệm vụ, giải pháp"]
    assert [[h.id for h in cell] for cell in rows[0].cells] == [[1], [2, 3]]
    assert [[h.id for h in cell] for cell in rows[1].cells] == [[0], []]
    assert view.topic_of(passage("x", ())) == view.OTHER_TOPIC


def test_copy_text_and_button_carry_passage_and_citation_escaped():
    h = Hit(0, passage('Dòng "một"\n<b>hai</b>'), PLAN, 1.0)
    assert view.copy_text(h) == 'Dòng "một"\n<b>hai</b>\n(Kế hoạch a.txt, mục I)'
    button = view.copy_button(view.copy_text(h), "Sao chép")
    assert "<b>" not in button and "&lt;b&gt;" in button and "&quot;một&quot;" in button and "\n" not in button


def test_short_drafts_and_overlap_order():
    assert view.draft_too_short("nhà ở") and not view.draft_too_short("") and not view.draft_too_short("một " * 8)
    def plan(name, *ratios):
        return SimilarDocument(name, PLAN, name, tuple(SimilarPassage(hit(0, True), (), r) for r in ratios))
    ordered = by_overlap([plan("a", 0.40), plan("b"), plan("c", 0.43, 0.1)])
    assert [p.doc for p in ordered] == ["c", "a", "b"]


def test_one_chart_per_measure_never_two_measures_on_an_axis():
    def row(label, value, unit, measure):
        f = Figure("a.txt", f"{value}{unit}", value, unit, "", measure, 2030)
        return FigureRow(label, PLAN, label, (ScoredFigure(f, 1.0),))
    charts = view.measure_charts([row("A", 87.0, "%", "lao động qua đào tạo"),
                                  row("B", 25.0, "%", "lao động qua đào tạo có bằng cấp, chứng chỉ"),
                                  row("C", 80.0, "%", "lao động đã qua đào tạo"),
                                  row("D", 3700.0, "căn hộ", "lao động qua đào tạo"),
                                  row("E", 35.0, "%", "lao động qua đào tạo có bằng cấp, chứng chỉ")])
    assert [(c.measure, c.unit, [b.document for b in c.bars]) for c in charts] == [
        ("lao động qua đào tạo", "%", ["A", "C"]),
        ("lao động qua đào tạo có bằng cấp, chứng chỉ", "%", ["B", "E"])]
    assert view.measure_charts([row("A", 95.0, "%", "nhà ở"), row("B", 3700.0, "căn hộ", "nhà ở")]) == ()


def test_build_estimate_scales_with_the_corpus():
    assert view.build_estimate(193_000) == "khoảng 60 giây"
    assert view.build_estimate(2_000_000) == "khoảng 10 phút"


def test_document_view_opens_at_the_hits_top_section_with_its_tree():
    ps = [passage("Mở đầu", ("I. A",), 0), passage("Một", ("II. B", "1. C"), 10),
          passage("Hai", ("II. B", "2. D"), 20), passage("Ba", ("III. E",), 30)]
    doc = document_view(ps, ps[2])
    assert doc.before == (ps[0],) and doc.around == tuple(ps[1:])
    assert [(t.depth, t.heading, t.on_path) for t in section_tree(ps, ps[2])] == [
        (0, "I. A", False), (0, "II. B", True), (1, "1. C", False), (1, "2. D", True), (0, "III. E", False)]
    assert "<b>II. B</b>" in tree_html(doc.tree)


def test_side_by_side_diff_marks_each_texts_own_words():
    draft, plan = diff_sides(word_diff("xây dựng 5 <căn>", "xây dựng 7 căn"))
    assert draft == "xây dựng <del>5 &lt;căn&gt;</del>" and plan == "xây dựng <ins>7 căn</ins>"


def test_figures_csv_headers_are_vietnamese():
    f = Figure("a.txt", "trên 95%", 95.0, "%", "trên", "dân số tham gia BHYT", 2030, "Kế hoạch, mục II")
    rows = (FigureRow("a.txt", PLAN, "UBND tỉnh A", (ScoredFigure(f, 1.0),)),)
    header = next(csv.reader(io.StringIO(figures_csv(rows).decode("utf-8-sig"))))
    assert header == ["Văn bản", "Tỉnh/thành", "Cấp", "Số liệu", "Nội dung đo", "Năm mục tiêu", "Trích dẫn"]


def test_filter_values_fold_accents_and_case():
    assert resolve_values(["thanh hoa", "GIA LAI", "Hà Nội"], ["Gia Lai", "Thanh Hóa"]) == (
        ("Thanh Hóa", "Gia Lai"), ("Hà Nội",))
    assert resolve_values(["tinh", "xa"], ["tỉnh", "huyện", "xã"]) == (("tỉnh", "xã"), ())
