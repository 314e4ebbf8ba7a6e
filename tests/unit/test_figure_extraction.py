"""Figures stated in the plans: the extractor on single sentences, and the per-plan comparison
table on the real plans with exact values read from them."""
from __future__ import annotations

from pathlib import Path


from search.compare.figures import extract_figures, parse_number

ROOT = Path(__file__).resolve().parents[2]
TIEN_NONG, PHUNG_HIEP, GIA_LAI, DAK_NONG = ("000_2cf1338897e214e5.txt", "001_691f499dba4cfbd2.txt",
                                            "002_3b6299c3ae673933.txt", "003_52a6cda90ec74148.txt")


def one(text: str, **kw):
    figures = extract_figures(text, **kw)
    assert len(figures) == 1, figures
    return figures[0]


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


def test_a_measure_goes_on_past_a_comma_to_its_figure():
    text = ("tỉ lệ người học nghề có bằng cấp, chứng chỉ từ 25%; khoảng 30% lực lượng lao động "
            "tham gia bảo hiểm xã hội")
    figures = extract_figures(text)
    assert [(f.value_text, f.measure) for f in figures] == [
        ("từ 25%", "tỉ lệ người học nghề có bằng cấp, chứng chỉ"),
        ("khoảng 30%", "lực lượng lao động tham gia bảo hiểm xã hội")]


def test_an_english_pivot_is_never_a_one_word_measure_and_a_tie_goes_to_the_measure_most_documents_state():
    """The cause of `--figures "housing area per person"` giving 100% of districts: "huyện (%)" tied
    with the floor-area measure to 4 decimals and won by string order."""
    from search.compare.figure_table import english_pivot
    from search.compare.figures import Figure

    def fig(doc, measure, unit="%"):
        return Figure(doc, "100%", 100.0, unit, "", measure, 2030)

    figures = [fig("dak.txt", "huyện"), fig("dak.txt", "diện tích nhà ở bình quân toàn tỉnh", "m² sàn/người"),
               fig("tien.txt", "diện tích nhà ở bình quân đầu người", "m² sàn/người"),
               fig("phung.txt", "diện tích nhà ở bình quân đầu người", "m² sàn/người"),
               fig("tien.txt", "hộ gia đình ở thành thị")]

    class Cosines:   # what e5-small gave on the plans, rounded: a tie at the top
        def similarity(self, query, texts):
            return [{"huyện (%)": 0.8186, "hộ gia đình ở thành thị (%)": 0.8186}.get(t, 0.8160) for t in texts]

    assert english_pivot(Cosines(), "housing area per person", figures) == "diện tích nhà ở bình quân đầu người"
