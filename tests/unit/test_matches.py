"""Whole words, phrases and document numbers of a query found in a passage (search/phrases.py),
and the page's highlighting built on them (search/page/highlight.py)."""
import pytest

from search.page.highlight import highlight_query
from search.phrases import covers_query, matched_terms
from search.query import analyze_query

VOCAB = {"nha", "o", "xa", "hoi", "ti", "le", "lao", "dong", "qua", "dao", "tao", "cap", "can", "ho"}
TEXT = ("Đề nghị các xã thực hiện Nghị định 20/2021/NĐ-CP và quyết định của tỉnh; Nhà nước quy định "
        "chính sách nhà ở xã hội cho công nhân. Xây dựng nhà ở cho người nghèo.")


def terms(query: str, text: str = TEXT) -> tuple[str, ...]:
    return matched_terms(text, analyze_query(query, VOCAB))


def test_a_document_number_is_matched_whole_and_no_syllable_of_its_words_alone():
    found = terms("Nghị định 20/2021/NĐ-CP")
    assert "20/2021/NĐ-CP" in found
    assert "Nghị định" in found                       # the whole word of the query
    assert not {"nghị", "định", "Đề nghị", "quy định", "quyết định"} & {t.lower() for t in found} - {"nghị định"}


def test_a_syllable_inside_another_word_is_no_match():
    found = terms("nhà ở xã hội")
    assert found == ("nhà ở xã hội", "nhà ở")         # not "Nhà" of "Nhà nước", not "xã" of "các xã"


def test_an_accent_free_query_matches_the_accented_phrase():
    assert terms("nha o xa hoi") == ("nhà ở xã hội", "nhà ở")


def test_a_single_word_query_matches_that_word():
    assert terms("xã") == ("xã",)


def test_covers_query_needs_every_content_word():
    a = analyze_query("nhà ở công nhân", VOCAB)
    assert covers_query(TEXT, a)
    assert not covers_query("Xây dựng nhà ở cho người nghèo.", a)


def test_highlighting_escapes_and_marks_whole_phrases():
    a = analyze_query("nhà ở xã hội", VOCAB)
    out = highlight_query("<b>Nhà nước</b> & nhà ở xã hội", a)
    assert out == "&lt;b&gt;Nhà nước&lt;/b&gt; &amp; <mark>nhà ở xã hội</mark>"


@pytest.mark.parametrize("query", ["<script>", "nhà ở <img src=x onerror=alert(1)>"])
def test_highlighting_never_passes_markup(query):
    out = highlight_query("nhà ở <img src=x onerror=alert(1)> <script>", analyze_query(query, VOCAB))
    assert "<img" not in out and "<script" not in out


def test_an_accented_word_that_folds_to_a_stopword_still_counts():
    # "cô" folds to "co" (the stopword "có"): only a query typed without diacritics loses it
    assert terms("bà cô", "Ông bà, cô chú.") == ()                  # two content words, neither alone
    assert terms("cô", "Ông bà, cô chú.") == ("cô",)                # the one content word of the query
    assert covers_query("Thăm bà cô.", analyze_query("bà cô", VOCAB))
