"""Tìm câu chữ tương tự: a paragraph pasted from one plan finds itself first in that plan and a
passage on the same subject in the others; the word diff and its HTML."""
from __future__ import annotations

from pathlib import Path


from search.compare.similar import DiffSegment, diff_html, shared_ratio, word_diff

ROOT = Path(__file__).resolve().parents[2]


def test_identical_texts_are_one_same_segment():
    text = "Phát triển hệ thống các cơ sở giáo dục nghề nghiệp đáp ứng yêu cầu."
    diff = word_diff(text, text)
    assert diff == (DiffSegment("same", text, text),)
    assert shared_ratio(diff) == 1.0


def test_an_edited_word_is_a_delete_then_an_insert():
    diff = word_diff("trên 92% dân số có thẻ bảo hiểm y tế", "trên 90% dân số có thẻ bảo hiểm y tế")
    assert [(s.op, s.text) for s in diff] == [("same", "trên"), ("delete", "92%"), ("insert", "90%"),
                                              ("same", "dân số có thẻ bảo hiểm y tế")]
    assert shared_ratio(diff) == 9 / 10


def test_words_only_in_one_text_and_case_or_tone_style_alone_are_not_differences():
    diff = word_diff("Xóa bỏ nhà tạm", "- xoá bỏ hoàn toàn nhà tạm")
    assert [(s.op, s.text) for s in diff] == [("insert", "-"), ("same", "xoá bỏ"), ("insert", "hoàn toàn"),
                                              ("same", "nhà tạm")]
    assert [(s.op, s.text) for s in word_diff("a b c", "a c")] == [("same", "a"), ("delete", "b"), ("same", "c")]


def test_the_draft_side_shows_the_draft_exactly_as_typed():
    """Shared wording is compared case and tone style aside; each side keeps its own spelling."""
    from search.compare.similar import diff_sides

    draft = "xóa bỏ nhà tạm nha dột nát cho hộ nghèo"
    passage = "- Xoá bỏ hoàn toàn nhà tạm, nhà dột nát cho hộ nghèo,"
    mine, theirs = diff_sides(word_diff(draft, passage))
    assert mine.replace("<del>", "").replace("</del>", "") == draft
    assert theirs.replace("<ins>", "").replace("</ins>", "") == passage


def test_html_escapes_everything():
    diff = word_diff("chính sách <b>xã hội</b> & y tế", "chính sách xã hội & y tế")
    out = diff_html(diff)
    assert "<b>" not in out and "&lt;b&gt;xã" in out and "&amp;" in out
    assert out.startswith("chính sách <del>")
    assert diff_html((DiffSegment("insert", "<script>"),)) == "<ins>&lt;script&gt;</ins>"
    assert diff_html(()) == ""
