"""Figures stated in the plans: the extractor on single sentences, and the per-plan comparison
table on the real plans with exact values read from them."""
from __future__ import annotations

from pathlib import Path

import pytest

from search.figures import (CSV_COLUMNS, extract_figures, figure_table, figures_csv, figures_table_json,
                            parse_number)

ROOT = Path(__file__).resolve().parent.parent
TIEN_NONG, PHUNG_HIEP, GIA_LAI, DAK_NONG = ("000_2cf1338897e214e5.txt", "001_691f499dba4cfbd2.txt",
                                            "002_3b6299c3ae673933.txt", "003_52a6cda90ec74148.txt")


def build_figsim_index(tmp_path_factory) -> Path:
    """One real index per test session, shared by test_figures.py and test_similar.py (same
    folder under the session's base temp; the second file finds it built)."""
    from indexer import store
    from indexer.build import build_index
    from indexer.embedders import make_embedder

    index_dir = tmp_path_factory.getbasetemp() / "plansearch-index"  # shared with conftest.real_index
    if store.current_folder(index_dir) is None:
        build_index(ROOT / "corpus", index_dir, make_embedder())
    return index_dir


@pytest.fixture(scope="session")
def figsim_searcher(tmp_path_factory):
    from search.engine import Searcher

    return Searcher(build_figsim_index(tmp_path_factory))


def one(text: str, **kw):
    figures = extract_figures(text, **kw)
    assert len(figures) == 1, figures
    return figures[0]


# -- the extractor on single sentences ---------------------------------------------------------
def test_numbers_follow_the_vietnamese_convention():
    assert parse_number("2,5") == 2.5
    assert parse_number("5.250") == 5250.0
    assert parse_number("04") == 4.0
    assert parse_number("1.234,5") == 1234.5


def test_percent_with_decimal_comma_and_the_measure_before_it():
    f = one("- Tỷ lệ thất nghiệp chung dưới 2,5%.")
    assert (f.value_text, f.number, f.unit, f.qualifier, f.kind) == ("dưới 2,5%", 2.5, "%", "dưới", "percent")
    assert f.measure == "Tỷ lệ thất nghiệp chung"


def test_percent_opening_its_clause_measures_the_words_after_it():
    f = extract_figures("Trên 92% dân số tham gia bảo hiểm y tế (BHYT); trên 90% dân số được quản lý sức khỏe.")
    assert [(x.value_text, x.measure) for x in f] == [("trên 92%", "dân số tham gia bảo hiểm y tế (BHYT)"),
                                                      ("trên 90%", "dân số được quản lý sức khỏe")]


def test_two_figures_in_one_clause_each_keep_their_own_measure():
    f = extract_figures("khoảng 30% lực lượng lao động tham gia bảo hiểm xã hội và khoảng 25% lực lượng lao "
                        "động tham gia bảo hiểm thất nghiệp")
    assert [(x.value_text, x.measure) for x in f] == [
        ("khoảng 30%", "lực lượng lao động tham gia bảo hiểm xã hội"),
        ("khoảng 25%", "lực lượng lao động tham gia bảo hiểm thất nghiệp")]


def test_count_with_thousands_separator():
    f = one("Xây dựng khoảng 5.250 căn hộ nhà ở xã hội cho người thu nhập thấp")
    assert (f.value_text, f.number, f.unit, f.qualifier) == ("khoảng 5.250 căn hộ", 5250.0, "căn hộ", "khoảng")
    assert f.measure == "nhà ở xã hội cho người thu nhập thấp"


def test_floor_area_per_person_in_its_three_spellings():
    a = one("diện tích nhà ở bình quân đầu người đạt khoảng 33,2m² sàn/người.")
    assert (a.value_text, a.number, a.unit, a.qualifier) == ("khoảng 33,2m² sàn/người", 33.2, "m² sàn/người", "khoảng")
    assert a.measure == "diện tích nhà ở bình quân đầu người"
    b = one("diện tích nhà ở bình quân toàn tỉnh đạt khoảng $30m^2$ sàn/người")
    assert (b.number, b.unit) == (30.0, "m² sàn/người")
    c = one("diện tích nhà ở bình quân tại nông thôn đạt khoảng 19,6 m2 sàn/người")
    assert (c.number, c.unit) == (19.6, "m² sàn/người")


def test_rates_per_population():
    f = extract_figures("28 giường bệnh viện/vạn dân, số bác sỹ đạt 12 bác sĩ/vạn dân")
    assert [(x.number, x.unit, x.measure) for x in f] == [
        (28.0, "giường bệnh viện/vạn dân", "giường bệnh viện/vạn dân"), (12.0, "bác sĩ/vạn dân", "số bác sỹ")]
    # a rate closing a list applies to each count of the list
    g = extract_figures("phấn đấu có 32 giường bệnh, 11 bác sĩ, 20 điều dưỡng viên trên 10.000 dân")
    assert [(x.value_text, x.unit) for x in g] == [
        ("32 giường bệnh/10.000 dân", "giường bệnh/10.000 dân"), ("11 bác sĩ/10.000 dân", "bác sĩ/10.000 dân"),
        ("20 điều dưỡng viên trên 10.000 dân", "điều dưỡng viên/10.000 dân")]
    # "trên 100 dân" is a denominator, not a figure
    h = one("Tỷ lệ số thuê bao băng rộng di động trên 100 dân đạt 75%")
    assert (h.value_text, h.measure) == ("đạt 75%", "Tỷ lệ số thuê bao băng rộng di động trên 100 dân")


def test_deadline_every_year():
    f = one("định kỳ tổng hợp, gửi Sở Y tế trước ngày 25/11 hằng năm để báo cáo Ủy ban nhân dân tỉnh.",
            section=("2. Mục tiêu cụ thể năm 2030",))
    assert (f.kind, f.value_text, f.number, f.qualifier, f.target_year) == (
        "deadline", "trước ngày 25/11 hằng năm", None, "trước", None)
    assert "gửi Sở Y tế" in f.measure and "báo cáo" in f.measure


def test_target_year_from_clause_sentence_or_headings():
    f = extract_figures("phấn đấu đến năm 2030: diện tích nhà ở bình quân đạt khoảng 25,9m2 sàn/người")
    assert [(x.kind, x.value_text, x.target_year) for x in f] == [
        ("year", "đến năm 2030", 2030), ("count", "khoảng 25,9m2 sàn/người", 2030)]
    g = one("- Tỷ lệ thất nghiệp chung dưới 2%", section=("II. MỤC TIÊU, CÁC CHỈ TIÊU CHỦ YẾU ĐẾN NĂM 2030, TẦM "
                                                          "NHÌN ĐẾN NĂM 2045", "3. Tầm nhìn đến năm 2045"))
    assert g.target_year == 2045
    assert one("- Tỷ lệ thất nghiệp chung dưới 2%", section=("2.1. Đến năm 2030",)).target_year == 2030
    assert one("- Tỷ lệ thất nghiệp chung dưới 2%").target_year is None


def test_document_numbers_dates_and_periods_are_not_figures():
    text = ("Thực hiện Nghị quyết số 42-NQ/TW ngày 24/11/2023, Quyết định số 1983/QĐ-TTg ngày 24 tháng 11 năm "
            "2021 của Thủ tướng, giai đoạn 2021-2025, Hội nghị Trung ương 5 khóa XI")
    assert extract_figures(text) == ()


# -- the comparison table on the real plans ----------------------------------------------------
# (query, plan, figure as the plan states it, measure words it must name, target year)
FACTS = [
    ("tỷ lệ tham gia bảo hiểm y tế đến năm 2030", TIEN_NONG, "trên 97%", "dân số tham gia bảo hiểm y tế", 2030),
    ("tỷ lệ tham gia bảo hiểm y tế đến năm 2030", PHUNG_HIEP, "trên 95%", "dân số tham gia bảo hiểm y tế", 2030),
    ("tỷ lệ tham gia bảo hiểm y tế đến năm 2030", GIA_LAI, "trên 95%", "dân số tham gia bảo hiểm y tế", 2030),
    ("tỷ lệ tham gia bảo hiểm y tế đến năm 2030", DAK_NONG, "trên 95%", "dân số tham gia bảo hiểm y tế", 2030),
    ("số giường bệnh trên 10.000 dân", GIA_LAI, "30 giường bệnh viện/vạn dân", "giường bệnh", 2030),
    ("số giường bệnh trên 10.000 dân", DAK_NONG, "32 giường bệnh/10.000 dân", "giường bệnh", 2030),
    ("tỷ lệ thất nghiệp", TIEN_NONG, "dưới 2,5%", "thất nghiệp chung", 2030),
    ("tỷ lệ thất nghiệp", GIA_LAI, "dưới 2,5%", "thất nghiệp chung", 2030),
    ("tỷ lệ thất nghiệp", DAK_NONG, "dưới 2%", "thất nghiệp chung", 2030),
    ("số căn hộ nhà ở xã hội", GIA_LAI, "ít nhất 3.700 căn hộ", "nhà ở xã hội", 2030),
    ("số căn hộ nhà ở xã hội", DAK_NONG, "khoảng 5.250 căn hộ", "nhà ở xã hội", 2030),
    ("diện tích nhà ở bình quân đầu người", TIEN_NONG, "khoảng 33,2m² sàn/người", "diện tích nhà ở", 2030),
    ("diện tích nhà ở bình quân đầu người", PHUNG_HIEP, "khoảng 30m2 sàn/người", "diện tích nhà ở", 2030),
    ("diện tích nhà ở bình quân đầu người", DAK_NONG, "khoảng 30m² sàn/người", "diện tích nhà ở", 2030),
    ("tuổi thọ trung bình", PHUNG_HIEP, "khoảng 75,5 tuổi", "tuổi thọ trung bình", 2030),
    ("tuổi thọ trung bình", GIA_LAI, "khoảng 74 tuổi", "tuổi thọ trung bình", 2030),
    ("tỷ lệ lao động qua đào tạo", TIEN_NONG, "đạt 87%", "lao động qua đào tạo", 2030),
    ("tỷ lệ lao động qua đào tạo", PHUNG_HIEP, "đạt 80%", "lao động đã qua đào tạo nghề", 2030),
    ("tỷ lệ đi học đúng độ tuổi cấp tiểu học", PHUNG_HIEP, "đạt 98%", "đi học đúng độ tuổi cấp tiểu học", 2030),
    ("tỷ lệ hộ gia đình nông thôn sử dụng nước sạch", TIEN_NONG, "90%", "nông thôn được sử dụng nước sạch", 2030),
    ("tỷ lệ hộ gia đình nông thôn sử dụng nước sạch", PHUNG_HIEP, "95%", "nông thôn được sử dụng nước sạch", 2030),
]


@pytest.fixture(scope="module")
def tables(figsim_searcher):
    return {q: {row.doc: row for row in figure_table(figsim_searcher, q)} for q in {f[0] for f in FACTS}}


@pytest.mark.slow
@pytest.mark.parametrize("query,doc,value,measure,year", FACTS)
def test_plan_figure_is_the_best_row_of_its_plan(tables, query, doc, value, measure, year):
    row = tables[query][doc]
    assert row.figures, f"no figure for {doc}"
    best = row.figures[0].figure
    assert best.value_text == value
    assert measure in best.measure.replace("Tỉ lệ", "tỷ lệ").replace("tỉ lệ", "tỷ lệ")
    assert best.target_year == year
    assert best.doc == doc and best.citation and best.citation.startswith(("Kế hoạch", "Dự thảo"))
    assert best.passage_id >= 0


@pytest.mark.slow
def test_bhyt_citations_name_the_target_sections(tables):
    rows = tables["tỷ lệ tham gia bảo hiểm y tế đến năm 2030"]
    assert rows[TIEN_NONG].figures[0].figure.citation.endswith("mục II.2.1.b")
    assert rows[DAK_NONG].figures[0].figure.citation.endswith("mục II.2")
    assert rows[GIA_LAI].figures[0].figure.citation.startswith("Kế hoạch số 743/KH-UBND")


@pytest.mark.slow
def test_plans_without_such_a_figure_have_an_empty_row(tables):
    rows = tables["số giường bệnh trên 10.000 dân"]
    assert rows[TIEN_NONG].figures == ()   # the commune plan sets no bed target


@pytest.mark.slow
def test_a_year_in_the_query_keeps_figures_for_that_year(figsim_searcher):
    rows = figure_table(figsim_searcher, "tỷ lệ tham gia bảo hiểm y tế đến năm 2045")
    assert all(not row.figures for row in rows)


@pytest.mark.slow
def test_json_and_csv(tables):
    rows = tuple(tables["tỷ lệ thất nghiệp"].values())
    data = figures_table_json(rows, "tỷ lệ thất nghiệp")
    assert data["query"] == "tỷ lệ thất nghiệp"
    dak = next(p for p in data["plans"] if p["doc"] == DAK_NONG)
    assert dak["province"] == "Đăk Nông" and dak["level"] == "tỉnh"
    assert dak["figures"][0]["figure"] == "dưới 2%" and dak["figures"][0]["number"] == 2.0
    text = figures_csv(rows)
    header, *lines = text.splitlines()
    assert header.split(",") == list(CSV_COLUMNS)
    assert any(line.startswith("UBND tỉnh Đăk Nông") and ",dưới 2%," in line for line in lines)
