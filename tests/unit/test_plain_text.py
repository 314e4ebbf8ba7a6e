"""The source's markdown and LaTeX shown as the plain text they stand for (issue #26), on the page,
in what a copy button copies and in the CSV; the CSV writes shortened headings whole."""
from __future__ import annotations

from indexer.models import Passage
from search.page.export import full_heading
from search.page.highlight import highlight_query
from search.page.plain import plain_text
from search.query import analyze_query


def test_markdown_and_latex_become_plain_text():
    assert plain_text("6.5. *Về nhà ở:* Tăng cường") == "6.5. Về nhà ở: Tăng cường"
    assert plain_text("đạt khoảng $30m^2$ sàn/người") == "đạt khoảng 30m² sàn/người"
    assert plain_text("Số: **439**/KH-UBND") == "Số: 439/KH-UBND"
    assert plain_text("**TM. ỦY BAN NHÂN DÂN\nPHÓ CHỦ TỊCH**") == "TM. ỦY BAN NHÂN DÂN\nPHÓ CHỦ TỊCH"
    assert plain_text("$10^{3}$ người, 5\\% hộ") == "10³ người, 5% hộ"


def test_what_is_not_markup_stays():
    for text in ("a * b * c", "5*3*2 = 30", "giá 5$ một ngày", "ngày 28/3/2025 …", "tỷ lệ 2,5%"):
        assert plain_text(text) == text


def test_highlighting_works_on_the_plain_text():
    shown = highlight_query("6.5. *Về nhà ở:* xây dựng nhà ở xã hội", analyze_query("nhà ở xã hội", frozenset()))
    assert "*" not in shown and "<mark>nhà ở xã hội</mark>" in shown and shown.startswith("6.5. Về ")


def test_a_shortened_heading_is_written_whole_from_its_document():
    doc = (Passage("a.txt", "6. Nâng cao phúc lợi xã hội toàn dân, bảo đảm mọi người dân được tiếp cận:\n6.1. Về y tế",
                   (), (), 1, 2, 0, 90),)
    assert full_heading("6. Nâng cao phúc lợi xã hội toàn dân…", doc) == \
        "6. Nâng cao phúc lợi xã hội toàn dân, bảo đảm mọi người dân được tiếp cận"
    assert full_heading("7. Không có trong văn bản…", doc) == "7. Không có trong văn bản…"
    assert full_heading("6.1. Về y tế", doc) == "6.1. Về y tế"
