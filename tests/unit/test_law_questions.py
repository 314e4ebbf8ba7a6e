"""Questions about laws, on two invented laws (fake embedder, so only the lexical side and the
rules decide): a question that names a law of the index is answered from that law only; one
that names a law the index does not hold, or that a filter excludes, is answered from all."""
from __future__ import annotations

from pathlib import Path

import pytest

from indexer.index.build import build_index
from search.engine import Searcher
from search.query import Filters

HEADER = """\
QUỐC HỘI
--------
Luật số: {number}

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------

LUẬT
{title}

Chương I
NHỮNG QUY ĐỊNH CHUNG

"""
BEES = HEADER.format(number="12/2030/QH15", title="NUÔI ONG") + """\
Điều 1. Phạm vi điều chỉnh
Luật này quy định về nuôi ong mật trong vườn nhà.

Điều 2. Đăng ký trại ong
Người nuôi ong đăng ký trại ong với Ủy ban nhân dân cấp xã.

Điều 3. Chăm sóc đàn ong
1. Người nuôi ong bảo đảm nguồn hoa quanh tổ trong suốt mùa hoa.
2. Khi thiếu hoa, người nuôi ong được cho ong ăn nước đường pha loãng.
"""
FISH = HEADER.format(number="13/2030/QH15", title="NUÔI CÁ") + """\
Điều 1. Phạm vi điều chỉnh
Luật này quy định về nuôi cá trong ao.

Điều 2. Đăng ký trại cá
Người nuôi cá đăng ký trại cá, ao cá, lồng cá, giống cá và trại giống cá với Ủy ban nhân dân cấp xã
nơi có trại cá trong thời hạn mười ngày làm việc kể từ ngày có trại cá.
"""


@pytest.fixture(scope="module")
def searcher(tmp_path_factory) -> Searcher:
    from tests.fakes import FakeEmbedder

    root = tmp_path_factory.mktemp("laws")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "luat-nuoi-ong.txt").write_text(BEES, encoding="utf-8")
    (corpus / "luat-nuoi-ca.txt").write_text(FISH, encoding="utf-8")
    build_index(corpus, root / "index", FakeEmbedder())
    return Searcher(root / "index", embedder=FakeEmbedder())


def docs(result) -> set[str]:
    return {h.passage.doc for h in result.hits}


def test_a_question_naming_a_law_of_the_index_is_answered_from_that_law(searcher):
    question = "Theo Luật Nuôi ong, đăng ký trại cá ở đâu?"
    assert docs(searcher.search(question)) == {"luat-nuoi-ong.txt"}
    assert docs(searcher.search("theo luat nuoi ong, dang ky trai ca o dau")) == {"luat-nuoi-ong.txt"}


def test_a_question_naming_no_law_of_the_index_searches_every_law(searcher):
    assert docs(searcher.search("Đăng ký trại cá ở đâu?")) == {"luat-nuoi-ong.txt", "luat-nuoi-ca.txt"}
    assert "luat-nuoi-ca.txt" in docs(searcher.search("Theo Luật Nuôi gà, đăng ký trại cá ở đâu?"))


def test_a_filter_that_excludes_the_named_law_keeps_its_own_documents(searcher):
    only_fish = Filters(documents=("luat-nuoi-ca.txt",))
    assert docs(searcher.search("Theo Luật Nuôi ong, đăng ký trại ở đâu?", filters=only_fish)) == {
        "luat-nuoi-ca.txt"}
    # the per-document view still lists every document the filters let through
    result = searcher.search("Theo Luật Nuôi ong, đăng ký trại ở đâu?")
    assert {g.doc for g in result.groups} == {"luat-nuoi-ong.txt", "luat-nuoi-ca.txt"}


def test_every_piece_of_an_article_carries_its_title_in_the_lexical_fields():
    from indexer.index.lexical import TITLE_BOOST, article_title, passage_tokens
    from indexer.milvus.rows import decode_token, passage_row
    from indexer.models import DocumentMetadata, Passage

    piece = Passage(doc="luat.txt", text="2. Khi thiếu hoa, cho ăn nước đường.",
                    section=("Chương II. CHĂM SÓC", "Điều 3. Chăm sóc đàn ong"), section_numbers=("II", "3"),
                    line_start=9, line_end=9, char_start=300, char_end=336)
    assert article_title(piece) == "Chăm sóc đàn ong"
    words = passage_tokens(piece, "words")
    assert words.count("đàn") == TITLE_BOOST >= 1
    assert passage_tokens(piece, "folded").count("dan_ong") == TITLE_BOOST
    assert "đàn" not in passage_tokens(piece, "words", title_boost=0)
    plan = Passage(doc="kh.txt", text="Hỗ trợ nhà ở.", section=("II. NHIỆM VỤ",), section_numbers=("II",),
                   line_start=1, line_end=1, char_start=0, char_end=13)
    assert article_title(plan) == "" and passage_tokens(plan, "words") == passage_tokens(plan, "words", 0)
    # the Milvus rows index exactly the same tokens
    row = passage_row(piece, DocumentMetadata())
    assert tuple(decode_token(t) for t in row.words.split()) == words
