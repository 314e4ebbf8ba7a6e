"""Tìm câu chữ tương tự: a paragraph pasted from one plan finds itself first in that plan and a
passage on the same subject in the others; the word diff and its HTML."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.text import normalize_for_matching
from search.compare.similar import similar_passages
from tests.paths import PLANS

ROOT = Path(__file__).resolve().parents[2]


def paragraph(doc: str, start: str) -> str:
    lines = (PLANS / doc).read_text(encoding="utf-8").splitlines()
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
def test_pasted_paragraph_finds_itself_and_the_same_subject_elsewhere(searcher, doc, start, terms):
    draft = paragraph(doc, start)
    result = similar_passages(searcher, draft)
    by_doc = {p.doc: p for p in result.documents}
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










@pytest.mark.slow
@pytest.mark.parametrize("doc, start, _", PARAGRAPHS)
def test_plans_come_in_order_of_shared_wording(searcher, doc, start, _):
    result = similar_passages(searcher, paragraph(doc, start))
    best = [max((sp.shared_ratio for sp in p.passages), default=-1.0) for p in result.documents]
    assert best == sorted(best, reverse=True) and result.documents[0].doc == doc
