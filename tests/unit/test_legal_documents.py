"""Legal and administrative documents written here with real-looking headers (invented content):
a Luật of the Quốc hội with chapters, a Nghị định of the Chính phủ, a provincial Quyết định that
approves a plan given in its appendix, a district plan that ends with three one-line tasks, a
letter (Công văn). Metadata fields and citations are checked exactly."""
import textwrap
from pathlib import Path

import pytest

from indexer.models import Document, DocumentMetadata
from indexer.read.metadata import extract_metadata
from indexer.inspect import inspect_corpus
from indexer.structure.passages import passages_for
from indexer.structure.sections import parse_sections
from search.page.state import FilterChoices, PageState, params_from_state, state_from_params
from search.query import Filters

LUAT = """\
QUỐC HỘI
--------
Luật số: 12/2030/QH15

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------

LUẬT
NUÔI ONG

Căn cứ Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam;
Quốc hội ban hành Luật Nuôi ong.

Chương I
NHỮNG QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh
Luật này quy định về nuôi ong mật trong vườn nhà.

Điều 2. Giải thích từ ngữ
Trong Luật này, các từ ngữ dưới đây được hiểu như sau:
1. Tổ ong là nơi đàn ong sinh sống.
2. Người nuôi ong là cá nhân chăm sóc đàn ong.

Chương II
CHĂM SÓC ĐÀN ONG

Mục 1. THỨC ĂN CHO ONG

Điều 3. Nguồn thức ăn
1. Người nuôi ong bảo đảm nguồn hoa quanh tổ trong suốt mùa hoa.
2. Khi thiếu hoa, người nuôi ong được cho ong ăn:
a) Nước đường pha loãng, đặt trong khay nông cạnh tổ;
b) Phấn hoa khô, trộn với mật ong của chính đàn ong đó.

Điều 4. Hiệu lực thi hành
Luật này có hiệu lực từ ngày 01 tháng 01 năm 2031.

Luật này được Quốc hội nước Cộng hòa xã hội chủ nghĩa Việt Nam khóa XV, kỳ họp thứ 9 thông qua ngày 20 tháng 6 năm 2030.

CHỦ TỊCH QUỐC HỘI

Trần Văn Ong
"""

NGHI_DINH = """\
CHÍNH PHỦ
-------
Số: 15/2031/NĐ-CP

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Hà Nội, ngày 15 tháng 3 năm 2031

NGHỊ ĐỊNH
Quy định chi tiết một số điều của Luật Nuôi ong

Căn cứ Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015;
Căn cứ Luật Nuôi ong số 12/2030/QH15;
Theo đề nghị của Bộ trưởng Bộ Nông nghiệp;
Chính phủ ban hành Nghị định quy định chi tiết một số điều của Luật Nuôi ong.

Chương I
QUY ĐỊNH CHUNG

Điều 1. Phạm vi điều chỉnh
Nghị định này quy định chi tiết Điều 3 của Luật Nuôi ong về nguồn thức ăn cho ong.

Điều 2. Điều kiện về tổ ong
1. Tổ ong đặt cách nhà ở ít nhất 10 mét và cách đường giao thông ít nhất 20 mét.
2. Mỗi hộ nuôi không quá 30 tổ ong trong khu dân cư.
3. Tổ ong phải có mái che mưa, được kiểm tra mỗi tuần một lần và được ghi vào sổ theo dõi của hộ nuôi.

Chương II
ĐIỀU KHOẢN THI HÀNH

Điều 3. Hiệu lực thi hành
Nghị định này có hiệu lực từ ngày 01 tháng 5 năm 2031.

Nơi nhận:
- Ban Bí thư Trung ương Đảng;
- Lưu: VT.

TM. CHÍNH PHỦ
THỦ TƯỚNG

Lê Văn Hoa
"""

QUYET_DINH = """\
ỦY BAN NHÂN DÂN
TỈNH HOA SEN
-------
Số: 210/QĐ-UBND

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Hoa Sen, ngày 02 tháng 4 năm 2031

QUYẾT ĐỊNH
Về việc phê duyệt Kế hoạch phát triển nghề nuôi ong giai đoạn 2031 - 2035

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HOA SEN

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Căn cứ Nghị định số 15/2031/NĐ-CP ngày 15/3/2031 của Chính phủ;
Theo đề nghị của Giám đốc Sở Nông nghiệp.

QUYẾT ĐỊNH:

Điều 1. Phê duyệt Kế hoạch phát triển nghề nuôi ong giai đoạn 2031 - 2035 (chi tiết tại Phụ lục kèm theo).

Điều 2. Giao Sở Nông nghiệp chủ trì:
1. Hướng dẫn các huyện triển khai Kế hoạch.
2. Tổng hợp kết quả, báo cáo Ủy ban nhân dân tỉnh trước ngày 15/12 hằng năm.

Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng UBND tỉnh, Giám đốc các sở và Chủ tịch UBND các huyện chịu trách nhiệm thi hành Quyết định này.

Nơi nhận:
- Như Điều 3;
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH

Phạm Thị Mật

PHỤ LỤC
KẾ HOẠCH PHÁT TRIỂN NGHỀ NUÔI ONG GIAI ĐOẠN 2031 - 2035
(Kèm theo Quyết định số 210/QĐ-UBND ngày 02/4/2031 của Chủ tịch UBND tỉnh Hoa Sen)

I. MỤC TIÊU
1. Đến năm 2035 toàn tỉnh có 500 hộ nuôi ong.
2. Sản lượng mật ong đạt 300 tấn mỗi năm.

II. TỔ CHỨC THỰC HIỆN
1. Sở Tài chính bố trí kinh phí thực hiện Kế hoạch.
2. Sở Nông nghiệp hướng dẫn kỹ thuật nuôi ong cho các hộ.
3. UBND các huyện báo cáo kết quả trước ngày 15/12 hằng năm.
"""

KE_HOACH = """\
ỦY BAN NHÂN DÂN
HUYỆN ĐỒI CHÈ
Số: 88/KH-UBND
Đồi Chè, ngày 10 tháng 5 năm 2031
KẾ HOẠCH
Trồng cây ăn quả năm 2031

I. MỤC TIÊU
Trồng mới 40 héc ta cây ăn quả trên đất đồi.

II. TỔ CHỨC THỰC HIỆN
1. Phòng Tài chính bố trí kinh phí mua cây giống.
2. Phòng Nông nghiệp hướng dẫn kỹ thuật chăm sóc vườn cây.
3. UBND các xã báo cáo kết quả trước ngày 15/12 hằng năm.

Nơi nhận:
- Lưu: VT.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH

Hà Văn Quả
"""

CONG_VAN = """\
ỦY BAN NHÂN DÂN
TỈNH HOA SEN
-------
Số: 55/UBND-NN
V/v hướng dẫn nuôi ong mùa mưa

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------
Hoa Sen, ngày 09 tháng 8 năm 2031

Kính gửi: Ủy ban nhân dân các huyện.

Thực hiện Quyết định số 210/QĐ-UBND ngày 02/4/2031 của Chủ tịch UBND tỉnh, Ủy ban nhân dân tỉnh đề nghị các huyện che chắn tổ ong trước mùa mưa bão.

Nơi nhận:
- Như trên;
- Lưu: VT.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH

Đỗ Văn Sáp
"""


def read(text: str, max_chars: int | None = None):
    meta = extract_metadata(text)
    doc = Document("doc.txt", text, meta, "")
    return meta, (passages_for(doc, max_chars) if max_chars else passages_for(doc))


def one(passages, snippet):
    found = [p for p in passages if snippet in p.text]
    assert len(found) == 1, f"{len(found)} passages hold {snippet!r}"
    return found[0]


def test_law_metadata():
    meta, _ = read(LUAT)
    assert meta == DocumentMetadata(
        number="12/2030/QH15", doc_type="Luật", issuer="Quốc hội", level="trung ương", province="",
        place="", date="", year=None, draft=False, title="NUÔI ONG", implements=(),
        signer="Trần Văn Ong", based_on=("Hiến pháp nước Cộng hòa xã hội chủ nghĩa Việt Nam",))


def test_law_chapters_articles_and_citations():
    # 260 characters at most, so that Điều 3 is cut at its điểm
    _, passages = read(LUAT, 260)
    assert [(p.section, p.citation) for p in passages] == [
        (("Phần mở đầu",), "Luật Nuôi ong số 12/2030/QH15"),
        (("Chương I NHỮNG QUY ĐỊNH CHUNG", "Điều 1. Phạm vi điều chỉnh"), "Điều 1 Luật Nuôi ong số 12/2030/QH15"),
        (("Chương I NHỮNG QUY ĐỊNH CHUNG", "Điều 2. Giải thích từ ngữ"), "Điều 2 Luật Nuôi ong số 12/2030/QH15"),
        (("Chương II CHĂM SÓC ĐÀN ONG", "Mục 1. THỨC ĂN CHO ONG", "Điều 3. Nguồn thức ăn"),
         "Điều 3 Luật Nuôi ong số 12/2030/QH15"),
        (("Chương II CHĂM SÓC ĐÀN ONG", "Mục 1. THỨC ĂN CHO ONG", "Điều 3. Nguồn thức ăn"),
         "điểm b khoản 2 Điều 3 Luật Nuôi ong số 12/2030/QH15"),
        (("Chương II CHĂM SÓC ĐÀN ONG", "Mục 1. THỨC ĂN CHO ONG", "Điều 4. Hiệu lực thi hành"),
         "Điều 4 Luật Nuôi ong số 12/2030/QH15"),
    ]
    # the chapter's heading opens its first article's passage, and is not what is ranked
    first = passages[1]
    assert first.text.startswith("Chương I\nNHỮNG QUY ĐỊNH CHUNG\n\nĐiều 1. Phạm vi điều chỉnh")
    assert first.body.startswith("Điều 1. Phạm vi điều chỉnh")
    assert one(passages, "b) Phấn hoa khô").text == "b) Phấn hoa khô, trộn với mật ong của chính đàn ong đó."


def test_short_article_is_one_passage_and_a_long_one_is_cut_at_its_clauses():
    _, passages = read(LUAT)   # the default limit: every article is short
    assert [p.section[-1] for p in passages if p.section[-1].startswith("Điều")] == [
        "Điều 1. Phạm vi điều chỉnh", "Điều 2. Giải thích từ ngữ", "Điều 3. Nguồn thức ăn", "Điều 4. Hiệu lực thi hành"]
    _, decree = read(NGHI_DINH, 260)
    article = [p for p in decree if p.section[-1] == "Điều 2. Điều kiện về tổ ong"]
    assert [p.citation for p in article] == [
        "Điều 2 Nghị định số 15/2031/NĐ-CP ngày 15/3/2031 của Chính phủ",
        "khoản 3 Điều 2 Nghị định số 15/2031/NĐ-CP ngày 15/3/2031 của Chính phủ"]
    assert article[1].text == ("3. Tổ ong phải có mái che mưa, được kiểm tra mỗi tuần một lần và được ghi vào "
                               "sổ theo dõi của hộ nuôi.")


def test_decree_metadata():
    meta, _ = read(NGHI_DINH)
    assert meta == DocumentMetadata(
        number="15/2031/NĐ-CP", doc_type="Nghị định", issuer="Chính phủ", level="trung ương", province="",
        place="Hà Nội", date="2031-03-15", year=2031, draft=False,
        title="Quy định chi tiết một số điều của Luật Nuôi ong", implements=("12/2030/QH15",),
        signer="Lê Văn Hoa",
        based_on=("Luật Tổ chức Chính phủ ngày 19 tháng 6 năm 2015", "Luật Nuôi ong số 12/2030/QH15"))


def test_decision_metadata():
    meta, _ = read(QUYET_DINH)
    assert meta == DocumentMetadata(
        number="210/QĐ-UBND", doc_type="Quyết định", issuer="UBND tỉnh Hoa Sen", level="tỉnh",
        province="Hoa Sen", place="Hoa Sen", date="2031-04-02", year=2031, draft=False,
        title="Về việc phê duyệt Kế hoạch phát triển nghề nuôi ong giai đoạn 2031 - 2035",
        implements=("15/2031/NĐ-CP",), signer="Phạm Thị Mật",
        based_on=("Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015",
                  "Nghị định số 15/2031/NĐ-CP ngày 15/3/2031 của Chính phủ"))


DECISION = "Quyết định số 210/QĐ-UBND ngày 2/4/2031 của UBND tỉnh Hoa Sen"


@pytest.mark.parametrize("snippet, section, citation", [
    ("Điều 1. Phê duyệt Kế hoạch",
     # an article whose first line is a sentence: its title is that line, shortened
     ("Điều 1. Phê duyệt Kế hoạch phát triển nghề nuôi ong giai đoạn 2031 - 2035 (chi tiết tại Phụ lục…",),
     f"Điều 1 {DECISION}"),
    ("2. Tổng hợp kết quả", ("Điều 2. Giao Sở Nông nghiệp chủ trì:",), f"Điều 2 {DECISION}"),
    ("Chánh Văn phòng UBND tỉnh",
     ("Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng UBND tỉnh, Giám đốc các sở và…",),
     f"Điều 3 {DECISION}"),
    ("(Kèm theo Quyết định số 210/QĐ-UBND", ("PHỤ LỤC",), f"{DECISION}, Phụ lục"),
    ("500 hộ nuôi ong", ("PHỤ LỤC", "I. MỤC TIÊU", "1. Đến năm 2035 toàn tỉnh có 500 hộ nuôi ong."),
     f"{DECISION}, Phụ lục, mục I.1"),
    ("UBND các huyện báo cáo kết quả",
     ("PHỤ LỤC", "II. TỔ CHỨC THỰC HIỆN", "3. UBND các huyện báo cáo kết quả trước ngày 15/12 hằng năm."),
     f"{DECISION}, Phụ lục, mục II.3"),
])
def test_decision_articles_and_appendix_plan(snippet, section, citation):
    _, passages = read(QUYET_DINH)
    p = one(passages, snippet)
    assert (p.section, p.citation) == (section, citation)


def test_decision_signature_block_is_no_passage():
    _, passages = read(QUYET_DINH)
    for phrase in ("Nơi nhận", "Lưu: VT", "TM. ỦY BAN NHÂN DÂN", "Phạm Thị Mật"):
        assert not any(phrase in p.text for p in passages), phrase


def test_one_line_tasks_are_three_findable_passages():
    _, passages = read(KE_HOACH)
    plan = "Kế hoạch số 88/KH-UBND ngày 10/5/2031 của UBND huyện Đồi Chè"
    tasks = [one(passages, s) for s in ("Phòng Tài chính bố trí kinh phí", "Phòng Nông nghiệp hướng dẫn",
                                        "UBND các xã báo cáo kết quả trước ngày 15/12 hằng năm.")]
    assert len({id(t) for t in tasks}) == 3
    assert [t.citation for t in tasks] == [f"{plan}, mục II.1", f"{plan}, mục II.2", f"{plan}, mục II.3"]
    assert tasks[0].text == "II. TỔ CHỨC THỰC HIỆN\n1. Phòng Tài chính bố trí kinh phí mua cây giống."
    assert tasks[2].body == tasks[2].text == "3. UBND các xã báo cáo kết quả trước ngày 15/12 hằng năm."


def test_letter_metadata_and_body():
    meta, passages = read(CONG_VAN)
    assert (meta.doc_type, meta.number, meta.issuer, meta.title, meta.signer) == (
        "Công văn", "55/UBND-NN", "UBND tỉnh Hoa Sen", "hướng dẫn nuôi ong mùa mưa", "Đỗ Văn Sáp")
    assert [p.citation for p in passages] == ["Công văn số 55/UBND-NN ngày 9/8/2031 của UBND tỉnh Hoa Sen"]
    assert "che chắn tổ ong" in passages[0].text and "Nơi nhận" not in passages[0].text


def test_title_only_header_names_the_law():
    text = "LUẬT NUÔI TẰM\n\nĐiều 1. Phạm vi\nLuật này quy định về nuôi tằm.\n"
    meta, passages = read(text)
    assert (meta.doc_type, meta.title) == ("Luật", "NUÔI TẰM")
    assert [(p.section, p.citation) for p in passages] == [(("Điều 1. Phạm vi",), "Điều 1 Luật Nuôi tằm")]


def test_article_line_starts_an_article_in_hard_wrapped_text():
    body = " ".join(["Người nuôi tằm giữ nong tằm sạch sẽ, khô ráo và thoáng mát theo hướng dẫn"] * 6)
    # each article's last line is full and stops mid-sentence, the next article's heading follows
    # on the very next line, as in a PDF copy: still a new article
    parts = [textwrap.fill(f"Điều {n}. Việc số {n}", 60) + "\n" + textwrap.fill(f"{body} của cơ quan", 60)
             for n in (1, 2, 3)]
    sections = parse_sections("LUẬT NUÔI TẰM\n\n" + "\n".join(parts))
    assert [s.path[-1].title for s in sections] == ["Điều 1. Việc số 1", "Điều 2. Việc số 2", "Điều 3. Việc số 3"]


def test_inspect_warns_about_a_document_without_passages(tmp_path: Path):
    (tmp_path / "a.txt").write_text(KE_HOACH, encoding="utf-8")
    (tmp_path / "b.txt").write_text("ỦY BAN NHÂN DÂN\nTỈNH HOA SEN\nSố: 9/KH-UBND\nKẾ HOẠCH\n\n"
                                    "Nơi nhận:\n- Lưu: VT.\n", encoding="utf-8")
    report = inspect_corpus(tmp_path).split("== ")
    assert "WARNING: no passage" in next(r for r in report if r.startswith("b.txt"))
    assert "WARNING" not in next(r for r in report if r.startswith("a.txt"))


def test_type_filter():
    law, plan = extract_metadata(LUAT), extract_metadata(KE_HOACH)
    assert Filters(doc_types=("Luật",)).accepts("x", law)
    assert not Filters(doc_types=("Luật",)).accepts("x", plan)
    assert not Filters(doc_types=("Luật",)).is_empty()
    choices = FilterChoices(doc_types=("Kế hoạch", "Luật"))
    state = state_from_params({"type": ["Luật", "Thông tư"]}, choices)
    assert state.filters.doc_types == ("Luật",)
    assert params_from_state(PageState(filters=Filters(doc_types=("Luật",)))) == {"type": ["Luật"]}


def test_type_option_of_the_command_line():
    from search.__main__ import parser
    assert parser().parse_args(["q", "--type", "Luật", "--type", "Nghị định"]).doc_type == ["Luật", "Nghị định"]


def test_part_and_subsection_headings():
    text = ("BỘ LUẬT NUÔI TẰM\n\nPhần thứ nhất\nNHỮNG VẤN ĐỀ CHUNG\n\nChương 1\nPHẠM VI\n\nMục 2. TẰM GIỐNG\n\n"
            "Tiểu mục 1\nTRỨNG TẰM\n\nĐiều 7. Trứng tằm giống\nTrứng tằm giống được kiểm dịch.\n"
            "\nPHỤ LỤC II\nMẪU SỔ THEO DÕI\n")
    meta, passages = read(text)
    assert (meta.doc_type, meta.title) == ("Bộ luật", "NUÔI TẰM")
    assert [(p.section, p.citation) for p in passages] == [
        (("Phần thứ nhất NHỮNG VẤN ĐỀ CHUNG", "Chương 1 PHẠM VI", "Mục 2. TẰM GIỐNG", "Tiểu mục 1 TRỨNG TẰM",
          "Điều 7. Trứng tằm giống"), "Điều 7 Bộ luật Nuôi tằm"),
        (("PHỤ LỤC II",), "Bộ luật Nuôi tằm, Phụ lục II"),
    ]
    assert passages[0].text.startswith("Phần thứ nhất\nNHỮNG VẤN ĐỀ CHUNG\n\nChương 1\n")
    assert passages[0].body.startswith("Điều 7. Trứng tằm giống")
