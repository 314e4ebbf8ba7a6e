"""Text lost or misread: a plan issued with a Quyết định (no "PHỤ LỤC" line) is read in its own
scheme, cited as the plan issued with the decision, and none of its text is lost; one stray
"Điều 5." line does not turn a plan into articles; "Điều 1000." is no article; a .txt with a
NUL byte is read, and UTF-16 text goes on past a NUL."""
from __future__ import annotations

import codecs
from pathlib import Path

from indexer.models import Document
from indexer.read.formats import read_text
from indexer.read.metadata import extract_metadata
from indexer.structure.passages import passages_for
from tests.paths import PLANS

DECISION = Path(__file__).with_name("decision_with_plan.txt")


def read(text: str, name: str = "doc.txt"):
    return passages_for(Document(name, text, extract_metadata(text), "x"))


def test_plan_issued_with_a_decision_keeps_every_line_and_its_own_citation():
    text = DECISION.read_text(encoding="utf-8")
    passages = read(text)
    plan_lines = [ln for ln in text[text.index("KẾ HOẠCH\n"):].splitlines() if ln.strip()]
    assert all(any(ln in p.text for p in passages) for ln in plan_lines)   # none in a passage before
    cited = {p.citation for p in passages}
    assert ("Kế hoạch ban hành kèm theo Quyết định số 12/QĐ-UBND ngày 5/3/2025 của UBND tỉnh Gia Lai, "
            "mục II.2") in cited
    assert "Điều 3 Quyết định số 12/QĐ-UBND ngày 5/3/2025 của UBND tỉnh Gia Lai" in cited
    six = next(p for p in passages if "6.361 căn hộ" in p.text)
    assert six.section[0].startswith("KẾ HOẠCH Thực hiện") and six.section[1:] == (
        "II. NHIỆM VỤ VÀ GIẢI PHÁP", "2. Nguồn vốn")


def test_a_plan_that_names_its_decision_under_its_own_title_is_not_an_attachment():
    text = DECISION.read_text(encoding="utf-8")
    plan = text[text.index("ỦY BAN NHÂN DÂN\nTỈNH GIA LAI\n\nKẾ HOẠCH"):]
    assert not any("kèm theo" in p.citation for p in read(plan))


def test_one_stray_article_line_does_not_turn_a_plan_into_articles():
    text = (PLANS / "002_3b6299c3ae673933.txt").read_text(encoding="utf-8")
    before = {p.citation for p in read(text)}
    lines = text.split("\n")
    at = next(i for i, ln in enumerate(lines) if ln.startswith("III.")) - 1
    stray = "\n".join(lines[:at] + ["Điều 5. Các sở, ngành tổ chức thực hiện."] + lines[at:])
    after = {p.citation for p in read(stray)}
    assert not any("Điều 5" in c for c in after)     # "khoản 4 Điều 5" for sections III-IV before
    assert after == before                          # 34 distinct citations fell to 10 before


def test_articles_need_at_most_three_digits():
    text = ("ỦY BAN NHÂN DÂN\nĐiều 1000. Dòng không phải điều\nSố: 12/KH-UBND\n"
            "Gia Lai, ngày 1 tháng 2 năm 2025\nKẾ HOẠCH\nThực hiện chính sách\nI. MỤC TIÊU\nNội dung.\n")
    meta = extract_metadata(text)
    assert (meta.number, meta.date) == ("12/KH-UBND", "2025-02-01")   # the header ended at "Điều 1000." before


PLAN_TEXT = "KẾ HOẠCH\nThực hiện chính sách\nI. MỤC TIÊU\nBảo đảm an sinh xã hội cho người dân.\n"


def test_a_txt_with_one_nul_byte_is_read(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(PLAN_TEXT.encode("utf-8").replace(b"an sinh", b"an\x00 sinh"))
    text = read_text(path)                      # refused whole as binary before
    assert "\x00" not in text and "Bảo đảm an sinh xã hội" in text


def test_utf16_text_goes_on_past_a_nul(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + PLAN_TEXT.replace("Bảo đảm", "Bảo\x00 đảm").encode("utf-16-le"))
    text = read_text(path)
    assert "\x00" not in text and text.endswith("cho người dân.\n")
    assert any("cho người dân" in p.text and "\x00" not in p.text for p in read(text))
