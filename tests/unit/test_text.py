"""The shared text pipeline: normalisation, accent folding, boilerplate, document numbers."""
import pytest

from indexer.text import document_numbers, folded_syllables, folded_tokens, ngrams, word_tokens
from indexer.text import (fold_accents, has_diacritics, is_blank_line, is_boilerplate_line,
                              normalize_for_matching)
from search.phrases import phrase_coverage, phrase_ranking
from search.query import analyze_query


@pytest.mark.parametrize("a, b", [
    ("hoá học", "hóa học"), ("Thuỷ lợi", "thủy lợi"), ("HOÀ BÌNH", "hòa bình"),
    ("**Về văn hoá:**", "về văn hóa:"), ("Số: 743/KH-UBND |", "số: 743/kh-ubnd"),
    ("quý   khách\n", "quý khách"), ("33,2m² sàn", "33,2m2 sàn"),
    ("tỉ lệ", "tỷ lệ"), ("bác sỹ", "bác sĩ"), ("kỹ thuật", "kĩ thuật"), ("Mỹ", "mĩ"),
])
def test_normalisation_makes_spellings_equal(a, b):
    assert normalize_for_matching(a) == normalize_for_matching(b)


def test_tone_rule_leaves_other_vowel_clusters_alone():
    # "uy" inside a longer syllable and "qu" + "ý" are not the old/new placement pair
    assert normalize_for_matching("thuyền quý khuya thủy") == "thuyền quý khuya thủy"
    assert normalize_for_matching("yêu cầu, y tế") == "yêu cầu, y tế"


def test_folding():
    assert fold_accents("Nghị định số 20/2021/NĐ-CP về nhà ở") == "Nghi dinh so 20/2021/ND-CP ve nha o"
    assert not has_diacritics("nha o xa hoi") and has_diacritics("nhà ở")


@pytest.mark.parametrize("line", [
    "Đăng nhập", "Đang tải văn bản...", "Bạn Chưa Đăng Nhập Thành Viên!", "DMCA.com Protection Status",
    "IP: 18.219.176.215", "Ý kiến bạn đọc", "Nhấp vào nút tại mỗi ô tìm kiếm.", "3.710",
    "Văn bản này chưa cập nhật nội dung Tiếng Anh",
])
def test_portal_boilerplate_lines(line):
    assert is_boilerplate_line(line)


@pytest.mark.parametrize("line", [
    "Đăng ký hộ khẩu cho người lao động di cư", "1. Mục đích", "- Xây dựng 3.700 căn hộ nhà ở xã hội",
])
def test_document_lines_are_not_boilerplate(line):
    assert not is_boilerplate_line(line)


def test_blank_lines():
    assert is_blank_line("  |  ") and is_blank_line("-----") and is_blank_line("**")
    assert not is_blank_line("I.")


def test_document_numbers_are_canonical():
    assert document_numbers("Nghị quyết số 42-NQ/TW và Nghị quyết 42/NQ-TW") == ("42/NQ/TW",)
    assert document_numbers("Nghị định 20/2021/NĐ-CP") == ("20/2021/ND/CP",)
    assert document_numbers("Quyết định số 1983/QĐ-TTg, Chương trình 99-CTr/TU") == ("1983/QD/TTG", "99/CTR/TU")
    assert document_numbers("/QĐ-") == () and document_numbers("ngày 24/11/2023") == ()


def test_query_and_passage_share_one_pipeline():
    passage = "Xây dựng khoảng 5.250 căn hộ nhà ở xã hội cho người thu nhập thấp"
    query = "nhà ở xã hội"
    assert set(word_tokens(query)) <= set(word_tokens(passage))
    assert set(folded_tokens("nha o xa hoi")) <= set(folded_tokens(passage))
    assert analyze_query(query, frozenset()).words == word_tokens(query)


def test_phrase_coverage():
    q = ngrams(folded_syllables("phát triển con người toàn diện"))
    assert phrase_coverage(q, "xây dựng gia đình, phát triển con người toàn diện, hạnh phúc") == 1.0
    assert phrase_coverage(q, "con người là trung tâm của mọi chính sách") == 0.0
    assert phrase_ranking("nhân rộng mô hình tốt", {1: "mô hình tốt được nhân rộng", 2: "nhân rộng mô hình tốt, cách làm hay", 3: "tốt"}) == [2, 1]


def test_phrase_ranking_keeps_the_keyword_order_among_equal_shares():
    # 9 and 4 keep the same share of the query; the caller lists 9 first (its keyword rank is
    # better), so 9 stays first whatever the ids; the passage keeping more of the phrase leads.
    query = "xây dựng nhà ở xã hội cho công nhân"
    candidates = {9: "phát triển nhà ở xã hội tại đô thị", 4: "xây dựng nhà ở cho người nghèo", 7: "xây dựng nhà ở xã hội cho công nhân"}
    assert phrase_ranking(query, candidates) == [7, 9, 4]
    reordered = {4: candidates[4], 9: candidates[9], 7: candidates[7]}
    assert phrase_ranking(query, reordered) == [7, 4, 9]
