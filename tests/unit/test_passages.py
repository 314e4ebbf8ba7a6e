"""Sections and passages of the five real plans: exact values checked by reading the files."""
from pathlib import Path

import pytest

from indexer.read.corpus import read_corpus
from indexer.structure.passages import MAX_CHARS, passages_for, size
from indexer.structure.sections import PREAMBLE_TITLE, UNTITLED, parse_sections
from indexer.text import normalize_for_matching
from tests.paths import PLANS

CORPUS = PLANS


@pytest.fixture(scope="module")
def docs():
    reading = read_corpus(CORPUS)
    assert not reading.skipped
    return {d.name[:3]: d for d in reading.documents}


@pytest.fixture(scope="module")
def passages(docs):
    return {key: passages_for(doc) for key, doc in docs.items()}




def top_sections(text):
    out = []
    prev_path = None
    for s in parse_sections(text):
        top = s.path[0]
        if top.title == PREAMBLE_TITLE:
            continue
        # a new top-level section starts when the top heading changes, or when an untitled top
        # section restarts its numbering at "1."
        if prev_path is None or top != prev_path[0] or (
                top.title == UNTITLED and len(s.path) > 1 and s.path[1].label == "1"
                and prev_path[1:2] and prev_path[1].label != "1"):
            out.append(top.title)
        prev_path = s.path
    return out


@pytest.mark.parametrize("key, expected", [
    ("000", ["I. MỤC ĐÍCH, YÊU CẦU", "II. MỤC TIÊU", "III. NHIỆM VỤ VÀ GIẢI PHÁP TRỌNG TÂM", "IV. TỔ CHỨC THỰC HIỆN"]),
    ("001", ["I. MỤC ĐÍCH, YÊU CẦU", "II. MỤC TIÊU, CHỈ TIÊU", "III. NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU", "IV. TỔ CHỨC THỰC HIỆN"]),
    # Gia Lai's copy lost its headings I., II. and IV.: the numbering restarts mark them.
    ("002", [UNTITLED, UNTITLED, "III. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU", UNTITLED]),
    ("003", ["I. MỤC ĐÍCH, YÊU CẦU", "II. MỤC TIÊU, CÁC CHỈ TIÊU CHỦ YẾU ĐẾN NĂM 2030, TÀM NHÌN ĐẾN NĂM 2045",
             "III. KINH PHÍ THỰC HIỆN", "IV. NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU", "V. TỔ CHỨC THỰC HIỆN"]),
    ("004", ["I. MỤC ĐÍCH, YÊU CẦU", "II. NHIỆM VỤ VÀ GIẢI PHÁP", "III. KINH PHÍ THỰC HIỆN", "IV. TỔ CHỨC THỰC HIỆN"]),
])
def test_top_level_sections(docs, key, expected):
    assert top_sections(docs[key].text) == expected


def find(passages, snippet):
    found = [p for p in passages if normalize_for_matching(snippet) in normalize_for_matching(p.text)]
    assert len(found) == 1, f"{len(found)} passages contain {snippet!r}"
    return found[0]


KNOWN = [
    # (plan, snippet, section path, (first line, last line))
    ("000", "Trên 97% dân số tham gia bảo hiểm y tế",
     ("II. MỤC TIÊU", "2. Mục tiêu cụ thể", "2.1. Đến năm 2030", "b) Về giáo dục - đào tạo, y tế - dân số"), (41, 47)),
    ("000", "diện tích nhà ở bình quân đầu người đạt khoảng 33,2m² sàn/người",
     ("II. MỤC TIÊU", "2. Mục tiêu cụ thể", "2.1. Đến năm 2030", "c) Về nhà ở, nước sạch, vệ sinh môi trường"), (49, 53)),
    ("000", "Tăng cường vai trò, trách nhiệm của các cấp, các ngành, nhất là chính quyền",
     ("III. NHIỆM VỤ VÀ GIẢI PHÁP TRỌNG TÂM",
      "6. Nâng cao phúc lợi xã hội toàn dân, bảo đảm mọi người dân được tiếp cận, thụ hưởng các…", "6.5. Về nhà ở"),
     (123, 123)),
    ("001", "cấp trung học phổ thông và tương đương tối thiểu đạt 75%",
     ("II. MỤC TIÊU, CHỈ TIÊU", "2. Các chỉ tiêu chủ yếu đến năm 2030"), (39, 39)),
    ("001", "Phát triển đa dạng các loại hình nhà ở và cơ chế, chính sách mua, thuê, thuê mua nhà ở xã hội",
     ("III. NHIỆM VỤ VÀ GIẢI PHÁP CHỦ YẾU",
      "6. Nâng cao phúc lợi xã hội toàn dân, bảo đảm mọi người dân được tiếp cận, thụ hưởng các…", "Về nhà ở"),
     (84, 84)),
    ("001", "Ban Tuyên giáo Huyện ủy chủ trì",
     ("IV. TỔ CHỨC THỰC HIỆN", "4. Ban Tuyên giáo Huyện ủy chủ trì, phối hợp với các cơ quan có liên quan giúp Ban Thường vụ…"),
     (98, 98)),
    ("002", "30 giường bệnh viện/vạn dân", (UNTITLED, "2. Mục tiêu cụ thể năm 2030"), (17, 17)),
    ("002", "Thực hiện Chương trình số 99-CTr/TU, ngày 16 tháng 01 năm 2025", (PREAMBLE_TITLE,), (6, 6)),
    ("002", "gửi Sở Y tế trước ngày 25/11 hàng năm",
     (UNTITLED, "1. Giám đốc các sở, ban, ngành; Thủ trưởng các đơn vị, địa phương liên quan:"), (77, 81)),
    ("003", "Xây dựng khoảng 5.250 căn hộ nhà ở xã hội",
     ("II. MỤC TIÊU, CÁC CHỈ TIÊU CHỦ YẾU ĐẾN NĂM 2030, TÀM NHÌN ĐẾN NĂM 2045", "2. Các chỉ tiêu chủ yếu đến năm 2030"),
     (43, 45)),
    ("003", "Thực hiện Nghị quyết số 68/NQ-CP ngày 09/5/2024 của Chính phủ ban hành", (PREAMBLE_TITLE,), (11, 11)),
    ("003", "Nguồn kinh phí thực hiện Kế hoạch gồm lồng ghép",
     ("III. KINH PHÍ THỰC HIỆN",
      "1. Nguồn kinh phí thực hiện Kế hoạch gồm lồng ghép từ các chương trình, dự án, đề án, chương…"), (51, 53)),
    ("004", "phát triển nguồn học liệu số, học liệu điện tử, học liệu mở",
     ("II. NHIỆM VỤ VÀ GIẢI PHÁP",
      "3. Hoàn thiện hệ thống giáo dục quốc dân và phát triển thị trường lao động hiện đại và hội…",
      "3.1. Sở Giáo dục và Đào tạo"), None),
    ("004", "Triển khai thực hiện có hiệu quả Quyết định số 1983/QĐ-TTg ngày 24/11/2021",
     ("I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích"), (36, 42)),
    ("004", "Sở Lao động - Thương binh và Xã hội là cơ quan thường trực",
     ("IV. TỔ CHỨC THỰC HIỆN",
      "1. Sở Lao động - Thương binh và Xã hội là cơ quan thường trực, chủ trì triển khai, tổng hợp…"), (219, 221)),
]


@pytest.mark.parametrize("key, snippet, section, lines", KNOWN)
def test_known_passages(passages, key, snippet, section, lines):
    p = find(passages[key], snippet)
    assert p.section == section
    if lines is not None:
        assert (p.line_start, p.line_end) == lines


def test_every_passage_is_a_verbatim_slice_within_the_limit(docs, passages):
    for key, doc in docs.items():
        for p in passages[key]:
            assert doc.text[p.char_start:p.char_end] == p.text
            assert size(p.text) <= MAX_CHARS  # whitespace runs count once
            assert p.text.strip() == p.text and p.text
            assert p.line_start == doc.text.count("\n", 0, p.char_start) + 1
            assert p.line_end == doc.text.count("\n", 0, p.char_end) + 1


def test_passages_never_cross_a_section_boundary(docs, passages):
    # A passage may open with the heading lines of the sections right above its own when those
    # have no text of their own ("III. KINH PHÍ" / "1. Nguồn kinh phí ..."); nothing else.
    for key, doc in docs.items():
        sections = parse_sections(doc.text)

        def at(offset):
            return next(i for i, s in enumerate(sections) if s.lines[0].start <= offset <= s.lines[-1].end)
        for p in passages[key]:
            first, last = at(p.char_start), at(p.char_end - 1)
            for k in range(first, last):
                here, below = sections[k].path, sections[k + 1].path
                assert below[:len(here)] == here and len(below) > len(here), (key, p.line_start)
                others = [q for q in passages[key] if q is not p
                          and q.char_start < sections[k].lines[-1].end and q.char_end > sections[k].lines[0].start]
                assert not others, (key, p.line_start)


@pytest.mark.parametrize("key, absent", [
    ("000", ["Nơi nhận", "Lưu VT-LĐTĐTBXH", "Nguyễn Đình Toàn", "Số: /KH-UBND"]),
    ("001", ["ĐẢNG CỘNG SẢN VIỆT NAM", "(Dự thảo)"]),
    ("002", ["TM. ỦY BAN NHÂN", "Ý kiến bạn đọc", "hệ thống giới hạn tối đa 10 giây", "Số: 743/KH-UBND"]),
    ("003", ["Nơi nhận", "Lưu: VT, KGVX", "Tôn Thị Ngọc Hạnh", "PHÓ CHỦ TỊCH", "Số: **439**"]),
    ("004", ["Đăng nhập", "Đang tải văn bản", "DMCA", "Đầu Thanh Tùng", "Số hiệu: 06/KH-UBND", "KT. CHỦ TỊCH",
             "Văn bản này chưa cập nhật nội dung Tiếng Anh"]),
])
def test_header_signature_and_recipients_are_not_passages(passages, key, absent):
    for p in passages[key]:
        for phrase in absent:
            assert phrase not in p.text, (phrase, p.line_start)


def test_long_paragraph_is_split_at_sentence_boundaries(docs, passages):
    # 001 line 68 is one paragraph of about 1,600 characters: it must become two passages,
    # each ending at the end of a sentence.
    parts = [p for p in passages["001"] if p.line_start <= 68 <= p.line_end]
    assert len(parts) == 2
    assert parts[0].text.rstrip().endswith(".")
    assert parts[0].char_end <= parts[1].char_start


def test_hard_wrapped_lines_form_one_paragraph(docs):
    from indexer.structure.sections import paragraphs
    # 003: "cấp trung học cơ sở tối thiểu" / blank line / "đạt 97,5%, ..." is one sentence
    # broken across a page.
    doc = docs["003"]
    sec = next(s for s in parse_sections(doc.text) if s.lines[0].number == 35)
    spans = [(a.number, b.number) for a, b in paragraphs(sec)]
    assert (39, 41) in spans


@pytest.mark.parametrize("snippet, label", [
    ("30 giường bệnh viện/vạn dân", "II.2"),              # the copy lost "II." before it
    ("gửi Sở Y tế trước ngày 25/11 hàng năm", "IV.1"),    # and "IV."
])
def test_a_section_without_its_heading_is_cited_by_its_place(passages, snippet, label):
    # Gia Lai's copy lost its headings I., II. and IV.: an untitled top section is cited by its
    # place among the top sections ("III." is the third), never by a bare "mục 2".
    p = find(passages["002"], snippet)
    assert p.section[0] == UNTITLED
    assert p.citation == f"Kế hoạch số 743/KH-UBND ngày 28/3/2025 của UBND tỉnh Gia Lai, mục {label}"
