"""Question scaffolding weighs nothing: one test per form users type (made-up questions, not
evaluation ones)."""
from __future__ import annotations

import pytest

from search.query import analyze_query
from search.question import question_content


@pytest.mark.parametrize("question, content", [
    # true / false items
    ("Người lao động được nghỉ phép năm 12 ngày, đúng hay sai?", "Người lao động được nghỉ phép năm 12 ngày?"),
    ("Hợp đồng thuê nhà phải có công chứng. Đúng hay sai?", "Hợp đồng thuê nhà phải có công chứng?"),
    ("Cơ sở lưu trú phải niêm yết giá, đúng hay không?", "Cơ sở lưu trú phải niêm yết giá?"),
    # what is
    ("Hội đồng thẩm định là gì?", "Hội đồng thẩm định?"),
    ("Hồ sơ xin cấp phép bao gồm những gì?", "Hồ sơ xin cấp phép bao gồm?"),
    # how
    ("Việc bàn giao tài sản được thực hiện như thế nào?", "Việc bàn giao tài sản được thực hiện?"),
    ("Thủ tục chuyển trường ra sao?", "Thủ tục chuyển trường?"),
    # may one … ?
    ("Người nước ngoài có được mua nhà ở không?", "Người nước ngoài được mua nhà ở?"),
    ("Doanh nghiệp có phải nộp báo cáo hằng năm không?", "Doanh nghiệp phải nộp báo cáo hằng năm?"),
    ("Thỏa thuận miệng có hiệu lực hay không?", "Thỏa thuận miệng có hiệu lực?"),
    # according to the rules
    ("Theo quy định của pháp luật, ai cấp giấy phép xây dựng?", "ai cấp giấy phép xây dựng?"),
    ("Mức phạt theo quy định hiện hành là bao nhiêu?", "Mức phạt?"),
    # which / when / how long / how many
    ("Hoạt động nào sau đây bị nghiêm cấm trong khu bảo tồn?", "Hoạt động sau đây bị nghiêm cấm trong khu bảo tồn?"),
    ("Thời hạn giải quyết hồ sơ là bao lâu?", "Thời hạn giải quyết hồ sơ?"),
    ("Có bao nhiêu loại giấy phép lái xe?", "loại giấy phép lái xe?"),
    ("Đâu không phải là quyền của người thuê nhà?", "không phải là quyền của người thuê nhà?"),
    # multiple-choice stems and their option letters
    ("Cơ quan cấp thẻ là cơ quan nào? Chọn câu trả lời đúng nhất.", "Cơ quan cấp thẻ là cơ quan."),
    ("Mức thuế suất áp dụng? A. 5% B. 10% C) 15% d) 20%", "Mức thuế suất áp dụng? 5% 10% 15% 20%"),
    # typed without diacritics
    ("hoi dong tham dinh la gi", "hoi dong tham dinh"),
    ("nguoi nuoc ngoai co duoc mua nha o khong", "nguoi nuoc ngoai duoc mua nha o"),
])
def test_scaffolding_is_dropped(question, content):
    assert question_content(question) == content


@pytest.mark.parametrize("text", [
    "nhà ở xã hội",
    "Điều kiện cấp giấy phép kinh doanh lữ hành quốc tế",
    "các trường hợp không được đăng ký",   # "không" inside a statement is content
    "ai cũng có quyền tự do đi lại",        # no question: only a sentence-start "ai" goes, a sentence stays
])
def test_content_is_kept(text):
    assert question_content(text).endswith(text.split(" ", 1)[1])


def test_a_question_made_only_of_scaffolding_is_searched_as_typed():
    assert question_content("Là gì?") == "Là gì?"
    assert question_content("Đúng hay sai?") == "Đúng hay sai?"


def test_lexical_tokens_leave_scaffolding_out_and_keep_the_question_text():
    vocab = {"hoi", "dong", "tham", "dinh", "la", "gi", "dung", "hay", "sai"}
    a = analyze_query("Hội đồng thẩm định là gì, đúng hay sai?", vocab)
    assert a.text == "Hội đồng thẩm định là gì, đúng hay sai?"
    assert a.ranked_text == "Hội đồng thẩm định?"
    for token in ("gì", "sai", "đúng", "là~gì", "hay~sai"):
        assert token not in a.words
    for token in ("gi", "sai", "dung", "la_gi"):
        assert token not in a.folded
    assert "thẩm_định" in a.words or "thẩm" in a.words
    plain = analyze_query("nhà ở xã hội", vocab | {"nha", "o", "xa"})
    assert plain.content == "" and plain.ranked_text == "nhà ở xã hội"
