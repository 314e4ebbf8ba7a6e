"""Tìm câu chữ tương tự: a paragraph pasted from one plan finds itself first in that plan and a
passage on the same subject in the others; the word diff and its HTML."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.textnorm import normalize_for_matching
from search.similar import DiffSegment, diff_html, shared_ratio, similar_passages, word_diff

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def figsim_searcher_similar(tmp_path_factory):
    from search.engine import Searcher
    from tests.test_figures import build_figsim_index  # the same folder: built once per session

    return Searcher(build_figsim_index(tmp_path_factory))


def paragraph(doc: str, start: str) -> str:
    lines = (ROOT / "corpus" / doc).read_text(encoding="utf-8").splitlines()
    return next(line for line in lines if line.startswith(start))


# (plan the paragraph is copied from, its opening words, terms every other plan's closest passage
#  must contain at least one of: the subject of the paragraph)
PARAGRAPHS = [
    ("001_691f499dba4cfbd2.txt", "Quan tâm xây dựng nhà ở xã hội", ("nhà ở xã hội", "nhà tạm")),
    ("000_2cf1338897e214e5.txt", "- Trên 97% dân số tham gia bảo hiểm y tế", ("bảo hiểm y tế", "y tế")),
    ("001_691f499dba4cfbd2.txt", "Phát triển hệ thống các cơ sở giáo dục nghề nghiệp", ("đào tạo", "nghề", "nhân lực")),
    ("004_8a98bc04649426ef.txt", "- Tổ chức thực hiện đầy đủ kịp thời chính sách ưu đãi", ("người có công",)),
    ("003_52a6cda90ec74148.txt", "Tăng cường các hoạt động đẩy mạnh truyền thông về chuyển đổi số",
     ("chuyển đổi số",)),
]


@pytest.mark.slow
@pytest.mark.parametrize("doc,start,terms", PARAGRAPHS)
def test_pasted_paragraph_finds_itself_and_the_same_subject_elsewhere(figsim_searcher_similar, doc, start, terms):
    draft = paragraph(doc, start)
    result = similar_passages(figsim_searcher_similar, draft)
    by_doc = {p.doc: p for p in result.plans}
    assert len(by_doc) == 5
    own = by_doc[doc].passages[0]
    assert draft in own.hit.passage.text            # that very passage, first for its own plan
    assert own.shared_ratio == 1.0
    assert all(s.op != "delete" for s in own.diff)  # nothing of the draft is missing from it
    for other, plan in by_doc.items():
        if other == doc:
            continue
        assert plan.passages, f"{other}: nothing close"
        text = normalize_for_matching(plan.passages[0].hit.passage.text)
        assert any(t in text for t in terms), f"{other}: {text[:200]}"


def test_identical_texts_are_one_same_segment():
    text = "Phát triển hệ thống các cơ sở giáo dục nghề nghiệp đáp ứng yêu cầu."
    diff = word_diff(text, text)
    assert diff == (DiffSegment("same", text),)
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


def test_html_escapes_everything():
    diff = word_diff("chính sách <b>xã hội</b> & y tế", "chính sách xã hội & y tế")
    out = diff_html(diff)
    assert "<b>" not in out and "&lt;b&gt;xã" in out and "&amp;" in out
    assert out.startswith("chính sách <del>")
    assert diff_html((DiffSegment("insert", "<script>"),)) == "<ins>&lt;script&gt;</ins>"
    assert diff_html(()) == ""
