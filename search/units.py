"""Legal documents as users search them: the article is the unit of an answer, and a question
that names a law ("theo quy định của Luật Du lịch…") points at that law.

- one_per_article: a long article is cut into pieces (khoản, điểm); a ranked list keeps the
  best piece of each article, so that ten results are ten articles, not four pieces of one.
  Passages outside any article (a plan's sections, preambles) are units of their own.
- named_documents: the documents of the index a query names by their title ("Luật Du lịch",
  "Hiến pháp"), compared as accent-folded syllables; the Searcher searches only them. Documents
  cited by number are found by the document-number rule instead.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from indexer.index.lexical import article_title
from indexer.models import DocumentMetadata, Passage
from indexer.structure.headings import ARTICLE_RE
from indexer.text import STOPWORDS, fold_accents, folded_syllables

# document types that are named by their title rather than by a number
TITLED_TYPES = ("Hiến pháp", "Bộ luật", "Luật", "Pháp lệnh")
TITLE_WEIGHT = 0.5       # the articles a query names by their title: one more ranked list, at half weight (README)
MIN_TITLE_SYLLABLES = 2  # a one-syllable title ("Phí") names nothing by itself
_FOLDED_STOPWORDS = frozenset(fold_accents(w) for w in STOPWORDS)


def article_key(passage: Passage) -> tuple | None:
    """(document, heading path down to the article) of a passage inside an article, else None."""
    for depth, title in enumerate(passage.section, 1):
        if ARTICLE_RE.match(title):
            return passage.doc, passage.section[:depth]
    return None


def one_per_article(fused: Sequence[tuple[int, float]], passages: Sequence[Passage]) -> list[tuple[int, float]]:
    """The ranked list with only the best-ranked piece of each article."""
    seen: set[tuple] = set()
    out = []
    for i, score in fused:
        key = article_key(passages[i])
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        out.append((i, score))
    return out


def document_names(documents: Mapping[str, DocumentMetadata]) -> dict[str, tuple[str, ...]]:
    """doc -> the folded syllables of the name a user types for it ("luat", "du", "lich")."""
    out = {}
    for doc, meta in documents.items():
        if meta.doc_type in TITLED_TYPES:
            name = folded_syllables(f"{meta.doc_type} {meta.title}")
            if len(name) >= 2:
                out[doc] = tuple(name)
    return out


def named_documents(query: str, names: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """The documents whose whole name occurs in the query, as consecutive folded syllables."""
    said = folded_syllables(query)
    found = []
    for doc, name in names.items():
        n = len(name)
        if any(tuple(said[i:i + n]) == name for i in range(len(said) - n + 1)):
            found.append(doc)
    return tuple(found)


def article_titles(passages: Sequence[Passage]) -> tuple[frozenset[str] | None, ...]:
    """Per row: the accent-folded content syllables of its article's title, None outside an
    article or for a title of fewer than MIN_TITLE_SYLLABLES."""
    out = []
    for p in passages:
        words = frozenset(folded_syllables(article_title(p))) - _FOLDED_STOPWORDS
        out.append(words if len(words) >= MIN_TITLE_SYLLABLES else None)
    return tuple(out)


def titled_ranking(query: str, fused: Sequence[tuple[int, float]],
                   titles: Sequence[frozenset[str] | None]) -> list[int]:
    """The fused candidates whose article title the query holds whole (every content syllable of
    "Cấp giấy phép khai thác tổ yến" in "Cơ quan nào cấp giấy phép khai thác tổ yến?"),
    best first (a ranked list)."""
    said = frozenset(folded_syllables(query))
    return [i for i, _ in fused if titles[i] is not None and titles[i] <= said]

